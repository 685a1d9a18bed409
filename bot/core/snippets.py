"""Snippets: the part of a passage worth showing around the words that matched.

Plain text in, plain text out (with the matches' offsets), so that the caller escapes
and bolds it for wherever it is shown (an embed, a terminal).
"""

from __future__ import annotations

from collections.abc import Sequence


def make_snippet(
    text: str, highlights: Sequence[tuple[int, int]], width: int = 240
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """About `width` characters of `text` around its densest highlights.

    The window is cut at word boundaries, marked with "…" where text was cut, and the
    highlights that fall inside it are returned re-based into the snippet.
    """
    ordered = sorted((start, end) for start, end in highlights if 0 <= start < end <= len(text))
    if len(text) <= width:
        return text, tuple(ordered)
    start, end = _densest_window(text, ordered, width)
    start, end = _snap_to_words(text, start, end, ordered)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    inside = tuple((s + shift, e + shift) for s, e in ordered if s >= start and e <= end)
    return prefix + text[start:end] + suffix, inside


def _densest_window(
    text: str, highlights: Sequence[tuple[int, int]], width: int
) -> tuple[int, int]:
    if not highlights:
        return 0, width
    best_first, best_last, best_count = 0, 0, 0
    last = 0
    for first, (start, _) in enumerate(highlights):
        last = max(last, first)
        while last + 1 < len(highlights) and highlights[last + 1][1] - start <= width:
            last += 1
        if last - first + 1 > best_count:
            best_first, best_last, best_count = first, last, last - first + 1
    covered_start = highlights[best_first][0]
    covered_end = max(highlights[best_last][1], covered_start)
    # Centre the matched words in the window, then keep the window inside the text.
    margin = max(0, width - (covered_end - covered_start)) // 2
    start = max(0, min(covered_start - margin, len(text) - width))
    return start, min(len(text), start + width)


def _snap_to_words(
    text: str, start: int, end: int, highlights: Sequence[tuple[int, int]]
) -> tuple[int, int]:
    # Never cut through a word: move inwards to the nearest space, unless that would drop
    # a highlighted word, then strip the spaces and punctuation left at the edges.
    first_mark = min((s for s, _ in highlights if s >= start), default=end)
    last_mark = max((e for _, e in highlights if e <= end), default=start)
    if start > 0 and not text[start - 1].isspace():
        space = text.find(" ", start, first_mark)
        start = space + 1 if space != -1 else start
    if end < len(text) and not text[end].isspace():
        space = text.rfind(" ", last_mark, end)
        end = space if space != -1 else end
    while start < end and not text[start].isalnum() and text[start] not in "\"“'‘(«":
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
