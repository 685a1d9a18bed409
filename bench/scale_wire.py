"""bench.scale's interactions as members wait for them: 1 process or 3, same total load.

The bot is the unmodified `conteur run` (started through tests/wire/run_bot.py, which
only points discord.py at the fake), on the PostgreSQL bench.scale started; the fake
Discord runs in a process of its own with 3 shards and a server on each. See
bench/scale.py's docstring for what is printed.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.postgres_server import PostgresServer
from tests.wire.bot_process import fake_discord_process
from tests.wire.control import control

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-scale-token"
APPLICATION_ID = 1_302_203_301_101_110_098
SHARDS = 3
WARM_UP_S = 3.0
IDLE_S = 3.0
QUERIES = ("keeper boats stairs", "letter garden", "night sea", "old house door")
LAYOUTS: dict[str, list[str | None]] = {
    "1 process, 3 shards": [None],
    "3 processes, 1 shard each": ["0", "1", "2"],
}


def _cpu_seconds(pids: Sequence[int]) -> float:
    """User and system CPU time the processes have used, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _postgres_pids(server: PostgresServer) -> list[int]:
    """The server and its backends (children of the postmaster)."""
    postmaster = int((server.folder / "data" / "postmaster.pid").read_text().split()[0])
    pids = [postmaster]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                pids.append(int(stat.parent.name))
        except (FileNotFoundError, ValueError):
            continue
    return pids


def _ms(samples: Sequence[float], share: float) -> float:
    ordered = sorted(samples)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]


FAKE_OPTIONS = (
    "--token", TOKEN, "--application-id", str(APPLICATION_ID), "--guilds", str(SHARDS),
    "--shards", str(SHARDS), "--no-checks",
)  # fmt: skip


class Fake:
    """The running fake Discord (`fake_discord_process`), as the bench talks to it."""

    def __init__(self, info: dict[str, Any]) -> None:
        self.info = info
        self.port = int(info["port"])

    def state(self) -> Any:
        return control(self.port, "state")

    def interact(self, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return list(control(self.port, "interact", {"interactions": specs}, timeout=600)["results"])


def _start(fake: Fake, url: str, shard_ids: Sequence[str | None], logs: Path) -> list[Any]:
    env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "DISCORD_APPLICATION_ID": str(APPLICATION_ID),
        "CONTEUR_DATABASE": url,
        "CONTEUR_INDEX_DIR": str(logs / "indexes"),
        "CONTEUR_DEV_GUILD_ID": fake.info["guild_id"],
        "CONTEUR_FAKE_API": fake.info["api_base"],
        "CONTEUR_FAKE_GATEWAY": fake.info["gateway_url"],
        "CONTEUR_SHARD_COUNT": str(SHARDS),
        "PYTHONPATH": str(ROOT),
    }
    processes = []
    for number, shards in enumerate(shard_ids):
        own = {**env, **({"CONTEUR_SHARD_IDS": shards} if shards is not None else {})}
        log = (logs / f"bot-{len(shard_ids)}-{number}.log").open("wb")
        processes.append(
            (
                subprocess.Popen(
                    [sys.executable, "-m", "tests.wire.run_bot"],
                    env=own,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                ),
                Path(log.name),
            )
        )
    deadline = time.monotonic() + 120
    while not (
        fake.state()["connections"] == [1] * SHARDS
        and all("Search index:" in path.read_text(errors="replace") for _, path in processes)
    ):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the bot did not start; see {logs}")
        time.sleep(0.2)
    return processes


def _stop(processes: list[Any]) -> None:
    for process, _ in processes:
        process.send_signal(signal.SIGINT)
    for process, _ in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    # The fake drops a closed connection from its shard's list when it sees it close.
    time.sleep(0.5)


def _load(fake: Fake, slug: str, rate: float, seconds: float) -> list[dict[str, Any]]:
    """Interactions at steady intervals over the servers in turn, read and search alternately."""
    guilds = [guild["id"] for guild in fake.info["guilds"]]
    specs: list[dict[str, Any]] = []
    for n in range(int(rate * seconds)):
        if n % 2 == 0:
            command: dict[str, Any] = {
                "command": "story read",
                "options": {"story": slug, "page": 1 + n % 3},
            }
        else:
            command = {"command": "search", "options": {"query": QUERIES[n % len(QUERIES)]}}
        specs.append({**command, "guild": guilds[n % len(guilds)], "after": n / rate})
    return fake.interact(specs)


def end_to_end(
    url: str, server: PostgresServer, *, rate: float, seconds: float, rounds: int
) -> None:
    import asyncio

    from bot.storage import Store

    if rounds < 1:
        return

    async def a_slug() -> str:
        async with await Store.open(url) as store:
            stories = await store.stories.visible_stories(None)
            return stories[0].slug if stories else ""

    print(
        f"Interactions end to end: {rate:.0f}/s in all over {SHARDS} servers for {seconds:.0f} s,"
        " /story read and /search in turn; dispatch → answer, timed by the fake"
    )
    logs = server.folder / "bench-logs"
    logs.mkdir(exist_ok=True)
    samples: dict[str, list[float]] = {name: [] for name in LAYOUTS}
    with fake_discord_process(*FAKE_OPTIONS) as info:
        fake = Fake(info)
        for round_number in range(rounds):
            for name, shard_ids in LAYOUTS.items():
                processes = _start(fake, url, shard_ids, logs)
                try:
                    slug = asyncio.run(a_slug())
                    _load(fake, slug, rate, WARM_UP_S)  # pools filled, caches warm
                    bots = [process.pid for process, _ in processes]
                    database = _postgres_pids(server)
                    before = _cpu_seconds(bots), _cpu_seconds(database)
                    time.sleep(IDLE_S)
                    idle = _cpu_seconds(bots), _cpu_seconds(database)
                    answers = _load(fake, slug, rate, seconds)
                    after = _cpu_seconds(bots), _cpu_seconds(database)
                finally:
                    _stop(processes)
                took = [a["elapsed"] for a in answers if a["answered"] and a["elapsed"] is not None]
                samples[name].extend(took)
                late = sum(1 for a in answers if a.get("type") == 5)
                print(
                    f"  round {round_number + 1}, {name:<26} p50 {_ms(took, 0.5):6.1f} ms"
                    f"  p95 {_ms(took, 0.95):6.1f} ms  unanswered {len(answers) - len(took)}"
                    f"  deferred {late}  CPU s idle {IDLE_S:.0f} s: bot {idle[0] - before[0]:.2f}"
                    f" pg {idle[1] - before[1]:.2f}; under load: bot {after[0] - idle[0]:.2f}"
                    f" pg {after[1] - idle[1]:.2f}"
                )
    for name, took in samples.items():
        print(
            f"  all rounds, {name:<22} p50 {statistics.median(took) * 1000:6.1f} ms"
            f"  p95 {_ms(took, 0.95):6.1f} ms  ({len(took)} interactions)"
        )
