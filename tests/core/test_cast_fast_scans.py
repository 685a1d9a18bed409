"""The scans that find a pattern's matches another way, for speed, find exactly what the
pattern finds (bot/core/characters/patterns.py, unnamed.py): on the seeds, the hard cases
and the random text of test_cast_patterns, and on cases written for their edges."""

from __future__ import annotations

from bot.core.characters.facts import _COMMA_SHE_HE_RE
from bot.core.characters.patterns import AS_A_PRONOUN_RE, COORDINATED_START_RE, coordinated_starts
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
