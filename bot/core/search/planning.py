"""Planning: what each query word may stand for, and what each of its terms is worth.

A query word becomes a set of terms with a similarity (the word as typed, its other
spellings, singular/plural, typo neighbours, completions of a half-typed last word),
then each term gets its weight: similarity x idf, within the word's cap. Stage 1 and
re-ranking (ranking.py) only read the plan.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.core.search.postings import Postings
from bot.core.search.prefixes import (
    may_start_within_one_typo,
    one_typo_ranges,
    starts_within_one_typo,
)
from bot.core.search.tails import CompletionTail
from bot.core.search.typos import _DELETION_PREFIX, _deletions, _max_typos
from bot.core.search.words import STOP_WORDS, _folded_query_words, _inflections, _spelling_variants

# Similarity of a query word to the terms it expands to (an exact match is 1.0).
VARIANT_SIMILARITY = 0.95
INFLECTION_SIMILARITY = 0.9
TYPO_SIMILARITY = {1: 0.8, 2: 0.65}
# A rare exact match (in fewer than _TRUSTED_WORD_PASSAGES passages) may be a typo of a
# neighbour the library uses more ("form"/"from"), a bit less trusted: one typo away, a
# neighbour used as often or more ("touche" in 2 passages for "stouche" in 2, a letter
# dropped; only ten times more frequent ones were searched, and a rare word's equally
# rare neighbours were lost); two typos away, ten times more (a word that exists is less
# likely two typos from the one meant: "gulls" is not "walls"). Never a rarer one: the
# reader typed a word that exists.
TYPO_OVER_RARE_WORD_FACTOR = {1: 1, 2: 10}
TYPO_OVER_RARE_WORD_SIMILARITY = 0.85
MAX_COMPLETIONS = 50
_MIN_FUZZY_PREFIX_LENGTH = 4
# A query word found in this many passages is taken as typed, not as a typo.
_TRUSTED_WORD_PASSAGES = 50
_MAX_TWO_TYPO_NEIGHBOURS = 30
MIN_PREFIX_LENGTH = 3


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
    # Expansions walked however weak (ranking.py): the completions of a rare last word.
    walk_also: frozenset[int] = frozenset()
    # The completions of a last word the library has (it may be half-typed): its cap
    # counts them (_weigh), what its walk reads does not (ranking.py).
    started: frozenset[int] = frozenset()
    typed_idf: float = 0.0  # the idf of the word as typed, without `started`
    # What walking the word reads, (term id, weight, postings): set by ranking.py.
    walk: list[tuple[int, float, int]] | None = None


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


class Planning(Postings):
    """What each query word may stand for (the plan of a search), over the postings."""

    @staticmethod
    def _worth_searching(plan: _Plan) -> bool:
        # Passages that only share "the" and "of" with the query are not results, unless
        # the query is made of nothing but such words.
        content = [word for word in plan.words if not word.is_stop]
        return any(word.expansions for word in content or plan.words)

    # ---- planning: what each query word may stand for

    def _plan(self, cleaned: str) -> _Plan:
        texts = _folded_query_words(cleaned)
        plan_words: list[_QueryWord] = []
        for position, text in enumerate(texts):
            is_last = position == len(texts) - 1
            # Whether the words before it match anything of their own (see below).
            anchored = any(word.expansions and not word.is_stop for word in plan_words)
            plan_words.append(self._query_word(text, is_last=is_last, anchored=anchored))
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
            CompletionTail.of(len(plan_words) - 1, last.text, last.idf, self._term_idf)
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

    def _query_word(self, text: str, *, is_last: bool, anchored: bool = False) -> _QueryWord:
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
        if is_last and not exact_df:
            # A last word the library does not have may be half-typed: the forms of it
            # that it starts ("sashes" for "sash") are completions like the others, and
            # a rare one must not set the word's cap alone (all its rare completions
            # and typo neighbours would weigh as much as a rare word typed in full,
            # and outweigh the words of the query typed right).
            same_word = frozenset(t for t in same_word if not self._terms[t].startswith(text))
        more_completions = False
        walk_also: frozenset[int] = frozenset()
        started: frozenset[int] = frozenset()
        if not is_stop:
            self._add_typos(expansions, text, exact_df)
            if is_last and len(text) >= MIN_PREFIX_LENGTH:
                completions, more_completions = self._completions(text)
                if exact_df < _TRUSTED_WORD_PASSAGES:
                    # A rare word may be typed in full, or be the start of a common one
                    # ("aga", 7 passages, for "again", 14,573). Its completions are far
                    # weaker than its cap (their idf is low), which made them weak
                    # expansions, only counted for passages found by other words: when
                    # these were too common to walk, the passage was never a candidate.
                    # So they are walked, as far as the walk stays affordable (ranking.py).
                    walk_also = frozenset(term_id for term_id, _ in completions)
                if not exact_df and len(text) >= _MIN_FUZZY_PREFIX_LENGTH:
                    # A typo in the first letters is the less likely one: looked for
                    # when terms start with none of the typed word, nor with its first
                    # letters and one typo after them; and only beside other words that
                    # match (alone, such a guess turns "gull" into "gallery").
                    fuzzy = self._fuzzy_completions(text, _MIN_FUZZY_PREFIX_LENGTH - 1)
                    if anchored and not completions and not fuzzy:
                        fuzzy = self._fuzzy_completions(text, 0)
                    completions += fuzzy
                if exact_df:
                    # A last word the library has may still be half-typed ("wom", a rare
                    # word, for "woman"): it is weighed as the words it starts (_weigh).
                    started = frozenset(term_id for term_id, _ in completions)
                for term_id, similarity in completions:
                    expansions[term_id] = max(expansions.get(term_id, 0.0), similarity)
        word = _QueryWord(text, is_stop, expansions, same_word)
        word.more_completions = more_completions
        word.walk_also = walk_also
        word.started = started
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
            elif self._postings.df(term_id) >= TYPO_OVER_RARE_WORD_FACTOR[distance] * exact_df:
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

    def _fuzzy_completions(self, prefix: str, kept: int) -> list[tuple[int, float]]:
        """Terms that start with `prefix` give or take one typo (typo + truncation),
        after its first `kept` letters (prefixes.py)."""
        ids: list[int] = []
        if self._alphabetical:
            order = self._alphabetical
            for low, high in one_typo_ranges(prefix, order, self._terms.__getitem__, kept):
                ids += order[low:high]
        # Terms added since the index was saved (all of them in a new build).
        term_ids = self._term_ids
        for head, bucket in self._prefixes.items():
            if may_start_within_one_typo(prefix, head, kept):
                ids += [
                    term_ids[t]
                    for t in bucket
                    if starts_within_one_typo(prefix, t, kept) and not t.startswith(prefix)
                ]
        length, terms = len(prefix), self._terms
        # The most frequent first, then the lengths of those only (a term no longer than
        # the typed word is a typo neighbour, not a completion): hundreds of terms are
        # found in a big library, and reading each one's string costs more than its df.
        counts = self._postings.dfs(ids)
        ranked = heapq.nlargest(2 * MAX_COMPLETIONS, zip(counts, ids, strict=True))
        if (
            len(ranked) < len(ids)
            and sum(len(terms[t]) > length for _, t in ranked) < MAX_COMPLETIONS
        ):
            ranked = sorted(zip(counts, ids, strict=True), reverse=True)
        best = [(c, t) for c, t in ranked if c and len(terms[t]) > length][:MAX_COMPLETIONS]
        return [(term_id, 0.5 + 0.3 * length / len(terms[term_id])) for _, term_id in best]

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
        cap) when the library has it, else the idf of all its expansions together. A
        last word the library has may be half-typed: its completions count in its cap,
        so that a rare word as typed ("wom", 77 passages at 1M) is not most of the
        query's weight when the reader was typing a common one ("woman").
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
            word.typed_idf = self._idf(typed)
            if same and word.started:
                typed += sum(document_frequency[t] for t in word.started - same)
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

    def _add_tail(
        self, plan: _Plan, tail: CompletionTail, folded: str, best: dict[int, float]
    ) -> None:
        """Count the best completion of the last word that was not searched, if it
        beats what the passage has for that word; it is highlighted like the others."""
        weight, term = tail.best(folded)
        if weight > best.get(tail.position, 0.0):
            best[tail.position] = weight
            plan.highlight_levels.setdefault(term, 2)

    def _term_idf(self, term: str) -> float:
        term_id = self._term_ids.get(term)
        return self._idf(self._postings.df(term_id) if term_id is not None else 0)
