"""Which process posts which story of the day, when several share one store.

Discord routes each server's events to one shard: `(guild_id >> 22) % shard_count`.
A channel subscription is posted by the process running its server's shard, the only
one whose cache holds that channel. A DM belongs to no shard, so DM subscriptions are
leased from the database, a fair share to each live process (`DailyRepository.
lease_dm_subscriptions`); a process that dies loses its leases when they expire and
the others take its share. The delivery log's claim stays the guarantee of
exactly-once either way: ownership only decides who tries, so no two processes race.

Discord's global limit of 50 requests a second is for the bot, across every process.
The daily posts may use 45 of it (`LIMITER_RATE`): the rest is for requests that take no
token, such as the 4 a process makes when it starts, which can fall in the same second as
a killed process's last posts. The 45 are split by shards: a process running k of n
shards may send 45·k/n a second. The
split needs no coordination (no shared counter to ask before each request, none to go
wrong when the database is slow) and never exceeds the limit while the processes run
disjoint shards, which Discord itself requires. Its cost: one process's unused share
is not lent to a busy one; with servers spread evenly over shards the loads are even.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.core.fanout import LIMITER_RATE
from bot.core.schedule import Subscription
from bot.storage import Store
from bot.storage.daily import DailyRepository

# How long a DM lease lasts without renewal; renewed at a third of it.
DM_LEASE = timedelta(minutes=3)


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's formula for the shard a server's events go to."""
    return (guild_id >> 22) % shard_count


def default_worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass
class Ownership:
    """One process's part of the work: its shards' channels and its leased DMs.

    A process running every shard (no shard settings, or all ids of the count) is
    alone and owns everything, with no leases to keep.
    """

    store: Store
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    worker: str = field(default_factory=default_worker_name)
    leased_dms: frozenset[int] = frozenset()

    @property
    def sharded(self) -> bool:
        """Whether other processes run the other shards (and so share the work)."""
        return (
            self.shard_count is not None
            and self.shard_ids is not None
            and len(set(self.shard_ids)) < self.shard_count
        )

    def owns(self, subscription: Subscription) -> bool:
        if not self.sharded or self.shard_count is None:
            return True
        if subscription.channel_id is None:
            return subscription.id in self.leased_dms
        assert subscription.guild_id is not None
        shards = self.shard_ids if self.shard_ids is not None else range(self.shard_count)
        return shard_of(subscription.guild_id, self.shard_count) in shards

    async def renew(self) -> bool:
        """Renew and rebalance the DM leases; whether the set this process holds changed."""
        if not self.sharded:
            return False
        leased = await self.store.daily.lease_dm_subscriptions(self.worker, DM_LEASE)
        changed = leased != self.leased_dms
        self.leased_dms = leased
        return changed

    @property
    def requests_per_second(self) -> int:
        """This process's share of Discord's global budget (see the module's docstring)."""
        if self.shard_count is None:
            return LIMITER_RATE
        mine = len(self.shard_ids) if self.shard_ids is not None else self.shard_count
        return max(1, LIMITER_RATE * mine // self.shard_count)


class OwnedClaims:
    """The delivery log, but the claims left "sending" are only this process's own.

    Recovery at start settles what a crash left half-sent; with several processes,
    another one's "sending" claim is a post in flight, not a crash to settle.
    """

    def __init__(
        self, log: DailyRepository, ownership: Ownership, *, claimed_before: datetime | None
    ) -> None:
        self._log = log
        self._ownership = ownership
        self._claimed_before = claimed_before
        self.claim = log.claim
        self.mark_sent = log.mark_sent
        self.release = log.release
        self.pause = log.pause
        self.fail = log.fail
        self.begin_resend = log.begin_resend

    async def unfinished_claims(self) -> list[tuple[int, date, int]]:
        owned = []
        claims = await self._log.unfinished_claims(claimed_before=self._claimed_before)
        for subscription_id, day, story_id in claims:
            subscription = await self._log.get_subscription(subscription_id)
            if subscription is None or self._ownership.owns(subscription):
                owned.append((subscription_id, day, story_id))
        return owned
