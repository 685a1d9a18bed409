"""Near-duplicate stories: the same text with a few words changed."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.core.text import fold, shorten

NEAR_DUPLICATE_SCORE = 95.0


@dataclass(frozen=True, slots=True)
class NearDuplicate:
    story_id: int
    similarity: float


def _normalised(text: str) -> str:
    return " ".join(fold(text).split())


def find_near_duplicate(
    body: str,
    candidates: Sequence[tuple[int, str]],
    threshold: float = NEAR_DUPLICATE_SCORE,
) -> NearDuplicate | None:
    """The most similar candidate scoring at least `threshold` (0–100), if any.

    Texts whose lengths differ by more than the threshold allows cannot reach
    it, so they are skipped before the (quadratic) comparison.
    """
    text = _normalised(body)
    best: NearDuplicate | None = None
    slack = 1 - threshold / 100
    for story_id, other_body in candidates:
        other = _normalised(other_body)
        longer = max(len(text), len(other)) or 1
        if abs(len(text) - len(other)) / longer > 2 * slack:
            continue
        score = fuzz.ratio(text, other, score_cutoff=threshold)
        if score and (best is None or score > best.similarity):
            best = NearDuplicate(story_id, score)
    return best


def shown_similarity(similarity: float) -> str:
    """One decimal, never rounded up to "100.0%": identical texts are refused before this."""
    return f"{min(99.9, int(similarity * 10) / 10):.1f}%"


def word_differences(new: str, old: str, limit: int = 3) -> list[str]:
    """What changed from `old` to `new`, word by word, as a moderator would say it.

    At most `limit` changes, each quoted: “sunset” → “sunrise”, added “very”,
    removed “old”; the count of the rest ends the list.
    """
    before, after = old.split(), new.split()
    changes: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed = _quoted(before[i1:i2])
        added = _quoted(after[j1:j2])
        if tag == "replace":
            changes.append(f"{removed} → {added}")
        elif tag == "delete":
            changes.append(f"removed {removed}")
        elif tag == "insert":
            changes.append(f"added {added}")
    if len(changes) > limit:
        rest = len(changes) - limit
        changes = [*changes[:limit], f"and {rest} more change{'s' if rest != 1 else ''}"]
    return changes


def _quoted(words: Sequence[str]) -> str:
    return f"“{shorten(' '.join(words), 60)}”"
