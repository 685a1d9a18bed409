"""The paragraph's words found another way, for speed (bot/core/characters/tokens.py),
are exactly what the plain scans find: on the seeds, the hard cases, the random text of
test_cast_patterns and cases written for their edges."""

from __future__ import annotations

import bisect
import itertools
import random
import re
from pathlib import Path

from bot.core.characters import scan
from bot.core.characters import vocabulary as vocabulary_module
from bot.core.characters.paragraph import (
    Paragraph,
    _may_be_abbreviation,
    bisect_left,
    quote_spans,
)
from bot.core.characters.patterns import (
    CLOSING_QUOTES,
    COORDINATED_START_RE,
    OPENING_QUOTES,
    PRONOUN_RE,
    QUOTE_MARK_RE,
    WORD_RE,
    coordinated_starts,
)
from bot.core.characters.phrases import _GAP_RE, NEVER_NAMES, _elided_words, is_capitalised
from bot.core.characters.tokens import (
    capitalised_words,
    has_astral,
    literal_starts,
    pronoun_matches,
    space_at,
    starts_word,
    word_char_at,
)
from bot.core.lexicon import NATIONALITIES
from bot.core.models import Passage
from bot.core.parsing import parse_story
from bot.core.sentences import is_abbreviation
from tests.core.test_cast_patterns import TEXTS

PRONOUN_EDGES = [
    "he", "She", "ſhe", "sHE", "HİM", "hıs", "x she", "xshe", "_he", "3he", "he3", "he_",
    "h", "s", "sh", "she's", "O'her", "Anne-he", "shhe", "the he", "her his him",
    "HE-SHE", "ſ", "she\nhe", "Heh", "hers", "himself", " s he ", "ſHe", "Ihe",
]  # fmt: skip


def test_pronoun_matches_are_the_pattern_matches():
    for text in [*PRONOUN_EDGES, *TEXTS]:
        expected = [(m.span(), m.group()) for m in PRONOUN_RE.finditer(text)]
        assert [(m.span(), m.group()) for m in pronoun_matches(text)] == expected, text


def test_astral_characters_are_found_as_a_search_for_them_finds_them():
    astral = re.compile("[\U00010000-\U0010ffff]")
    for text in ["", "a", "😀", "a😀b", "é", "\ud800", "a\udfffb", "𝐀bc", *TEXTS]:
        assert has_astral(text) == (astral.search(text) is not None), repr(text)


def test_capitalised_words_carry_the_text_and_offsets_of_the_words_of_word_re():
    for text in TEXTS:
        expected = [(m.span(), m.group()) for m in WORD_RE.finditer(text) if m.group()[0].isupper()]
        assert [(w.span(), w.group()) for w in capitalised_words(text)] == expected, text


def _joined_literal_starts(texts: list[str], literals: tuple[str, ...]) -> list[set[int]]:
    """The plain form: each literal searched for, then whitespace, in the joined texts."""
    joined = "\n".join(texts)
    offsets = list(itertools.accumulate([0, *(len(t) + 1 for t in texts)]))
    starts: list[set[int]] = [set() for _ in texts]
    for literal in literals:
        for match in re.finditer(rf"{re.escape(literal)}(?=\s)", joined):
            number = bisect.bisect_right(offsets, match.start()) - 1
            starts[number].add(match.start() - offsets[number])
    return starts


def test_literal_starts_are_those_a_search_of_the_joined_texts_finds():
    literals = ("my", "My", "'s", "’s", "the", "The", "our", "aa", "a a")
    edges = ["my", "my ", "my\u00a0x", "aaa a", "a a a a", "It's\n", "the", "", "mymy my"]
    chance = random.Random(3)
    for texts in [edges, edges[::-1], TEXTS[:300], [t for t in TEXTS if "s" in t][:300]]:
        assert literal_starts(texts, literals) == _joined_literal_starts(texts, literals)
        shuffled = chance.sample(texts, len(texts))
        assert literal_starts(shuffled, literals) == _joined_literal_starts(shuffled, literals)


def test_bisect_left_is_the_modules():
    chance = random.Random(5)
    for _ in range(2000):
        values = sorted(chance.randint(0, 30) for _ in range(chance.randint(0, 12)))
        target, low = chance.randint(-2, 32), chance.randint(0, len(values))
        assert bisect_left(values, target, low) == bisect.bisect_left(values, target, low)


