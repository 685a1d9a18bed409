"""Cheap tests that spare a pattern where it cannot match (bot/core/characters): each
says yes wherever the pattern matches, on the seeds, the hard cases, random text made of
the words the patterns want, and every character re.IGNORECASE reads as one of them."""

from __future__ import annotations

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


def test_the_last_letters_are_every_character_the_patterns_read_as_them() -> None:
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    for letters, kept in (("dsgn", _LABEL_LAST_LETTERS), ("etgdrs", _LEAVE_LAST_LETTERS)):
        assert set(re.findall(f"(?i)[{letters}]", every)) <= set(kept)


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


def test_the_being_initials_are_every_character_the_pattern_reads_as_them() -> None:
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert set(re.findall("(?i)[wib]", every)) <= set(_BEING_INITIALS)


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
