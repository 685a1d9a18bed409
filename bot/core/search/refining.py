"""Refining stage 1: the words MaxScore did not walk, counted for the passages that need them.

MaxScore (ranking.py, `_candidates`) stops walking once the words left cannot lift a
passage that matched none of the walked ones into the top: no *new* candidate can
matter. But re-ranking only reads the RERANK_CANDIDATES best partial scores, and those
ignore the words left. When more candidates than that share the cut's score (at 1M
passages, "of brirtles hair": 754 passages hold "brirtles", "hair" is not walked, all
754 score the same), the cut kept the oldest and the passage that also holds "hair"
was lost. Here the words left are counted, rarest first, for the candidates that could
still reach the cut with them (its *contenders*), until the cut is decided.

A word costs its strong expansions' posting lists intersected with the contenders: a
binary search per contender when they are few, a C-level set intersection with each
list when they are many. A tie of tens of thousands of passages on common words (a
window like "her own creative") could cost 20-50 ms to untie and seldom ends within
the cut anyway: the words are refined only while they fit in REFINE_BUDGET.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from itertools import compress, islice, repeat
from operator import add, eq, ge, gt, itemgetter

# Work allowed for refining one search, in postings intersected (about 35 ns each
# here): a tenth of the library's size (a search's own work grows with it), within
# 40,000 and 100,000 (1.5-3.5 ms).
REFINE_BUDGET_SHARE = 0.1
REFINE_BUDGET = (40_000, 100_000)
# What a contender costs per word (hashed, looked up, its score updated and compared
# again), and a binary search in a posting list, in postings intersected.
_CONTENDER_COST = 4
_BISECT_COST = 24
# Refining is worth it if it is expected to leave at most this many times `depth`
# contenders: a bigger tie is cut by age again, and the work would be for little.
_EXPECTED_TIE = 2
_SLICE = 16_384  # items per C-level step (see ranking._GIL_SLICE)

# A word to refine: its cap (the most it adds to a passage) and its strong expansions,
# (term id, weight, postings), where `postings` is how many passages hold the term.
Word = tuple[float, Sequence[tuple[int, float, int]]]


def best_candidates(
    scores: dict[int, float],
    words: Sequence[Word],
    postings: Callable[[int], array[int]],
    depth: int,
    passages: int,
) -> tuple[int, list[int]]:
    """The `depth` best passages by partial score (ties: the oldest), once `words`
    (rarest first) are added to the scores of the passages that could enter them with
    them; and how many words were added (a prefix of `words`). `passages` is the
    library's size (how common a term is).

    A passage whose score plus the caps of the words left is below the `depth`-th best
    score cannot enter the cut, with or without them: it is left as it is.
    """
    if len(scores) <= depth:
        return 0, list(scores)
    cut = heapq.nlargest(depth, scores.values())[-1]
    left = sum(cap for cap, _ in words)
    contenders, values = _at_least(iter(scores), iter(scores.values()), cut - left)
    low, high = REFINE_BUDGET
    budget = min(high, max(low, int(REFINE_BUDGET_SHARE * passages)))
    affordable = _affordable(len(contenders), words, passages, depth, budget)
    for cap, expansions in words[:affordable]:
        _add_word(scores, contenders, expansions, postings)
        left -= cap
        values = list(map(scores.__getitem__, contenders))
        cut = heapq.nlargest(depth, values)[-1]
        contenders, values = _at_least(iter(contenders), iter(values), cut - left)
    above, _ = _at_least(iter(contenders), iter(values), cut, gt)
    tied, _ = _at_least(iter(contenders), iter(values), cut, eq)
    tied.sort()
    return affordable, above + tied[: depth - len(above)]


def _affordable(
    contenders: int, words: Sequence[Word], passages: int, depth: int, budget: int
) -> int:
    """How many of `words` to refine: those within the budget, if they are expected to
    leave about `depth` contenders (each keeps the share of them its postings have in
    the library); none otherwise, since the cut would stay a tie anyway."""
    if contenders <= depth:
        return 0
    count = 0
    expected = float(contenders)
    for _, expansions in words:
        sizes = sum(size for _, _, size in expansions)
        cost = _CONTENDER_COST * contenders + min(sizes, _BISECT_COST * contenders)
        if cost > budget:
            break
        budget -= cost
        count += 1
        expected *= min(1.0, sizes / max(1, passages))
    return count if expected <= _EXPECTED_TIE * depth else 0


def _add_word(
    scores: dict[int, float],
    contenders: list[int],
    expansions: Sequence[tuple[int, float, int]],
    postings: Callable[[int], array[int]],
) -> None:
    gains: dict[int, float] = {}
    wanted: set[int] | None = None
    for term_id, weight, size in sorted(expansions, key=itemgetter(1)):
        # Ascending weight: a passage with several expansions keeps the best one.
        if size > _BISECT_COST * len(contenders):
            pids = postings(term_id)
            found = [pid for pid in contenders if _holds(pids, pid)]
        else:
            if wanted is None:
                wanted = set()
                for part in _slices(contenders):
                    wanted.update(part)
            found = []
            for part in _slices(postings(term_id)):
                found += wanted.intersection(part)
        gains.update(dict.fromkeys(found, weight))
    # scores[pid] += gain, at C level (a tie can hold tens of thousands of passages).
    passages, gained = list(gains), list(gains.values())
    for start in range(0, len(passages), _SLICE):
        part, more = passages[start : start + _SLICE], gained[start : start + _SLICE]
        scores.update(zip(part, map(add, map(scores.__getitem__, part), more), strict=True))


def _slices(items: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), _SLICE):
        yield items[start : start + _SLICE]


def _holds(pids: array[int], pid: int) -> bool:
    at = bisect_left(pids, pid)
    return at < len(pids) and pids[at] == pid


def _at_least(
    pids: Iterator[int],
    values: Iterator[float],
    bound: float,
    compare: Callable[[float, float], bool] = ge,
) -> tuple[list[int], list[float]]:
    """The passages (and their scores) whose score compares so to `bound` (`pids` and
    their `values` walk in step), in C-level slices."""
    found: list[int] = []
    kept: list[float] = []
    bounds = repeat(bound)
    while part := list(islice(pids, _SLICE)):
        chunk = list(islice(values, _SLICE))
        mask = list(map(compare, chunk, bounds))
        found.extend(compress(part, mask))
        kept.extend(compress(chunk, mask))
    return found, kept
