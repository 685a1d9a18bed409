"""Which process posts which subscription, and its share of Discord's request budget."""

from __future__ import annotations

from datetime import time

from bot.app.daily import DailySchedule
from bot.app.library import Library
from bot.app.ownership import Ownership, shard_of
from bot.core.fanout import DISCORD_GLOBAL_RATE, LIMITER_RATE
from bot.storage import Store

# Snowflakes whose shard (of 3) is 0, 1 and 2.
GUILDS = {shard: (999 + shard) << 22 for shard in range(3)}


def test_discords_shard_formula():
    assert [shard_of(GUILDS[s], 3) for s in range(3)] == [0, 1, 2]


def test_the_budget_is_split_by_shards_and_never_exceeds_discords():
    alone = Ownership(store=None)  # type: ignore[arg-type]
    assert alone.requests_per_second == LIMITER_RATE < DISCORD_GLOBAL_RATE and not alone.sharded
    split = [
        Ownership(store=None, shard_count=3, shard_ids=(i,))  # type: ignore[arg-type]
        for i in range(3)
    ]
    assert all(part.sharded for part in split)
    assert sum(part.requests_per_second for part in split) <= LIMITER_RATE
    assert sum(part.requests_per_second for part in split) >= LIMITER_RATE * 0.9
    everything = Ownership(store=None, shard_count=2, shard_ids=(0, 1))  # type: ignore[arg-type]
    assert not everything.sharded and everything.requests_per_second == LIMITER_RATE


async def test_each_process_plans_only_its_shards_channels_and_its_leased_dms(database, store):
    for shard, guild in GUILDS.items():
        await store.daily.subscribe_channel(
            guild_id=guild, channel_id=100 + shard, post_at=time(9), timezone="UTC",
            actor_id=1, limit=10,
        )  # fmt: skip
    for user in range(6):
        await store.daily.subscribe_dm(user_id=500 + user, post_at=time(8), timezone="UTC")
    processes = [store, await Store.open(database), await Store.open(database)]
    try:
        owners = [
            Ownership(each, shard_count=3, shard_ids=(i,), worker=f"w{i}")
            for i, each in enumerate(processes)
        ]
        for owner in owners:  # all three alive before any rebalances
            await owner.renew()
        schedules = []
        for owner, each in zip(owners, processes, strict=True):
            await owner.renew()
            schedule = DailySchedule(Library(each), owns=owner.owns)
            await schedule.load()
            schedules.append(schedule)
        channels = [
            {s.channel_id for s in await store.daily.all_subscriptions() if owner.owns(s)} - {None}
            for owner in owners
        ]
        assert channels == [{100}, {101}, {102}]
        assert [len(owner.leased_dms) for owner in owners] == [2, 2, 2]
        planned = [len(schedule.agenda) for schedule in schedules]
        assert planned == [3, 3, 3]  # one channel and two DMs each; all nine, once
    finally:
        for each in processes[1:]:
            await each.close()
