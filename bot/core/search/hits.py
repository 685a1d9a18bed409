"""What a search returns, and which words of a passage to highlight."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate, compress

from bot.core.search.words import _SPAN_RE, _fold_cache, _fold_span

_SPAN_SPLIT_RE = re.compile(f"({_SPAN_RE.pattern})")


@dataclass(frozen=True, slots=True)
class SearchHit:
    story_id: int
    passage_number: int
    score: float  # 0..100, higher is better
    text: str  # the passage text
    highlights: tuple[tuple[int, int], ...]  # (start, end) offsets in `text` of matched words


def _highlights(text: str, levels: dict[str, int]) -> tuple[tuple[int, int], ...]:
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
