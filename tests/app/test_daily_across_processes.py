"""The story of the day posted by three processes on one PostgreSQL, over simulated days
with processes killed mid-fan-out and restarted: each subscription once a day.

Each "process" has its own store (connections), ownership (one shard of three, its
leased DMs), agenda and rate limiter, and runs the real fan-out (bot.core.fanout's
deliver and recover, the real delivery log), at the moments the daily sender would
tick. A kill cancels a process's fan-out just after Discord accepted a post and before
the log recorded it, the worst moment; the process comes back at a later tick as a new
worker, recovers its own half-sent claims, and the DMs a dead process held are
recovered by whoever leases them next. Discord here is a list of posts, which recovery
consults as the sender consults a channel's history.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.app.daily import DailySchedule
from bot.app.library import Library
from bot.app.ownership import DM_LEASE, OwnedClaims, Ownership
from bot.core.fanout import FanoutReport, RateLimiter, SendResult, deliver, recover
from bot.core.parsing import parse_story_text
from bot.core.schedule import Due
from bot.storage import Store
from tests.doubles import ManualClock

DAYS = 7
START = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
# When the sender would look: the DMs' time, the channels' time, and later in the day.
TICKS = (time(8, 0), time(8, 4), time(9, 0), time(9, 4), time(13, 0), time(18, 0))
CLOCK = ManualClock(START)
STORY = "Title: Harbour\n\nThe keeper climbed the stairs and counted the boats at dusk."


RNG = random.Random(13)


def rng_of(_process: object) -> random.Random:
    return RNG


def guild_of_shard(shard: int, n: int) -> int:
    return ((n * 3 + shard) + 2_000) << 22


@dataclass
class Discord:
    posts: list[tuple[int, date]] = field(default_factory=list)


@dataclass
class Process:
    shard: int
    url: str
    generation: int = 0
    store: Store | None = None
    ownership: Ownership | None = None
    schedule: DailySchedule | None = None

    async def start(self, discord: Discord) -> None:
        self.generation += 1
        self.store = await Store.open(self.url, clock=CLOCK)
        self.ownership = Ownership(
            self.store, 3, (self.shard,), worker=f"p{self.shard}-{self.generation}"
        )
        self.schedule = DailySchedule(Library(self.store), owns=self.ownership.owns)
        await self.ownership.renew()
        await self.settle(discord, claimed_before=None)

    async def stop(self) -> None:
        assert self.store is not None
        await self.store.close()
        self.store = None

    async def settle(self, discord: Discord, *, claimed_before: datetime | None) -> None:
        assert self.store is not None and self.ownership is not None
        store = self.store

        async def already_posted(item: Due, _story_id: int, acquire) -> int | None:
            await acquire()
            key = (item.subscription.id, item.local_date)
            return item.subscription.id if key in discord.posts else None

        await recover(
            OwnedClaims(store.daily, self.ownership, claimed_before=claimed_before),
            now=CLOCK(),
            lookup=store.daily.get_subscription,
            send=self.sender(discord, kill_after=None),
            limiter=RateLimiter(50, clock=lambda: 0.0, sleep=asyncio.sleep),
            sleep=asyncio.sleep,
            already_posted=already_posted,
        )

    def sender(self, discord: Discord, kill_after: int | None, kill=lambda: None):
        sent = 0
        posted_first = rng_of(self).random() < 0.5

        async def send(item: Due, _story_id: int, acquire) -> SendResult:
            nonlocal sent
            await acquire()
            await asyncio.sleep(0)  # the request is in flight: others run meanwhile
            sent += 1
            killed = kill_after is not None and sent >= kill_after
            if not killed or posted_first:  # killed before or after Discord took it
                discord.posts.append((item.subscription.id, item.local_date))
            if killed:
                kill()  # the log never hears of it
                await asyncio.Event().wait()
            return SendResult.sent(item.subscription.id)

        return send

    async def tick(self, discord: Discord, kill_after: int | None) -> bool:
        """One tick of the sender; False if the process was killed during it."""
        assert self.store is not None and self.ownership is not None
        assert self.schedule is not None
        if await self.ownership.renew():
            await self.settle(discord, claimed_before=CLOCK() - DM_LEASE)
        await self.schedule.load()
        agenda = self.schedule.agenda
        pending = agenda.pending(CLOCK())
        due = agenda.due(CLOCK(), await self.store.daily.last_sent(pending)) if pending else []
        running: list[asyncio.Task[FanoutReport]] = []

        def kill() -> None:
            running[0].cancel()

        fan_out = asyncio.ensure_future(
            deliver(
                due,
                pick_story=self.schedule.pick_story,
                send=self.sender(discord, kill_after, kill),
                log=self.store.daily,
                limiter=RateLimiter(16, clock=lambda: 0.0, sleep=asyncio.sleep),
                sleep=asyncio.sleep,
            )
        )
        running.append(fan_out)
        try:
            await fan_out
        except asyncio.CancelledError:
            return False
        return True


# Timing decides which process is killed mid-fan-out: not beside the tests that start
# several bot processes (see the Makefile).
@pytest.mark.xdist_group("processes")
async def test_three_processes_post_each_subscription_once_a_day_through_kills(
    postgres_server,
):
    CLOCK.moment = START
    url = await postgres_server.empty_database()
    setup = await Store.open(url, clock=CLOCK)
    await setup.stories.add_story(parse_story_text(STORY), guild_id=None)
    subscriptions = []
    for n in range(9):
        done = await setup.daily.subscribe_channel(
            guild_id=guild_of_shard(n % 3, n), channel_id=700 + n, post_at=time(9),
            timezone="UTC", actor_id=1, limit=10,
        )  # fmt: skip
        assert done is not None
        subscriptions.append(done.subscription.id)
    for n in range(9):
        done_dm = await setup.daily.subscribe_dm(user_id=900 + n, post_at=time(8), timezone="UTC")
        subscriptions.append(done_dm.subscription.id)
    await setup.close()

    discord = Discord()
    RNG.seed(15)
    processes = [Process(shard, url) for shard in range(3)]
    for process in processes:
        await process.start(discord)
    kills = 0
    down: dict[int, int] = {}  # shard: ticks until it comes back

    async def step(process: Process) -> None:
        nonlocal kills
        if process.store is None:
            down[process.shard] -= 1
            if down[process.shard] > 0:
                return
            await process.start(discord)  # back, as a new worker
        # Killed only during the day's fan-outs, and back within two ticks: a channel's
        # shard is one process's, and a day its process is down from the post's time
        # to midnight is a day with no post, with one process as with several.
        killing = CLOCK().time() < time(13) and RNG.random() < 0.2
        if not await process.tick(discord, RNG.randint(1, 3) if killing else None):
            kills += 1
            down[process.shard] = RNG.randint(1, 2)
            await process.stop()

    try:
        for day in range(DAYS):
            for at in TICKS:
                CLOCK.moment = datetime.combine(START.date() + timedelta(days=day), at, UTC)
                # The processes run at the same time, as on their machines.
                await asyncio.gather(*(step(process) for process in processes))
    finally:
        for process in processes:
            if process.store is not None:
                await process.stop()

    expected = {
        (sid, START.date() + timedelta(days=d)) for sid in subscriptions for d in range(DAYS)
    }
    assert kills >= 3  # the run did kill processes mid-fan-out
    assert len(discord.posts) == len(set(discord.posts))  # 0 duplicates
    assert set(discord.posts) == expected  # 0 missed
