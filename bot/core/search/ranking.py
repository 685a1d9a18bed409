"""Ranking: stage 1 (candidates from the postings), then stage 2 (re-ranking)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from itertools import groupby
from math import fsum
from operator import itemgetter
from zlib import crc32

from rapidfuzz import fuzz

from bot.core.search.blobs import IndexDamaged
from bot.core.search.planning import Planning, _Plan, _QueryWord
from bot.core.search.proximity import closest_span, query_words_of, words_held_together
from bot.core.search.refining import best_candidates
from bot.core.search.scores import Scores

# How many stage-1 candidates are re-ranked with rapidfuzz.
RERANK_CANDIDATES = 150
# When the 150th partial score ties with the next ones (a rare word held by thousands
# of passages at 1M, and the words left cannot untie them: see refining.py), up to
# this share of the library's size more of the tie are re-ranked too, at most
# RERANK_CANDIDATES more: at 1M passages, 150 (about 1.5 ms); at 100k, 15.
TIE_SPARE_SHARE = 0.00015
# MaxScore stops walking rarer-to-commoner words once a new passage could no longer
# enter the top PRUNING_DEPTH by partial score.
PRUNING_DEPTH = 50
# Stage 1 only walks the expansions worth at least this share of their word's weight.
WALKED_WEIGHT_SHARE = 0.5
# Final score = 100 x coverage x (PHRASE_FLOOR + (1 - PHRASE_FLOOR) x phrase / 100): a
# passage with every query word but scattered or out of order keeps 70% of the score.
PHRASE_FLOOR = 0.7
# Re-ranking's phrase cutoff is lowered by this much, so that a passage tying the
# `limit`-th score is scored (and its tie ordered), not dropped by a rounding.
_TIE_MARGIN = 1e-6
# A word whose walk would read more than this share of the passages (and at least the
# floor) creates no candidates, unless it is the rarest word of the query; it still counts
# at re-ranking. Walking 50,000 postings costs ~4 ms; at 1M passages a lower cap costs
# recall. What a walk reads is the word's strong expansions, not all of them: a rare word
# typed right ("rear", 46 passages) has common neighbours ("near", "fear") that re-ranking
# alone counts, and counting them made it "too common" to walk.
_MAX_CREATING_SHARE = 0.05
_MAX_CREATING_FLOOR = 10_000


@dataclass(slots=True)
class _Candidates:
    scores: Scores  # passage id -> partial score over the walked words
    top: list[int]  # the RERANK_CANDIDATES best of them (ties: the oldest)
    slack: float  # the most exact scoring can add to a partial score


class Ranking(Planning):
    """Stage 1 (candidates) and stage 2 (re-ranking) of a planned search."""

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
        scores = Scores()
        remaining = sum(word.idf for word in ordered)
        walked_idf = 0.0
        threshold: float | None = None
        walked: list[_QueryWord] = []
        too_common = self._too_common()
        for word in ordered:
            if scores and remaining <= (threshold or 0):
                break
            walk = self._walked(word, too_common)
            if scores and self._walked_size(walk) > too_common:
                break  # but the first word is walked whatever it costs
            scores = scores.add(self._word_scores(word, mask))
            walked.append(word)
            remaining -= word.idf
            walked_idf += word.idf
            # The threshold is at most the walked words' idf: skip computing it while that
            # bound alone shows the next word must still be walked.
            threshold = self._threshold(scores) if remaining <= walked_idf else None
        # The RERANK_CANDIDATES best, the words left counted where they decide the cut
        # (refining.py).
        left = [word for word in ordered if word not in walked]
        strong = (
            [(word.idf, self._walked(word, too_common)) for word in left]
            if len(scores) > RERANK_CANDIDATES
            else []
        )
        spare = min(RERANK_CANDIDATES, int(TIE_SPARE_SHARE * self._live))
        refined, top = best_candidates(
            scores, strong, self._postings.get, RERANK_CANDIDATES, self._live, spare
        )
        walked += left[:refined]
        return _Candidates(scores, top, self._slack(plan, walked))

    def _too_common(self) -> int:
        """Walking more postings than this for a word is too much (see _MAX_CREATING_SHARE)."""
        return max(_MAX_CREATING_FLOOR, int(_MAX_CREATING_SHARE * self._live))

    def _walked(self, word: _QueryWord, limit: int) -> list[tuple[int, float, int]]:
        """What walking `word` reads, as (term id, weight, postings), kept on the word:
        its strong expansions (worth at least WALKED_WEIGHT_SHARE of its cap), and the
        completions planning asks to walk however weak (`walk_also`: those of a rare
        last word), the most frequent first, those that keep the walk within `limit`
        postings."""
        strong = WALKED_WEIGHT_SHARE * word.idf
        df = self._postings.df
        items = [(t, w, df(t)) for t, w in word.weights.items()]
        if word.started:
            # A last word the library has, weighed as the words it may be the start of:
            # what its walk reads stays what it read when weighed as typed (the form
            # as typed and its rare completions; the others are re-ranking's).
            own = WALKED_WEIGHT_SHARE * word.typed_idf
            started, similarity, idf = word.started, word.expansions, self._idf
            strong_ones = {
                t
                for t, w, size in items
                if (similarity[t] * idf(size) >= own if t in started else w >= strong)
            }
        else:
            strong_ones = {t for t, w, _ in items if w >= strong}
        walk = [item for item in items if item[0] in strong_ones]
        also = word.walk_also
        extra = [item for item in items if item[0] not in strong_ones and item[0] in also]
        size = self._walked_size(walk)
        for item in sorted(extra, key=lambda item: (-item[2], item[0])):
            if size + item[2] > limit:
                continue  # a rarer one may still fit
            walk.append(item)
            size += item[2]
        word.walk = walk
        return walk

    @staticmethod
    def _walked_size(walk: list[tuple[int, float, int]]) -> int:
        return sum(postings for _, _, postings in walk)

    @staticmethod
    def _slack(plan: _Plan, walked: list[_QueryWord]) -> float:
        """The most exact scoring can add to a partial score: the words not walked, and
        the best expansion not walked of each walked word."""
        slack = 0.0
        for word in plan.words:
            if word not in walked:
                slack += word.idf if word.expansions else 0.0
                continue
            read = {term_id for term_id, _, _ in word.walk or ()}
            slack += max((w for t, w in word.weights.items() if t not in read), default=0.0)
        return slack

    def _word_scores(self, word: _QueryWord, mask: bytearray | None) -> Scores:
        """Passage id -> this word's best weight, over its strong expansions.

        Weak expansions (a common word one typo from a rare word typed exactly) would
        create thousands of candidates for little; re-ranking still counts them.
        """
        weights = Scores()
        # Ascending weight: a passage with several expansions keeps the best one.
        for term_id, weight, _ in sorted(word.walk or (), key=itemgetter(1)):
            weights.put(self._postings.get(term_id), weight, mask)
        return weights

    @staticmethod
    def _threshold(scores: Scores) -> float:
        if len(scores) < PRUNING_DEPTH:
            return 0.0
        return heapq.nlargest(PRUNING_DEPTH, scores.values())[-1]

    # ---- stage 2: re-ranking

    def _rerank(self, plan: _Plan, candidates: _Candidates, limit: int) -> list[tuple[int, float]]:
        """The `limit` best candidates, scored 100 x coverage x (floor + rest x phrase).

        Coverage is the share of the query's weight found in the passage (every word's
        best expansion); the phrase score is the better of rapidfuzz's partial_ratio of
        the folded query against the folded passage, which rewards the query's letters
        together and in order, and the share of the query's words held side by side in
        any order (proximity.py). The phrase score only modulates: it cannot lift a
        passage that lacks the query's words, and so 100 x coverage bounds the final
        score, which lets most candidates be skipped. The results equal scoring every
        candidate.
        """
        covered = self._coverages(plan, candidates, limit)
        covered.sort(key=lambda item: (-item[0], item[1]))
        # (score, pid, the passage's words, out of the query's order)
        scored: list[tuple[float, int, list[str], bool]] = []
        best: list[float] = []  # min-heap: the `limit` best scores so far
        query_words = query_words_of(plan.term_weights)
        length = len(plan.words)
        for coverage, pid, folded, words, held in covered:
            ceiling = 100.0 * coverage
            if len(best) == limit and ceiling < best[0]:
                break  # sorted by coverage: no later candidate can enter either
            # The phrase score this passage needs to tie the current `limit`-th (a hair
            # less: a tie is ordered below, the float inverted may round up).
            needed = (
                (best[0] / ceiling - PHRASE_FLOOR) / (1 - PHRASE_FLOOR) * 100.0 - _TIE_MARGIN
                if (len(best) == limit)
                else 0.0
            )
            # The phrase: the query's letters in the order typed (rapidfuzz), or its
            # words side by side in any order (a window the reader swapped, or with a
            # word added), whichever is better. Below the cutoff the phrase is
            # understated, but then it is below the `limit`-th anyway.
            in_order = fuzz.partial_ratio(plan.text, folded, score_cutoff=max(0.0, needed))
            together = 0.0
            if 100.0 * held / length > max(in_order, needed):  # a run may do better
                together = 100.0 * words_held_together(words, query_words) / length
            phrase = max(in_order, together)
            score = ceiling * (PHRASE_FLOOR + (1 - PHRASE_FLOOR) * phrase / 100.0)
            scored.append((score, pid, words, in_order < phrase))
            if len(best) < limit:
                heapq.heappush(best, score)
            elif score > best[0]:
                heapq.heapreplace(best, score)
        return [(pid, round(score, 2)) for score, pid in _ordered(plan, scored, limit)]

    def _coverages(
        self, plan: _Plan, candidates: _Candidates, limit: int
    ) -> list[tuple[float, int, str, list[str], int]]:
        """(coverage 0..1, pid, folded text, its words, query words held) of the
        candidates that may make the top.

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
            words = folded.split()
            for term in terms.intersection(words):
                for position, weight in term_weights[term]:
                    if weight > best.get(position, 0.0):
                        best[position] = weight
            if tail is not None:
                had = best.get(tail.position, 0.0)
                # Only where the tail's best could lift the passage into the top `limit`.
                if had < tail.bound and (
                    len(floor) < limit
                    or (sum(best.values()) + tail.bound - had) / total >= floor[0]
                ):
                    self._add_tail(plan, tail, folded, best)
            # fsum: exact, so the same whatever order the words were found in (set
            # order follows the hash seed, and a rounding would split a tie by it).
            coverage = min(1.0, fsum(best.values()) / total)
            covered.append((coverage, pid, folded, words, len(best)))
            sure = coverage * PHRASE_FLOOR
            if len(floor) < limit:
                heapq.heappush(floor, sure)
            elif sure > floor[0]:
                heapq.heapreplace(floor, sure)
        return covered


def _ordered(
    plan: _Plan, scored: list[tuple[float, int, list[str], bool]], limit: int
) -> list[tuple[float, int]]:
    """The `limit` best (score, pid), best first; passages with the same score ordered
    by how close together they hold the query's words (proximity.py), then those whose
    phrase score is the query's letters in the order typed before those whose words
    are only side by side in another order, then the oldest."""
    scored.sort(key=lambda item: (-item[0], item[1]))
    if len(scored) <= 1:
        return [(score, pid) for score, pid, _, _ in scored]
    last = scored[min(limit, len(scored)) - 1][0]  # the `limit`-th best score
    ordered: list[tuple[float, int]] = []
    query_words: dict[str, tuple[int, ...]] | None = None
    for score, group in groupby(scored, key=itemgetter(0)):
        if score < last or len(ordered) >= limit:
            break
        tied = list(group)
        if len(tied) > 1:
            if query_words is None:
                query_words = query_words_of(plan.term_weights)
            words = query_words
            tied.sort(key=lambda item: (closest_span(item[2], words), item[3], item[1]))
        ordered += [(score, pid) for _, pid, _, _ in tied]
    return ordered[:limit]
