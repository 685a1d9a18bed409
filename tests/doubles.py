"""An in-memory `DeliveryLog` for the fan-out tests and the daily benchmark.

It behaves as the SQLite log does (each call all or nothing) without a database, so
the engine's properties can be checked over thousands of virtual-time runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Literal

from bot.core.fanout import Sleep
from bot.core.schedule import Due


@dataclass
class DeliveryRecord:
    story_id: int
    status: Literal["sending", "sent", "failed"]
    message_id: int | None = None
    resent: bool = False
    failure: str | None = None  # why Discord refused the post (FAIL); None when paused


class MemoryDeliveryLog:
    """The DeliveryLog semantics in memory, for tests, the benchmark and the console.

    Each method awaits its `latency` *before* changing anything and then changes
    everything without yielding, so a task cancelled mid-call leaves either the whole
    change or none of it, as a SQLite transaction would.
    """

    def __init__(self, *, latency: float = 0.0, sleep: Sleep = asyncio.sleep) -> None:
        self.rows: dict[int, dict[date, DeliveryRecord]] = {}
        self.paused: dict[int, str] = {}
        self._latest: dict[int, date] = {}
        self._latency = latency
        self._sleep = sleep

    async def _commit(self) -> None:
        if self._latency:
            await self._sleep(self._latency)

    async def claim(self, due: Due, story_id: int) -> bool:
        await self._commit()
        subscription_id, day = due.subscription.id, due.local_date
        days = self.rows.setdefault(subscription_id, {})
        if day in days or subscription_id in self.paused:
            return False
        days[day] = DeliveryRecord(story_id, "sending")
        self._latest[subscription_id] = max(day, self._latest.get(subscription_id, day))
        return True

    async def mark_sent(
        self, subscription_id: int, local_date: date, message_id: int | None
    ) -> None:
        await self._commit()
        record = self.rows.get(subscription_id, {}).get(local_date)
        if record is not None:
            record.status, record.message_id = "sent", message_id

    async def release(self, subscription_id: int, local_date: date) -> None:
        await self._commit()
        days = self.rows.get(subscription_id, {})
        record = days.get(local_date)
        if record is not None and record.status == "sending":
            del days[local_date]
            if days:
                self._latest[subscription_id] = max(days)
            else:
                self._latest.pop(subscription_id, None)

    async def pause(self, subscription_id: int, reason: str) -> None:
        await self._commit()
        self.paused[subscription_id] = reason
        for record in self.rows.get(subscription_id, {}).values():
            if record.status == "sending":
                record.status = "failed"

    async def fail(self, subscription_id: int, local_date: date, reason: str) -> None:
        await self._commit()
        record = self.rows.get(subscription_id, {}).get(local_date)
        if record is not None and record.status == "sending":
            record.status, record.failure = "failed", reason

    async def unfinished_claims(self) -> list[tuple[int, date, int]]:
        await self._commit()
        return sorted(
            (subscription_id, day, record.story_id)
            for subscription_id, days in self.rows.items()
            for day, record in days.items()
            if record.status == "sending"
        )

    async def begin_resend(self, subscription_id: int, local_date: date) -> bool:
        await self._commit()
        record = self.rows.get(subscription_id, {}).get(local_date)
        if record is None or record.status != "sending" or record.resent:
            return False
        record.resent = True
        return True

    # What the tick loop reads (the SQLite version: see docs/daily.md).

    def last_sent(self) -> Mapping[int, date]:
        """The latest local date holding a row of any status, per subscription (live)."""
        return MappingProxyType(self._latest)

    def story_history(self, subscription_id: int) -> list[int]:
        """Story ids that had their turn, oldest day first: claimed, sent, or refused.

        A story Discord refused (FAIL) counts as its turn, so the rotation moves on
        rather than offering it again every day; a day failed by a pause does not.
        """
        days = self.rows.get(subscription_id, {})
        return [
            days[day].story_id
            for day in sorted(days)
            if days[day].status != "failed" or days[day].failure is not None
        ]


class ManualClock:
    """A clock that stands still until a test moves it; pass it to `Store.open`."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    @contextmanager
    def at(self, moment: datetime) -> Iterator[None]:
        """Run the block at `moment`, then go back to where the clock was."""
        previous, self.moment = self.moment, moment
        try:
            yield
        finally:
            self.moment = previous
