"""The fast forms the cast extractor reads text with find exactly what their plain forms
find (bot/core/characters/tokens.py, patterns.py): the same capitalised words as
WORD_RE, the same lower-case vocabulary, the same matches as the word-boundary patterns
they replace. Compared on the seeds and hard cases and on random text built from the
characters where the forms could differ (apostrophes, hyphens, digits, underscores,
case-blind letters such as "ſ" and "ı", astral capitals)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from bot.core.characters import patterns
from bot.core.characters.extract import _NARRATION_PRONOUN_RE
from bot.core.characters.patterns import WORD_RE
from bot.core.characters.scan import _COUPLE_RE
from bot.core.characters.tokens import LowerCaseWords, capitalised_words, word_trie
from bot.core.characters.unnamed import (
    _DESCRIBED_RE,
    _GENERIC_NOUNS,
    _KIN_RE,
    _NARRATION_I_RE,
    DESCRIBED_NOUNS,
)

ROOT = Path(__file__).resolve().parents[2]
STORIES = sorted((ROOT / "data" / "stories").glob("*.txt")) + sorted(
    (ROOT / "tests" / "data" / "characters").glob("*.txt")
)
PIECES = [
    *"aAbBzZ'’-_1²Ⅳ.,\n\"dlÉéßİıſǅⒶΩω😀𝐀",
    " ", " ", " ", "the ", "The ", "She ", "ſhe ", "HİM ", "his ", "her ", "As ", "an ", "a ",
    "was ", "IS ", "became ", "who ", "Mr. ", "Mrs. ", " and ", "old, ", "man ", "son ",
    "Anna's ", "O’Brien ", "d'Arc ", "I ", "I. ", "wife, ", "Tom ",
]  # fmt: skip


def texts() -> list[str]:
    found = [line for path in STORIES for line in path.read_text(encoding="utf-8").split("\n")]
    chance = random.Random(10)
    for _ in range(4000):
        found.append("".join(chance.choice(PIECES) for _ in range(chance.randint(1, 25))))
    return found


TEXTS = texts()
_NP = r"[^,.;:!?\"“”()–—]"
# The plain forms, as they were written before the fast ones replaced them.
PLAIN = {
    "pronoun": (patterns.PRONOUN_RE, re.compile(r"\b(?:she|he|her|his|him)\b", re.I)),
    "narration pronoun": (_NARRATION_PRONOUN_RE, re.compile(r"\b(?:she|he|her|his|him)\b", re.I)),
    "as a, she": (
        patterns.AS_A_PRONOUN_RE,
        re.compile(rf"\b[Aa]s\s+(an?\s+{_NP}{{1,60}}?),\s*(she|he)\b"),
    ),
    "she was a": (
        patterns.PRONOUN_IS_A_RE,
        re.compile(
            rf"\b(she|he)\s+(?:was|is|became|had been|has been)\s+(an?\s+{_NP}{{1,50}}?)"
            r"(?=\s+(?:who|that|which|and|but|with|in|at|on|from|for|to)\b|[,.;:!?–—]|$)",
            re.I,
        ),
    ),
    "coordinated": (
        patterns.COORDINATED_START_RE,
        re.compile(r"\b(?:[Aa]n?|[Tt]he|[Hh]er|[Hh]is|[Tt]heir)\s+([a-z][\w'’-]*)(?=,\s+[a-z])"),
    ),
    "first person": (_NARRATION_I_RE, re.compile(r"\bI\b(?!\.)")),
    "couple": (
        _COUPLE_RE,
        re.compile(
            r"\b(?P<title>[A-Z](?:[a-z]{1,11}|(?=\.)))\.?\s+and\s+(?P<second>[A-Z][a-z]{1,11})\.?\s+"
            r"(?P<name>[A-Z][\w'’-]+)(?:\s+(?P<surname>[A-Z][\w'’-]+))?"
        ),
    ),
}


def found(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[object, ...]]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_each_fast_pattern_finds_what_its_plain_form_finds(name):
    fast, plain = PLAIN[name]
    differ = [text for text in TEXTS if found(fast, text) != found(plain, text)]
    assert differ == []


def test_capitalised_words_are_the_words_of_word_re_that_start_upper_case():
    for text in TEXTS:
        expected = [m.span() for m in WORD_RE.finditer(text) if m.group()[0].isupper()]
        assert [m.span() for m in capitalised_words(text)] == expected, text


def test_the_lower_case_vocabulary_is_the_lower_case_words_of_word_re():
    for text in TEXTS:
        words = WORD_RE.findall(text)
        lower = {w for w in words if w[0].islower()}
        asked = {w.lower() for w in words} | lower | {"a", "ab", "the"}
        vocabulary = LowerCaseWords(text)
        assert {w for w in asked if w in vocabulary} == lower & asked, text


def test_a_word_trie_matches_as_the_alternation_sorted_longest_first():
    nouns = sorted(DESCRIBED_NOUNS | {"man", "manager", "son", "sons"}, key=len, reverse=True)
    trie = re.compile(rf"\b(?:{word_trie(nouns)})s?\b")
    plain = re.compile(rf"\b(?:{'|'.join(nouns)})s?\b")
    for text in ["the manager's son", "sons of a man", "mans", "grandson", *TEXTS[:2000]]:
        assert found(trie, text) == found(plain, text), text


PLAIN_NOUNS = "|".join(sorted(DESCRIBED_NOUNS | _GENERIC_NOUNS, key=len, reverse=True))
PLAIN_NOUN_PATTERNS = {
    "kin": (
        _KIN_RE,
        re.compile(
            r"(?:\b[Hh]is|\b[Hh]er|\b[Tt]heir|\b[Mm]y|['’]s)\s+(?:[a-z]+\s+)?"
            rf"(?P<noun>{PLAIN_NOUNS}),?\s+(?P<name>[A-Z][\w'’-]+)"
        ),
    ),
    "described": (
        _DESCRIBED_RE,
        re.compile(
            r"\b(?P<det>[Tt]he|[Mm]y|[Oo]ur|(?P<owner>[A-Z][\w'’-]*)['’]s)\s+"
            rf"(?P<adjectives>(?:[a-z][\w-]*\s+){{0,2}}?)(?P<noun>(?:{PLAIN_NOUNS})s?)\b"
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(PLAIN_NOUN_PATTERNS))
def test_the_noun_patterns_find_what_a_plain_alternation_finds(name):
    fast, plain = PLAIN_NOUN_PATTERNS[name]
    extra = ["his son Herbert", "Their wife, Anna", "Tom's uncle Bob", "the old gentleman said"]
    differ = [text for text in [*extra, *TEXTS] if found(fast, text) != found(plain, text)]
    assert differ == []
