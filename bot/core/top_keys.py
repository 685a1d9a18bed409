"""The best few keys of a weighted word ranking, without scoring every key.

A story autocomplete summed a score for every key that any matched word reaches, then
picked the best 25. A typed "the" (or "the story of", which every generated title of
the 10,000-story bench starts with) reaches every key: 10,000 keys totalled in Python
on each keystroke, 5-7 ms of CPU, when the answer is the first 25 of thousands of
equal totals. Here the keys are visited best first and the visit stops once no key
left can enter the best `limit` (Fagin's threshold algorithm):

- each typed word's keys come in descending order of that word's score for them (a
  score level at a time, ascending key numbers within a level), and a key met for
  the first time is scored in full from its own words (a few dictionary reads);
- a key not met yet scores at most what every typed word's next level gives (the
  threshold), and if it ties, comes after the next key number of every list (its
  place within each level): so once the `limit`-th best beats the threshold, or ties
  it with a smaller number than any list's next key, the answer is known.

The totals are computed exactly as the full ranking computes them (the same floating
point operations in the same order), so the answer is the same keys, scores and
order. A tie decided by the key number needs no tolerance: distinct word scores
differ by far more than a rounding error, so a key short of a level in any list totals
visibly less than the threshold.

When the visit is long (a query whose best keys are spread over many low levels), it
gives up after `budget` keys and the caller ranks every key instead: never much more
work than before, often a hundredth of it.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass


@dataclass(slots=True)
class Level:
    """The keys whose best word for a typed word scores `score`, ascending (a key may
    come twice), and about how many they are (to tell a cheap level from a long one)."""

    score: float
    size: int
    keys: Iterator[int]


class _Cursor:
    """Where the visit is in one typed word's levels (best first)."""

    __slots__ = ("_keys", "head", "left", "levels", "score", "weight")

    def __init__(self, weight: float, levels: Sequence[Level]) -> None:
        self.weight = weight
        self.levels = iter(levels)
        self.head: int | None = None  # the next key, at `score`
        self.score = 0.0
        self.left = 0  # about how many keys the level has left
        self._keys: Iterator[int] = iter(())
        self._next_level()

    def _next_level(self) -> None:
        for level in self.levels:
            head = next(level.keys, None)
            if head is not None:
                self.head, self.score, self.left = head, level.score, level.size
                self._keys = level.keys
                return
        self.head, self.score = None, 0.0

    def take(self) -> int:
        taken = self.head
        assert taken is not None
        self.left -= 1
        self.head = next(self._keys, None)
        if self.head is None:
            self._next_level()
        return taken


def top_keys(
    lists: Sequence[tuple[float, Sequence[Level]]],
    total_of: Callable[[int], float],
    total_weight: float,
    limit: int,
    minimum: float,
    budget: int,
) -> list[tuple[int, float]] | None:
    """(key, score) of the best `limit` keys scoring at least `minimum`, best first
    (ties by key number), or None when that takes more than `budget` keys.

    `lists` are each typed word's weight and its keys by level, best first; a key's
    score is `total_of(key) / total_weight`, and a key in no level scores nothing.
    `total_of` adds each list's weight times the key's score in it, from 0.0 in the
    lists' order, as the threshold here is added up: a tie must come out as one.
    """
    if limit <= 0:
        return []
    cursors = [_Cursor(weight, levels) for weight, levels in lists]
    seen: set[int] = set()
    # The worst of the best so far first: (score, -key) orders a min-heap that way.
    best: list[tuple[float, int]] = []
    for _taken in range(budget + 1):
        threshold, after = 0.0, -1
        chosen: _Cursor | None = None
        for cursor in cursors:
            if cursor.head is not None:
                threshold += cursor.weight * cursor.score  # as the totals add up: exact
                after = max(after, cursor.head)
                # Move the list whose level is cheapest to finish for what finishing
                # it takes off the threshold: a rare word's few keys before a common
                # word's 10,000 (whose level is finished only by scoring every key).
                if chosen is None or (
                    cursor.weight * cursor.score * chosen.left
                    > chosen.weight * chosen.score * cursor.left
                ):
                    chosen = cursor
        bound = threshold / total_weight
        if chosen is None or bound < minimum:
            break  # nothing left can be answered
        if len(best) == limit:
            worst, negated = best[0]
            if bound < worst or (bound == worst and after > -negated):
                break
        if _taken == budget:
            return None
        key = chosen.take()
        if key in seen:
            continue
        seen.add(key)
        score = total_of(key) / total_weight
        if score < minimum:
            continue
        entry = (score, -key)
        if len(best) < limit:
            heapq.heappush(best, entry)
        elif entry > best[0]:
            heapq.heapreplace(best, entry)
    return [(-negated, score) for score, negated in sorted(best, key=lambda e: (-e[0], -e[1]))]
