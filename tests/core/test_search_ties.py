"""Ties at the cut of the candidates re-ranked (refining.py, ranking.py).

At a million passages a query's rarest word is often held by thousands of passages that
all get the same partial score; only RERANK_CANDIDATES of them are re-ranked. These
tests build such ties directly (scores and posting lists), as stage 1 hands them over.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

from bot.core.models import Passage
from bot.core.search import SearchIndex
from bot.core.search.proximity import closest_span, query_words_of
from bot.core.search.refining import best_candidates
from bot.core.search.scores import Scores


def story(story_id: int, text: str) -> tuple[int, list[Passage]]:
    return story_id, [Passage(1, text, 0, len(text))]


def postings_of(lists: dict[int, array[int]]) -> Callable[[int], array[int]]:
    return lists.__getitem__


def test_a_word_left_that_narrows_a_tie_to_hundreds_is_counted() -> None:
    # 5,000 passages tie on the rarest word ("sea"); "family", not walked, is held by
    # 700 of them, the newest. Counting it does not decide the cut of 150 alone (700
    # still tie), but the 150 re-ranked are then passages with both words, where the
    # oldest of the 5,000 had only "sea" (at 1M passages: "her sea feamil").
    scores = Scores.of(dict.fromkeys(range(5_000), 5.3))
    family = array("I", range(4_300, 5_000))
    words = [(2.6, [(1, 1.7, len(family))])]
    refined, top = best_candidates(scores, words, postings_of({1: family}), 150, 1_000_000)
    assert refined == 1
    assert top == list(range(4_300, 4_450))  # the oldest of those holding both


def test_a_word_every_contender_holds_is_not_counted() -> None:
    # The tie (1,000) is small enough to refine, but the word left would add the same
    # to every passage of it: counting it would cost its postings for nothing.
    scores = Scores.of(dict.fromkeys(range(1_000), 5.0))
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
    _, top = best_candidates(Scores.of(scores), [], postings_of({}), 150, 1_000_000, spare=20)
    assert top == list(range(170))


def test_spare_never_brings_a_passage_below_the_cut() -> None:
    # 100 passages above the cut, 60 at it, the rest below: the 150th ties with the 10
    # after it, and those are all the spare can add.
    scores = dict.fromkeys(range(100), 9.0)
    scores.update(dict.fromkeys(range(100, 160), 5.0))
    scores.update(dict.fromkeys(range(160, 1_000), 1.0))
    _, top = best_candidates(Scores.of(scores), [], postings_of({}), 150, 1_000_000, spare=150)
    assert sorted(top) == list(range(160))


def test_without_a_tie_at_the_cut_spare_changes_nothing() -> None:
    scores = {pid: float(1_000 - pid) for pid in range(1_000)}
    _, top = best_candidates(Scores.of(scores), [], postings_of({}), 150, 1_000_000, spare=150)
    assert top == list(range(150))


def test_the_closest_span_holds_every_query_word_found() -> None:
    query_words = query_words_of(
        {"of": [(0, 0.2)], "paintings": [(1, 2.1)], "painting": [(1, 1.9)], "becai": [(2, 3.7)]}
    )
    together = "the becai of paintings hung there".split()
    scattered = "of the painting she saw a becai".split()
    assert closest_span(together, query_words) == 3
    assert closest_span(scattered, query_words) == 7
    # Only the words found count: a passage without "becai" is judged on the others.
    assert closest_span("paintings of the sea".split(), query_words) == 2
    assert closest_span("nothing here".split(), query_words) == 3


def test_passages_with_the_same_score_come_closest_words_first() -> None:
    # Every passage holds "becai", "of" and "paintings" once, "of paintings" side by
    # side, and rapidfuzz's phrase score aligns the query on "of paintings by" in
    # each: all 41 tie. The one holding "becai" closest to the others came after the
    # 40 older ones, beyond the first ten. Now it is first. (Had it held the three
    # side by side, in any order, its phrase would be better: test_search_runs.py.)
    index = SearchIndex()
    stories = [
        story(n, f"The becai {n} stood near a wall of paintings by the river.")
        for n in range(1, 41)
    ]
    stories.append(story(41, "In the hall the becai stood there, of paintings by the river."))
    index.add_stories(stories)
    hits = index.search("of paintings becai", limit=10)
    assert len({hit.score for hit in hits}) == 1  # a tie, not a better score
    assert hits[0].story_id == 41


def test_ordering_a_tie_by_proximity_is_deterministic() -> None:
    index = SearchIndex()
    index.add_stories(
        [story(n, f"A becai {n} and the paintings of the old town.") for n in range(1, 60)]
    )
    first = [(h.story_id, h.score) for h in index.search("of paintings becai", limit=25)]
    again = [(h.story_id, h.score) for h in index.search("of paintings becai", limit=25)]
    assert first == again
    scores = [score for _, score in first]
    assert scores == sorted(scores, reverse=True)