def _plain_elided_words(text: str) -> list[tuple[tuple[int, int], str]]:
    found = []
    for mark in re.finditer(r"['’][A-ZÀ-Þ]", text):
        start = mark.start() - 1
        if start >= 0 and text[start] in "dl" and starts_word(text, start):
            word = WORD_RE.match(text, start)
            if word is not None:
                found.append((word.span(), word.group()))
    return found


ELIDED_EDGES = [
    "d'Artagnan", "l’Isle d'Or", "'A", "d'", "xd'A", "d’×", "d'Þ l'ß", "1d'A", "d''A", "l’A d'B",
]  # fmt: skip


def test_elided_words_are_those_their_pattern_finds():
    for text in [*ELIDED_EDGES, *TEXTS]:
        assert [(w.span(), w.group()) for w in _elided_words(text)] == _plain_elided_words(text)


def _plain_quote_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for mark in QUOTE_MARK_RE.finditer(text):
        char, index = mark.group(), mark.start()
        if opened is None and (char in OPENING_QUOTES or char == '"'):
            opened = index
        elif opened is not None and (char in CLOSING_QUOTES or char == '"'):
            spans.append((opened, index))
            opened = None
    if opened is not None:
        spans.append((opened, len(text)))
    return spans


def test_quote_spans_pair_the_marks_their_pattern_finds():
    chance = random.Random(7)
    marks = ['"', "“", "”", "«", "»", "a", " "]
    texts = [
        "".join(chance.choice(marks) for _ in range(chance.randint(0, 12))) for _ in range(3000)
    ]
    for text in [*texts, *TEXTS]:
        assert quote_spans(text) == _plain_quote_spans(text), text


def test_capitalised_words_of_ascii_text_are_those_of_word_re():
    chance = random.Random(13)
    pieces = [*"aAzZ'-_1.,\n\" ", "Anna", "O'Brien", "x-Ray", "AB", "d'Arc", "Mc", "'s", " - "]
    texts = ["".join(chance.choices(pieces, k=chance.randint(0, 20))) for _ in range(5000)]
    for text in texts:
        expected = [(m.span(), m.group()) for m in WORD_RE.finditer(text) if m.group()[0].isupper()]
        assert [(w.span(), w.group()) for w in capitalised_words(text)] == expected, text


def test_capitalised_words_of_latin1_text_are_those_of_word_re():
    chance = random.Random(17)
    pieces = [*"aAzZéÉßÿÞ×÷ªº²µ'-_1.,\n ", "Élan", "d'Été", "x-Ärger", "ÀB", " Ö"]
    texts = ["".join(chance.choices(pieces, k=chance.randint(0, 20))) for _ in range(5000)]
    for text in texts:
        expected = [(m.span(), m.group()) for m in WORD_RE.finditer(text) if m.group()[0].isupper()]
        assert [(w.span(), w.group()) for w in capitalised_words(text)] == expected, text


def test_coordinated_starts_are_the_pattern_matches_around_many_commas():
    chance = random.Random(19)
    pieces = [
        "a", "A", "an", "AN", "An", "the", "tHe", "their", "Their", "her", "his", "HIS", "xa",
        "old", "Old", "kind-ly", "o'er", "x’y", "_", "1", "é", ",", ", ", " ", "  ", "\t", "\n",
        "the old, kind", "a tall, ", "His odd,\tslow ",
    ]  # fmt: skip
    matched = 0
    for _ in range(20000):
        text = "".join(chance.choices(pieces, k=chance.randint(1, 12)))
        expected = [(m.group(1), m.end(1)) for m in COORDINATED_START_RE.finditer(text)]
        assert coordinated_starts(text) == expected, text
        matched += len(expected)
    assert matched > 100  # the random text does hold such phrases


def test_a_full_stop_is_an_abbreviation_only_where_the_cheap_test_allows_it():
    chance = random.Random(23)
    pieces = [
        "Mr.", "mr.", "MRS.", "e.g.", "i.e.", "approx.", "No. 5", "nos.", "St.", "J.", "x.", "é.",
        "İ.", "ſt.", "_st.", "5st.", "a", "b", " ", ".", "Dr", "abcdefghijklmnopqrst.", "\n",
    ]  # fmt: skip
    texts = ["".join(chance.choices(pieces, k=chance.randint(1, 10))) for _ in range(5000)]
    found = 0
    for text in [*texts, *TEXTS[:2000]]:
        for dot in (i for i, char in enumerate(text) if char == "."):
            if is_abbreviation(text, dot):
                found += 1
                assert _may_be_abbreviation(text, dot), (text, dot)
    assert found > 100


