"""What a search returns, and which words of a passage to highlight."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import accumulate, compress
from typing import Any

from bot.core.search.words import _SPAN_RE, _fold_cache, _fold_span

_SPAN_SPLIT_RE = re.compile(f"({_SPAN_RE.pattern})")


Highlights = tuple[tuple[int, int], ...]


class SearchHit:
    """One passage found: its story and number, a score (0..100, higher is better), its
    text and the (start, end) offsets in it of the words that matched.

    Text and highlights may be made on first use (`SearchHit.lazy`): /search asks for
    twice the hits it shows (a character filter may drop some), and decompressing and
    highlighting the ones nobody reads was a third of the engine's time.
    """

    __slots__ = (
        "_highlights",
        "_levels",
        "_source",
        "_text",
        "passage_number",
        "score",
        "story_id",
    )

    def __init__(
        self, story_id: int, passage_number: int, score: float, text: str, highlights: Highlights
    ) -> None:
        self.story_id = story_id
        self.passage_number = passage_number
        self.score = score
        self._text: str | None = text
        self._highlights: Highlights | None = highlights
        self._source: Callable[[], str] | None = None
        self._levels: dict[str, int] = {}

    @classmethod
    def lazy(
        cls,
        story_id: int,
        passage_number: int,
        score: float,
        source: Callable[[], str],
        levels: dict[str, int],
    ) -> SearchHit:
        """A hit whose text comes from `source` and whose highlights are the words of
        `levels` (see `_highlights`), both made when first asked for."""
        hit = cls(story_id, passage_number, score, "", ())
        hit._text, hit._highlights = None, None
        hit._source, hit._levels = source, levels
        return hit

    @property
    def text(self) -> str:
        if self._text is None:
            assert self._source is not None
            self._text = self._source()
        return self._text

    @property
    def highlights(self) -> Highlights:
        if self._highlights is None:
            self._highlights = _highlights(self.text, self._levels)
        return self._highlights

    def _key(self) -> tuple[Any, ...]:
        return (self.story_id, self.passage_number, self.score, self.text, self.highlights)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SearchHit) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"SearchHit(story_id={self.story_id}, passage_number={self.passage_number}, "
            f"score={self.score}, text={self.text[:40]!r}…)"
        )


def _highlights(text: str, levels: dict[str, int]) -> Highlights:
    """Offsets of the words of `text` that matched the query, adjacent ones merged.

    Stop words ("at", "the") are only highlighted between two highlighted words, so
    "Eiffel Tower at sunset" is one highlight but a lone "the" is not.
    """
    # split() with a capturing group alternates gaps and words, and running sums of their
    # lengths give every offset: no Python-level loop over the words that did not match.
    parts = _SPAN_SPLIT_RE.split(text)
    ends = list(accumulate(map(len, parts)))
    get_folded = _fold_cache.get
    folded = [get_folded(word) or _fold_span(word) for word in parts[1::2]]
    word_levels = list(map(levels.get, folded))
    chosen = [
        (ends[2 * i], ends[2 * i + 1])
        for i in compress(range(len(word_levels)), word_levels)
        if word_levels[i] == 2 or _inside_phrase(word_levels, i)
    ]
    return _merge_adjacent(text, chosen)


def _inside_phrase(word_levels: list[int | None], i: int) -> bool:
    if not 0 < i < len(word_levels) - 1:
        return False
    before, after = word_levels[i - 1], word_levels[i + 1]
    return bool(before and after and 2 in (before, after))


def _merge_adjacent(text: str, spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and text[merged[-1][1] : start].isspace():
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)
