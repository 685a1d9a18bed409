"""DM subscriptions split between processes by leases: each once, evenly, and taken over
when a process dies. Two `Store`s on one database stand for two processes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.storage import Store
from tests.doubles import ManualClock

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=3)
CLOCK = ManualClock(NOW)


@pytest.fixture
def clock():
    CLOCK.moment = NOW
    return CLOCK


async def test_leases_split_dm_subscriptions_and_outlive_a_dead_process(database, store):
    for user in range(10):
        await store.daily.subscribe_dm(user_id=1000 + user, post_at=time(8), timezone="UTC")
    await store.daily.subscribe_channel(
        guild_id=1, channel_id=5, post_at=time(8), timezone="UTC", actor_id=1, limit=10
    )
    other = await Store.open(database, clock=CLOCK)
    try:
        alone = await store.daily.lease_dm_subscriptions("a", LEASE)
        assert len(alone) == 10  # channel subscriptions are never leased
        assert await other.daily.lease_dm_subscriptions("b", LEASE) == frozenset()  # all held
        CLOCK.moment += timedelta(minutes=1)
        mine = await store.daily.lease_dm_subscriptions("a", LEASE)  # two live: gives half back
        theirs = await other.daily.lease_dm_subscriptions("b", LEASE)
        assert len(mine) == len(theirs) == 5 and not mine & theirs
        # "a" dies: once its leases run out, "b" holds every one.
        CLOCK.moment += LEASE + timedelta(seconds=1)
        assert await other.daily.lease_dm_subscriptions("b", LEASE) == alone
    finally:
        await other.close()


async def test_two_processes_leasing_at_once_never_share_a_subscription(database, store):
    for user in range(40):
        await store.daily.subscribe_dm(user_id=1000 + user, post_at=time(8), timezone="UTC")
    stores = [store, *[await Store.open(database, clock=CLOCK) for _ in range(2)]]
    try:
        for name, each in zip("abc", stores, strict=True):  # all three alive
            await each.daily.lease_dm_subscriptions(name, LEASE)
        CLOCK.moment += timedelta(seconds=30)
        for _ in range(3):
            leased = await asyncio.gather(
                *(
                    each.daily.lease_dm_subscriptions(name, LEASE)
                    for name, each in zip("abc", stores, strict=True)
                )
            )
            every = [sid for held in leased for sid in held]
            assert len(every) == len(set(every))
        # Each holds at most its share (ceil(40 / 3) = 14), and none is left unheld.
        assert max(map(len, leased)) <= 14 and sum(map(len, leased)) == 40
    finally:
        for each in stores[1:]:
            await each.close()
