"""Story-of-the-day subscriptions and the delivery log that makes posting exactly-once.

The delivery methods implement `bot.core.fanout.DeliveryLog`; each is one
transaction, committed before it returns, so a crash at any point leaves the
log saying either "claimed" or "sent", never something in between.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.core.clock import utc_text
from bot.core.schedule import Due, Subscription, zone_of
from bot.storage.database import Database

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
    failure: str | None = None  # why Discord refused it, for a day failed that way
    message_id: int | None = None  # the post, once sent (None if settled without one)


@dataclass(frozen=True, slots=True)
class Subscribed:
    """What a subscribe did: `previous` is the subscription before it, None if it is new."""

    subscription: Subscription
    previous: Subscription | None

    @property
    def resumed(self) -> bool:
        return self.previous is not None and not self.previous.active


class DailyRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # ------------------------------------------------------------ subscriptions

    async def subscribe_channel(
        self,
        *,
        guild_id: int,
        channel_id: int,
        post_at: time,
        timezone: str,
        actor_id: int,
        limit: int,
    ) -> Subscribed | None:
        """The channel's subscription, moved to this time and zone and active; or a new one.

        One per channel: subscribing it again edits it (keeping `created_at`) and resumes
        it if paused, retrying today if today failed. None, changing nothing, when the
        server already has `limit` subscriptions and this channel is not one of them.
        """
        at = post_at.strftime("%H:%M")
        async with self._db.transaction():
            # A channel may hold several from before subscribing edited: prefer the one
            # at this time, which also keeps the (channel, time) index from conflicting.
            row = await self._db.fetchone(
                f"SELECT {_COLUMNS} FROM subscriptions WHERE channel_id = ?"
                " ORDER BY post_at = ? DESC, id LIMIT 1",
                (channel_id, at),
            )
            previous = _subscription(row) if row else None
            if previous is None:
                (count,) = await self._db.fetchone(
                    "SELECT count(*) FROM subscriptions WHERE guild_id = ?", (guild_id,)
                )
                if count >= limit:
                    return None
                await self._db.execute(
                    "INSERT INTO subscriptions (guild_id, channel_id, post_at, timezone,"
                    " created_at, created_by) VALUES (?,?,?,?,?,?)",
                    (guild_id, channel_id, at, timezone, self._db.now_text(), actor_id),
                )
            else:
                await self._edit(previous, at, timezone)
            row = await self._db.fetchone(
                f"SELECT {_COLUMNS} FROM subscriptions WHERE channel_id = ? AND post_at = ?",
                (channel_id, at),
            )
        return Subscribed(_subscription(row), previous)

    async def subscribe_dm(self, *, user_id: int, post_at: time, timezone: str) -> Subscribed:
        """The member's DM subscription at this time and zone, active (resumed if paused)."""
        at = post_at.strftime("%H:%M")
        async with self._db.transaction():
            previous = await self.dm_subscription(user_id)
            if previous is None:
                await self._db.execute(
                    "INSERT INTO subscriptions (user_id, post_at, timezone, created_at,"
                    " created_by) VALUES (?,?,?,?,?)",
                    (user_id, at, timezone, self._db.now_text(), user_id),
                )
            else:
                await self._edit(previous, at, timezone)
            current = await self.dm_subscription(user_id)
        assert current is not None
        return Subscribed(current, previous)

    async def _edit(self, previous: Subscription, at: str, timezone: str) -> None:
        """Inside a transaction: new time and zone, active again, today retried if it failed."""
        await self._db.execute(
            "UPDATE subscriptions SET post_at = ?, timezone = ?, paused_reason = NULL,"
            " paused_at = NULL WHERE id = ?",
            (at, timezone, previous.id),
        )
        if not previous.active:
            local_today = (
                self._db.now().astimezone(zone_of(replace(previous, timezone=timezone))).date()
            )
            await self._retry_failed_day(previous.id, local_today)

    async def subscription_creator(self, subscription_id: int) -> int | None:
        """Who set the subscription up: the member to tell when it pauses."""
        row = await self._db.fetchone(
            "SELECT created_by FROM subscriptions WHERE id = ?", (subscription_id,)
        )
        return row[0] if row else None

    async def get_subscription(self, subscription_id: int) -> Subscription | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE id = ?", (subscription_id,)
        )
        return _subscription(row) if row else None

    async def all_subscriptions(self) -> list[Subscription]:
        rows = await self._db.fetchall(f"SELECT {_COLUMNS} FROM subscriptions ORDER BY id")
        return [_subscription(row) for row in rows]

    async def count(self) -> tuple[int, int]:
        """(channel, DM) subscriptions, paused ones included."""
        row = await self._db.fetchone(
            "SELECT count(*) FILTER (WHERE channel_id IS NOT NULL),"
            " count(*) FILTER (WHERE channel_id IS NULL) FROM subscriptions"
        )
        return int(row[0]), int(row[1])

    async def guild_subscriptions(self, guild_id: int) -> list[Subscription]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE guild_id = ? ORDER BY post_at, id",
            (guild_id,),
        )
        return [_subscription(row) for row in rows]

    async def dm_subscription(self, user_id: int) -> Subscription | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE user_id = ? AND channel_id IS NULL",
            (user_id,),
        )
        return _subscription(row) if row else None

    async def delete_subscription(self, subscription_id: int) -> None:
        await self._db.write("DELETE FROM subscriptions WHERE id = ?", (subscription_id,))

    async def resume(self, subscription_id: int, local_today: date) -> None:
        """Active again; a day that failed today is retried, so today's story still comes."""
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE subscriptions SET paused_reason = NULL, paused_at = NULL WHERE id = ?",
                (subscription_id,),
            )
            await self._retry_failed_day(subscription_id, local_today)

    async def _retry_failed_day(self, subscription_id: int, local_date: date) -> None:
        """Inside a transaction: forget a failed day, so it is due again.

        Nothing was delivered that day, so exactly-once still holds.
        """
        await self._db.execute(
            "DELETE FROM deliveries WHERE subscription_id = ? AND local_date = ?"
            " AND status = 'failed'",
            (subscription_id, local_date.isoformat()),
        )

    # ------------------------------------------------- the delivery log protocol

    async def claim(self, due: Due, story_id: int) -> bool:
        subscription_id = due.subscription.id
        changed = await self._db.write(
            "INSERT INTO deliveries (subscription_id, local_date, story_id, status, claimed_at)"
            " SELECT CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT), 'sending',"
            " CAST(? AS TEXT) WHERE EXISTS (SELECT 1 FROM subscriptions"
            " WHERE id = ? AND paused_reason IS NULL) ON CONFLICT DO NOTHING",
            (
                subscription_id,
                due.local_date.isoformat(),
                story_id,
                self._db.now_text(),
                subscription_id,
            ),
        )
        return changed == 1

    async def mark_sent(
        self, subscription_id: int, local_date: date, message_id: int | None
    ) -> None:
        await self._db.write(
            "UPDATE deliveries SET status = 'sent', message_id = ?"
            " WHERE subscription_id = ? AND local_date = ?",
            (message_id, subscription_id, local_date.isoformat()),
        )

    async def release(self, subscription_id: int, local_date: date) -> None:
        await self._db.write(
            "DELETE FROM deliveries WHERE subscription_id = ? AND local_date = ?"
            " AND status = 'sending'",
            (subscription_id, local_date.isoformat()),
        )

    async def pause(self, subscription_id: int, reason: str) -> None:
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE subscriptions SET paused_reason = ?, paused_at = ? WHERE id = ?",
                (reason, self._db.now_text(), subscription_id),
            )
            await self._db.execute(
                "UPDATE deliveries SET status = 'failed' WHERE subscription_id = ?"
                " AND status = 'sending'",
                (subscription_id,),
            )

    async def fail(self, subscription_id: int, local_date: date, reason: str) -> None:
        await self._db.write(
            "UPDATE deliveries SET status = 'failed', failure = ?"
            " WHERE subscription_id = ? AND local_date = ? AND status = 'sending'",
            (reason, subscription_id, local_date.isoformat()),
        )

    async def unfinished_claims(
        self, *, claimed_before: datetime | None = None
    ) -> list[tuple[int, date, int]]:
        """Every claim still "sending"; or only those claimed before `claimed_before`."""
        cutoff = utc_text(claimed_before) if claimed_before is not None else None
        rows = await self._db.fetchall(
            "SELECT subscription_id, local_date, story_id FROM deliveries"
            " WHERE status = 'sending' AND (CAST(? AS TEXT) IS NULL OR claimed_at < ?)"
            " ORDER BY subscription_id, local_date",
            (cutoff, cutoff),
        )
        return [(row[0], date.fromisoformat(row[1]), row[2]) for row in rows]

    async def begin_resend(self, subscription_id: int, local_date: date) -> bool:
        changed = await self._db.write(
            "UPDATE deliveries SET resent = 1 WHERE subscription_id = ? AND local_date = ?"
            " AND status = 'sending' AND resent = 0",
            (subscription_id, local_date.isoformat()),
        )
        return changed == 1

    # ------------------------------------------------ DM leases across processes

    async def lease_dm_subscriptions(self, worker: str, lease: timedelta) -> frozenset[int]:
        """The DM subscriptions `worker` posts for the next `lease`: its fair share.

        Each live worker (seen within one lease) holds about total / live of them: it
        renews what it holds up to that share, gives back any excess, and takes free or
        expired ones, skipping rows another worker is taking at this moment (FOR UPDATE
        SKIP LOCKED), so two workers never take the same one. A worker that dies stops
        renewing; its subscriptions are taken over once its leases expire.
        """
        now = self._db.now()
        now_text, until = utc_text(now), utc_text(now + lease)
        async with self._db.transaction(serialized=False):
            await self._db.execute(
                "INSERT INTO daily_workers (name, seen_at) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET seen_at = excluded.seen_at",
                (worker, now_text),
            )
            (live,) = await self._db.fetchone(
                "SELECT count(*) FROM daily_workers WHERE seen_at >= ?",
                (utc_text(now - lease),),
            )
            (total,) = await self._db.fetchone(
                "SELECT count(*) FROM subscriptions WHERE channel_id IS NULL"
            )
            share = -(-int(total) // max(int(live), 1))
            held = [
                row[0]
                for row in await self._db.fetchall(
                    "SELECT id FROM subscriptions WHERE channel_id IS NULL AND lease_owner = ?"
                    f" AND lease_until >= ? ORDER BY id{self._db.skip_locked}",
                    (worker, now_text),
                )
            ]
            kept, excess = held[:share], held[share:]
            if excess:
                await self._db.execute(
                    "UPDATE subscriptions SET lease_owner = NULL, lease_until = NULL"
                    f" WHERE {self._db.ids_in('id')}",
                    (self._db.ids_param(excess),),
                )
            if kept:
                await self._db.execute(
                    f"UPDATE subscriptions SET lease_until = ? WHERE {self._db.ids_in('id')}",
                    (until, self._db.ids_param(kept)),
                )
            taken: list[int] = []
            if len(kept) < share:
                taken = [
                    row[0]
                    for row in await self._db.fetchall(
                        "SELECT id FROM subscriptions WHERE channel_id IS NULL"
                        " AND (lease_owner IS NULL OR lease_until < ?)"
                        f" ORDER BY id LIMIT ?{self._db.skip_locked}",
                        (now_text, share - len(kept)),
                    )
                ]
                if taken:
                    await self._db.execute(
                        "UPDATE subscriptions SET lease_owner = ?, lease_until = ?"
                        f" WHERE {self._db.ids_in('id')}",
                        (worker, until, self._db.ids_param(taken)),
                    )
        return frozenset(kept) | frozenset(taken)

    # -------------------------------------------------------------- the reads

    async def last_sent(self, subscription_ids: Iterable[int] | None = None) -> Mapping[int, date]:
        """The latest day each subscription was handled, whatever the outcome.

        For the given subscriptions (a tick passes the few the agenda will look at), or
        all. Each is one seek on the primary key's (subscription, date) order, never a
        pass over the whole history, which grows by every subscription every day.
        """
        latest = (
            "SELECT id, (SELECT max(local_date) FROM deliveries"
            " WHERE subscription_id = subscriptions.id) FROM subscriptions"
        )
        if subscription_ids is None:
            rows = await self._db.fetchall(latest)
        else:
            wanted = self._db.ids_param(sorted(set(subscription_ids)))
            rows = await self._db.fetchall(f"{latest} WHERE {self._db.ids_in('id')}", (wanted,))
        return {row[0]: date.fromisoformat(row[1]) for row in rows if row[1] is not None}

    async def story_history(self, subscription_id: int) -> list[int]:
        """Stories that had their turn: claimed, sent or refused, not failed by a pause."""
        rows = await self._db.fetchall(
            "SELECT story_id FROM deliveries WHERE subscription_id = ?"
            " AND (status != 'failed' OR failure IS NOT NULL) ORDER BY local_date",
            (subscription_id,),
        )
        return [row[0] for row in rows]

    async def last_delivery(self, subscription_id: int) -> LastDelivery | None:
        row = await self._db.fetchone(
            "SELECT story_id, local_date, status, claimed_at, failure, message_id FROM deliveries"
            " WHERE subscription_id = ? ORDER BY local_date DESC LIMIT 1",
            (subscription_id,),
        )
        if row is None:
            return None
        return LastDelivery(row[0], date.fromisoformat(row[1]), row[2], row[3], row[4], row[5])
