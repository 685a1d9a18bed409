"""Several processes on one PostgreSQL: the daily fan-out's rate and interaction latency.

Run from the repository root (starts its own PostgreSQL with the pgserver wheel):

    .venv/bin/python -m bench.scale                       # 1,500 subscriptions, 3 processes
    .venv/bin/python -m bench.scale --subscriptions 10000 # the issue's size: ~3.5 minutes

Fan-out: channel subscriptions spread over the servers of 3 shards and DM subscriptions,
all due at the same minute. Each of 3 OS processes opens the store, takes its part
(bot.app.ownership: its shard's channels, its leased DMs), and runs the real
bot.core.fanout.deliver with the real delivery log and a RateLimiter at its share of
the 50 requests/s; the fake send records when each request is made. Printed: posts per
process, duplicates (two claims of one day), missed, the mean rate over the fan-out,
and the most requests in any one-second window across all processes (must be <= 50).

Interactions, as members wait for them: the unmodified bot (`conteur run`, through
tests/wire/run_bot.py) against the fake Discord in a process of its own (3 shards, a
server on each, body checks off: we time the bot), first as 1 process running the 3
shards, then as 3 processes running one each, alternately (`--rounds`), with the same
total load: `--rate` interactions a second, evenly over the 3 servers, for
`--seconds`, arriving at steady intervals whatever the answers (what many members do),
alternately /story read (a page of a built-in story: two reads and the reader's place
saved) and /search. The fake times each from dispatch to the answer's arrival. Printed
per layout: p50 and p95, late (deferred) answers, and the CPU seconds the bot processes
and the PostgreSQL server used meanwhile (from /proc), idle and under load.

Storage alone: the store's part of a /story read, timed per call in 1 and then in 3
processes sending the same total number of calls a second (`--storage-rate`); SQLite
in one process for reference. Printed: p50 and p95.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bench.scale_wire import end_to_end
from bot.app.ownership import Ownership
from bot.core.fanout import RateLimiter, SendResult, deliver
from bot.core.parsing import parse_story_text
from bot.core.schedule import Agenda, Due
from bot.storage import Store
from tests.doubles import ManualClock
from tests.postgres_server import PostgresServer

PROCESSES = 3
POOL_WARM_UP = 8  # calls at once before timing: the store's pool grows to this
NOW = datetime(2026, 6, 1, 9, 0, 30, tzinfo=UTC)  # the subscriptions' minute
STORY = "Title: Bench {n}\n\n" + "The keeper climbed the stairs and counted the boats. " * 20


def guild_of_shard(shard: int, n: int) -> int:
    """A server id Discord routes to `shard` (of PROCESSES)."""
    return ((n * PROCESSES + shard) + 1_000) << 22


async def prepare(url: str, subscriptions: int) -> None:
    store = await Store.open(url, clock=ManualClock(datetime(2026, 5, 1, tzinfo=UTC)))
    try:
        for n in range(5):
            await store.stories.add_story(parse_story_text(STORY.format(n=n)), guild_id=None)
        rows: list[tuple[int | None, int | None, int | None]] = []
        for n in range(subscriptions):
            if n % 4 == 3:  # a quarter by DM
                rows.append((None, None, 10_000 + n))
            else:
                rows.append((guild_of_shard(n % PROCESSES, n), 100_000 + n, None))
        async with store.db.transaction():
            await store.db.executemany(
                "INSERT INTO subscriptions (guild_id, channel_id, user_id, post_at, timezone,"
                " created_at) VALUES (?, ?, ?, '09:00', 'UTC', '2026-05-01T00:00:00+00:00')",
                rows,
            )
    finally:
        await store.close()


async def fan_out(url: str, shard: int) -> list[tuple[float, int]]:
    """One process's part of the minute's fan-out: when each post was made, and whose."""
    store = await Store.open(url, clock=ManualClock(NOW))
    try:
        ownership = Ownership(store, PROCESSES, (shard,), worker=f"bench-{shard}")
        # Every process is alive before the fan-out, as after a rolling start; shares
        # settle within two renewals (one gives back its excess, the next takes it).
        for _round in range(3):
            await ownership.renew()
            await asyncio.sleep(1.0)
        subscriptions = [s for s in await store.daily.all_subscriptions() if ownership.owns(s)]
        agenda = Agenda()
        for subscription in subscriptions:
            agenda.upsert(subscription, NOW.replace(hour=8), None)
        due: Sequence[Due] = agenda.due(NOW, await store.daily.last_sent())
        stamps: list[tuple[float, int]] = []

        async def send(item: Due, story_id: int, acquire) -> SendResult:
            await acquire()
            stamps.append((time.time(), item.subscription.id))
            return SendResult.sent(item.subscription.id)

        async def pick(_subscription) -> int:
            return 1

        limiter = RateLimiter(
            ownership.requests_per_second, clock=time.monotonic, sleep=asyncio.sleep
        )
        await deliver(
            due, pick_story=pick, send=send, log=store.daily, limiter=limiter, sleep=asyncio.sleep
        )
        return stamps
    finally:
        await store.close()


def _fan_out_process(url: str, shard: int, results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    results.put((shard, asyncio.run(fan_out(url, shard))))


def busiest_second(stamps: Sequence[float]) -> int:
    ordered = sorted(stamps)
    most, start = 0, 0
    for end, stamp in enumerate(ordered):
        while stamp - ordered[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def storage_calls(
    target: str,
    calls: int,
    rate: float,
    *,
    phase: float = 0.0,
    together: Any = None,
    warm: bool = True,
) -> list[float]:
    """`calls` of a /story read's storage work, each started on time, `rate` a second
    once every process passed the barrier `together`, `phase` of an interval late; each
    timed from when it was due to its end, as a member would wait.

    The same total load for 1 process or N: N processes each at rate/N, interleaved. The
    first version of this bench ran each process's calls back to back, N processes at
    once: N times the load, in step, and one process never overlapped two calls (a late
    call delayed the next, uncounted) where N processes did, as a bot's one process does.
    """
    store = await Store.open(target)
    try:
        slug = (await store.stories.visible_stories(None))[0].slug

        async def call(n: int, due: float) -> float:
            story_id = await store.stories.visible_story_with_slug(None, slug)
            assert story_id is not None
            await store.stories.get_story(story_id)
            await store.reading.save_position(50_000 + n % 100, story_id, n % 5)
            return time.monotonic() - due

        if warm:  # a pool at the size the load keeps it at, as in a bot that has run a while
            await asyncio.gather(*(call(n, time.monotonic()) for n in range(POOL_WARM_UP)))
        if together is not None:  # every process started, connected and warm
            await asyncio.to_thread(together.wait)
        began = time.monotonic()
        running = []
        for n in range(calls):
            due = began + (n + phase) / rate
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            running.append(asyncio.create_task(call(n, due)))
        return list(await asyncio.gather(*running))
    finally:
        await store.close()


def _storage_process(
    target: str,
    calls: int,
    rate: float,
    phase: float,
    together: Any,
    results: multiprocessing.Queue,  # type: ignore[type-arg]
) -> None:
    results.put(asyncio.run(storage_calls(target, calls, rate, phase=phase, together=together)))


def run_processes(target, args_of: Sequence[tuple[Any, ...]]) -> list[Any]:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [context.Process(target=target, args=(*args, results)) for args in args_of]
    for process in processes:
        process.start()
    collected = [results.get() for _ in processes]
    for process in processes:
        process.join()
    return collected


def percentiles(samples: Sequence[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return f"p50 {statistics.median(ms):6.2f} ms   p95 {p95:6.2f} ms   ({len(ms)} calls)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscriptions", type=int, default=1_500)
    parser.add_argument("--skip-fan-out", action="store_true")
    parser.add_argument("--rate", type=float, default=20, help="interactions a second, in all")
    parser.add_argument("--seconds", type=float, default=15, help="of interactions per layout")
    parser.add_argument("--rounds", type=int, default=2, help="1 process, then 3; this often")
    parser.add_argument("--calls", type=int, default=300, help="storage calls in all")
    parser.add_argument("--storage-rate", type=float, default=100, help="storage calls a second")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores, shared)")

    server = asyncio.run(PostgresServer.start())
    try:
        url = asyncio.run(server.empty_database())
        asyncio.run(prepare(url, args.subscriptions))
        if not args.skip_fan_out:
            fan_out_report(url, args.subscriptions)
        end_to_end(url, server, rate=args.rate, seconds=args.seconds, rounds=args.rounds)
        storage_report(url, server, calls=args.calls, rate=args.storage_rate)
    finally:
        server.stop()


def fan_out_report(url: str, subscriptions: int) -> None:
    print(f"Fan-out: {subscriptions} subscriptions due at one minute, 3 processes")
    started = time.time()
    parts = run_processes(_fan_out_process, [(url, shard) for shard in range(PROCESSES)])
    posts = [post for _shard, stamps in sorted(parts) for post in stamps]
    every = [stamp for stamp, _subscription in posts]
    for shard, stamps in sorted(parts):
        print(f"  process {shard}: {len(stamps)} posts")
    posted = {subscription for _stamp, subscription in posts}
    span = max(every) - min(every)
    print(
        f"  posts {len(posts)}: duplicates {len(posts) - len(posted)},"
        f" missed {subscriptions - len(posted)}"
    )
    print(f"  mean rate {len(every) / span:.1f}/s over {span:.1f} s (bound 50/s)")
    print(f"  busiest one-second window: {busiest_second(every)} requests")
    print(f"  wall time {time.time() - started:.1f} s")


def storage_report(url: str, server: PostgresServer, *, calls: int, rate: float) -> None:
    print(f"Storage alone (find by slug, read, save the place), {rate:.0f} calls/s in all:")
    sqlite_path = f"{server.folder}/bench.sqlite3"
    asyncio.run(prepare(sqlite_path, 0))
    alone = asyncio.run(storage_calls(sqlite_path, calls, rate))
    print("  SQLite, 1 process:      ", percentiles(alone))
    one = run_processes(_storage_process, [(url, calls, rate, 0.0, None)])
    print("  PostgreSQL, 1 process:  ", percentiles(one[0]))
    together = multiprocessing.get_context("spawn").Barrier(PROCESSES)
    shares = [
        (url, calls // PROCESSES, rate / PROCESSES, k / PROCESSES, together)
        for k in range(PROCESSES)
    ]
    three = run_processes(_storage_process, shares)
    print("  PostgreSQL, 3 processes:", percentiles([t for part in three for t in part]))


async def _count(url: str, sql: str) -> int:
    store = await Store.open(url)
    try:
        return int((await store.db.fetchone(sql))[0])
    finally:
        await store.close()


if __name__ == "__main__":
    main()