def test_is_capitalised_is_its_plain_reading():
    words = {w for text in TEXTS for w in WORD_RE.findall(text)} | {"A", "AB", "Ab", "aB", "ÉA"}
    for word in words:
        assert is_capitalised(word) == (
            word[0].isupper() and not (len(word) > 1 and word.isupper())
        )


def test_the_gaps_phrase_spans_reads_without_its_pattern_read_as_the_pattern_reads_them():
    # phrase_spans takes " " as no full stop and no particle, ". " as a full stop only.
    for gap, dotted in ((" ", ""), (". ", ".")):
        match = _GAP_RE.fullmatch(f"Ab{gap}Cd", 2, 2 + len(gap))
        assert match is not None and match.group(1) == dotted and match.group(2) is None


def test_space_and_word_characters_read_from_codes_are_isspace_and_the_patterns_w():
    word = re.compile(r"\w")
    for code in [*range(0x3100), 0xFEFF, 0x1D400, 0x1F600]:
        text = f"a{chr(code)}"
        assert space_at(text, 1) == chr(code).isspace(), code
        assert word_char_at(text, 1) == (word.match(text, 1) is not None), code


def test_capitalised_words_of_text_beyond_latin1_are_those_of_word_re():
    chance = random.Random(29)
    pieces = [*"aAéÉ'’‘—“”?-_1 Łœ٣Ⅳ😀𝐀\ud800", "O’Brien", "x’Y", "A—B", "d’Arc", "Ärger’s"]
    texts = ["".join(chance.choices(pieces, k=chance.randint(0, 16))) for _ in range(8000)]
    for text in texts:
        expected = [(m.span(), m.group()) for m in WORD_RE.finditer(text) if m.group()[0].isupper()]
        assert [(w.span(), w.group()) for w in capitalised_words(text)] == expected, text


def _plain_vocabulary(paragraphs: list[Paragraph]) -> tuple[set[str], set[str], list[object]]:
    """build_vocabulary's sets as every occurrence read in full gives them."""
    licensed: set[str] = set()
    inflected: set[str] = set()
    nationalities: list[object] = []
    for paragraph in paragraphs:
        for word in paragraph.capitals:
            name = word.group()
            possessive = len(name) > 3 and name.endswith(("'s", "’s"))
            name = name[:-2] if possessive else name
            lowered = name.lower()
            if lowered in NEVER_NAMES:
                if not possessive and lowered in NATIONALITIES:
                    nationalities.append((paragraph.passage.number, word.span()))
                if (
                    lowered not in vocabulary_module._NEVER_LICENSED
                    and vocabulary_module._used_as_a_name(paragraph.text, word, name)
                    and not paragraph.opens_sentence(word.start())
                ):
                    licensed.add(name)
            elif lowered.endswith(("ly", "ed", "ing")) and not paragraph.opens_sentence(
                word.start()
            ):
                inflected.add(name)
    return licensed, inflected, nationalities


def test_the_vocabulary_read_once_per_spelling_is_the_one_read_at_every_word():
    for texts in [TEXTS[:1500], TEXTS[1500:4000], *_story_texts()]:
        paragraphs = [
            Paragraph(Passage(n, t, 0, len(t)), quote_spans(t)) for n, t in enumerate(texts, 1)
        ]
        vocabulary = scan.build_vocabulary(paragraphs)
        found = [
            (number, match.span())
            for number, matches in vocabulary.nationalities.items()
            for match in matches
        ]
        plain = _plain_vocabulary(paragraphs)
        assert (vocabulary.licensed, vocabulary.mid_sentence_inflected, found) == plain


def _story_texts() -> list[list[str]]:
    root = Path(__file__).resolve().parents[2]
    files = sorted((root / "tests" / "data" / "characters").glob("*.txt"))
    return [[p.text for p in parse_story(f.read_bytes(), f.name).passages] for f in files]


def test_and_title_is_found_where_its_pattern_finds_it():
    chance = random.Random(31)
    pieces = [
        "and", "band", " ", "  ", "\t", "\u00a0", "Mr", "Mrs", ".", "A", "É", "b", "x", "Z",
        "Abcdefghijkl", "Abcdefghijk", "and Mr. White", "1",
    ]  # fmt: skip
    texts = ["".join(chance.choices(pieces, k=chance.randint(1, 12))) for _ in range(20000)]
    found = 0
    for text in [*texts, *TEXTS]:
        expected = scan._AND_TITLE_RE.search(text) is not None
        assert scan._has_and_title(text) == expected, text
        found += expected
    assert found > 500
