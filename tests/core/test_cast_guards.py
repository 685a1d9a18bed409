"""Cheap tests that spare a pattern where it cannot match (bot/core/characters): each
says yes wherever the pattern matches, on the seeds, the hard cases, random text made of
the words the patterns want, and every character re.IGNORECASE reads as one of them."""

from __future__ import annotations

import itertools
import random
import re
import sys

from bot.core.characters.coreference import _TITLE_BEFORE_RE, title_before
from bot.core.characters.facts import _BEING_INITIALS, she_was_a_matches
from bot.core.characters.paragraph import Paragraph, previous_words, quote_spans
from bot.core.characters.patterns import (
    _LABEL_LAST_LETTERS,
    _LEAVE_LAST_LETTERS,
    LABEL_BEFORE_RE,
    LEAVE_RE,
    PRONOUN_IS_A_RE,
    may_end_label,
    may_end_leave,
)
from bot.core.characters.unnamed import _KIN_RE, kin_matches
from bot.core.models import Passage
from tests.core.test_cast_fast_scans import _plain_previous_words
from tests.core.test_cast_patterns import TEXTS

_PIECES = [
    "read", "Reads:", "signs", "SIGN", "ſign", "spelled", "labeled", "word", "named", "called",
    "leave", "LEFT", "fleeing", "escaped", "her", "HIS", "their", "native", "home", "ſhe",
    "Sergeant-Major", "Mr.", "Dr", "St.", "Lady", "the", "said,", "x²", "½", "don't", "O’Brien",
    "Anna", "mcDonald", "she", "He", "was", "İs", "became", "a", "painter",
    "A-B", "-", ".", ":", ";", '"', "“", " ", "  ", "\n", "\t", "\u00a0",
    "\u2028", "é", "Élan", "Morris", "a", "Z",
]  # fmt: skip


def _random_texts(count: int, seed: int) -> list[str]:
    chance = random.Random(seed)
    texts = []
    for _ in range(count):
        pieces = [chance.choice(_PIECES) for _ in range(chance.randint(0, 10))]
        texts.append("".join(p + chance.choice(["", " ", " ", ":", "\n"]) for p in pieces))
    return texts


def _texts() -> list[str]:
    return [*TEXTS[:800], *_random_texts(5000, 7)]


def test_label_words_are_looked_for_only_where_the_text_may_end_with_one() -> None:
    found = 0
    for text in _texts():
        for end in range(len(text) + 1):
            before = text[max(0, end - 30) : end]
            if LABEL_BEFORE_RE.search(before):
                found += 1
                assert may_end_label(before), before
    assert found


def test_leaving_is_looked_for_only_where_the_text_may_end_with_it() -> None:
    found = 0
    for text in _texts():
        for end in range(len(text) + 1):
            before = text[max(0, end - 40) : end]
            if LEAVE_RE.search(before):
                found += 1
                assert may_end_leave(before), before
    assert found


def _words_of(pattern: re.Pattern[str], holding: str | None = None) -> set[str]:
    """The words in a pattern's alternations (those of the one holding `holding`, if
    given), "labell?ed" as both spellings: read from the pattern, so a word added there is
    checked here without anyone listing it again."""
    words: set[str] = set()
    for group in re.findall(r"\(\?:([^()]*)\)", pattern.pattern):
        if holding is not None and holding not in group.split("|"):
            continue
        for alternative in group.split("|"):
            alternative = re.sub(r"\\s[+*]", " ", alternative).strip()
            if not re.fullmatch(r"[a-z ?]+", alternative):
                continue
            optional = re.search(r"(.)\?", alternative)
            if optional is None:
                words.add(alternative)
            else:
                words.add(alternative.replace(optional.group(), optional.group(1)))
                words.add(alternative.replace(optional.group(), ""))
    return words


def _case_blind_letters(letters: set[str]) -> set[str]:
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    return set(re.findall(f"(?i)[{''.join(sorted(letters))}]", every))


