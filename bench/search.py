"""Benchmark /search as the bot runs it: the whole callback, on a real database.

Run from the repository root:

    .venv/bin/python -m bench.search                          # 10k, 100k, 1M passages
    .venv/bin/python -m bench.search --sizes 10000 --queries 70
    .venv/bin/python -m bench.search --sizes 1000000 --keep /tmp/search-bench   # twice:
        # the first run builds and saves the index, the second opens it (a restart)

What one measured call is (`real_call`, step for step what `cogs/search.py` does for
`/search query:...` in a server): validate the query; `Library.search` with the server's
scope (its visible stories: built-ins it has not hidden plus its own, never another
server's) and `limit=25`, which runs the engine in a worker thread; the relevance floor;
their stories' summaries from SQLite; the first page's snippets and bold highlights (the
other pages' are made when a reader turns to them); the embed and buttons rendered and
serialised to the JSON Discord would receive. No result: the suggestions and the
"nothing found" embed instead. As `conteur run` does, the process's start-up objects
are frozen for the garbage collector once the index is ready.

For each size a fresh subprocess (memory and caches of one never leak into
another) writes the corpus of bench/corpus.py into a real database (5% of the stories
belong to another server, 1% are hidden in the measured one, so the scope filter is
real), builds the index from it as the bot does at start-up, then runs two
seeded query sets on the same target passages: *anchored* (a window around the
passage's rarest word) and *windows* (a window anywhere in it), each perturbed by kind
(exact, typo, no accents, swapped, truncated, partial, mixed). Each query runs
`--repeats` times and counts with its median; the table shows median and p95 over the
queries, the process's CPU time per call (all its threads: what a call costs, which the
machine's load moves far less than the latency), recall@10 *strict* (the target passage
among the first ten results) and *equivalent* (the target or a passage holding its
unperturbed window word for word: the corpus reuses paragraphs as templates, and the
reader cannot tell such a passage from the target; bench/search_misses.py explains the
misses), the event loop's worst stall while the queries run (a 1 ms ticker beside them),
resident memory, build time and time to searchable when an index already exists.

The tantivy candidate of issue 12 was measured with this script and removed; its numbers
and the decision are in docs/search.md.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/search.py`
    sys.path.insert(0, str(ROOT))

from bench.corpus import DEFAULT_SEED, QUERY_KINDS, BenchQuery, QueryMaker, iter_stories  # noqa: E402

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
GUILD, OTHER_GUILD = 1, 2
RESULTS_DIR = ROOT / "bench" / "results"
# Counting the passages that hold a query's window is a scan per query: up to 100k only.
AMBIGUITY_MAX_SIZE = 100_000


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


# --------------------------------------------------------------------------- corpus


def populate(database: Path, size: int, n_queries: int, seed: int) -> dict[str, list[BenchQuery]]:
    """Write the corpus as stories and passages; the two query sets on the same targets."""
    from bench.search_db import write_corpus

    makers = {
        "anchored": QueryMaker(size, n_queries, seed),
        "windows": QueryMaker(size, n_queries, seed, anchored=False),
    }

    def observed():
        for story in iter_stories(size, seed):
            for maker in makers.values():
                maker.observe(story)
            yield story

    write_corpus(database, observed(), GUILD, OTHER_GUILD)
    queries = {name: maker.queries() for name, maker in makers.items()}
    if size <= AMBIGUITY_MAX_SIZE:
        queries = {name: with_ambiguity(qs, size, seed) for name, qs in queries.items()}
    targets = {q.story_index + 1 for qs in queries.values() for q in qs}
    with sqlite3.connect(database) as connection:  # targets stay visible to the server
        connection.executemany(
            "UPDATE stories SET guild_id = NULL WHERE id = ?", [(t,) for t in targets]
        )
        connection.executemany(
            "DELETE FROM hidden_stories WHERE story_id = ?", [(t,) for t in targets]
        )
    return queries


def with_ambiguity(queries: list[BenchQuery], size: int, seed: int) -> list[BenchQuery]:
    """Each query with, in its `ambiguous` count, how many passages hold every word of
    its window: past ten, no engine can be sure to rank the target in the top ten."""
    from bot.core.search import folded_text

    wanted = [frozenset(folded_text(q.window).split()) for q in queries]
    counts = [0] * len(queries)
    for story in iter_stories(size, seed):
        for paragraph in story.paragraphs:
            words = set(folded_text(paragraph).split())
            for i, window in enumerate(wanted):
                if window <= words:
                    counts[i] += 1
    return [dataclasses.replace(q, ambiguous=n) for q, n in zip(queries, counts, strict=True)]


# --------------------------------------------------------------------------- the call


async def real_call(library: Any, query: str) -> tuple[str, list[tuple[int, int]]]:
    """`/search query:<query>` in server GUILD, as cogs/search.py answers it: the search
    pipeline (bot/app/searching.py), then the embed and buttons serialised to JSON."""
    from bot.app.searching import search_passages
    from bot.discord_adapter.rendering import no_results_embed
    from cogs.search import SearchResultsView

    outcome = await search_passages(library, query, guild_id=GUILD)
    if not outcome.results:
        embed = no_results_embed(outcome.query, outcome.suggestions, within=outcome.within)
        return json.dumps({"embeds": [embed.to_dict()]}), []
    view = SearchResultsView(outcome.query, outcome.results)
    payload = {"embeds": [view.embed().to_dict()], "components": view.to_components()}
    return json.dumps(payload), [(r.story.id, r.passage) for r in outcome.results]


# --------------------------------------------------------------------------- worker


def make_corpus(size: int, n_queries: int, seed: int) -> Path:
    """A folder with the database and its queries, written by a child process: the corpus
    generator's memory never counts in the worker's."""
    folder = Path(tempfile.mkdtemp(prefix="conteur-bench-"))
    command = [sys.executable, "-m", "bench.search", "--populate", str(folder / "bench.sqlite3")]
    command += ["--size", str(size), "--queries", str(n_queries), "--seed", str(seed)]
    subprocess.run(command, cwd=ROOT, check=True)
    return folder


async def worker(folder: Path, size: int, repeats: int) -> dict[str, Any]:
    from bot.app.library import Library
    from bot.discord_adapter.bot import freeze_start_up_objects
    from bot.storage import Store
    from cogs import search  # noqa: F401 (loaded before the freeze, as the bot loads its cogs)

    database = folder / "bench.sqlite3"
    queries = {
        name: [BenchQuery(**q) for q in saved]
        for name, saved in json.loads((folder / "queries.json").read_text()).items()
    }
    gc.collect()
    rss_before = rss_mb()
    async with await Store.open(database) as store:
        library = Library(store)
        started = time.perf_counter()
        await library.rebuild_index()
        build = time.perf_counter() - started
        gc.collect()
        rss_built = rss_mb()
        await library.live_index.wait_idle()
        # As `conteur run` does once its index is ready: full garbage collections over
        # start-up's objects would otherwise stall the loop in the middle of a search.
        frozen = freeze_start_up_objects()
        result: dict[str, Any] = {
            "frozen_objects": frozen,
            "size": size,
            "passages": len(library.index),
            "build_s": build,
            "origin": library.live_index.origin,
            "rss_built_mb": rss_built,
            "rss_index_mb": rss_built - rss_before,
            "load_before": os.getloadavg()[0],
        }
        result["idle_stall"] = await idle_stalls()
        for name, query_set in queries.items():
            for query in query_set[:5]:  # warm-up
                await real_call(library, query.text)
            result[name] = await run_set(library, database, query_set, repeats)
        result["burst"] = await run_burst(library, queries["windows"])
        result["rss_after_mb"] = rss_mb()
        result["load_after"] = os.getloadavg()[0]
        await library.live_index.wait_idle()  # the saved index is written
        result["startup_s"] = await reopen(store)
    return result


BURST = 20


async def idle_stalls(seconds: float = 3.0) -> dict[str, float]:
    """The 1 ms ticker alone, no search running: how late the loop wakes because of the
    machine (other processes on its cores), to compare the stalls under searches with."""
    ticker = Ticker()
    await asyncio.sleep(seconds)
    return await ticker.stop()


class Ticker:
    """A 1 ms ticker beside the work: how late the event loop wakes (its stalls), and
    how much of each stall this process is responsible for.

    On a shared machine the loop also wakes late when the process is not running at
    all (other processes have the cores). A stall the process is *responsible* for is
    its own work on the loop, or the loop's thread waiting for the interpreter lock
    while another of its threads (a search) computes. So each stall is also counted,
    "attributable", as the smaller of: the lateness less the time the loop's thread
    spent ready to run but waiting for a core (Linux's per-thread run-queue wait,
    /proc/thread-self/schedstat), and the CPU the process used meanwhile (a search
    thread waiting for a core while it holds the lock is the machine's doing too).
    """

    def __init__(self) -> None:
        self.stalls: list[float] = []
        self.attributable: list[float] = []
        self._running = True
        self._task = asyncio.create_task(self._tick())

    async def _tick(self) -> None:
        schedstat = _open_schedstat()  # here: the loop's thread
        try:
            while self._running:
                before, cpu = time.perf_counter(), time.process_time()
                queued = _run_queue_wait(schedstat)
                await asyncio.sleep(0.001)
                late = (time.perf_counter() - before - 0.001) * 1000
                self.stalls.append(late)
                own = late - (_run_queue_wait(schedstat) - queued) * 1000
                cpu_used = (time.process_time() - cpu) * 1000
                self.attributable.append(max(0.0, min(own, cpu_used)))
        finally:
            if schedstat is not None:
                os.close(schedstat)

    async def stop(self) -> dict[str, float]:
        self._running = False
        await self._task
        return {
            "max_stall_ms": max(self.stalls),
            "p99_stall_ms": percentile(self.stalls, 0.99),
            "max_attributable_ms": max(self.attributable),
        }


def _open_schedstat() -> int | None:
    """The calling thread's scheduler statistics (Linux), or None where there are none."""
    try:
        return os.open("/proc/thread-self/schedstat", os.O_RDONLY)
    except OSError:
        return None


def _run_queue_wait(schedstat: int | None) -> float:
    """Seconds that thread has spent ready to run but waiting for a core (0 if unknown)."""
    return 0.0 if schedstat is None else int(os.pread(schedstat, 128, 0).split()[1]) / 1e9


async def run_burst(library: Any, queries: Sequence[BenchQuery]) -> dict[str, float]:
    """BURST searches at once (members of a big server typing together), with the 1 ms
    ticker beside them: how long the burst takes and how late the loop wakes meanwhile."""
    ticker = Ticker()
    started = time.perf_counter()
    await asyncio.gather(*(real_call(library, q.text) for q in queries[:BURST]))
    elapsed = (time.perf_counter() - started) * 1000
    return {"burst_ms": elapsed, **await ticker.stop()}


async def run_set(
    library: Any, database: Path, queries: Sequence[BenchQuery], repeats: int
) -> dict[str, Any]:
    ticker = Ticker()
    latencies, cpu, hits, sizes, distinct = [], [], [], [], []
    tops: list[list[tuple[int, int]]] = []
    for query in queries:
        runs, cpu_runs = [], []
        for _ in range(repeats):
            started, cpu_started = time.perf_counter(), time.process_time()
            payload, found = await real_call(library, query.text)
            runs.append((time.perf_counter() - started) * 1000)
            cpu_runs.append((time.process_time() - cpu_started) * 1000)
        latencies.append(statistics.median(runs))
        cpu.append(statistics.median(cpu_runs))
        target = (query.story_index + 1, query.passage_number)
        hits.append(target in found[:10])
        tops.append(found[:10])
        distinct.append(query.ambiguous <= 10)
        sizes.append(len(payload))
    stalls = await ticker.stop()
    # After every timed call, in one connection: reading passages between the calls
    # would put its work (and its garbage) among them.
    with closing(sqlite3.connect(database)) as connection:
        equivalents = [
            hit or holds_window(connection, top, query.window)
            for hit, top, query in zip(hits, tops, queries, strict=True)
        ]
    return {
        "latencies_ms": latencies,
        "cpu_ms": cpu,
        "hits": hits,
        "equivalent_hits": equivalents,
        "kinds": [query.kind for query in queries],
        "distinct": distinct,
        "payload_bytes": statistics.median(sizes),
        **stalls,
    }


def holds_window(
    connection: sqlite3.Connection, found: Sequence[tuple[int, int]], window: str
) -> bool:
    """Whether one of the `found` passages holds the query's window word for word (as
    the engine folds words): an answer the reader cannot tell from the target. The
    corpus reuses the seed stories' paragraphs as templates, so a window of common words
    ("she walked to the") is in hundreds of passages, and no engine can rank one
    particular passage of them first."""
    from bot.core.search import folded_text

    wanted = f" {folded_text(window)} "
    for story_id, number in found:
        row = connection.execute(
            "SELECT text FROM passages WHERE story_id = ? AND number = ?", (story_id, number)
        ).fetchone()
        if row and wanted in f" {folded_text(row[0])} ":
            return True
    return False


async def reopen(store: Any) -> float:
    """Start-up to searchable again, as a restart would, with the index already saved."""
    from bot.app.library import Library

    started = time.perf_counter()
    fresh = Library(store)
    await fresh.rebuild_index()  # opens the index saved beside the database
    assert fresh.live_index.origin == "opened"
    await real_call(fresh, "the first search after a start")
    return time.perf_counter() - started


# --------------------------------------------------------------------------- driver


async def _create_schema(database: Path) -> None:
    from bot.storage import Store

    async with await Store.open(database):
        pass


def run_worker(arguments: list[str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.search", *arguments]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"worker failed: {' '.join(arguments)}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def _distinct_recall(size: int, results: dict[str, Any]) -> str:
    if size > AMBIGUITY_MAX_SIZE:
        return "not counted"
    kept = [hit for hit, ok in zip(results["hits"], results["distinct"], strict=True) if ok]
    return f"{sum(kept) / max(1, len(kept)):.3f} ({len(kept)})"


def print_table(rows: Sequence[dict[str, Any]]) -> None:
    print(
        "| passages | query set | median | p95 | max | CPU median / p95 "
        "| recall@10 strict (target) | recall@10 equivalent (target or its window word for word) "
        "| recall@10 strict, distinct windows (queries) | loop stall max / p99 (attributable) "
        "| build | start-up (index exists) | RSS (process) | load |"
    )
    print("|" + "---|" * 14)
    for r in rows:
        for name in ("anchored", "windows"):
            s = r[name]
            lat, cpu = s["latencies_ms"], s["cpu_ms"]
            print(
                f"| {r['size']:,} | {name} | {statistics.median(lat):.1f} ms "
                f"| {percentile(lat, 0.95):.1f} ms | {max(lat):.0f} ms "
                f"| {statistics.median(cpu):.1f} / {percentile(cpu, 0.95):.1f} ms "
                f"| {sum(s['hits']) / len(s['hits']):.3f} "
                f"| {sum(s['equivalent_hits']) / len(s['hits']):.3f} "
                f"| {_distinct_recall(r['size'], s)} "
                f"| {s['max_stall_ms']:.1f} / {s['p99_stall_ms']:.1f} "
                f"({s['max_attributable_ms']:.1f}) ms "
                f"| {r['build_s']:.1f} s ({r['origin']}) | {r['startup_s']:.2f} s "
                f"| {r['rss_after_mb']:.0f} MiB | {r['load_before']:.1f}-{r['load_after']:.1f} |"
            )
    print()
    print(f"A burst of {BURST} searches at once (windows set):")
    for r in rows:
        idle = r["idle_stall"]
        print(
            f"- {r['size']:,} passages, no search running (the machine's own noise): event "
            f"loop stall max {idle['max_stall_ms']:.1f} ms, p99 {idle['p99_stall_ms']:.1f} ms"
            f" (attributable {idle['max_attributable_ms']:.1f} ms)"
        )
        b = r["burst"]
        print(
            f"- {r['size']:,} passages: {b['burst_ms']:.0f} ms for the burst, event loop stall "
            f"max {b['max_stall_ms']:.1f} ms, p99 {b['p99_stall_ms']:.1f} ms, attributable to "
            f"the process at most {b['max_attributable_ms']:.1f} ms"
        )
    print()
    print("Recall@10 by query kind, strict (equivalent), anchored / windows:")
    print("| passages | " + " | ".join(QUERY_KINDS) + " |")
    print("|---|" + "---|" * len(QUERY_KINDS))
    for r in rows:
        cells = []
        for kind in QUERY_KINDS:
            shares = []
            for name in ("anchored", "windows"):
                s = r[name]
                kept = [h for h, k in zip(s["hits"], s["kinds"], strict=True) if k == kind]
                same = [
                    h for h, k in zip(s["equivalent_hits"], s["kinds"], strict=True) if k == kind
                ]
                count = max(1, len(kept))
                shares.append(f"{sum(kept) / count:.2f} ({sum(same) / count:.2f})")
            cells.append(" / ".join(shares))
        print(f"| {r['size']:,} | " + " | ".join(cells) + " |")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--queries", type=int, default=140, help="queries per set")
    parser.add_argument("--repeats", type=int, default=3, help="runs per query (median)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep each corpus and its saved index under this folder and reuse them: a "
        "second run measures a restart (the index opened, not built)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--populate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.populate:
        asyncio.run(_create_schema(args.populate))
        made = populate(args.populate, args.size, args.queries, args.seed)
        as_json = {name: [dataclasses.asdict(q) for q in qs] for name, qs in made.items()}
        (args.populate.parent / "queries.json").write_text(json.dumps(as_json))
        return
    if args.worker:
        kept = args.keep / f"{args.size}-{args.queries}-{args.seed}" if args.keep else None
        if kept is not None and (kept / "queries.json").exists():
            folder = kept  # the corpus of an earlier run, and the index it saved
        else:
            folder = make_corpus(args.size, args.queries, args.seed)
            if kept is not None:
                kept.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(folder, kept)
                folder = kept
        result = asyncio.run(worker(folder, args.size, args.repeats))
        if kept is None:
            shutil.rmtree(folder, ignore_errors=True)
        print(json.dumps(result))
        return
    rows = []
    common = ["--queries", str(args.queries), "--seed", str(args.seed)]
    if args.keep:
        common += ["--keep", str(args.keep.resolve())]
    for size in (int(s) for s in args.sizes.split(",")):
        started = time.perf_counter()
        repeats = str(args.repeats)
        rows.append(run_worker(["--worker", "--size", str(size), "--repeats", repeats, *common]))
        elapsed = time.perf_counter() - started
        print(f"size {size:,} done in {elapsed:.0f} s", file=sys.stderr, flush=True)
    print_table(rows)
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS_DIR / f"search-{stamp}.json").write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
