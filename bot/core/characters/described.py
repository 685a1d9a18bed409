"""Where a description ("the old banker", "Mangan's sister") or a named relative ("his son
Herbert") can stand in a story, found in a few passes of the engine over the whole text.

unnamed.py's two patterns open with a determiner ("the", "my", "her", "Tom's") and need
one of a hundred nouns a word or two later. Tried at every determiner, from Python, they
cost a call each, and nearly every try fails ("the platform", "her eyes"). Here each
determiner is one literal the engine skips to in C over the story's joined text, and a
lookahead asks for the rest of the pattern there, so only the places where a match can
start come back (a few dozen in a story of 5,000 words); the patterns themselves are then
tried at those places only. tests/core/test_cast_fast_scans.py and test_cast_guards.py
hold both to `finditer`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence

from bot.core.characters.paragraph import Paragraph
from bot.core.characters.tokens import matches_at

# What follows the determiner in each pattern, as a lookahead: the same words, without
# the groups, and with possessive repeats where what follows can never be what they gave
# back (a run of letters before spaces, spaces before a letter).
_DESCRIBED_AFTER = r"\s++(?:[a-z][\w-]*+\s++){{0,2}}(?:{nouns})s?\b"
_KIN_AFTER = r"\s++(?:[a-z]++\s++)?(?:{nouns}),?\s++[A-Z][\w'’-]"

# The determiners searched for, each with what may follow it: a description, a relative,
# either. "the" and "their" share a pass ("the" then "ir"), as do "The" and "Their".
_SEARCHED = (
    ("the", "D", "K"),
    ("The", "D", "K"),
    ("our", "D", ""),
    ("Our", "D", ""),
    ("my", "DK", ""),
    ("My", "DK", ""),
    ("his", "K", ""),
    ("His", "K", ""),
    ("her", "K", ""),
    ("Her", "K", ""),
)


class DeterminerScan:
    """The lookahead patterns for one noun alternation, compiled once."""

    __slots__ = ("owned", "searched")

    searched: list[tuple[re.Pattern[str], str, bool]]
    owned: list[re.Pattern[str]]

    def __init__(self, nouns: str) -> None:
        after = {
            "D": _DESCRIBED_AFTER.format(nouns=nouns),
            "K": _KIN_AFTER.format(nouns=nouns),
        }
        after["DK"] = f"{after['D']}|{after['K']}"
        # A match of "the" alone is a description's, one with the "ir" a relative's.
        self.searched = [
            (_opening(word, after[alone], after[joined] if joined else None), alone, bool(joined))
            for word, alone, joined in _SEARCHED
        ]
        # "'s": no word boundary before it ("Tom's"); the owner is found by walking back.
        # One literal per apostrophe: a set of two would be tested at every character.
        self.owned = [re.compile(rf"{mark}s(?={after['DK']})") for mark in "'’"]

    def starts(self, paragraphs: Sequence[Paragraph]) -> tuple[list[set[int]], list[set[int]]]:
        """Per paragraph, where the description pattern and where the kin pattern can
        start."""
        texts = [p.text for p in paragraphs]
        joined = "\n".join(texts)
        ends = list(itertools.accumulate(len(t) + 1 for t in texts))
        described: list[set[int]] = [set() for _ in texts]
        kin: list[set[int]] = [set() for _ in texts]
        for pattern, alone, longer in self.searched:
            for found in pattern.finditer(joined):
                index, at = _locate(ends, found.start())
                if longer and found.group("joined") is not None:
                    kin[index].add(at)  # "their"
                    continue
                if "D" in alone:
                    described[index].add(at)
                if "K" in alone:
                    kin[index].add(at)
        for pattern in self.owned:
            for found in pattern.finditer(joined):
                index, at = _locate(ends, found.start())
                kin[index].add(at)  # the kin pattern opens with the "'s" itself
                described[index].update(_owner_starts(texts[index], at))
        return described, kin


def _locate(ends: list[int], at: int) -> tuple[int, int]:
    """(which text, offset in it) of an offset of the texts joined by newlines."""
    index = bisect.bisect_right(ends, at)
    return index, at - (ends[index - 1] if index else 0)


def _opening(word: str, alone: str, joined: str | None) -> re.Pattern[str]:
    # The literal first, so the engine skips to it; then a word boundary before it (no
    # word character right before its first letter), then the rest as a lookahead: what
    # follows the word alone, or "ir" and what follows "their".
    boundary = rf"(?<!\w{'.' * len(word)})"
    longer = rf"|(?P<joined>ir)(?={joined})" if joined else ""
    return re.compile(rf"{word}{boundary}(?:(?={alone}){longer})")


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
