"""`rank_by_words`, with its per-library work done once instead of on every keystroke.

Ranking a typed name against 10,000 stories (or their 100,000 characters) recounted
every word of every key, rescored the whole vocabulary in Python and summed a score
for every key, on each autocomplete: a second per keystroke at 10,000 stories. A
`WordIndex` is built once per library state (see bot/app/catalogues.py) and holds the
vocabulary (in first-seen order, as rank_by_words has it) and, per word, the keys that
contain it; a query then touches only the keys holding a word it matched.

It is flat: the vocabulary is one list of interned words (the story, character and
name indexes share theirs), and everything else is indexed by a word's place in it: a
word's keys are a slice of one list, how often it occurs is that slice's length, and
the alphabetical order, for prefixes, is the same words in a list beside an array of
their places. The per-word dicts, Counter and tuples it replaces held 3-4 times the
bytes (3.5 MiB for 10,000 stories' index, now 1.6).

A query's keys are visited best first and the visit stops once the best few are
certain (`bot.core.top_keys`): a typed "the" ties every title, and the first 25 of
them are the answer, found without totalling the other 9,975.

An `IndexView` ranks what one server sees: the keys of the shared built-in library's
index minus those it hides, then its own index's keys. The ranking is the same as
`bot.core.matching.rank_by_words` over exactly those keys, and tested to be so.
"""

from __future__ import annotations

import heapq
import math
import sys
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from itertools import chain, islice, repeat

from rapidfuzz import fuzz, process

from bot.core.matching import _MINIMUM_SCORE, AUTOCOMPLETE_LIMIT
from bot.core.text import fold, words
from bot.core.top_keys import Level, top_keys

# Typed words whose fuzzy matches an index keeps (see `WordIndex.matches`).
_MATCHES_KEPT = 256
# Keys the best-first ranking may take before it ranks every key instead (each is a few
# microseconds; ranking all 10,000 stories is 5-7 ms).
_VISIT_BUDGET = 1000
# Below this many (word, key) pairs reached (rare words typed), totalling them all,
# mostly in C, costs less than setting up the best-first visit (0.1 vs 0.4 ms for a
# full name among 17,000 characters).
_FEW = 5000


