"""The one clock every timestamp comes from: injected at start-up, replaced in tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def utc_text(moment: datetime) -> str:
    """Timestamps are stored as ISO-8601 UTC text, which sorts chronologically."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")
