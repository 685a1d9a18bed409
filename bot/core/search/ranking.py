"""Ranking: what each query word may stand for, candidates, then re-ranking."""

from __future__ import annotations

import heapq
import math
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter
from zlib import crc32

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from bot.core.search.blobs import IndexDamaged
from bot.core.search.postings import _MIN_PREFIX_BUCKET, Postings
from bot.core.search.refining import best_candidates
from bot.core.search.tails import CompletionTail
from bot.core.search.typos import _DELETION_PREFIX, _deletions, _max_typos
from bot.core.search.words import STOP_WORDS, _folded_query_words, _inflections, _spelling_variants

# How many stage-1 candidates are re-ranked with rapidfuzz.
RERANK_CANDIDATES = 150
# MaxScore stops walking rarer-to-commoner words once a new passage could no longer
# enter the top PRUNING_DEPTH by partial score.
PRUNING_DEPTH = 50
# Stage 1 only walks the expansions worth at least this share of their word's weight.
WALKED_WEIGHT_SHARE = 0.5
# Final score = 100 x coverage x (PHRASE_FLOOR + (1 - PHRASE_FLOOR) x phrase / 100): a
# passage with every query word but scattered or out of order keeps 70% of the score.
PHRASE_FLOOR = 0.7

# Similarity of a query word to the terms it expands to (an exact match is 1.0).
VARIANT_SIMILARITY = 0.95
INFLECTION_SIMILARITY = 0.9
TYPO_SIMILARITY = {1: 0.8, 2: 0.65}
# A rare exact match that has a far more common neighbour one typo away is probably a typo
# of that neighbour ("form"/"from"): the neighbour is searched too, a bit less trusted.
TYPO_OVER_RARE_WORD_FACTOR = 10
TYPO_OVER_RARE_WORD_SIMILARITY = 0.85
MAX_COMPLETIONS = 50
_MIN_FUZZY_PREFIX_LENGTH = 4
# A query word found in this many passages is taken as typed, not as a typo.
_TRUSTED_WORD_PASSAGES = 50
_MAX_TWO_TYPO_NEIGHBOURS = 30
MIN_PREFIX_LENGTH = 3
_DISTANT_SUGGESTION_CUTOFF = 0.75
# candidates, unless it is the rarest word of the query; it still counts at re-ranking.
# Walking 50,000 postings costs ~4 ms; at 1M passages a lower cap costs recall.
_MAX_CREATING_SHARE = 0.05
_MAX_CREATING_FLOOR = 10_000
# Searches run in worker threads, and one C-level call (a dict made from 200,000
# postings) holds the interpreter lock from start to end: the event loop would wait that
# long. Big lists are handled this many items per call (about a millisecond each here).
_GIL_SLICE = 16_384


@dataclass(slots=True)
class _QueryWord:
    text: str
    is_stop: bool
    expansions: dict[int, float]  # term id -> similarity to the query word
    # The word itself: as typed, its other spellings and its singular/plural (term ids).
    same_word: frozenset[int]
    size: int = 0  # postings over all expansions (an upper bound of matching passages)
    idf: float = 0.0  # the most a passage can get for this word
    weights: dict[int, float] = field(default_factory=dict)  # term id -> weight (<= idf)
    # A last word with more completions than were searched: the others count at
    # re-ranking (tails.py).
    more_completions: bool = False


@dataclass(slots=True)
class _Plan:
    text: str  # the folded query, as rapidfuzz compares it with folded passages
    words: list[_QueryWord]
    total_weight: float  # sum of the words' idf: a passage matching all of them exactly
    # term -> (query word position, weight) for every word the term stands for
    term_weights: dict[str, list[tuple[int, float]]]
    terms: frozenset[str]  # the keys of term_weights, for fast intersections
    # term -> 2 for a content word, 1 for a stop word (only highlighted inside a phrase)
    highlight_levels: dict[str, int]
    tail: CompletionTail | None = None  # the last word's completions not searched


@dataclass(slots=True)
class _Candidates:
    scores: dict[int, float]  # passage id -> partial score over the walked words
    top: list[int]  # the RERANK_CANDIDATES best of them (ties: the oldest)
    slack: float  # the most exact scoring can add to a partial score


