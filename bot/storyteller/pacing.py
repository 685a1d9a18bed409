"""How often a streamed reply may be edited: Discord allows about five edits of a
message per five seconds, shared with everything else the bot sends there, so a stream
shows its progress at most once per EDIT_INTERVAL, on the bot's clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

EDIT_INTERVAL = 1.5

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """Says when the next edit may go out; `wait` holds the final edit until then."""

    def __init__(self, clock: Clock, sleep: Sleep, interval: float = EDIT_INTERVAL) -> None:
        self._clock = clock
        self._sleep = sleep
        self.interval = interval
        self._last: datetime | None = None

    def _since_last(self) -> float | None:
        if self._last is None:
            return None
        return (self._clock() - self._last).total_seconds()

    def due(self) -> bool:
        since = self._since_last()
        return since is None or since >= self.interval

    def mark(self) -> None:
        """An edit just went out."""
        self._last = self._clock()

    async def wait(self) -> None:
        """Sleep until an edit is allowed (no wait when none was made yet)."""
        since = self._since_last()
        if since is not None and since < self.interval:
            await self._sleep(self.interval - since)
