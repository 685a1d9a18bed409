"""Three `conteur run` processes, one shard each, on one PostgreSQL, for a simulated week.

As an operator runs them: the fake Discord in a process of its own (three shards; each
server's events, interactions included, only on the connection of the shard Discord
routes it to, `(guild_id >> 22) % 3`), PostgreSQL started by the suite, and three bot
processes with CONTEUR_SHARD_COUNT=3 and CONTEUR_SHARD_IDS 0, 1 and 2. Time is
simulated (tests.wire.sim_clock): each day the test moves every process's clock past
the posting times a minute at a time until the fake has counted every subscription's
post, while one process at a time is killed with SIGKILL and started again at seeded
random moments (CONTEUR_KILL_SEED).

Afterwards:
- every subscription (channels in servers of all three shards, and DMs, which belong to
  no shard and go by leases) was posted exactly once each day, as the fake counts posts;
- a story published by a moderator through process A (its server's shard) is searchable
  there and stays out of other servers' results in process C; a story added to the
  whole library while the processes run (`conteur load`) is found by /search in every
  process (each one's index follows the database's change feed);
- two processes running one shard at once (a rolling restart's overlap), each given a
  moderator's `/daily subscribe` for the same channel at the same moment, leave one
  subscription.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import DEFAULT_STORIES_DIR
from bot.core.fanout import delivery_nonce
from bot.storage import Store
from tests.postgres_server import PostgresServer
from tests.wire.bot_process import BotProcess, fake_discord_process, wait_for
from tests.wire.control import control
from tests.wire.openapi import SpecUnavailable, load_spec
from tests.wire.sim_clock import FileClock

# Several bot processes at once: run one such test at a time (see the Makefile).
pytestmark = [pytest.mark.wire, pytest.mark.xdist_group("processes")]

TOKEN = "fake-token-processes"
APPLICATION_ID = 1_302_203_301_101_110_013
SHARDS = 3
GUILDS = 6  # two servers on each shard
SUBSCRIBED_CHANNELS = 2  # per server; the third channel is left for the race
DM_SUBSCRIBERS = 9
DAYS = 7
KILLS = 3
# How far the clock moves at each step of a day, and the real time between steps (the
# processes tick and post meanwhile): 100 times real time. Faster, a live process held
# up by busy cores for a second would outlive its DM leases (3 minutes) in simulated
# time, and another would take over a post in flight, as it would after a real stall.
STEP = timedelta(seconds=20)
STEP_PAUSE_S = 0.2
# A post still missing hours after its time fails the test (two and a half: a change of
# summer time in a week's DM zones moves their posts by an hour).
STEPS_PER_DAY = 450
WAIT_S = 60.0  # any one wait on the processes; a hang fails in a minute, not at CI's timeout
ROOT = Path(__file__).resolve().parents[2]
ADDED_TITLE = "The Lighthouse Keeper of Quillon"
ADDED_TEXT = (
    "Marguerite kept the lamp on Quillon rock for thirty winters.\n\n"
    "Every evening she climbed the hundred and twelve steps and trimmed the wick.\n\n"
    "One night a gull brought her a letter from the mainland, and she laughed."
)
LOADED_TITLE = "The Saltmarsh Clockmaker"
LOADED_TEXT = (
    "Title: The Saltmarsh Clockmaker\n\n"
    "Old Tobiah mended clocks in a hut on the saltmarsh, where the tide kept better time.\n\n"
    "Each morning the herons waited on his roof until the first chime, then flew inland."
)


def _wait_for(predicate: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
    wait_for(predicate, what, timeout)


class Bot(BotProcess):
    """One `conteur run` process running one shard."""

    def started(self) -> bool:
        """Connected, and its search index built (only then does a restart count as back)."""
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"{self.name} exited: {self.log_path.read_text()[-3000:]}")
        log = self.current_log()
        return "Connected as" in log and "Search index:" in log


@pytest.fixture
def fake() -> Iterator[dict[str, Any]]:
    try:
        load_spec()
    except SpecUnavailable as error:
        pytest.skip(str(error))
    with fake_discord_process(
        "--token", TOKEN, "--application-id", str(APPLICATION_ID), "--guilds", str(GUILDS),
        "--shards", str(SHARDS), "--text-channels", str(SUBSCRIBED_CHANNELS + 1),
    ) as info:  # fmt: skip
        yield info


@pytest.fixture
def database(postgres_server: PostgresServer) -> str:
    return asyncio.run(postgres_server.empty_database())


def _guild_on(fake: dict[str, Any], shard: int) -> dict[str, Any]:
    return next(guild for guild in fake["guilds"] if guild["shard"] == shard)


async def _subscribe(url: str, fake: dict[str, Any], clock: FileClock) -> list[tuple[int, str]]:
    """Every subscription, made the day before the week: (id, time zone) of each."""
    made = []
    async with await Store.open(url, clock=clock) as store:
        for number, guild in enumerate(fake["guilds"]):
            for channel_id in guild["channel_ids"][:SUBSCRIBED_CHANNELS]:
                done = await store.daily.subscribe_channel(
                    guild_id=int(guild["id"]),
                    channel_id=int(channel_id),
                    # Spread over a few minutes, so kills land before, in and after posts.
                    post_at=clock_time(9, number % 5),
                    timezone="UTC",
                    actor_id=1,
                    limit=SUBSCRIBED_CHANNELS,
                )
                assert done is not None
                made.append((done.subscription.id, "UTC"))
        for number in range(DM_SUBSCRIBERS):
            zone = ("UTC", "Europe/Paris", "America/New_York")[number % 3]
            # Local times that fall at 09:0x UTC on the first day.
            utc = datetime.combine(clock().date() + timedelta(days=1), clock_time(9, number % 4))
            local = utc.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).time()
            dm = await store.daily.subscribe_dm(
                user_id=500_000 + number, post_at=local, timezone=zone
            )
            made.append((dm.subscription.id, zone))
    return made


def _expected(subscriptions: list[tuple[int, str]], day: date) -> set[str]:
    # Every post falls in the morning UTC, the same calendar day in each zone here.
    return {delivery_nonce(subscription_id, day) for subscription_id, _zone in subscriptions}


def _daily_posts(fake: dict[str, Any]) -> Counter[str]:
    """Posts by delivery nonce: only the daily posts carry one."""
    return Counter(p["nonce"] for p in control(fake["port"], "state")["posts"] if p["nonce"])


def test_three_processes_post_every_subscription_once_a_day_while_killed(
    fake: dict[str, Any], database: str, tmp_path: Path
) -> None:
    rng = random.Random(int(os.environ.get("CONTEUR_KILL_SEED", "13")))
    # A week that has passed: Discord's message ids carry real time, and recovery looks
    # for a post among the messages after its scheduled time.
    first_day = datetime.now(UTC).date() - timedelta(days=DAYS + 3)
    clock = FileClock(tmp_path / "clock")
    clock.set(datetime.combine(first_day - timedelta(days=1), clock_time(12), tzinfo=UTC))
    subscriptions = asyncio.run(_subscribe(database, fake, clock))

    logs = tmp_path / "logs"
    logs.mkdir()
    base_env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "DISCORD_APPLICATION_ID": str(APPLICATION_ID),
        "CONTEUR_DATABASE": database,
        # The three processes share one saved search index, as on one machine.
        "CONTEUR_INDEX_DIR": str(tmp_path / "indexes"),
        "CONTEUR_STORIES_DIR": str(DEFAULT_STORIES_DIR),
        "CONTEUR_DEV_GUILD_ID": fake["guild_id"],
        "CONTEUR_FAKE_API": fake["api_base"],
        "CONTEUR_FAKE_GATEWAY": fake["gateway_url"],
        "CONTEUR_TEST_CLOCK": str(clock.path),
        "CONTEUR_SHARD_COUNT": str(SHARDS),
        "PYTHONPATH": str(ROOT),
    }
    bots = [
        Bot(f"shard{shard}", {**base_env, "CONTEUR_SHARD_IDS": str(shard)}, logs)
        for shard in range(SHARDS)
    ]
    # (day, step) → which process is killed then; started again a few steps later.
    kills = {
        (day, rng.randrange(18)): rng.randrange(SHARDS) for day in rng.sample(range(DAYS), KILLS)
    }
    restarts: dict[tuple[int, int], Bot] = {}
    overlap: Bot | None = None
    began = time.monotonic()
    try:
        for bot in bots:
            bot.start()
        _wait_for(lambda: all(bot.started() for bot in bots), "three processes to start")
        print(f"three processes started in {time.monotonic() - began:.1f} s")

        for day_number in range(DAYS):
            day = first_day + timedelta(days=day_number)
            expected = _expected(subscriptions, day)
            start = datetime.combine(day, clock_time(8, 59), tzinfo=UTC)
            for step in range(STEPS_PER_DAY):
                clock.set(start + step * STEP)
                if (day_number, step) in kills:
                    victim = bots[kills[(day_number, step)]]
                    time.sleep(rng.uniform(0.0, 1.0))  # in a fan-out, or between
                    victim.kill()
                    restarts[(day_number, step + rng.randrange(3, 10))] = victim
                if (day_number, step) in restarts:
                    restarts.pop((day_number, step)).start()
                time.sleep(STEP_PAUSE_S)
                kill_ahead = any(d == day_number and s > step for d, s in kills)
                if expected <= set(_daily_posts(fake)) and not restarts and not kill_ahead:
                    break
            else:
                missing = expected - set(_daily_posts(fake))
                raise AssertionError(f"day {day}: not posted in time: {sorted(missing)}")
            for waiting in restarts.values():  # a restart due after the day was done
                waiting.start()
            restarts.clear()
            _wait_for(lambda: all(bot.started() for bot in bots), "the restarted process")

        print(f"{DAYS} days, {KILLS} kills, done {time.monotonic() - began:.1f} s after the start")
        # Let a stray second post (the failure looked for) arrive before counting.
        clock.set(datetime.combine(first_day + timedelta(days=DAYS), clock_time(3), tzinfo=UTC))
        time.sleep(1.0)
        posts = _daily_posts(fake)

        added_answers = _publish_through_a_and_search(fake)
        loaded_found = _load_and_search_everywhere(fake, base_env, tmp_path)

        overlap = Bot("overlap1", {**base_env, "CONTEUR_SHARD_IDS": "1"}, logs)
        overlap.start()
        _wait_for(
            lambda: overlap.started() and control(fake["port"], "state")["connections"][1] == 2,
            "a second process on shard 1",
        )
        race_answers, race_channel = _race_to_subscribe(fake)
    finally:
        for bot in bots:
            bot.stop()
        if overlap is not None:
            overlap.stop()
    state = control(fake["port"], "state")
    (tmp_path / "fake-state.json").write_text(json.dumps(state))  # for a failure's post-mortem
    every_log = "\n".join(bot.log_text() for bot in bots)

    # Exactly once a day each: nothing missing, nothing twice, nothing unexpected.
    expected = set().union(
        *(_expected(subscriptions, first_day + timedelta(days=n)) for n in range(DAYS))
    )
    assert len(expected) == len(subscriptions) * DAYS == (GUILDS * 2 + DM_SUBSCRIBERS) * DAYS
    assert set(posts) == expected, sorted(set(posts) ^ expected)[:10]
    duplicated = {nonce: n for nonce, n in posts.items() if n > 1}
    assert not duplicated, f"posted twice: {duplicated}"
    # Not even an attempt twice: enforce_nonce did not have to hide any.
    assert state["nonce_hits"] == 0, state["nonce_hits"]
    assert sum(bot.runs for bot in bots) == SHARDS + KILLS
    assert all(bot.log_text().count("Connected as") == bot.runs for bot in bots)

    add_preview, publish, in_a, in_c = added_answers
    assert add_preview["answered"] and publish["answered"], added_answers
    assert _titles(in_a) == [ADDED_TITLE], in_a
    assert ADDED_TITLE not in _titles(in_c), in_c  # another server's story
    assert loaded_found == [LOADED_TITLE] * SHARDS

    assert all(answer["answered"] for answer in race_answers), race_answers
    assert asyncio.run(_subscriptions_of(database, race_channel)) == 1

    assert "Traceback" not in every_log, every_log[every_log.index("Traceback") - 500 :][:3000]
    assert not state["problems"], state["problems"][:5]


def _titles(answer: dict[str, Any]) -> list[str]:
    """The story of each result a /search answer lists (fields "1. Title · ¶ 3")."""
    return [
        field["name"].split(". ", 1)[1].rsplit(" · ¶", 1)[0]
        for embed in answer["embeds"]
        if str(embed.get("title", "")).startswith("Search:")
        for field in embed.get("fields") or []
    ]


def _search(fake: dict[str, Any], shard: int, query: str) -> dict[str, Any]:
    guild = _guild_on(fake, shard)
    spec = {"command": "search", "options": {"query": query}, "guild": guild["id"]}
    answer: dict[str, Any] = control(fake["port"], "interact", {"interactions": [spec]})["results"][
        0
    ]
    return answer


def _publish_through_a_and_search(fake: dict[str, Any]) -> list[dict[str, Any]]:
    """A moderator of a server on shard 0 adds a story with the form, then publishes it."""
    steps = [
        {"command": "story add"},
        {"form": {"title": ADDED_TITLE, "author": "", "text": ADDED_TEXT}},
        {"click": "Publish"},
    ]
    flow = control(
        fake["port"], "flow", {"moderator": True, "guild": _guild_on(fake, 0)["id"], "steps": steps}
    )["results"]
    assert len(flow) == 3, flow
    return [flow[1], flow[2], _search(fake, 0, "gull letter mainland"), _search(fake, 2, "gull")]


def _load_and_search_everywhere(
    fake: dict[str, Any], env: dict[str, str], tmp_path: Path
) -> list[str]:
    """`conteur load` adds a story to the whole library; every process must find it."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "clockmaker.txt").write_text(LOADED_TEXT)
    loaded = subprocess.run(
        [sys.executable, "-m", "bot", "load", str(folder)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=WAIT_S,
    )
    assert loaded.returncode == 0, loaded.stderr.decode(errors="replace")[-2000:]
    loaded_at = time.monotonic()
    found: list[str] = []
    for shard in (2, 1, 0):
        answer: dict[str, Any] = {}

        def has_it(shard: int = shard) -> bool:
            nonlocal answer
            answer = _search(fake, shard, "herons saltmarsh chime")
            return LOADED_TITLE in _titles(answer)

        _wait_for(has_it, f"process {shard} to find the loaded story", timeout=10)
        found.append(LOADED_TITLE if LOADED_TITLE in _titles(answer) else "")
        # Printed, not asserted (no wall-clock assertions): `pytest -s` shows it.
        print(f"shard {shard} found the loaded story {time.monotonic() - loaded_at:.2f} s after")
    return found


def _race_to_subscribe(fake: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Two moderators subscribe one channel at once, each reaching another process."""
    guild = _guild_on(fake, 1)
    channel_id = guild["channel_ids"][SUBSCRIBED_CHANNELS]  # not subscribed yet
    racers = [
        {
            "command": "daily subscribe",
            "options": {"time": at},
            "guild": guild["id"],
            "channel_id": channel_id,
            "connection": connection,
        }
        for connection, at in ((0, "10:00"), (1, "11:00"))
    ]
    answers = control(fake["port"], "interact", {"moderator": True, "interactions": racers})
    return answers["results"], int(channel_id)


async def _subscriptions_of(url: str, channel_id: int) -> int:
    async with await Store.open(url) as store:
        return sum(1 for s in await store.daily.all_subscriptions() if s.channel_id == channel_id)