class Ranking(Postings):
    """Planning, stage 1 (candidates) and stage 2 (re-ranking) over the postings."""

    @staticmethod
    def _worth_searching(plan: _Plan) -> bool:
        # Passages that only share "the" and "of" with the query are not results, unless
        # the query is made of nothing but such words.
        content = [word for word in plan.words if not word.is_stop]
        return any(word.expansions for word in content or plan.words)

    # ---- planning: what each query word may stand for

    def _plan(self, cleaned: str) -> _Plan:
        texts = _folded_query_words(cleaned)
        plan_words = []
        for position, text in enumerate(texts):
            is_last = position == len(texts) - 1
            plan_words.append(self._query_word(text, is_last=is_last))
        self._weigh(plan_words)
        only_stop_words = all(word.is_stop for word in plan_words)
        term_weights: dict[str, list[tuple[int, float]]] = {}
        for position, word in enumerate(plan_words):
            for term_id, weight in word.weights.items():
                term_weights.setdefault(self._terms[term_id], []).append((position, weight))
        # Stop words are only highlighted inside a phrase, unless they are all there is.
        levels: dict[str, int] = {}
        for word in plan_words:
            level = 1 if word.is_stop and not only_stop_words else 2
            for term_id in word.expansions:
                term = self._terms[term_id]
                levels[term] = max(levels.get(term, 0), level)
        last = plan_words[-1]
        tail = (
            CompletionTail.of(len(plan_words) - 1, last.text, last.idf)
            if last.more_completions
            else None
        )
        return _Plan(
            text=" ".join(texts),
            words=plan_words,
            total_weight=sum(word.idf for word in plan_words),
            term_weights=term_weights,
            terms=frozenset(term_weights),
            highlight_levels=levels,
            tail=tail,
        )

    def _query_word(self, text: str, *, is_last: bool) -> _QueryWord:
        is_stop = text in STOP_WORDS
        expansions: dict[int, float] = {}
        exact = self._term_ids.get(text)
        exact_df = self._postings.df(exact) if exact is not None else 0
        if exact is not None and exact_df:
            expansions[exact] = 1.0
        if not is_stop:
            self._add_known(expansions, _spelling_variants(text), VARIANT_SIMILARITY)
            self._add_known(expansions, _inflections(text), INFLECTION_SIMILARITY)
        same_word = frozenset(expansions)
        more_completions = False
        if not is_stop:
            self._add_typos(expansions, text, exact_df)
            if is_last and len(text) >= MIN_PREFIX_LENGTH:
                completions, more_completions = self._completions(text)
                if not exact_df and len(text) >= _MIN_FUZZY_PREFIX_LENGTH:
                    completions += self._fuzzy_completions(text)
                for term_id, similarity in completions:
                    expansions[term_id] = max(expansions.get(term_id, 0.0), similarity)
        word = _QueryWord(text, is_stop, expansions, same_word)
        word.more_completions = more_completions
        return word

    def _add_known(self, expansions: dict[int, float], terms: set[str], similarity: float) -> None:
        for term in terms:
            term_id = self._term_ids.get(term)
            if term_id is not None and self._postings.df(term_id):
                expansions[term_id] = max(expansions.get(term_id, 0.0), similarity)

    def _add_typos(self, expansions: dict[int, float], text: str, exact_df: int) -> None:
        if exact_df >= _TRUSTED_WORD_PASSAGES:
            return  # a word the library uses this often is what the reader meant
        for term_id, distance in self._typo_neighbours(text, _max_typos(text)):
            if term_id in expansions:
                continue
            if not exact_df:
                expansions[term_id] = TYPO_SIMILARITY[distance]
            elif self._postings.df(term_id) >= TYPO_OVER_RARE_WORD_FACTOR * exact_df:
                expansions[term_id] = TYPO_SIMILARITY[distance] * TYPO_OVER_RARE_WORD_SIMILARITY

    def _typo_neighbours(self, text: str, max_distance: int) -> list[tuple[int, int]]:
        """Live terms within `max_distance` edits (swapping two letters is one edit).

        All one-edit neighbours are kept; of the two-edit ones, only the most frequent
        (the likeliest meant, and in a big library a short word has hundreds).
        """
        if max_distance == 0:
            return []
        candidates: set[int] = set()
        term_ids = self._term_ids
        for variant in _deletions(text[:_DELETION_PREFIX], max_distance):
            term_id = term_ids.get(variant)
            if term_id is not None:
                candidates.add(term_id)
            candidates.update(self._typos.lookup(variant))
        ids = list(candidates)
        terms = list(map(self._terms.__getitem__, ids))
        found = process.extract(
            text, terms, scorer=DamerauLevenshtein.distance, score_cutoff=max_distance, limit=None
        )
        near: list[tuple[int, int]] = []
        far: list[tuple[int, int]] = []
        for _, distance, index in found:
            term_id = ids[index]
            # A mistyped word is rarely meant as "the" or "her" (but may be "before").
            short_stop_word = len(terms[index]) < 5 and terms[index] in STOP_WORDS
            if distance and self._postings.df(term_id) and not short_stop_word:
                (near if distance == 1 else far).append((term_id, int(distance)))
        if len(far) > _MAX_TWO_TYPO_NEIGHBOURS:
            far = heapq.nlargest(
                _MAX_TWO_TYPO_NEIGHBOURS, far, key=lambda item: self._postings.df(item[0])
            )
        return near + far

    def _completions(self, prefix: str) -> tuple[list[tuple[int, float]], bool]:
        """The most frequent terms that `prefix` starts (a truncated last word), and
        whether there are more."""
        longer = [term for term in self._starting_with(prefix) if len(term) > len(prefix)]
        return self._likeliest(longer, len(prefix), 0.6), len(longer) > MAX_COMPLETIONS

    def _fuzzy_completions(self, prefix: str) -> list[tuple[int, float]]:
        """Terms that start with `prefix` give or take one typo (typo + truncation)."""
        bucket = self._starting_with(prefix[:_MIN_PREFIX_BUCKET])
        length = len(prefix)
        heads = [term[:length] for term in bucket]
        found = process.extract(
            prefix, heads, scorer=DamerauLevenshtein.distance, score_cutoff=1, limit=None
        )
        longer = [bucket[i] for _, distance, i in found if distance and len(bucket[i]) > length]
        return self._likeliest(longer, length, 0.5)

    def _likeliest(self, terms: list[str], typed: int, base: float) -> list[tuple[int, float]]:
        """Up to MAX_COMPLETIONS live completions, most frequent first.

        A completion's similarity grows with the share of it that was typed.
        """
        ids = [self._term_ids[term] for term in terms]
        best = heapq.nlargest(MAX_COMPLETIONS, ids, key=self._postings.df)
        return [
            (term_id, base + 0.3 * typed / len(self._terms[term_id]))
            for term_id in best
            if self._postings.df(term_id)
        ]

    def _weigh(self, plan_words: list[_QueryWord]) -> None:
        """What each expansion of each word is worth: similarity x idf, capped.

        The cap (the word's `idf`, the most a passage can get for it) is the idf of the
        word itself (as typed, other spellings, singular/plural: all equally worth the
        cap) when the library has it, else the idf of all its expansions together.
        Typo neighbours and completions are worth their own idf, within the cap. So a
        typo that happens to match a rare unrelated term cannot outweigh the common
        word the reader meant, and a rare word typed exactly is not diluted by the
        common words one typo away from it.
        """
        matched_caps = []
        for word in plan_words:
            document_frequency = {t: self._postings.df(t) for t in word.expansions}
            word.size = sum(document_frequency.values())
            if not word.expansions:
                continue
            same = word.same_word
            typed = sum(document_frequency[t] for t in same) if same else word.size
            word.idf = self._idf(typed)
            word.weights = {
                term_id: similarity
                * (
                    word.idf
                    if term_id in same
                    else min(self._idf(document_frequency[term_id]), word.idf)
                )
                for term_id, similarity in word.expansions.items()
            }
            matched_caps.append(word.idf)
        # A word that matches nothing still counts in the normalisation, as an average word.
        average = sum(matched_caps) / len(matched_caps) if matched_caps else 1.0
        for word in plan_words:
            if not word.expansions:
                word.idf = average

    def _idf(self, matching: int) -> float:
        total = max(1, self._live)
        matching = min(matching, total)
        return math.log(1 + (total - matching + 0.5) / (matching + 0.5))

    # ---- stage 1: candidates

    def _candidates(self, plan: _Plan, mask: bytearray | None) -> _Candidates:
        """Passage id -> partial score: idf x similarity summed over the *essential* words.

        MaxScore: words are taken rarest first; once the idf of the words left cannot lift
        a passage that matched none of the earlier ones above the current top-K score,
        the words left are not walked (they are scored exactly at re-ranking, for the
        candidates only). Stop words (unless the query has nothing else), and very common
        words once there are candidates, are never walked: their postings would cost
        milliseconds for nothing.
        """
        content = [word for word in plan.words if word.expansions and not word.is_stop]
        if not content:  # a query of stop words only
            content = [word for word in plan.words if word.expansions]
        ordered = sorted(content, key=lambda word: -word.idf)
        scores: dict[int, float] = {}
        remaining = sum(word.idf for word in ordered)
        walked_idf = 0.0
        threshold: float | None = None
        walked: list[_QueryWord] = []
        too_common = max(_MAX_CREATING_FLOOR, int(_MAX_CREATING_SHARE * self._live))
        for word in ordered:
            if scores and (word.size > too_common or remaining <= (threshold or 0)):
                break
            scores = self._merge(scores, self._word_scores(word, mask))
            walked.append(word)
            remaining -= word.idf
            walked_idf += word.idf
            # The threshold is at most the walked words' idf: skip computing it while that
            # bound alone shows the next word must still be walked.
            threshold = self._threshold(scores) if remaining <= walked_idf else None
        # The RERANK_CANDIDATES best, the words left counted where they decide the cut
        # (refining.py).
        left = [word for word in ordered if word not in walked]
        strong = [self._strong(word) for word in left] if len(scores) > RERANK_CANDIDATES else []
        refined, top = best_candidates(
            scores, strong, self._postings.get, RERANK_CANDIDATES, self._live
        )
        walked += left[:refined]
        return _Candidates(scores, top, self._slack(plan, walked))

    def _strong(self, word: _QueryWord) -> tuple[float, list[tuple[int, float, int]]]:
        """(cap, its strong expansions as (term id, weight, postings)): what walking it
        adds to a passage (see _word_scores)."""
        strong = WALKED_WEIGHT_SHARE * word.idf
        df = self._postings.df
        expansions = [(t, w, df(t)) for t, w in word.weights.items() if w >= strong]
        return word.idf, expansions

    def _add_tail(
        self, plan: _Plan, tail: CompletionTail, folded: str, best: dict[int, float]
    ) -> None:
        """Count the best completion of the last word that was not searched, if it
        beats what the passage has for that word; it is highlighted like the others."""
        weight, term = tail.best(folded, self._term_idf)
        if weight > best.get(tail.position, 0.0):
            best[tail.position] = weight
            plan.highlight_levels.setdefault(term, 2)

    def _term_idf(self, term: str) -> float:
        term_id = self._term_ids.get(term)
        return self._idf(self._postings.df(term_id) if term_id is not None else 0)

    @staticmethod
    def _slack(plan: _Plan, walked: list[_QueryWord]) -> float:
        """The most exact scoring can add to a partial score: the words not walked, and
        the best weak (not walked) expansion of each walked word."""
        slack = 0.0
        for word in plan.words:
            if word not in walked:
                slack += word.idf if word.expansions else 0.0
                continue
            strong = WALKED_WEIGHT_SHARE * word.idf
            weak = max((w for w in word.weights.values() if w < strong), default=0.0)
            if plan.tail is not None and word is plan.words[plan.tail.position]:
                weak = max(weak, plan.tail.bound)
            slack += weak
        return slack

    def _word_scores(self, word: _QueryWord, mask: bytearray | None) -> dict[int, float]:
        """Passage id -> this word's best weight, over its strong expansions.

        Weak expansions (a common word one typo from a rare word typed exactly) would
        create thousands of candidates for little; re-ranking still counts them.
        """
        weights: dict[int, float] = {}
        strong = WALKED_WEIGHT_SHARE * word.idf
        for term_id, weight in sorted(word.weights.items(), key=itemgetter(1)):
            # Ascending weight: a passage with several expansions keeps the best one.
            if weight >= strong:
                for pids in _slices(self._postings.get(term_id)):
                    if mask is not None:
                        pids = array("I", compress(pids, map(mask.__getitem__, pids)))
                    weights.update(dict.fromkeys(pids, weight))
        return weights

    @staticmethod
    def _merge(scores: dict[int, float], word_scores: dict[int, float]) -> dict[int, float]:
        """The sum of two score dicts, mutating the larger (both are throw-away)."""
        large, small = (
            (scores, word_scores) if len(scores) >= len(word_scores) else (word_scores, scores)
        )
        # C-level union; only the passages in both need adding up in Python.
        both = [(pid, large[pid]) for pid in large.keys() & small.keys()]
        large.update(small)
        for pid, weight in both:
            large[pid] += weight
        return large

    @staticmethod
    def _threshold(scores: dict[int, float]) -> float:
        if len(scores) < PRUNING_DEPTH:
            return 0.0
        return heapq.nlargest(PRUNING_DEPTH, scores.values())[-1]

    # ---- stage 2: re-ranking

    def _rerank(self, plan: _Plan, candidates: _Candidates, limit: int) -> list[tuple[int, float]]:
        """The `limit` best candidates, scored 100 x coverage x (floor + rest x phrase).

        Coverage is the share of the query's weight found in the passage (every word's
        best expansion); the phrase score is rapidfuzz's partial_ratio of the folded
        query against the folded passage, which rewards the words appearing together
        and in order. The phrase score only modulates: it cannot lift a passage that
        lacks the query's words, and so 100 x coverage bounds the final score, which
        lets most candidates be skipped. The results equal scoring every candidate.
        """
        covered = self._coverages(plan, candidates, limit)
        covered.sort(key=lambda item: (-item[0], item[1]))
        best: list[tuple[float, int]] = []  # min-heap of (score, -pid): the top `limit`
        for coverage, pid, folded in covered:
            ceiling = 100.0 * coverage
            if len(best) == limit and ceiling < best[0][0]:
                break  # sorted by coverage: no later candidate can enter either
            # The phrase score this passage needs to beat the current `limit`-th.
            needed = (
                (best[0][0] / ceiling - PHRASE_FLOOR) / (1 - PHRASE_FLOOR) * 100.0
                if (len(best) == limit)
                else 0.0
            )
            phrase = fuzz.partial_ratio(plan.text, folded, score_cutoff=max(0.0, needed))
            entry = (ceiling * (PHRASE_FLOOR + (1 - PHRASE_FLOOR) * phrase / 100.0), -pid)
            if len(best) < limit:
                heapq.heappush(best, entry)
            elif entry > best[0]:
                heapq.heapreplace(best, entry)
        ranked = sorted(best, reverse=True)
        return [(-negative_pid, round(score, 2)) for score, negative_pid in ranked]

    def _coverages(
        self, plan: _Plan, candidates: _Candidates, limit: int
    ) -> list[tuple[float, int, str]]:
        """(coverage 0..1, pid, folded text) of the candidates that may make the top.

        Taken best partial score first; stops once a candidate's partial score plus the
        stage-1 slack (an upper bound of its coverage) cannot beat the score that
        `limit` candidates are already sure of (their coverage with the phrase floor).
        """
        scores = candidates.scores
        pids = list(candidates.top)
        pids.sort()  # ties go to the oldest passage
        pids.sort(key=scores.__getitem__, reverse=True)
        total = plan.total_weight or 1.0
        floor: list[float] = []  # min-heap: the `limit` best sure scores so far (coverage)
        covered = []
        # Hot loop (up to RERANK_CANDIDATES passes): helpers inlined, lookups hoisted.
        read, at, size, crcs = (
            self._folded.read,
            self._folded_at,
            self._folded_size,
            self._folded_crc,
        )
        terms, term_weights, tail = plan.terms, plan.term_weights, plan.tail
        slack = candidates.slack
        for pid in pids:
            if len(floor) == limit and (scores[pid] + slack) / total < floor[0]:
                break
            data = read(at[pid], size[pid])
            if crc32(data) != crcs[pid]:
                raise IndexDamaged(f"folded text of passage {pid}")
            folded = data.decode("utf-8")
            best: dict[int, float] = {}  # query word position -> best weight found
            for term in terms.intersection(folded.split()):
                for position, weight in term_weights[term]:
                    if weight > best.get(position, 0.0):
                        best[position] = weight
            if tail is not None and best.get(tail.position, 0.0) < tail.bound:
                self._add_tail(plan, tail, folded, best)
            coverage = min(1.0, sum(best.values()) / total)
            covered.append((coverage, pid, folded))
            sure = coverage * PHRASE_FLOOR
            if len(floor) < limit:
                heapq.heappush(floor, sure)
            elif sure > floor[0]:
                heapq.heapreplace(floor, sure)
        return covered


def _slices(pids: array[int]) -> Iterator[array[int]]:
    """`pids` in slices of _GIL_SLICE, so no single C-level step holds the interpreter
    lock for long (see _GIL_SLICE)."""
    if len(pids) <= _GIL_SLICE:
        yield pids
        return
    for start in range(0, len(pids), _GIL_SLICE):
        yield pids[start : start + _GIL_SLICE]
