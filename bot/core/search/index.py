"""SearchIndex: the public face of the engine (search, suggest, updates)."""

from __future__ import annotations

import heapq
from collections.abc import Collection

from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from bot.core.search.hits import SearchHit
from bot.core.search.planning import _Plan
from bot.core.search.postings import _decompressed
from bot.core.search.ranking import Ranking
from bot.core.search.typos import _max_typos
from bot.core.search.words import (
    _SPAN_RE,
    MAX_LIMIT,
    STOP_WORDS,
    _fold_span,
    _folded_query_words,
    validate_query,
)

_DISTANT_SUGGESTION_CUTOFF = 0.75
_SCAN_SLICE = 20_000


class SearchIndex(Ranking):
    """An in-memory, incrementally updated search index over story passages."""

    # ------------------------------------------------------------------ search

    def search(
        self, query: str, *, story_ids: Collection[int] | None = None, limit: int = 10
    ) -> list[SearchHit]:
        """The best passages for `query`, best first; only `story_ids` if given.

        Raises InvalidInput for an empty, punctuation-only or too long query. Returns an
        empty list when no word of the query matches anything (see `suggest`).
        """
        cleaned = validate_query(query)
        if limit < 1:
            raise ValueError("limit must be at least 1")
        with self._lock:
            scope = self._scope(story_ids)
            if scope.slots is not None and not scope.slots:
                return []
            plan = self._plan(cleaned)
            if not self._worth_searching(plan):
                return []
            candidates = self._candidates(plan, scope.mask)
            ranked = self._rerank(plan, candidates, min(limit, MAX_LIMIT))
            texts: dict[int, bytes] = {}  # one decompression per story per search
            return [
                self._hit(plan, pid, score, texts) for pid, score in ranked[: min(limit, MAX_LIMIT)]
            ]

    def _hit(self, plan: _Plan, pid: int, score: float, texts: dict[int, bytes]) -> SearchHit:
        """A lazy hit: the story's texts are read and decompressed (once per search)
        when its text is first asked for.

        Everything the text needs is taken now: a compaction may renumber passages and
        story slots before the caller reads the hit, but never moves a story's texts.
        """
        slot = self._pid_slot[pid]
        first = self._slot_first[slot]
        start = self._original_end[pid - 1] if pid > first else 0
        end = self._original_end[pid]
        originals, at, size = (
            self._originals,
            self._slot_original_at[slot],
            self._slot_original_size[slot],
        )

        def text() -> str:
            if at not in texts:
                texts[at] = _decompressed(originals, at, size)
            return texts[at][start:end].decode("utf-8")

        return SearchHit.lazy(
            self._slot_story[slot], self._numbers[pid], score, text, plan.highlight_levels
        )

    # ------------------------------------------------------------------ suggestions

    def suggest(
        self, query: str, *, story_ids: Collection[int] | None = None, limit: int = 5
    ) -> list[str]:
        """Real words of the (scoped) library closest to the query's words: "did you mean".

        Words are returned as the stories spell them ("Valérie", not "valerie"). Only
        words that occur in `story_ids` are suggested, so nothing leaks between servers.
        """
        cleaned = validate_query(query)
        with self._lock:
            slots = self._scope(story_ids).slots
            if slots is not None and not slots:
                return []
            texts = _folded_query_words(cleaned)
            content = [text for text in texts if text not in STOP_WORDS] or texts
            suggestions: list[str] = []
            for text in content:
                for term_id in self._closest_terms(text, slots):
                    form = self._display_form(term_id, slots)
                    if form and form.casefold() not in {s.casefold() for s in suggestions}:
                        suggestions.append(form)
            return suggestions[:limit]

    def _closest_terms(self, text: str, slots: set[int] | None) -> list[int]:
        exact = self._term_ids.get(text)
        if exact is not None and self._first_visible_pid(exact, slots) is not None:
            return []  # the word is in the library: nothing to correct
        near: list[tuple[float, int, int]] = [
            (distance, -self._postings.df(term_id), term_id)
            for term_id, distance in self._typo_neighbours(text, max(1, _max_typos(text)))
        ]
        if not near:
            near = self._distant_terms(text)
        near.sort()
        visible = [t for *_, t in near if self._first_visible_pid(t, slots) is not None]
        return [t for t in visible if self._terms[t] not in STOP_WORDS][:2]

    def _distant_terms(self, text: str) -> list[tuple[float, int, int]]:
        # Rare path (nothing within two typos): a linear rapidfuzz scan of the vocabulary.
        # Jaro-Winkler favours a shared beginning, which is how words are misremembered
        # ("paintbrushes" -> "paintings", where plain ratio prefers "instruments").
        # A slice of the vocabulary per call: one call over 358,000 terms would hold the
        # interpreter lock (and so the event loop) for tens of milliseconds.
        found: list[tuple[float, int]] = []
        for start in range(0, len(self._terms), _SCAN_SLICE):
            found += [
                (score, start + index)
                for _, score, index in process.extract(
                    text,
                    self._terms[start : start + _SCAN_SLICE],
                    scorer=JaroWinkler.normalized_similarity,
                    limit=20,
                    score_cutoff=_DISTANT_SUGGESTION_CUTOFF,
                )
            ]
        best = heapq.nlargest(20, found, key=lambda item: (item[0], -item[1]))
        # Ranked after every term within two typos (distance 1-2), best similarity first.
        return [
            (3.0 - score, -self._postings.df(term_id), term_id)
            for score, term_id in best
            if self._postings.df(term_id)
        ]

    def _first_visible_pid(self, term_id: int, slots: set[int] | None) -> int | None:
        # Bounded scan: a term only found in other servers' stories is never suggested.
        for pid in self._postings.get(term_id, limit=10_000):
            slot = self._pid_slot[pid]
            if slot >= 0 and (slots is None or slot in slots):
                return pid
        return None

    def _display_form(self, term_id: int, slots: set[int] | None) -> str | None:
        """How the stories spell a term: a lower-case use wins, else the first one seen."""
        pid = self._first_visible_pid(term_id, slots)
        if pid is None:
            return None
        text = self._original_passage(pid)
        term = self._terms[term_id]
        forms = [span for span in _SPAN_RE.findall(text) if _fold_span(span) == term]
        lower = [form for form in forms if form == form.lower()]
        chosen: str = (lower or forms or [term])[0]
        return chosen
