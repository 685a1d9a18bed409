"""Proximity: how close together a passage holds the query's words.

Re-ranking's score (coverage x phrase) often ties at a million passages: a window of
common words is held, in some order, by hundreds of passages, and rapidfuzz's
partial_ratio gives the same figure to a passage with the words side by side in
another order and to one with them scattered with the same best-aligned letters. Tied
passages were ordered by age; the passage the reader remembers holds the words
together ("becai of paintings" for the query "of paintings becai"), so a tie is
ordered by the shortest run of words that holds every query word the passage holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.search.words import CONTRACTION_TAILS


def query_words_of(
    term_weights: Mapping[str, Sequence[tuple[int, float]]],
) -> dict[str, tuple[int, ...]]:
    """Term -> the positions of the query words it stands for (from a plan's weights)."""
    return {term: tuple(position for position, _ in found) for term, found in term_weights.items()}


def closest_span(words: Sequence[str], query_words: Mapping[str, tuple[int, ...]]) -> int:
    """The fewest consecutive `words` that hold every query word found in them.

    `query_words` maps a term to the query words (positions) it stands for: a query
    word counts wherever one of its terms is. `len(words) + 1` if none is found.
    """
    found = [(at, query_words[word]) for at, word in enumerate(words) if word in query_words]
    if not found:
        return len(words) + 1
    held_anywhere = {p for _, held in found for p in held}
    wanted = len(held_anywhere)
    counts = [0] * (1 + max(held_anywhere))  # query words are a dozen at most
    have = 0
    shortest = len(words) + 1
    start = 0
    for at, held in found:
        for p in held:
            counts[p] += 1
            have += counts[p] == 1
        while have == wanted:  # shrink from the left while every word is still held
            first, dropped = found[start]
            shortest = min(shortest, at - first + 1)
            for p in dropped:
                counts[p] -= 1
                have -= counts[p] == 0
            start += 1
    return shortest


def words_held_together(words: Sequence[str], query_words: Mapping[str, tuple[int, ...]]) -> int:
    """The most query words held by a run of consecutive `words` that are all query
    words, in any order (`query_words` as from `query_words_of`: each query word counts
    once in a run). What a contraction leaves ("family s sea") does not break a run."""
    most = 0
    run: list[tuple[int, ...]] = []
    # Hot (re-ranking calls it for most candidates it scores): a run's distinct query
    # words are counted only when its length could beat the longest so far.
    for word, held in zip(words, map(query_words.get, words), strict=True):
        if held is not None:
            run.append(held)
        elif run and word not in CONTRACTION_TAILS:
            if len(run) > most:
                most = max(most, len(set().union(*run)))
            run = []
    if len(run) > most:
        most = max(most, len(set().union(*run)))
    return most
