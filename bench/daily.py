"""Simulate the story of the day in virtual time and print what went wrong (ideally nothing).

Run from the repository root:

    .venv/bin/python -m bench.daily                                  # 10,000 subs, 30 days
    .venv/bin/python -m bench.daily --subs 1000 --days 5 --restarts 10   # a quick look
    .venv/bin/python -m bench.daily --no-history-check   # recovery resends without looking

The simulation runs the real code (bot.core.schedule's Agenda and due_today,
bot.core.fanout's deliver/recover/RateLimiter, MemoryDeliveryLog) on an asyncio event loop
whose clock jumps to the next timer, so 30 days take seconds. A fake Discord accepts each
message halfway through its request (so a kill can land after Discord has it and before
the log does), enforces nothing but records everything, and fails 1% of messages
transiently (5xx, or 429 with retry_after). A few channels are deleted during the run.
Each post makes the requests the bot makes, each after a token from the shared limiter:
a channel post is the message, then its discussion thread and the questions in it (3);
a DM opens the DM channel, then sends (2). As in the bot, recovery first looks for the
post in the history (`already_posted`, one request, two for a DM) before resending.

The process is killed (its task cancelled at a random instant, half of them aimed at a
busy fan-out) and restarted after a random downtime. Everything in memory is dropped
except what is durable: the delivery log (each call all-or-nothing, as a SQLite
transaction), the subscriptions table, and what Discord received.

Measured: duplicates (and how many of them are the documented window), missed posts
(subscription active and the bot up at some point between its time and the end of its
local day, yet no message), rotation repeats, the fan-out time of one minute's burst
against 50 requests/s compared with the ideal (requests made / 50 s), the most requests
in any one second, and the scheduler's CPU time per simulated day (time.process_time
around the scheduling calls only).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import random
import selectors
import sys
import time as timer
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/daily.py`
    sys.path.insert(0, str(ROOT))

from bot.core.fanout import (  # noqa: E402
    Acquire,
    Backoff,
    FanoutReport,
    RateLimiter,
    SendResult,
    deliver,
    recover,
)
from bot.core.schedule import (  # noqa: E402
    Agenda,
    Due,
    Subscription,
    due_now,
    next_story,
    scheduled_instant,
)
from tests.doubles import MemoryDeliveryLog  # noqa: E402

START = datetime(2026, 3, 20, tzinfo=UTC)  # spans spring-forward in Europe, fall-back south
# 20 zones: DST north and south, half- and quarter-hour offsets, a gap across midnight.
ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Helsinki",
    "Africa/Cairo",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/St_Johns",  # −03:30, DST
    "America/Sao_Paulo",
    "America/Santiago",  # DST ends 5 April
    "America/Nuuk",  # springs forward 23:00 → 00:00 on 28 March
    "Asia/Tehran",  # +03:30
    "Asia/Kolkata",  # +05:30
    "Asia/Kathmandu",  # +05:45
    "Asia/Tokyo",
    "Australia/Adelaide",  # +10:30 → +09:30 on 5 April
    "Australia/Lord_Howe",  # half-hour DST
    "Pacific/Chatham",  # +13:45 → +12:45
    "Pacific/Auckland",
)
DST_TIMES = (time(2, 30), time(1, 30), time(2, 0), time(23, 30), time(0, 15))
TICK = 60.0
SEND_LATENCY = (0.04, 0.12)  # seconds, uniform
LOG_LATENCY = 0.001  # one SQLite transaction
BUILTIN_STORIES = tuple(range(1, 11))


# --- virtual time ------------------------------------------------------------------------


class _JumpingSelector(selectors.DefaultSelector):
    """Never waits: when the loop would sleep until its next timer, the clock jumps there."""

    def __init__(self, advance: Callable[[float], None]) -> None:
        super().__init__()
        self._advance = advance

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None:
            raise RuntimeError("deadlock: nothing scheduled and nothing ready")
        self._advance(max(0.0, timeout))
        return super().select(0)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self._now = 0.0
        super().__init__(_JumpingSelector(self._advance))

    def time(self) -> float:
        return self._now

    def _advance(self, seconds: float) -> None:
        self._now += seconds


def instant(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def seconds_at(moment: datetime) -> float:
    return (moment - START).total_seconds()


# --- the world: what survives a kill -----------------------------------------------------


@dataclass
class Message:
    subscription_id: int
    local_date: date
    story_id: int
    at: float
    by_recovery: bool


class FakeDiscord:
    """Records every accepted message and every request; 1% of messages fail transiently."""

    def __init__(self, loop: VirtualTimeLoop, rng: random.Random, failure_rate: float) -> None:
        self.loop = loop
        self.rng = rng
        self.failure_rate = failure_rate
        self.messages: list[Message] = []
        self.deleted_at: dict[int, float] = {}  # subscription → when its channel went
        self.recovering = False
        self.request_times: list[float] = []  # when each request reached Discord

    @property
    def requests(self) -> int:
        return len(self.request_times)

    async def _request(self, acquire: Acquire) -> float:
        """Take a token, start a request; the latency the caller waits out, in halves."""
        await acquire()
        self.request_times.append(self.loop.time())
        return self.rng.uniform(*SEND_LATENCY)

    async def send(self, due: Due, story_id: int, acquire: Acquire) -> SendResult:
        if due.subscription.is_dm:  # discord.py caches 128 DM channels: open it first
            await asyncio.sleep(await self._request(acquire))
        latency = await self._request(acquire)
        failure = self.rng.random() < self.failure_rate
        await asyncio.sleep(latency / 2)
        if self.deleted_at.get(due.subscription.id, float("inf")) <= self.loop.time():
            return SendResult.pause("The channel was deleted")
        if failure:
            await asyncio.sleep(latency / 2)
            if self.rng.random() < 0.5:
                return SendResult.retry("503 Service Unavailable")
            return SendResult.retry("429 Too Many Requests", self.rng.uniform(0.1, 2.0))
        subscription_id = due.subscription.id
        self.messages.append(
            Message(subscription_id, due.local_date, story_id, self.loop.time(), self.recovering)
        )
        await asyncio.sleep(latency / 2)  # Discord has it; the reply is still on its way
        if due.subscription.is_dm:
            return SendResult.sent(len(self.messages))

        async def open_thread() -> None:  # create the thread, then post its questions
            for _ in range(2):
                await asyncio.sleep(await self._request(acquire))

        return SendResult.sent(len(self.messages), then=open_thread)

    def busiest_second(self) -> int:
        """The most requests that reached Discord within any one second."""
        times, most, first = self.request_times, 0, 0
        for last, at in enumerate(times):
            while at - times[first] >= 1.0 - 1e-9:
                first += 1
            most = max(most, last - first + 1)
        return most

    async def already_posted(self, due: Due, story_id: int, acquire: Acquire) -> int | None:
        """What the bot's look at the recent history finds, with the requests it makes.

        A DM opens the DM channel first, as the bot does; then one page of history.
        """
        if due.subscription.is_dm:
            await asyncio.sleep(await self._request(acquire))
        await asyncio.sleep(await self._request(acquire))
        for index in range(len(self.messages) - 1, -1, -1):
            message = self.messages[index]
            key = (message.subscription_id, message.local_date)
            if key == (due.subscription.id, due.local_date):
                return index + 1
        return None


@dataclass
class Stories:
    """Per guild: its own stories, some added during the run, plus the built-in ones."""

    added_at: dict[int, list[tuple[float, int]]]  # guild → (when, story id)

    def visible(self, subscription: Subscription, now: float) -> list[int]:
        own = [s for when, s in self.added_at.get(subscription.guild_id or 0, []) if when <= now]
        return [*BUILTIN_STORIES, *own] if subscription.guild_id else list(BUILTIN_STORIES)


@dataclass
class World:
    subscriptions: dict[int, Subscription]
    stories: Stories
    discord: FakeDiscord
    log: MemoryDeliveryLog
    history_check: bool
    uptime: list[tuple[float, float]] = field(default_factory=list)
    window_claims: int = 0  # claims Discord had accepted but the log had not, at kills
    recovery: FanoutReport = field(default_factory=FanoutReport)
    fanout: FanoutReport = field(default_factory=FanoutReport)
    scheduler_cpu: float = 0.0  # ticks: Agenda.due
    startup_cpu: float = 0.0  # restarts: building the Agenda
    bursts: list[tuple[int, float, int]] = field(default_factory=list)  # due, seconds, requests
    agenda_checks: int = 0
    agenda_mismatches: int = 0
    completed_ticks: list[float] = field(default_factory=list)  # ticks whose fan-out finished
    kills: int = 0
    ticks: int = 0

    def current(self, subscription_id: int) -> Subscription | None:
        subscription = self.subscriptions.get(subscription_id)
        reason = self.log.paused.get(subscription_id)
        if subscription is None or reason is None:
            return subscription
        return replace(subscription, paused_reason=reason)


def build_world(loop: VirtualTimeLoop, config: Config, rng: random.Random) -> World:
    days = config.days
    guilds = max(1, config.subs // 30)
    subscriptions: dict[int, Subscription] = {}
    for sub_id in range(config.subs):
        zone = ZONES[sub_id % len(ZONES)]
        roll = rng.random()
        post_at = (
            time(9, 0)
            if roll < 0.4
            else rng.choice(DST_TIMES)
            if roll < 0.5
            else time(rng.randrange(24), rng.randrange(60))
        )
        late = rng.random() < 0.15  # subscribed during the run
        created = START + timedelta(seconds=rng.uniform(0, 5 * 86400)) if late else START
        dm = rng.random() < 0.1
        guild = None if dm else rng.randrange(1, guilds + 1)
        subscriptions[sub_id] = Subscription(
            sub_id, guild, None if dm else 10_000 + sub_id, sub_id if dm else None,
            post_at, zone, created - timedelta(days=0 if late else 1),
        )  # fmt: skip
    added: dict[int, list[tuple[float, int]]] = {}
    story_id = 100
    for guild in range(1, guilds + 1):
        for _ in range(rng.randrange(0, 8)):
            story_id += 1
            when = 0.0 if rng.random() < 0.6 else rng.uniform(0, days * 86400)
            added.setdefault(guild, []).append((when, story_id))
    discord = FakeDiscord(loop, random.Random(rng.random()), config.failure_rate)
    for sub_id in rng.sample(sorted(subscriptions), k=max(1, config.subs // 500)):
        if subscriptions[sub_id].channel_id is not None:
            discord.deleted_at[sub_id] = rng.uniform(0, days * 86400)
    log = MemoryDeliveryLog(latency=LOG_LATENCY)
    return World(subscriptions, Stories(added), discord, log, config.history_check)


# --- one process lifetime ----------------------------------------------------------------


async def process(world: World, loop: VirtualTimeLoop, rng: random.Random) -> None:
    """Start-up (recover, build the agenda) then a tick every minute, until killed."""
    limiter = RateLimiter(clock=loop.time, sleep=asyncio.sleep)
    backoff = Backoff(rng=random.Random(rng.random()))
    world.discord.recovering = True
    report = await recover(
        world.log,
        now=instant(loop.time()),
        lookup=_lookup(world),
        send=world.discord.send,
        limiter=limiter,
        sleep=asyncio.sleep,
        already_posted=world.discord.already_posted if world.history_check else None,
        backoff=backoff,
    )
    world.discord.recovering = False
    world.recovery.merge(report)
    agenda = _build_agenda(world, loop.time())
    while True:
        await _tick(world, loop, agenda, limiter, backoff, rng)
        await asyncio.sleep(TICK - loop.time() % TICK)


def _lookup(world: World) -> Callable[[int], Awaitable[Subscription | None]]:
    async def lookup(subscription_id: int) -> Subscription | None:
        return world.current(subscription_id)

    return lookup


def _build_agenda(world: World, now_seconds: float) -> Agenda:
    cpu = timer.process_time()
    now, last_sent = instant(now_seconds), world.log.last_sent()
    agenda = Agenda()
    for sub_id in world.subscriptions:
        subscription = world.current(sub_id)
        assert subscription is not None
        agenda.upsert(subscription, now, last_sent.get(sub_id))
    world.startup_cpu += timer.process_time() - cpu
    return agenda


async def _tick(
    world: World,
    loop: VirtualTimeLoop,
    agenda: Agenda,
    limiter: RateLimiter,
    backoff: Backoff,
    rng: random.Random,
) -> None:
    now = instant(loop.time())
    last_sent = world.log.last_sent()
    cpu = timer.process_time()
    due = agenda.due(now, last_sent)
    world.scheduler_cpu += timer.process_time() - cpu
    world.ticks += 1
    if world.ticks % 719 == 0:  # now and then, check the agenda against the full scan
        active = [world.current(i) for i in world.subscriptions]
        world.agenda_checks += 1
        world.agenda_mismatches += due != due_now(now, [s for s in active if s], last_sent)
    if not due:
        world.completed_ticks.append(seconds_at(now))
        return

    async def pick_story(subscription: Subscription) -> int | None:
        visible = world.stories.visible(subscription, loop.time())
        return next_story(visible, world.log.story_history(subscription.id))

    began, requests = loop.time(), world.discord.requests
    report = await deliver(
        due,
        pick_story=pick_story,
        send=world.discord.send,
        log=world.log,
        limiter=limiter,
        sleep=asyncio.sleep,
        backoff=backoff,
    )
    world.fanout.merge(report)
    world.bursts.append((len(due), loop.time() - began, world.discord.requests - requests))
    for sub_id, _reason in report.paused:  # the bot would update the row and the agenda
        paused = world.current(sub_id)
        assert paused is not None
        agenda.upsert(paused, instant(loop.time()), None)
    agenda.recheck(report.released, instant(loop.time()))
    world.completed_ticks.append(seconds_at(now))


# --- kills and restarts ------------------------------------------------------------------


def kill_plan(config: Config, rng: random.Random) -> list[tuple[float, float]]:
    """`config.restarts` (kill at, down for), in order; half aimed inside a 09:00 fan-out.

    Two are long: a three-day outage (no flood afterwards) and one of 20 hours (a local
    day missed in some zones, caught up in others). The rest last seconds to minutes,
    and a few hours. Each kill finds the bot running.
    """
    end = config.days * 86400.0
    planned = [
        (rng.uniform(0.2, 0.4) * end, min(3 * 86400.0, end / 4)),
        (rng.uniform(0.6, 0.8) * end, min(20 * 3600.0, end / 8)),
    ][: config.restarts]
    per_zone = max(1, int(config.subs * 0.4 / len(ZONES)))
    for attempt in range(config.restarts * 50):
        if len(planned) >= config.restarts:
            break
        if attempt % 2:
            at = rng.uniform(0, end)
        else:
            zone = ZoneInfo(rng.choice(ZONES))
            day = (START + timedelta(days=rng.randrange(config.days))).date()
            at = seconds_at(scheduled_instant(day, time(9, 0), zone))
            at += rng.uniform(0, per_zone / 50 + 0.2)
        down = rng.uniform(1, 600) if rng.random() < 0.92 else rng.uniform(3600, 8 * 3600)
        if 0 < at < end and all(at + down + 30 < k or at > k + d + 30 for k, d in planned):
            planned.append((at, down))
    return sorted(planned)


async def simulate(world: World, loop: VirtualTimeLoop, config: Config, rng: random.Random) -> None:
    end = config.days * 86400.0
    for kill_at, down in [*kill_plan(config, rng), (end, 0.0)]:
        started = loop.time()
        task = loop.create_task(process(world, loop, rng))
        loop.call_at(kill_at, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):  # the kill
            await task
        world.kills += kill_at < end
        world.uptime.append((started, loop.time()))
        accepted = {(m.subscription_id, m.local_date) for m in world.discord.messages}
        unfinished = await world.log.unfinished_claims()
        world.window_claims += sum((s, d) in accepted for s, d, _ in unfinished)
        await asyncio.sleep(max(0.0, min(end, kill_at + down) - loop.time()))
        if loop.time() >= end:
            break


# --- measurements ------------------------------------------------------------------------


@dataclass
class Outcome:
    deliveries: int = 0
    duplicates: int = 0
    window_duplicates: int = 0
    worst_per_day: int = 0
    expected: int = 0
    missed: int = 0
    rotation_repeats: int = 0
    settled_unsent: int = 0  # claims recovery settled as sent that Discord never got
    dst_posted: int = 0  # sub-days on a transition day that got their story
    dst_extra: int = 0
    dst_missed: int = 0
    delays: list[float] = field(default_factory=list)


def measure(world: World, config: Config) -> Outcome:
    outcome = Outcome()
    by_day: dict[tuple[int, date], list[Message]] = {}
    for message in world.discord.messages:
        by_day.setdefault((message.subscription_id, message.local_date), []).append(message)
    outcome.deliveries = len(by_day)
    outcome.settled_unsent = sum(
        record.status == "sent" and (sub_id, day) not in by_day
        for sub_id, days in world.log.rows.items()
        for day, record in days.items()
    )
    for messages in by_day.values():
        extra = len(messages) - 1
        outcome.duplicates += extra
        outcome.window_duplicates += sum(m.by_recovery for m in messages[1:])
        outcome.worst_per_day = max(outcome.worst_per_day, len(messages))
    days_of: dict[int, list[date]] = {}
    for sub_id, day in sorted(by_day):
        days_of.setdefault(sub_id, []).append(day)
    for subscription in world.subscriptions.values():
        _count_expected(world, config, subscription, by_day, outcome)
        sent = [by_day[(subscription.id, day)][0] for day in days_of.get(subscription.id, [])]
        outcome.rotation_repeats += _rotation_repeats(world, subscription, sent)
    return outcome


def _count_expected(
    world: World,
    config: Config,
    subscription: Subscription,
    by_day: dict[tuple[int, date], list[Message]],
    outcome: Outcome,
) -> None:
    zone = ZoneInfo(subscription.timezone)
    deleted = world.discord.deleted_at.get(subscription.id, float("inf"))
    first = START.astimezone(zone).date()
    for offset in range(config.days + 1):
        day = first + timedelta(days=offset)
        at = seconds_at(scheduled_instant(day, subscription.post_at, zone))
        day_end = seconds_at(datetime.combine(day + timedelta(days=1), time(), zone))
        day_end = max(day_end, at + 60)  # a post pushed past midnight by a gap
        messages = by_day.get((subscription.id, day), [])
        if messages and _offset_changes(zone, day):
            outcome.dst_posted += 1
            outcome.dst_extra += len(messages) - 1
        if messages and any(a <= at < b for a, b in world.uptime):  # not a catch-up
            outcome.delays.append(messages[0].at - at)
        if at < seconds_at(subscription.created_at) or at < 0 or day_end > config.days * 86400:
            continue
        if deleted <= day_end:
            continue  # its channel went that day or before: paused, not missed
        # Owed if a tick ran to completion after its time that local day: the bot had
        # its chance. (Killed at 09:00:01 and down until midnight is a day missed
        # entirely, which by design is not flooded in later.)
        index = bisect.bisect_left(world.completed_ticks, at)
        if index < len(world.completed_ticks) and world.completed_ticks[index] < day_end:
            outcome.expected += 1
            outcome.missed += not messages
            outcome.dst_missed += not messages and _offset_changes(zone, day)


def _offset_changes(zone: ZoneInfo, day: date) -> bool:
    """Does `day` have a DST (or other offset) transition in `zone`?"""
    start = datetime.combine(day, time(), zone)
    end = datetime.combine(day + timedelta(days=1), time(), zone)
    return start.utcoffset() != end.utcoffset()


def _rotation_repeats(world: World, subscription: Subscription, sent: list[Message]) -> int:
    """Stories posted again before every story visible at that moment had its turn."""
    cycle: set[int] = set()
    repeats = 0
    for message in sent:  # the first message of each day, in day order
        if message.story_id in cycle:
            visible = set(world.stories.visible(subscription, message.at))
            repeats += not visible <= cycle
            cycle = set()
        cycle.add(message.story_id)
    return repeats


def measure_burst(count: int, seed: int, failure_rate: float) -> tuple[float, float, int]:
    """(seconds to fan out `count` channel posts due at one minute, the ideal, requests).

    The ideal is the requests made (3 a post, and the retries) at 50 a second.
    """
    loop = VirtualTimeLoop()
    rng = random.Random(seed)
    discord = FakeDiscord(loop, rng, failure_rate)
    created = START - timedelta(days=1)
    subs = [Subscription(i, 1, i, None, time(9), "UTC", created) for i in range(count)]
    due = [Due(s, START.date(), START) for s in subs]

    async def main() -> float:
        async def pick_story(_: Subscription) -> int:
            return 1

        await deliver(
            due,
            pick_story=pick_story,
            send=discord.send,
            log=MemoryDeliveryLog(latency=LOG_LATENCY),
            limiter=RateLimiter(clock=loop.time, sleep=asyncio.sleep),
            sleep=asyncio.sleep,
            backoff=Backoff(rng=random.Random(seed)),
        )
        return loop.time()

    try:
        elapsed = loop.run_until_complete(main())
    finally:
        loop.close()
    return elapsed, discord.requests / 50, discord.requests


def full_scan_cpu_per_day(world: World, rng: random.Random, samples: int = 15) -> float:
    """CPU seconds a day if every tick ran due_now over every subscription."""
    active = [s for s in (world.current(i) for i in world.subscriptions) if s is not None]
    last_sent = world.log.last_sent()
    cpu = timer.process_time()
    for _ in range(samples):
        due_now(instant(rng.uniform(0, 86400 * 3)), active, last_sent)
    return (timer.process_time() - cpu) / samples * 1440


# --- report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    subs: int
    days: int
    restarts: int
    seed: int
    burst: int
    failure_rate: float
    history_check: bool


def run(config: Config) -> list[tuple[str, str, str]]:
    rng = random.Random(config.seed)
    loop = VirtualTimeLoop()
    wall = timer.perf_counter()
    try:
        world = build_world(loop, config, rng)
        loop.run_until_complete(simulate(world, loop, config, rng))
    finally:
        loop.close()
    outcome = measure(world, config)
    burst_time, burst_ideal, burst_requests = measure_burst(
        config.burst, config.seed, config.failure_rate
    )
    biggest = max(world.bursts, default=(0, 0.0, 0))
    full_scan = full_scan_cpu_per_day(world, rng)
    delays = sorted(outcome.delays) or [0.0]
    gaps = [b[0] - a[1] for a, b in zip(world.uptime, world.uptime[1:], strict=False)]
    return [
        ("subscriptions × days", f"{config.subs:,} × {config.days}", f"{len(ZONES)} zones"),
        ("kills and restarts", f"{world.kills}", "half aimed inside a fan-out"),
        ("downtime: total / longest", f"{_hours(sum(gaps))} / {_hours(max(gaps, default=0))}",
         "catch-up the same local day; no flood after"),
        ("deliveries (subscription-days posted)", f"{outcome.deliveries:,}", ""),
        ("requests to Discord", f"{world.discord.requests:,}",
         "3 a channel post, 2 a DM; "
         f"{world.fanout.retries + world.recovery.retries:,} messages retried"),
        ("most requests in any second", f"{world.discord.busiest_second()}", "limit 50"),
        ("paused (channel deleted)", f"{len(world.fanout.paused) + len(world.recovery.paused)}",
         "subscription kept, reason stored"),
        ("duplicates", f"{outcome.duplicates}", "goal 0, at most the window"),
        ("  of which the documented window", f"{outcome.window_duplicates}",
         f"{world.window_claims} claims were in the window at a kill"),
        ("  most messages for one sub-day", f"{outcome.worst_per_day}", "bound: 2"),
        ("missed posts", f"{outcome.missed}", f"goal 0, of {outcome.expected:,} expected"),
        ("recovery: resent / confirmed / settled", f"{world.recovery.resent} / "
         f"{world.recovery.confirmed} / {world.recovery.assumed_sent}",
         "history check " + ("on" if config.history_check else "off")),
        ("DST transition days: posted / extra / missed",
         f"{outcome.dst_posted:,} / {outcome.dst_extra} / {outcome.dst_missed}",
         "sub-days in zones whose offset changed that day"),
        ("claimed days never delivered", f"{outcome.settled_unsent}",
         "claim settled by recovery after > 1 day down"),
        ("rotation repeats before a full cycle", f"{outcome.rotation_repeats}", "goal 0"),
        ("delay after scheduled time p50 / p99", f"{_ms(delays, 0.5)} / {_ms(delays, 0.99)}",
         "while up; p99: behind a catch-up, or killed"),
        ("largest tick in the run", f"{biggest[0]} due in {biggest[1]:.1f} s",
         f"ideal {biggest[2] / 50:.1f} s ({biggest[2]:,} requests at 50/s)"),
        (f"burst of {config.burst:,} due at one minute", f"{burst_time:.1f} s",
         f"ideal {burst_ideal:.1f} s ({burst_requests:,} requests; "
         f"{burst_time / burst_ideal - 1:+.1%})"),
        ("scheduler CPU per simulated day",
         f"{(world.scheduler_cpu + world.startup_cpu) / config.days * 1000:.0f} ms",
         f"ticks {world.scheduler_cpu / config.days * 1000:.0f} ms + "
         f"start-ups {world.startup_cpu / config.days * 1000:.0f} ms (Agenda)"),
        ("  the same with due_now scanning all", f"{full_scan:.1f} s",
         "every subscription, every minute"),
        ("agenda vs due_now spot checks", f"{world.agenda_mismatches} mismatches",
         f"{world.agenda_checks} checks"),
        ("wall time", f"{timer.perf_counter() - wall:.1f} s", f"seed {config.seed}"),
    ]  # fmt: skip


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h"


def _ms(values: list[float], q: float) -> str:
    value = values[min(len(values) - 1, int(q * len(values)))]
    return f"{value:.1f} s" if value >= 1 else f"{value * 1000:.0f} ms"


def print_table(rows: list[tuple[str, str, str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    rule = "-+-".join("-" * w for w in widths)
    print(f"{'measure':<{widths[0]}} | {'value':>{widths[1]}} | note")
    print(rule)
    for name, value, note in rows:
        print(f"{name:<{widths[0]}} | {value:>{widths[1]}} | {note}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--subs", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--restarts", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20260320)
    parser.add_argument(
        "--burst", type=int, default=None, help="posts due at one minute (default: --subs)"
    )
    parser.add_argument("--failure-rate", type=float, default=0.01)
    parser.add_argument(
        "--history-check",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="recovery looks for the message in the history before resending, as the bot "
        "does (default); --no-history-check resends every claim in the window",
    )
    args = parser.parse_args(argv)
    config = Config(
        args.subs, args.days, args.restarts, args.seed, args.burst or args.subs, args.failure_rate,
        args.history_check,
    )  # fmt: skip
    print_table(run(config))


if __name__ == "__main__":
    main()
