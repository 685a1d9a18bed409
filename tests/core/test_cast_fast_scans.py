"""The scans that find a pattern's matches another way, for speed, find exactly what the
pattern finds (bot/core/characters/patterns.py, unnamed.py): on the seeds, the hard cases
and the random text of test_cast_patterns, and on cases written for their edges."""

from __future__ import annotations

import random

from bot.core.characters.facts import _COMMA_SHE_HE_RE
from bot.core.characters.paragraph import Paragraph, quote_spans
from bot.core.characters.patterns import (
    AS_A_PRONOUN_RE,
    COORDINATED_START_RE,
    PRONOUN_RE,
    coordinated_starts,
)
from bot.core.characters.tokens import literal_starts
from bot.core.characters.unnamed import (
    _DESCRIBED_RE,
    _KIN_RE,
    _OWNED_LITERALS,
    described_matches,
    kin_matches,
)
from bot.core.models import Passage
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
    found = [[(m.span(), m.groups()) for m in ms] for ms in described_matches(texts)]
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
    paragraphs = {
        number: Paragraph(Passage(number, text, 0, len(text)), quote_spans(text))
        for number, text in enumerate(texts, 1)
    }
    expected = [[(m.span(), m.groups()) for m in _KIN_RE.finditer(t)] for t in texts]
    found = kin_matches(paragraphs, literal_starts(texts, _OWNED_LITERALS))
    assert [[(m.span(), m.groups()) for m in ms] for ms in found] == expected
