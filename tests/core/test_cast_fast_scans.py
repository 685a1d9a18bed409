"""The scans that find a pattern's matches another way, for speed, find exactly what the
pattern finds (bot/core/characters/patterns.py, paragraph.py, unnamed.py, facts.py,
evidence.py): on the seeds, the hard cases and the random text of test_cast_patterns, and
on cases written for their edges. A test that skips a pattern where a cheaper test says
it cannot match checks that it never matches there."""

from __future__ import annotations

import random

from bot.core.characters.evidence import _DISTRICT_INITIALS
from bot.core.characters.facts import (
    _COMMA_SHE_HE_RE,
    _may_end_born_in,
    as_a_before_comma,
    ends_born_in,
    ends_leaving,
)
from bot.core.characters.gender_cues import narration_gender
from bot.core.characters.paragraph import (
    Paragraph,
    fast_sentence_ends,
    previous_words,
    quote_spans,
)
from bot.core.characters.patterns import (
    AS_A_PRONOUN_RE,
    AS_A_RE,
    BORN_RE,
    COORDINATED_START_RE,
    DISTRICT_AFTER_RE,
    IS_A_RE,
    IS_A_WORDS,
    LEAVE_RE,
    PLAIN_WORD_RE,
    PRONOUN_IS_A_RE,
    PRONOUN_RE,
    RELATION_AFTER_RE,
    coordinated_starts,
    next_word_may_be,
)
from bot.core.characters.tokens import matches_at
from bot.core.characters.unnamed import (
    _DESCRIBED_RE,
    _KIN_RE,
    _OTHER_SPACES,
    _most_words,
    described_matches,
    kin_matches,
)
from bot.core.models import Passage
from bot.core.sentences import sentence_ends
from tests.core.test_cast_patterns import TEXTS

EDGES = [
    "a gentle, untidy man",
    "An old, kind woman; xan odd, thing; the a, b",
    "Their  tired,\tslow walk, his ﬁne, odd hat, her-own, way",
    "the café-owner’s, quiet son, THE big, dog, The Big, dog",
    ", a",
    "a b,",
    "Her x_y, z and the ü, a",
]


def test_coordinated_starts_are_the_pattern_matches():
    for text in [*EDGES, *TEXTS]:
        expected = [(m.group(1), m.end(1)) for m in COORDINATED_START_RE.finditer(text)]
        assert coordinated_starts(text) == expected, text


def test_a_paragraph_with_as_a_she_has_the_comma_and_pronoun_it_is_found_by():
    texts = [*EDGES, "As a child, she ran", "as an old man,he", "As a boy,she", *TEXTS]
    for text in texts:
        if AS_A_PRONOUN_RE.search(text):
            assert _COMMA_SHE_HE_RE.search(text), text


def test_a_paragraphs_pronouns_in_a_range_are_what_a_scan_of_that_range_finds():
    chance = random.Random(4)
    texts = ["she shelter, He hers his him; HİM ſhe her.", "he", "xhe she", *TEXTS[:1500]]
    for text in texts:
        paragraph = Paragraph(Passage(1, text, 0, len(text)), [])
        bounds = {(0, len(text)), (0, len(text) + 5), (4, 2), (0, 7), (1, 6)}
        for _ in range(6):
            one, other = chance.randint(0, len(text)), chance.randint(0, len(text))
            bounds.add((min(one, other), max(one, other)))
        for start, end in [(0, None), *bounds]:
            expected = PRONOUN_RE.finditer(text, start, len(text) if end is None else end)
            got = paragraph.pronouns(start, end)
            assert [m.span() for m in got] == [m.span() for m in expected], (text, start, end)


def test_described_matches_are_the_pattern_matches_in_each_text():
    texts = [
        *EDGES,
        "the old man said; Tom's son; x-Tom's little old man; O'Brien's wife came",
        "(the  man, the\tman, É's man, My uncle, Our guests' hats, Ann's's maid",
        "the",
        "",
        "his son Herbert, Their wife, Anna; Tom's uncle Bob; my  old aunt,\tMay; other son Al",
        *TEXTS,
    ]
    expected = [[(m.span(), m.groups()) for m in _DESCRIBED_RE.finditer(t)] for t in texts]
    found = [[(m.span(), m.groups()) for m in ms] for ms in described_matches(_read(texts))]
    assert found == expected


