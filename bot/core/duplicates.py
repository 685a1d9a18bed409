"""Near-duplicate stories: the same text with a few words changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.core.text import fold

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