class WordIndex:
    __slots__ = (
        "_alphabetical",
        "_key_offsets",
        "_key_places",
        "_matched",
        "_offsets",
        "_places",
        "_postings",
        "size",
        "vocabulary",
    )

    def __init__(self, keys: Sequence[Collection[str]]) -> None:
        self.size = len(keys)
        place: dict[str, int] = {}
        found: list[list[int]] = []
        # Each key's words' places, key after key: a key met in the ranking is scored
        # from its own few words (see `IndexView.rank`). 4 bytes a word, no objects.
        self._key_places = array("i")
        self._key_offsets = array("i", [0])
        for index, key in enumerate(keys):
            for word in key:
                at = place.get(word)
                if at is None:
                    at = place[sys.intern(word)] = len(found)
                    found.append([index])
                else:
                    found[at].append(index)
                self._key_places.append(at)
            self._key_offsets.append(len(self._key_places))
        self._matched: dict[str, tuple[array[int], array[float]]] = {}
        # In first-seen order, as rank_by_words has it: ties between equally good words
        # go by this order, and the ranking must not change.
        self.vocabulary: list[str] = list(place)
        order = sorted(range(len(found)), key=self.vocabulary.__getitem__)
        # The words alphabetically (the same objects: a list of references), so that
        # prefixes are a range bisect finds in C, with each one's place beside it.
        self._alphabetical = [self.vocabulary[place] for place in order]
        self._places = array("i", order)
        self._offsets = array("i", [0])
        # A list, not an array: a query copies a common word's 10,000 keys out of it, and
        # an array would make 10,000 new int objects each time (15 % of a story
        # autocomplete); a list's slice shares the one int per key number.
        self._postings: list[int] = []
        for indexes in found:
            self._postings.extend(indexes)
            self._offsets.append(len(self._postings))

    def frequency(self, place: int) -> int:
        """How many times the word at this place occurs in the keys."""
        return self._offsets[place + 1] - self._offsets[place]

    def keys_of(self, place: int) -> list[int]:
        """The keys holding the word at this place, ascending."""
        return self._postings[self._offsets[place] : self._offsets[place + 1]]

    def place(self, word: str) -> int | None:
        """The word's place in the vocabulary, if it has one."""
        at = bisect_left(self._alphabetical, word)
        if at < len(self._alphabetical) and self._alphabetical[at] == word:
            return self._places[at]
        return None

    def places_of(self, key: int) -> array[int]:
        """The places of the key's words."""
        return self._key_places[self._key_offsets[key] : self._key_offsets[key + 1]]

    def matches(self, query_word: str) -> list[tuple[int, float]]:
        """(place, score) of every plausible word, best first (ties by place).

        Comparing a word with the 20,000 of the vocabulary is 1-2 ms, and every
        keystroke of "the story of val" retypes the words before the last: the latest
        typed words' matches are kept, as arrays (12 bytes a match, a few dozen
        matches a word; the built-in library's index is shared by every server, and
        so are these).
        """
        kept = self._matched.pop(query_word, None)
        if kept is None:
            found = process.extract(
                query_word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=60, limit=None
            )
            kept = (array("i", [m[2] for m in found]), array("d", [m[1] for m in found]))
            if len(self._matched) >= _MATCHES_KEPT:
                self._matched.pop(next(iter(self._matched)), None)  # the least recently used
        self._matched[query_word] = kept
        return list(zip(*kept, strict=True))

    def prefixed(self, prefix: str) -> Iterator[int]:
        """The places of the words that start with `prefix` (alphabetically)."""
        alphabetical = self._alphabetical
        at = bisect_left(alphabetical, prefix)
        while at < len(alphabetical) and alphabetical[at].startswith(prefix):
            yield self._places[at]
            at += 1

    def rank(self, query: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[tuple[int, float]]:
        """(index, score) of the keys best matching `query`, best first."""
        return IndexView(self).rank(query, limit)


class IndexView:
    """A base index's keys minus `hidden` ones, then `extra`'s keys (numbered from the
    base's size on): what a server sees of the built-in library, with its own stories.

    Ranked as `rank_by_words` ranks those keys. The base's places and key numbers are
    kept (a hidden key is never answered), so a server's view costs only its own index
    and the words of the keys it hides. Which equally good word a typed word is taken
    to mean goes by first-seen order; a hidden key may have been where a word was first
    seen, so with hidden keys that order is recomputed for the words in play, from the
    keys themselves (`base_keys`, `extra_keys`).
    """

    def __init__(
        self,
        base: WordIndex,
        hidden: Iterable[int] = (),
        extra: WordIndex | None = None,
        *,
        base_keys: Sequence[Collection[str]] = (),
        extra_keys: Sequence[Collection[str]] = (),
    ) -> None:
        self.base = base
        self.hidden = tuple(sorted(set(hidden)))
        self._hidden_set = frozenset(self.hidden)
        self.extra = extra
        self._base_keys = base_keys
        self._extra_keys = extra_keys
        self.size = base.size - len(self.hidden) + (extra.size if extra else 0)
        # Occurrences in hidden keys, by base place: what the view's frequencies lack.
        self._hidden_counts: Counter[int] = Counter()
        if self.hidden:
            assert len(base_keys) == base.size, "hidden keys need the base's keys"
            for key_number in self.hidden:
                for word in base_keys[key_number]:
                    place = base.place(word)
                    if place is not None:
                        self._hidden_counts[place] += 1
        # The extra index's words by combined place: the base's place when the base has
        # the word too, else after the base's vocabulary.
        self._extra_places: list[int] = []
        # Combined place → the extra index's place (only for words the extra has).
        self._in_extra: dict[int, int] = {}
        if extra is not None:
            assert not self.hidden or len(extra_keys) == extra.size
            after = len(base.vocabulary)
            for place, word in enumerate(extra.vocabulary):
                combined = base.place(word)
                if combined is None:
                    combined, after = after, after + 1
                self._extra_places.append(combined)
                self._in_extra[combined] = place

    def _word(self, combined: int) -> str:
        if combined < len(self.base.vocabulary):
            return self.base.vocabulary[combined]
        assert self.extra is not None
        return self.extra.vocabulary[self._in_extra[combined]]

    def _frequency(self, combined: int) -> int:
        count = 0
        if combined < len(self.base.vocabulary):
            count = self.base.frequency(combined) - self._hidden_counts.get(combined, 0)
        if self.extra is not None and combined in self._in_extra:
            count += self.extra.frequency(self._in_extra[combined])
        return count

    def _extra_keys_of(self, combined: int) -> list[int]:
        assert self.extra is not None
        offset = self.base.size
        return [offset + key for key in self.extra.keys_of(self._in_extra[combined])]

    def _keys(self, combined: int) -> Iterator[Iterable[int]]:
        """The key numbers holding this word (hidden ones included: the caller drops them)."""
        if combined < len(self.base.vocabulary):
            yield self.base.keys_of(combined)
        if combined in self._in_extra:
            yield self._extra_keys_of(combined)

    def _moved(self, combined: int) -> bool:
        """Whether a hidden key is where the base first saw this word: then the view
        first sees it later than its place says."""
        if not self.hidden or combined >= len(self.base.vocabulary):
            return False
        return self.base._postings[self.base._offsets[combined]] in self._hidden_set

    def _first_seen(self, combined: int) -> tuple[int, int]:
        """Where rank_by_words's vocabulary would first meet this word: its first shown
        key and its place in that key."""
        word = self._word(combined)
        for keys in self._keys(combined):
            for key_number in keys:
                if key_number not in self._hidden_set:
                    if key_number < self.base.size:
                        return key_number, list(self._base_keys[key_number]).index(word)
                    own = self._extra_keys[key_number - self.base.size]
                    return key_number, list(own).index(word)
        return sys.maxsize, 0  # only in hidden keys: not in the view's vocabulary

    def _first(self, places: Iterable[int]) -> int:
        """The word rank_by_words's vocabulary meets first, of these.

        Places are in that order except for words a hidden key moved, which are few:
        those are compared by where they are first seen, with the best of the rest.
        """
        places = list(places)
        if not self.hidden:
            return min(places)
        stay = [place for place in places if not self._moved(place)]
        moved = [place for place in places if self._moved(place)]
        return min(moved + ([min(stay)] if stay else []), key=self._first_seen)

    def _scores(self, query_word: str, *, typing: bool) -> tuple[dict[int, float], int | None]:
        """As `matching._vocabulary_scores`, by combined place, with the word the first
        best of them is (which rank_by_words takes to be the one meant)."""
        found = self.base.matches(query_word)
        if self.extra is not None:
            extra_places = self._extra_places
            base_size = len(self.base.vocabulary)
            found += [
                (extra_places[place], score)
                for place, score in self.extra.matches(query_word)
                if extra_places[place] >= base_size  # the base's matches have the others
            ]
        prefixed: list[int] = []
        if typing and len(query_word) >= 2:  # the word being typed is a prefix of what is meant
            prefixed = list(self.base.prefixed(query_word))
            if self.extra is not None:
                prefixed += [
                    self._extra_places[place]
                    for place in self.extra.prefixed(query_word)
                    if self._extra_places[place] >= len(self.base.vocabulary)
                ]
        if self.hidden:  # words only hidden keys hold are not in the view's vocabulary
            found = [pair for pair in found if self._frequency(pair[0]) > 0]
            prefixed = [place for place in prefixed if self._frequency(place) > 0]
        scores = dict(found)
        for place in prefixed:
            scores[place] = 100.0
        return scores, self._meant(found, prefixed)

    def _meant(self, found: list[tuple[int, float]], prefixed: list[int]) -> int | None:
        """The first word of the highest score in rank_by_words's dict of scores: its
        fuzzy matches best first (ties in vocabulary order), then the prefixed words
        (raised to 100 where they already are, appended in vocabulary order)."""
        if prefixed:
            raised = set(prefixed)
            tied = [(place, score) for place, score in found if score == 100.0 or place in raised]
            if tied:
                top = max(score for _place, score in tied)
                return self._first(place for place, score in tied if score == top)
            return self._first(prefixed)
        if not found:
            return None
        top = max(score for _place, score in found)
        return self._first(place for place, score in found if score == top)

    def shown(self) -> Iterator[int]:
        """Every key number the view shows, in order."""
        yield from (key for key in range(self.base.size) if key not in self._hidden_set)
        if self.extra is not None:
            yield from range(self.base.size, self.base.size + self.extra.size)

    def rank(self, query: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[tuple[int, float]]:
        """(key number, score) of the keys best matching `query`, best first."""
        query_words = words(fold(query).replace("-", " "))
        if not query_words:
            return [(key, 100.0) for key in islice(self.shown(), limit)]
        weighed: list[tuple[float, dict[int, float]]] = []
        total_weight = 0.0
        for position, query_word in enumerate(query_words):
            scores, meant = self._scores(query_word, typing=position == len(query_words) - 1)
            weight = (
                math.log(1 + self.size / self._frequency(meant))
                if meant is not None
                else math.log(2)
            )
            total_weight += weight
            weighed.append((weight, scores))
        reached = chain.from_iterable(scores for _weight, scores in weighed)
        if sum(map(self._occurrences, reached)) <= _FEW:
            return self._rank_all(weighed, total_weight, limit)
        lists = [(weight, self._levels(scores)) for weight, scores in weighed]
        ranked = top_keys(
            lists,
            lambda key: self._total(key, weighed),
            total_weight,
            limit,
            _MINIMUM_SCORE,
            _VISIT_BUDGET,
        )
        if ranked is None:
            ranked = self._rank_all(weighed, total_weight, limit)
        return ranked

    def _levels(self, scores: dict[int, float]) -> list[Level]:
        """The keys shown holding a word of `scores`, by that word's score (the best
        if several), then by key number: what `top_keys` visits. Read lazily: a common
        word's 10,000 keys are rarely all needed."""
        by_score: dict[float, list[int]] = {}
        for place, score in scores.items():
            by_score.setdefault(score, []).append(place)
        levels = []
        for score in sorted(by_score, reverse=True):
            places = by_score[score]
            holding = [self._keys_holding(place) for place in places]
            keys = holding[0] if len(holding) == 1 else heapq.merge(*holding)
            if self.hidden:
                keys = (key for key in keys if key not in self._hidden_set)
            levels.append(Level(score, sum(map(self._occurrences, places)), keys))
        return levels

    def _occurrences(self, combined: int) -> int:
        """How many keys hold this word, hidden ones included."""
        count = 0
        if combined < len(self.base.vocabulary):
            count = self.base.frequency(combined)
        if combined in self._in_extra:
            count += self.extra.frequency(self._in_extra[combined])  # type: ignore[union-attr]
        return count

    def _keys_holding(self, combined: int) -> Iterator[int]:
        """The key numbers holding this word, ascending (hidden ones included)."""
        if combined < len(self.base.vocabulary):
            offsets = self.base._offsets
            yield from map(
                self.base._postings.__getitem__, range(offsets[combined], offsets[combined + 1])
            )
        if combined in self._in_extra:
            yield from self._extra_keys_of(combined)

    def _total(self, key: int, weighed: list[tuple[float, dict[int, float]]]) -> float:
        """The key's total as `_rank_all` adds it up: each typed word's weight times the
        score of the key's best word for it, in the order typed."""
        if key < self.base.size:
            places: Sequence[int] = self.base.places_of(key)
        else:
            assert self.extra is not None
            extra_places = self._extra_places
            places = [extra_places[place] for place in self.extra.places_of(key - self.base.size)]
        total = 0.0
        for weight, scores in weighed:
            total += weight * max(map(scores.get, places, repeat(0.0, len(places))), default=0.0)
        return total

    def _rank_all(
        self, weighed: list[tuple[float, dict[int, float]]], total_weight: float, limit: int
    ) -> list[tuple[int, float]]:
        """Every key any matched word reaches, totalled, and the best `limit` ordered."""
        base = self.base
        totals: dict[int, float] = {}
        for weight, scores in weighed:
            # Each key's best-matching word: words taken worst first, a better one
            # overwrites. A typed "the" reaches every title, so this runs as dict
            # updates in C rather than a Python loop over 10,000 postings.
            best: dict[int, float] = {}
            base_words, offsets, postings = len(self.base.vocabulary), base._offsets, base._postings
            for place, score in sorted(scores.items(), key=lambda pair: pair[1]):
                if place < base_words:  # the usual case, inlined: hundreds of words a query
                    best.update(dict.fromkeys(postings[offsets[place] : offsets[place + 1]], score))
                if place in self._in_extra:
                    best.update(dict.fromkeys(self._extra_keys_of(place), score))
            for key in self.hidden:
                best.pop(key, None)
            if not totals:
                totals = {key: weight * score for key, score in best.items()}
            else:
                for key, score in best.items():
                    totals[key] = totals.get(key, 0.0) + weight * score
        # Only the best `limit` are ordered, not every key a common word reached.
        ranked = heapq.nsmallest(
            limit,
            [
                (-score, key)
                for key, total in totals.items()
                if (score := total / total_weight) >= _MINIMUM_SCORE
            ],
        )
        return [(key, -negated) for negated, key in ranked]
