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
from itertools import compress
from operator import itemgetter

from bot.core.search.scores import Scores

# Work allowed for refining one search, in postings intersected (about 35 ns each
# here): a quarter of the library's size (a search's own work grows with it), within
# 40,000 and 250,000 (1.4-9 ms). The budget is an upper bound: refining runs only where
# it is expected to narrow the tie (see _EXPECTED_TIE): on the benchmark, a quarter of
# the queries, mostly for far less.
REFINE_BUDGET_SHARE = 0.25
REFINE_BUDGET = (40_000, 250_000)
# What a contender costs per word (hashed, looked up, its score updated and compared
# again), and a binary search in a posting list, in postings intersected.
_CONTENDER_COST = 4
_BISECT_COST = 24
# Reading a posting list (a system call, its CRC, the array) and intersecting it, apart
# from its length: a last word brings up to 50 completions, each a list.
_LIST_COST = 200
# Refining is worth it if it is expected to leave at most this many times `depth`
# contenders: a bigger tie is cut by age again, and the work would be for little. At
# 2, ties the words left would have narrowed to 300-1,200 passages were left whole to
# age (1M passages: "her sea feamil", 4,685 tied on "sea", 311 once "feamil" counted).
_EXPECTED_TIE = 8
# Contenders sampled to estimate what share of them holds a word.
_SAMPLE = 64
_SLICE = 16_384  # items per C-level step (see scores.py)

# A word to refine: its cap (the most it adds to a passage) and its strong expansions,
# (term id, weight, postings), where `postings` is how many passages hold the term.
Word = tuple[float, Sequence[tuple[int, float, int]]]


def best_candidates(
    scores: Scores,
    words: Sequence[Word],
    postings: Callable[[int], array[int]],
    depth: int,
    passages: int,
    spare: int = 0,
) -> tuple[int, list[int]]:
    """The `depth` best passages by partial score (ties: the oldest), once `words`
    (rarest first) are added to the scores of the passages that could enter them with
    them; and how many words were added (a prefix of `words`). `passages` is the
    library's size (how common a term is). When the `depth`-th best ties with the
    next ones, up to `spare` more of the tie are taken (the oldest).

    A passage whose score plus the caps of the words left is below the `depth`-th best
    score cannot enter the cut, with or without them: it is left as it is.
    """
    if len(scores) <= depth:
        return 0, list(scores)
    cut = heapq.nlargest(depth, scores.values())[-1]
    left = sum(cap for cap, _ in words)
    # The contenders and their scores as two lists (values() goes in the order of
    # items()), so that no step looks a score up again; not as (pid, score) pairs: tens
    # of thousands of tuples alive at once made the garbage collector run full passes,
    # 6 ms each with the interpreter lock held.
    # Comprehensions, not compress(map(...)): cheaper here, and the interpreter lock is
    # given back between items.
    bound = cut - left
    contenders = [pid for pid, score in scores.items() if score >= bound]
    values = [score for score in scores.values() if score >= bound]
    low, high = REFINE_BUDGET
    budget = min(high, max(low, int(REFINE_BUDGET_SHARE * passages)))
    lists: dict[int, array[int]] = {}  # read once, for the estimate and the refining

    def read(term_id: int) -> array[int]:
        if term_id not in lists:
            lists[term_id] = postings(term_id)
        return lists[term_id]

    affordable = _affordable(contenders, words, read, depth, budget)
    for cap, expansions in words[:affordable]:
        gains = _gains(contenders, expansions, read)
        scores.increase(gains.items())
        left -= cap
        gained = gains.get
        values = [score + gained(pid, 0.0) for pid, score in zip(contenders, values, strict=True)]
        cut = heapq.nlargest(depth, values)[-1]
        bound = cut - left
        kept = [score >= bound for score in values]
        contenders, values = list(compress(contenders, kept)), list(compress(values, kept))
    above = [pid for pid, score in zip(contenders, values, strict=True) if score > cut]
    tied = [pid for pid, score in zip(contenders, values, strict=True) if score == cut]
    wanted = depth + spare - len(above)
    if len(tied) <= _SLICE:
        tied.sort()
        return affordable, above + tied[:wanted]
    # The oldest of a big tie without one C-level sort of all of it (hundreds of
    # thousands at 1M passages: the interpreter lock held throughout).
    return affordable, above + heapq.nsmallest(wanted, tied)


def _affordable(
    contenders: list[int],
    words: Sequence[Word],
    read: Callable[[int], array[int]],
    depth: int,
    budget: int,
) -> int:
    """How many of `words` to refine: the fewest expected to leave at most
    _EXPECTED_TIE x `depth` contenders, within the budget, less the last ones every
    sampled contender holds; none if even all affordable ones are not expected to.

    What share of the contenders holds a word is estimated on an even sample of them:
    the library-wide share misleads, since the passages of a tie are often copies of
    one template paragraph that all hold the same common words (refining by those
    changes nothing) or none of them.
    """
    if len(contenders) <= depth:
        return 0
    sample = contenders[:: max(1, len(contenders) // _SAMPLE)]
    sampled = set(sample)
    expected = float(len(contenders))
    useful = 0  # the words up to the last one some sampled contender lacks
    for count, (_, expansions) in enumerate(words, start=1):
        sizes = sum(size for _, _, size in expansions)
        cost = _CONTENDER_COST * len(contenders) + min(sizes, _BISECT_COST * len(contenders))
        cost += _LIST_COST * len(expansions)
        if cost > budget:
            break
        budget -= cost
        held: set[int] = set()
        for term_id, _, size in expansions:
            if size > _BISECT_COST * len(sample):
                pids = read(term_id)
                held.update(pid for pid in sample if _holds(pids, pid))
            else:
                held |= sampled.intersection(read(term_id))
        if len(held) < len(sample):
            useful = count
        expected *= len(held) / len(sample)
        if expected <= _EXPECTED_TIE * depth:
            # A word every contender holds would change nothing: not worth reading.
            return useful
    return 0


def _gains(
    contenders: list[int],
    expansions: Sequence[tuple[int, float, int]],
    postings: Callable[[int], array[int]],
) -> dict[int, float]:
    """Contender -> the weight of the best of `expansions` it holds (if any)."""
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
        for part in _slices(found):
            gains.update(dict.fromkeys(part, weight))
    return gains


def _slices(items: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), _SLICE):
        yield items[start : start + _SLICE]


def _holds(pids: array[int], pid: int) -> bool:
    at = bisect_left(pids, pid)
    return at < len(pids) and pids[at] == pid