def test_the_last_letters_are_those_of_every_word_of_the_patterns() -> None:
    """As re.IGNORECASE reads them, of every word the patterns hold today."""
    for pattern, kept in ((LABEL_BEFORE_RE, _LABEL_LAST_LETTERS), (LEAVE_RE, _LEAVE_LAST_LETTERS)):
        words = _words_of(pattern)
        assert {"read", "labelled", "labeled", "leave", "her", "native"} & words
        assert _case_blind_letters({word[-1] for word in words}) <= set(kept), pattern.pattern
    verbs = _words_of(PRONOUN_IS_A_RE, holding="was")
    assert {"was", "is", "became"} <= verbs
    assert _case_blind_letters({verb[0] for verb in verbs}) <= set(_BEING_INITIALS)


def test_every_word_of_the_patterns_is_let_through_where_the_pattern_matches() -> None:
    for word in _words_of(LABEL_BEFORE_RE):
        for form in (word, word.upper(), word.title()):
            for before in (f"the {form}: ", f"x {form}", f"{form} :\n", f"a,{form}"):
                if LABEL_BEFORE_RE.search(before):
                    assert may_end_label(before), before
    for word in _words_of(LEAVE_RE):
        for form in (word, word.upper(), word.title()):
            for before in (f"to {form} ", f"had to {form} her native ", f"{form}\n"):
                if LEAVE_RE.search(before):
                    assert may_end_leave(before), before
    for verb in _words_of(PRONOUN_IS_A_RE, holding="was"):
        for form in (verb, verb.upper(), verb.title()):
            text = f"Then she {form} a painter. He  {form} an old man, and"
            paragraph = Paragraph(Passage(1, text, 0, len(text)), [])
            expected = [m.span() for m in PRONOUN_IS_A_RE.finditer(paragraph.np_text)]
            assert expected  # the sentence is what the pattern wants
            assert [m.span() for m in she_was_a_matches(paragraph)] == expected, text


def test_a_title_before_a_name_is_what_the_pattern_finds() -> None:
    found = 0
    for text in _texts():
        for start in range(len(text) + 1):
            expected = _TITLE_BEFORE_RE.search(text, max(0, start - 30), start)
            assert title_before(text, start) == (expected and expected.group(1)), (text, start)
            found += expected is not None
    assert found


def test_previous_words_read_numerals_and_apostrophes_as_the_pattern_does() -> None:
    for text in _random_texts(3000, 8):
        for end in range(len(text) + 1):
            for limit in (1, 3):
                before = text[:end]
                assert previous_words(before, limit) == _plain_previous_words(before, limit)


def test_she_was_a_is_tried_only_where_a_verb_of_being_may_follow() -> None:
    texts = [
        "She was a painter. he is an old man, and ſhe became a nurse; HE  WAS a cook",
        "she\tİs a guest, he\nıs a host, her was a, She was, he",
        *TEXTS,
        *_random_texts(1500, 9),
    ]
    for text in texts:
        paragraph = Paragraph(Passage(1, text, 0, len(text)), quote_spans(text))
        expected = list(PRONOUN_IS_A_RE.finditer(paragraph.np_text))
        found = she_was_a_matches(paragraph)
        assert [(m.span(), m.groups()) for m in found] == [
            (m.span(), m.groups()) for m in expected
        ], text


def test_kin_is_tried_at_every_spelling_of_his_and_her_it_reads() -> None:
    """Every case of "his"/"her" (and "ſ", "İ"), before every kind of space: the pronouns
    where _his_her_starts lets _KIN_RE be tried give all the pattern finds."""
    spellings = {
        "".join(letters)
        for word in ("his", "her", "hiſ", "hİs")
        for letters in itertools.product(*((c.lower(), c.upper()) for c in word))
    }
    texts = [
        f"{spelling}{space}son Al, and {spelling}{space}old aunt,{space}May."
        for spelling in sorted(spellings)
        for space in (" ", "  ", "\t", "\n", "\u00a0", "\u2028", ",", "")
    ]
    expected = [[(m.span(), m.groups()) for m in _KIN_RE.finditer(t)] for t in texts]
    found = kin_matches(_read(texts))
    assert [[(m.span(), m.groups()) for m in ms] for ms in found] == expected
    assert sum(map(len, expected)) >= 8  # "his son Al", "Her old aunt, May", …


def _read(texts: list[str]) -> list[Paragraph]:
    return [Paragraph(Passage(n, t, 0, len(t)), quote_spans(t)) for n, t in enumerate(texts, 1)]