def test_kin_matches_are_the_pattern_matches_in_each_paragraph():
    texts = [
        *EDGES,
        "his son Herbert, Their wife, Anna; Tom's uncle Bob; my  old aunt,\tMay; other son Al",
        "this son Al; HİS son Al; hIs son Al; x'his son Al; Mr. White's son Herbert's wife Mary",
        "their\nson Tom, My sister\u00a0Jo, O'Brien’s brother Sean, (her daughter Ann)",
        "",
        *TEXTS,
    ]
    expected = [[(m.span(), m.groups()) for m in _KIN_RE.finditer(t)] for t in texts]
    found = kin_matches(_read(texts))
    assert [[(m.span(), m.groups()) for m in ms] for ms in found] == expected


# Random text around the words the cheap tests look for.
_PIECES = [
    *"aAbBnNeEfFmMdDqQ'’-_1.,:;!?…—–\"”)]\n\t ",
    " ", "\u00a0", "\u2028", "born in ", "grew up in ", "native of ", "came from the ",
    "Born In ", "fled ", "was ", "is ", "became ", "had become ", "Was ", " and ", ",and ",
    "his ", "her ", "sister ", "district ", "Quarter ", "neighbourhood ", "a ", "an ",
    "painter ", "woman ", "the ", "Mr. ", "J. ", "approx. ", "No. ", "5 ", "e.g. ", "Anna ",
    "she ", "He ", "ſhe ", "HİS ", "As ", "x ",
]  # fmt: skip


def _random_texts(count: int, seed: int) -> list[str]:
    chance = random.Random(seed)
    return [
        "".join(chance.choice(_PIECES) for _ in range(chance.randint(0, 16))) for _ in range(count)
    ]


def test_sentence_ends_are_those_of_the_sentence_splitter():
    for text in [*EDGES, *TEXTS, *_random_texts(6000, 1)]:
        assert fast_sentence_ends(text) == sentence_ends(text), text


def _plain_previous_words(before: str, limit: int) -> list[str]:
    if not before or not before[-1].isspace():
        return []
    words: list[str] = []
    for token in reversed(before.split()[-limit:]):
        if not PLAIN_WORD_RE.fullmatch(token):
            break
        words.append(token.lower())
    return words[::-1]


def test_previous_words_are_the_plain_split_of_the_text_before():
    for text in [*EDGES, *TEXTS[:1500], *_random_texts(4000, 2)]:
        for end in range(0, len(text) + 1, 3):
            for limit in (1, 3):
                assert previous_words(text[:end], limit) == _plain_previous_words(
                    text[:end], limit
                ), (text[:end], limit)


def test_the_patterns_after_a_name_match_only_where_the_next_word_may_start_them():
    for text in [*TEXTS[:1500], *_random_texts(6000, 3)]:
        for start in range(len(text)):
            after = text[start : start + 80]
            if IS_A_RE.match(after):
                assert next_word_may_be(after, IS_A_WORDS), after
            if RELATION_AFTER_RE.match(after):
                assert next_word_may_be(after.removeprefix(","), "and"), after
            if DISTRICT_AFTER_RE.match(after):
                assert next_word_may_be(after, _DISTRICT_INITIALS), after


def test_born_in_is_searched_only_where_the_text_before_may_end_with_it():
    found = 0
    for text in [*TEXTS[:1500], *_random_texts(8000, 4)]:
        for end in range(len(text) + 1):
            before = text[max(0, end - 40) : end]
            if BORN_RE.search(before):
                found += 1
                assert _may_end_born_in(before), before
    assert found  # the random text does say "born in" somewhere


def _ending_texts() -> list[str]:
    """Every word of BORN_RE and LEAVE_RE in three cases (and with "ſ", "İ", "K"), after
    and before every kind of space and the words that may stand between them."""
    words = """born in grew up grown raised native of came comes come hailed hails emigrated
    immigrated originally from the leave left leaving fled flee fleeing escaped escaping
    her his their home""".split()
    spellings = [*words, *(w.upper() for w in words), *(w.title() for w in words)]
    spellings += ["ſcaped", "İn", "nİn", "hiſ", "reborn", "Kame"]
    chance = random.Random(5)
    texts = []
    for _ in range(20000):
        pieces = [chance.choice(spellings) for _ in range(chance.randint(1, 4))]
        gaps = [chance.choice([" ", "  ", "\t", "\n", "\u00a0", "", ",", "x"]) for _ in pieces]
        texts.append("".join(p + g for p, g in zip(pieces, gaps, strict=True)))
    return texts


