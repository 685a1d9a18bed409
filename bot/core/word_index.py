"""`rank_by_words`, with its per-library work done once instead of on every keystroke.

Ranking a typed name against 10,000 stories (or their 100,000 characters) recounted
every word of every key, rescored the whole vocabulary in Python and summed a score
for every key, on each autocomplete: a second per keystroke at 10,000 stories. A
`WordIndex` is built once per library state (see bot/app/catalogues.py) and holds the
word frequencies, the vocabulary (sorted, so prefixes are a range) and, per word, the
keys that contain it; a query then touches only the keys holding a word it matched.
The ranking is the same as `bot.core.matching.rank_by_words`, and tested to be so.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence

from rapidfuzz import fuzz, process

from bot.core.matching import _MINIMUM_SCORE, AUTOCOMPLETE_LIMIT
from bot.core.text import fold, words


class WordIndex:
    def __init__(self, keys: Sequence[Collection[str]]) -> None:
        self.size = len(keys)
        self.frequency = Counter(word for key in keys for word in key)
        # In first-seen order, as rank_by_words has it: ties between equally good words
        # go by this order, and the ranking must not change.
        self.vocabulary = list(self.frequency)
        self.position = {word: index for index, word in enumerate(self.vocabulary)}
        self.alphabetical = sorted(self.vocabulary)  # prefixes are a range here
        postings: dict[str, list[int]] = defaultdict(list)
        for index, key in enumerate(keys):
            for word in key:
                postings[word].append(index)
        # Tuples of ints, unlike lists, are left out of the garbage collector's full
        # passes: 66,000 fewer objects to traverse at 10,000 stories, each time.
        self.postings = {word: tuple(ids) for word, ids in postings.items()}

    def _scores(self, query_word: str, *, typing: bool) -> dict[str, float]:
        scores = {
            word: score
            for word, score, _index in process.extract(
                query_word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=60, limit=None
            )
        }
        if typing and len(query_word) >= 2:  # the word being typed is a prefix of what is meant
            start = bisect_left(self.alphabetical, query_word)
            prefixed = []
            for word in self.alphabetical[start:]:
                if not word.startswith(query_word):
                    break
                prefixed.append(word)
            for word in sorted(prefixed, key=self.position.__getitem__):
                scores[word] = 100.0
        return scores

    def rank(self, query: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[tuple[int, float]]:
        """(index, score) of the keys best matching `query`, best first."""
        query_words = words(fold(query).replace("-", " "))
        if not query_words:
            return [(index, 100.0) for index in range(min(limit, self.size))]
        total_weight = 0.0
        totals: dict[int, float] = {}
        for position, query_word in enumerate(query_words):
            scores = self._scores(query_word, typing=position == len(query_words) - 1)
            meant = max(scores, key=scores.__getitem__, default=None)
            weight = math.log(1 + self.size / self.frequency[meant]) if meant else math.log(2)
            total_weight += weight
            # Each key's best-matching word: words taken worst first, a better one
            # overwrites. A typed "the" reaches every title, so this runs as dict
            # updates in C rather than a Python loop over 10,000 postings.
            best: dict[int, float] = {}
            for word, score in sorted(scores.items(), key=lambda pair: pair[1]):
                found = self.postings.get(word)
                if found:
                    best.update(dict.fromkeys(found, score))
            if not totals:
                totals = {index: weight * score for index, score in best.items()}
            else:
                for index, score in best.items():
                    totals[index] = totals.get(index, 0.0) + weight * score
        # Only the best `limit` are ordered, not every key a common word reached.
        ranked = heapq.nsmallest(
            limit,
            [
                (-score, index)
                for index, total in totals.items()
                if (score := total / total_weight) >= _MINIMUM_SCORE
            ],
        )
        return [(index, -negated) for negated, index in ranked]
