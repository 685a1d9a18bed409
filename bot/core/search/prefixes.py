"""Which terms a half-typed word with one typo may start, the typo in its first letters too.

A reader who types "sash" for "satchel" makes a typo, then stops: the word is both
mistyped and cut short. Looking the typed letters up as a prefix finds nothing that
starts with "sas" but was meant as "satsh"; looking up the terms that share the first
three letters (the prefix bucket) misses every typo among those three ("ouza" for
"rouzast": a letter dropped at the start). A term is a one-typo completion of the
typed word when one of the strings one edit away from it (a letter deleted, inserted,
replaced, or two swapped) starts the term. Those strings are made from the typed word
and looked up as ranges of the vocabulary in alphabetical order (two binary searches
each); the letters tried for an insertion or a replacement are those the vocabulary
has after the letters before it, found by jumping from one to the next, so nothing
depends on an alphabet.

When terms do start with the typed letters, they are taken as typed up to the last
MIN_LENGTH - 1 (`kept`): the library has words that start so, and a typo anywhere
would bring the frequent words one letter away ("soun(d)" for "sosun") into every
such query, for a reader who most likely typed those letters right.

Strings shorter than MIN_LENGTH are not tried: three letters, one of them wrong, start
hundreds of terms, and a completion is only trusted on four typed letters.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence

from rapidfuzz.distance import DamerauLevenshtein

MIN_LENGTH = 4
_AFTER_ALL = "\U0010ffff"  # sorts after every letter: prefix + this ends the prefix's range


def one_typo_ranges(
    typed: str, order: Sequence[int], key: Callable[[int], str], kept: int = 0
) -> list[tuple[int, int]]:
    """The ranges of `order` (term ids sorted by term, `key` gives a term) of the terms
    that a string one edit from `typed` starts, but for those that `typed` itself
    starts: apart and ascending. The edit is after the first `kept` letters."""
    size = len(order)

    def span(prefix: str, low: int = 0, high: int = size) -> tuple[int, int]:
        start = bisect_left(order, prefix, low, high, key=key)
        if start == high or not key(order[start]).startswith(prefix):
            return start, start  # most strings tried start no term: one search, not two
        return start, bisect_left(order, prefix + _AFTER_ALL, start, high, key=key)

    variants: dict[str, tuple[int, int]] = {}  # the string -> the range to search it in
    length = len(typed)
    low, high = 0, size
    for i in range(length):
        head = typed[:i]  # the letters before the edit: the range narrows as it grows
        low, high = span(head, low, high)
        if low == high:
            break  # no term starts with `head`, nor with any longer head
        if i < kept:
            continue
        variants.setdefault(head + typed[i + 1 :], (low, high))  # a letter deleted
        if i + 1 < length and typed[i] != typed[i + 1]:  # two letters swapped
            variants.setdefault(head + typed[i + 1] + typed[i] + typed[i + 2 :], (low, high))
        for letter, start, end in _next_letters(order, key, head, low, high):
            if letter != typed[i]:  # replaced
                variants.setdefault(head + letter + typed[i + 1 :], (start, end))
            variants.setdefault(head + letter + typed[i:], (start, end))  # inserted
    variants.pop(typed, None)
    ranges = sorted(
        found
        for variant, (low, high) in variants.items()
        if len(variant) >= MIN_LENGTH and not variant.startswith(typed)
        for found in (span(variant, low, high),)
        if found[0] < found[1]
    )
    # Ranges of prefixes are nested or apart: keep the outer ones, less the typed word's
    # own completions (a shorter string's range holds them: "teas" holds "teast...").
    own_start, own_end = span(typed)
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    if own_start == own_end:
        return merged
    apart: list[tuple[int, int]] = []
    for start, end in merged:
        if start < own_end and own_start < end:  # the one range that holds them
            apart += [(a, b) for a, b in ((start, own_start), (own_end, end)) if a < b]
        else:
            apart.append((start, end))
    return apart


def _next_letters(
    order: Sequence[int], key: Callable[[int], str], head: str, low: int, high: int
) -> Iterator[tuple[str, int, int]]:
    """Each letter that follows `head` in the terms of order[low:high] (those starting
    with `head`), with the range of the terms starting with head + letter."""
    at = len(head)
    while low < high:
        term = key(order[low])
        if len(term) == at:
            low += 1
            continue
        letter = term[at]
        end = bisect_left(order, head + letter + _AFTER_ALL, low, high, key=key)
        yield letter, low, end
        low = end


def starts_within_one_typo(typed: str, term: str, kept: int = 0) -> bool:
    """Whether a string one edit from `typed` (of MIN_LENGTH letters or more, the edit
    after the first `kept` letters) starts `term`: the same test as one_typo_ranges,
    for one term (the terms not in order)."""
    length = len(typed)
    return term.startswith(typed[:kept]) and any(
        DamerauLevenshtein.distance(typed, term[:cut], score_cutoff=1) <= 1
        for cut in (length - 1, length, length + 1)
        if cut >= MIN_LENGTH and cut <= len(term)
    )


def may_start_within_one_typo(typed: str, head: str, kept: int = 0) -> bool:
    """Whether terms starting with `head` (a prefix bucket's three letters) may start
    with a string one edit from `typed` (the edit after the first `kept` letters)."""
    shared = min(kept, len(head))
    return head[:shared] == typed[:shared] and any(
        DamerauLevenshtein.distance(head, typed[:cut], score_cutoff=1) <= 1
        for cut in (len(head) - 1, len(head), len(head) + 1)
    )