def test_born_in_and_leaving_read_backwards_are_the_patterns():
    found = 0
    for text in [*_ending_texts(), *TEXTS[:800], *_random_texts(3000, 6)]:
        for end in range(max(0, len(text) - 40), len(text) + 1):
            before = text[max(0, end - 40) : end]
            born, leaving = bool(BORN_RE.search(before)), bool(LEAVE_RE.search(before))
            assert ends_born_in(before) == born, before
            assert ends_leaving(before) == leaving, before
            found += born + leaving
    assert found > 1000


def test_she_was_a_is_found_from_the_paragraphs_pronouns():
    texts = [*EDGES, "She was a painter. he is an old man, and ſhe became a nurse", *TEXTS]
    for text in texts:
        paragraph = Paragraph(Passage(1, text, 0, len(text)), quote_spans(text))
        starts = [m.start() for m in paragraph.pronouns()]
        found = matches_at(PRONOUN_IS_A_RE, paragraph.np_text, starts)
        expected = list(PRONOUN_IS_A_RE.finditer(paragraph.np_text))
        assert [(m.span(), m.groups()) for m in found] == [
            (m.span(), m.groups()) for m in expected
        ], text


def test_as_a_is_searched_from_the_last_mark_before_the_comma():
    """The text before a name that ends with ", ", cut from every kind of text: the
    shortened search finds what AS_A_RE.search finds, span and group."""
    texts = [
        "As a brilliant mathematician, ",
        "as an  old man (and a fool), ",
        "Was a x, as a\tpainter, ",
        "“As a child”, as a boy: As a rule, ",
        "alias a b, ",
        "As a—, ",
        *TEXTS[:1500],
        *_random_texts(4000, 7),
        *_as_a_texts(),
    ]
    found = 0
    for text in texts:
        for end in range(len(text) + 1):
            before = text[max(0, end - 160) : end]
            if not before.endswith(", "):
                continue
            expected = AS_A_RE.search(before)
            got = as_a_before_comma(before)
            assert (got and (got.span(), got.groups())) == (
                expected and (expected.span(), expected.groups())
            ), before
            found += expected is not None
    assert found >= 200


def _as_a_texts() -> list[str]:
    pieces = ["As ", "as ", "a ", "an ", "A ", "old ", "man", ", ", ";", "(", ")", "—", "\t", "was"]
    chance = random.Random(8)
    return ["".join(chance.choices(pieces, k=chance.randint(3, 12))) + ", " for _ in range(6000)]


def _read(texts: list[str]) -> list[Paragraph]:
    return [Paragraph(Passage(n, t, 0, len(t)), quote_spans(t)) for n, t in enumerate(texts, 1)]


def test_the_words_a_paragraph_can_hold_are_never_fewer_than_it_has():
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    chance = random.Random(9)
    texts = [*TEXTS, *_random_texts(3000, 10), "", " ", "a", "a b", " a  b ", "\u00a0a\u2003b"]
    texts += ["".join(chance.choice(["ab", "c", *spaces]) for _ in range(12)) for _ in range(3000)]
    for text in texts:
        assert _most_words([text]) >= len(text.split()), text
    for _ in range(2000):
        story = chance.sample(texts, chance.randint(1, 5))
        assert _most_words(story) >= sum(len(text.split()) for text in story), story
    assert set(_OTHER_SPACES) == set(spaces) - {" "}


def test_the_narration_s_gender_counts_what_the_pronoun_scan_finds_outside_quotes():
    chance = random.Random(9)
    texts = ["she shelter, He hers his him; HİM ſhe her.", '"She said," he said. She ran.']
    texts += TEXTS[:800]
    for text in texts:
        quotes = quote_spans(text)
        paragraph = Paragraph(Passage(1, text, 0, len(text)), quotes)
        counted = {"f": 0, "m": 0}
        for match in PRONOUN_RE.finditer(text):
            if not paragraph.quoted(match.start()):
                word = match.group().lower().replace("ſ", "s")
                counted["f" if word.startswith("s") or word == "her" else "m"] += 1
        # Stories of many paragraphs, so the counts reach the threshold both ways.
        many = dict.fromkeys(range(chance.randint(1, 12)), paragraph)
        expected_f, expected_m = counted["f"] * len(many), counted["m"] * len(many)
        top, other = ("f", expected_m) if expected_f >= expected_m else ("m", expected_f)
        most = max(expected_f, expected_m)
        expected = top if most >= 10 and most >= 2 * other else None
        assert narration_gender(many) == expected, text
