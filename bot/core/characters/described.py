"""Where a description ("the old banker", "Mangan's sister") or a named relative ("his son
Herbert") can stand in a story, found in a few passes of the engine over the whole text.

unnamed.py's two patterns open with a determiner ("the", "my", "her", "Tom's") and need
one of a hundred nouns a word or two later. Tried at every determiner, from Python, they
cost a call each, and nearly every try fails ("the platform", "her eyes"). Here each
determiner is one literal the engine skips to in C over the story's joined text, and a
lookahead asks for the rest of the pattern there, so only the places where a match can
start come back (a few dozen in a story of 5,000 words); the patterns themselves are then
tried at those only. tests/core/test_cast_fast_scans.py holds both to `finditer`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence

from bot.core.characters.tokens import matches_at

# What follows the determiner in each pattern, as a lookahead: the same words, without
# the groups, and with possessive repeats where what follows can never be what they gave
# back (a run of letters before spaces, spaces before a letter).
_DESCRIBED_AFTER = r"\s++(?:[a-z][\w-]*+\s++){{0,2}}(?:{nouns})s?\b"
_KIN_AFTER = r"\s++(?:[a-z]++\s++)?(?:{nouns}),?\s++[A-Z][\w'’-]"

# The determiners each pattern opens with; the ones in both are searched for once.
_DESCRIBED_ONLY = ("the", "The", "our", "Our")
_BOTH = ("my", "My")
_KIN_ONLY = ("his", "His", "her", "Her", "their", "Their")


class DeterminerScan:
    """The lookahead patterns for one noun alternation, compiled once."""

    __slots__ = ("both", "described_only", "kin_only", "owned")

    def __init__(self, nouns: str) -> None:
        described = _DESCRIBED_AFTER.format(nouns=nouns)
        kin = _KIN_AFTER.format(nouns=nouns)
        self.described_only = [_opening(word, described) for word in _DESCRIBED_ONLY]
        self.both = [_opening(word, f"{described}|{kin}") for word in _BOTH]
        self.kin_only = [_opening(word, kin) for word in _KIN_ONLY]
        # "'s": no word boundary before it ("Tom's"); the owner is found by walking back.
        # One literal per apostrophe: a set of two would be tested at every character.
        self.owned = [re.compile(rf"{mark}s(?={described}|{kin})") for mark in "'’"]

    def starts(self, texts: Sequence[str]) -> tuple[list[set[int]], list[set[int]]]:
        """Per text, where the description pattern and where the kin pattern can start."""
        joined = "\n".join(texts)
        ends = list(itertools.accumulate(len(t) + 1 for t in texts))
        described: list[set[int]] = [set() for _ in texts]
        kin: list[set[int]] = [set() for _ in texts]
        for pattern in self.described_only:
            _place(pattern, joined, ends, described)
        for pattern in self.both:
            _place(pattern, joined, ends, described)
            _place(pattern, joined, ends, kin)
        for pattern in self.kin_only:
            _place(pattern, joined, ends, kin)
        owned: list[set[int]] = [set() for _ in texts]
        for pattern in self.owned:
            _place(pattern, joined, ends, owned)
        for text, marks, found, relatives in zip(texts, owned, described, kin, strict=True):
            for at in marks:
                relatives.add(at)  # the kin pattern opens with the "'s" itself
                found.update(_owner_starts(text, at))
        return described, kin


def _opening(word: str, after: str) -> re.Pattern[str]:
    # The literal first, so the engine skips to it; then a word boundary before it (no
    # word character right before its first letter), then the rest as a lookahead.
    return re.compile(rf"{word}(?<!\w{'.' * len(word)})(?={after})")


def _place(pattern: re.Pattern[str], joined: str, ends: list[int], into: list[set[int]]) -> None:
    for found in pattern.finditer(joined):
        at = found.start()
        index = bisect.bisect_right(ends, at)
        into[index].add(at - (ends[index - 1] if index else 0))


def _owner_starts(text: str, at: int) -> list[int]:
    """Where an owner before the "'s" at `at` can start: [A-Z] after a word boundary,
    anywhere in the run of [\\w'’-] before it ("O'Brien's", "x-Tom's")."""
    starts: list[int] = []
    before = at - 1
    while before >= 0 and (text[before].isalnum() or text[before] in "_'’-"):
        previous = text[before - 1] if before else " "
        if "A" <= text[before] <= "Z" and not (previous.isalnum() or previous == "_"):
            starts.append(before)
        before -= 1
    return starts


def matches_in(
    pattern: re.Pattern[str], texts: Sequence[str], starts: list[set[int]]
) -> list[list[re.Match[str]]]:
    """What pattern.finditer finds in each text, when it can start only at `starts`."""
    return [
        matches_at(pattern, text, found) if found else []
        for text, found in zip(texts, starts, strict=True)
    ]
