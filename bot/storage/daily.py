"""Story-of-the-day subscriptions and the delivery log that makes posting exactly-once.

The delivery methods implement `bot.core.fanout.DeliveryLog`; each is one
transaction, committed before it returns, so a crash at any point leaves the
log saying either "claimed" or "sent", never something in between.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from bot.core.schedule import Due, Subscription
from bot.storage.base import StoreBase, utc_text

_COLUMNS = "id, guild_id, channel_id, user_id, post_at, timezone, created_at, paused_reason"


def _subscription(row: Any) -> Subscription:
    return Subscription(
        id=row[0],
        guild_id=row[1],
        channel_id=row[2],
        user_id=row[3],
        post_at=time.fromisoformat(row[4]),
        timezone=row[5],
        created_at=datetime.fromisoformat(row[6]),
        paused_reason=row[7],
    )


@dataclass(frozen=True, slots=True)
class LastDelivery:
    story_id: int
    local_date: date
    status: str
    claimed_at: str


class DailyStore(StoreBase):
    # ------------------------------------------------------------ subscriptions

    async def subscribe_channel(
        self,
        *,
        guild_id: int,
        channel_id: int,
        post_at: time,
        timezone: str,
        actor_id: int,
        now: datetime,
    ) -> Subscription:
        """A new subscription, or the same channel and time moved to another zone."""
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO subscriptions (guild_id, channel_id, post_at, timezone, created_at,"
                " created_by) VALUES (?,?,?,?,?,?) ON CONFLICT (channel_id, post_at)"
                " WHERE channel_id IS NOT NULL DO UPDATE SET timezone = excluded.timezone",
                (
                    guild_id,
                    channel_id,
                    post_at.strftime("%H:%M"),
                    timezone,
                    utc_text(now),
                    actor_id,
                ),
            )
            row = await self._fetchone(
                f"SELECT {_COLUMNS} FROM subscriptions WHERE channel_id = ? AND post_at = ?",
                (channel_id, post_at.strftime("%H:%M")),
            )
        return _subscription(row)

    async def subscribe_dm(
        self, *, user_id: int, post_at: time, timezone: str, now: datetime
    ) -> Subscription:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO subscriptions (user_id, post_at, timezone, created_at, created_by)"
                " VALUES (?,?,?,?,?) ON CONFLICT (user_id) WHERE channel_id IS NULL"
                " DO UPDATE SET post_at = excluded.post_at, timezone = excluded.timezone,"
                " paused_reason = NULL, paused_at = NULL",
                (user_id, post_at.strftime("%H:%M"), timezone, utc_text(now), user_id),
            )
            row = await self._fetchone(
                f"SELECT {_COLUMNS} FROM subscriptions WHERE user_id = ? AND channel_id IS NULL",
                (user_id,),
            )
        return _subscription(row)

    async def get_subscription(self, subscription_id: int) -> Subscription | None:
        row = await self._fetchone(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE id = ?", (subscription_id,)
        )
        return _subscription(row) if row else None

    async def all_subscriptions(self) -> list[Subscription]:
        rows = await self._fetchall(f"SELECT {_COLUMNS} FROM subscriptions ORDER BY id")
        return [_subscription(row) for row in rows]

    async def guild_subscriptions(self, guild_id: int) -> list[Subscription]:
        rows = await self._fetchall(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE guild_id = ? ORDER BY post_at, id",
            (guild_id,),
        )
        return [_subscription(row) for row in rows]

    async def dm_subscription(self, user_id: int) -> Subscription | None:
        row = await self._fetchone(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE user_id = ? AND channel_id IS NULL",
            (user_id,),
        )
        return _subscription(row) if row else None

    async def delete_subscription(self, subscription_id: int) -> None:
        await self._write("DELETE FROM subscriptions WHERE id = ?", (subscription_id,))

    async def resume(self, subscription_id: int, now: datetime, local_today: date) -> None:
        """Active again; a day that failed today is retried, so today's story still comes."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE subscriptions SET paused_reason = NULL, paused_at = NULL WHERE id = ?",
                (subscription_id,),
            )
            await db.execute(
                "DELETE FROM deliveries WHERE subscription_id = ? AND local_date = ?"
                " AND status = 'failed'",
                (subscription_id, local_today.isoformat()),
            )

    # ------------------------------------------------- the delivery log protocol

    async def claim(self, due: Due, story_id: int) -> bool:
        subscription_id = due.subscription.id
        changed = await self._write(
            "INSERT INTO deliveries (subscription_id, local_date, story_id, status, claimed_at)"
            " SELECT ?, ?, ?, 'sending', ? WHERE EXISTS (SELECT 1 FROM subscriptions"
            " WHERE id = ? AND paused_reason IS NULL) ON CONFLICT DO NOTHING",
            (subscription_id, due.local_date.isoformat(), story_id, utc_text(), subscription_id),
        )
        return changed == 1

    async def mark_sent(
        self, subscription_id: int, local_date: date, message_id: int | None
    ) -> None:
        await self._write(
            "UPDATE deliveries SET status = 'sent', message_id = ?"
            " WHERE subscription_id = ? AND local_date = ?",
            (message_id, subscription_id, local_date.isoformat()),
        )

    async def release(self, subscription_id: int, local_date: date) -> None:
        await self._write(
            "DELETE FROM deliveries WHERE subscription_id = ? AND local_date = ?"
            " AND status = 'sending'",
            (subscription_id, local_date.isoformat()),
        )

    async def pause(self, subscription_id: int, reason: str) -> None:
        async with self._transaction() as db:
            await db.execute(
                "UPDATE subscriptions SET paused_reason = ?, paused_at = ? WHERE id = ?",
                (reason, utc_text(), subscription_id),
            )
            await db.execute(
                "UPDATE deliveries SET status = 'failed' WHERE subscription_id = ?"
                " AND status = 'sending'",
                (subscription_id,),
            )

    async def unfinished_claims(self) -> list[tuple[int, date, int]]:
        rows = await self._fetchall(
            "SELECT subscription_id, local_date, story_id FROM deliveries"
            " WHERE status = 'sending' ORDER BY subscription_id, local_date"
        )
        return [(row[0], date.fromisoformat(row[1]), row[2]) for row in rows]

    async def begin_resend(self, subscription_id: int, local_date: date) -> bool:
        changed = await self._write(
            "UPDATE deliveries SET resent = 1 WHERE subscription_id = ? AND local_date = ?"
            " AND status = 'sending' AND resent = 0",
            (subscription_id, local_date.isoformat()),
        )
        return changed == 1

    # -------------------------------------------------------------- the reads

    async def last_sent(self) -> Mapping[int, date]:
        """The latest day each subscription was handled, whatever the outcome."""
        rows = await self._fetchall(
            "SELECT subscription_id, max(local_date) FROM deliveries GROUP BY subscription_id"
        )
        return {row[0]: date.fromisoformat(row[1]) for row in rows}

    async def story_history(self, subscription_id: int) -> list[int]:
        rows = await self._fetchall(
            "SELECT story_id FROM deliveries WHERE subscription_id = ? AND status != 'failed'"
            " ORDER BY local_date",
            (subscription_id,),
        )
        return [row[0] for row in rows]

    async def last_delivery(self, subscription_id: int) -> LastDelivery | None:
        row = await self._fetchone(
            "SELECT story_id, local_date, status, claimed_at FROM deliveries"
            " WHERE subscription_id = ? ORDER BY local_date DESC LIMIT 1",
            (subscription_id,),
        )
        return LastDelivery(row[0], date.fromisoformat(row[1]), row[2], row[3]) if row else None
