"""Ties at the cut of the candidates re-ranked (refining.py, ranking.py).

At a million passages a query's rarest word is often held by thousands of passages that
all get the same partial score; only RERANK_CANDIDATES of them are re-ranked. These
tests build such ties directly (scores and posting lists), as stage 1 hands them over.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

from bot.core.search.refining import best_candidates


def postings_of(lists: dict[int, array[int]]) -> Callable[[int], array[int]]:
    return lists.__getitem__


def test_a_word_left_that_narrows_a_tie_to_hundreds_is_counted() -> None:
    # 5,000 passages tie on the rarest word ("sea"); "family", not walked, is held by
    # 700 of them, the newest. Counting it does not decide the cut of 150 alone (700
    # still tie), but the 150 re-ranked are then passages with both words, where the
    # oldest of the 5,000 had only "sea" (at 1M passages: "her sea feamil").
    scores = dict.fromkeys(range(5_000), 5.3)
    family = array("I", range(4_300, 5_000))
    words = [(2.6, [(1, 1.7, len(family))])]
    refined, top = best_candidates(scores, words, postings_of({1: family}), 150, 1_000_000)
    assert refined == 1
    assert top == list(range(4_300, 4_450))  # the oldest of those holding both


def test_a_word_every_contender_holds_is_not_counted() -> None:
    # The tie (1,000) is small enough to refine, but the word left would add the same
    # to every passage of it: counting it would cost its postings for nothing.
    scores = dict.fromkeys(range(1_000), 5.0)
    common = array("I", range(1_000))
    words = [(1.0, [(2, 1.0, len(common))])]
    refined, top = best_candidates(scores, words, postings_of({2: common}), 150, 100_000)
    assert refined == 0
    assert top == list(range(150))
    assert scores[0] == 5.0


def test_a_tie_at_the_cut_brings_up_to_spare_more_of_it() -> None:
    # 1,000 passages tie and nothing is left to count: 20 more of the tie (the oldest
    # after the 150) are re-ranked.
    scores = dict.fromkeys(range(1_000), 5.0)
    _, top = best_candidates(scores, [], postings_of({}), 150, 1_000_000, spare=20)
    assert top == list(range(170))


def test_spare_never_brings_a_passage_below_the_cut() -> None:
    # 100 passages above the cut, 60 at it, the rest below: the 150th ties with the 10
    # after it, and those are all the spare can add.
    scores = dict.fromkeys(range(100), 9.0)
    scores.update(dict.fromkeys(range(100, 160), 5.0))
    scores.update(dict.fromkeys(range(160, 1_000), 1.0))
    _, top = best_candidates(scores, [], postings_of({}), 150, 1_000_000, spare=150)
    assert sorted(top) == list(range(160))


def test_without_a_tie_at_the_cut_spare_changes_nothing() -> None:
    scores = {pid: float(1_000 - pid) for pid in range(1_000)}
    _, top = best_candidates(scores, [], postings_of({}), 150, 1_000_000, spare=150)
    assert top == list(range(150))
