"""How fast the library loads, and what the bot costs to start with a big library.

Run from the repository root:

    .venv/bin/python -m bench.load                  # 1,000 and 10,000 stories
    .venv/bin/python -m bench.load --sizes 1000

For each size, a fresh subprocess writes that many generated stories (bench/corpus.py:
the seed stories with names, places and words swapped; deterministic) as files, and
loads them with `conteur load`'s code path (parse, decisions against a snapshot read
once, one transaction per 250 stories, casts left pending), then, timed apart, reads
their characters as `conteur load` does after the load (worker processes on every core,
one transaction per 64 stories). "load s" and "stories/s" are the load: when every
story is stored, searchable and readable; "casts s" is the time after it until every
story's characters are ready (measured on the last run only: it takes minutes).
A second fresh subprocess then starts the bot as `conteur run` would, up to the point
it would connect to Discord: open the database, check the
built-in stories, start building the search index (in the background), load every cog.
It reports that start-up time, the time until searches can be answered, and the resident
memory once the index is built. Each size is loaded `--runs` times (3) into fresh
databases; the median run is shown, every run's rate after it.
`--untitled` writes the files without titles: each is then named after its protagonist,
so its characters are read during the load, as before casts could wait.
`--in-bot` reads the casts as the running bot does (`BackgroundCastReading`: one worker,
one story at a time) and prints the event loop's lag meanwhile.
`--without-characters` makes extraction answer nothing (in the loading process), to show
what the rest of the load path costs on its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/load.py`
    sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    """Current resident memory, from /proc (peak RSS as a fallback)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def load_worker(
    count: int,
    database: Path,
    *,
    characters: bool,
    read_casts: bool = True,  # bench/burst.py loads a library to use: casts and all
    untitled: bool = False,
    in_bot: bool = False,
) -> dict[str, float]:
    from bench.corpus import story_texts

    if not characters:
        # What the load costs besides character extraction (the parse, the decisions,
        # the batched writes): extraction answers nothing, in this process.
        import bot.app.analysis as analysis
        from bot.core.cast import Cast

        def no_cast(passages: object, *, title: str | None = None) -> Cast:
            return Cast()

        analysis.POOL_THRESHOLD = 10**9
        analysis.extract_cast = no_cast  # type: ignore[attr-defined]
    from bot.app.library import Library
    from bot.storage import Store

    with tempfile.TemporaryDirectory() as folder:
        for index, (title, text) in enumerate(story_texts(count)):
            path = Path(folder) / f"{index:06d}.txt"
            header = "" if untitled else f"Title: {title} #{index}\n\n"
            path.write_text(f"{header}{text}\n", encoding="utf-8")
        async with await Store.open(database) as store:
            library = Library(store)
            started = time.perf_counter()
            report = await library.load_paths([Path(folder)], index=False)
            elapsed = time.perf_counter() - started
            casts_s = float("nan")
            lags: list[float] = []
            if read_casts:
                reading = time.perf_counter()
                if in_bot:
                    probe = asyncio.get_running_loop().create_task(loop_lags(lags))
                    library.cast_reading.start()
                    await library.cast_reading.finished()
                    probe.cancel()
                    library.analyser.close()
                else:
                    await library.read_casts()
                casts_s = time.perf_counter() - reading
                assert not await store.casts.pending_total()
    assert report.ok, report.rejected[:3]
    size = sum(p.stat().st_size for p in database.parent.glob(database.name + "*"))
    return {
        "stories": len(report.added),
        "seconds": elapsed,
        "stories_per_s": len(report.added) / elapsed,
        "db_mb": size / 1e6,
        "casts_s": casts_s,
        "lag_p99_ms": percentile(lags, 0.99) * 1000,
        "lag_max_ms": max(lags, default=float("nan")) * 1000,
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


# How often the probe asks the event loop for a turn while the bot reads casts.
PROBE_S = 0.01


async def loop_lags(lags: list[float]) -> None:
    """How late each turn of the event loop comes while the bot reads casts."""
    while True:
        asked = time.perf_counter()
        await asyncio.sleep(PROBE_S)
        lags.append(time.perf_counter() - asked - PROBE_S)


async def start_worker(database: Path) -> dict[str, float]:
    started = time.perf_counter()
    from bot.config import DEFAULT_STORIES_DIR, Settings
    from bot.discord_adapter.bot import ConteurBot
    from bot.storage import Store

    settings = Settings(database_path=database, stories_dir=DEFAULT_STORIES_DIR)
    async with await Store.open(database) as store:
        bot = ConteurBot(settings, store)
        await bot.setup_hook()  # everything `conteur run` does before connecting
        elapsed = time.perf_counter() - started
        passages = len(await bot.library.index_ready())  # built in the background meanwhile
        searchable = time.perf_counter() - started
        await bot.close()
    return {
        "startup_s": elapsed,
        "search_ready_s": searchable,
        "rss_mb": rss_mb(),
        "indexed_passages": passages,
    }


def run_worker(kind: str, count: int, database: Path, *extra: str) -> dict[str, float]:
    output = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load",
            "--worker",
            kind,
            "--count",
            str(count),
            "--db",
            str(database),
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--worker", choices=("load", "start"), help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=3, help="loads per size (median shown)")
    parser.add_argument("--read-casts", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--untitled",
        action="store_true",
        help="files without a title: each is named after its protagonist, so its"
        " characters are read during the load (the old rate)",
    )
    parser.add_argument(
        "--in-bot",
        action="store_true",
        help="read the casts as the running bot does (one worker, in the background) and"
        " show the event loop's lag meanwhile",
    )
    parser.add_argument(
        "--skip-casts", action="store_true", help="do not time reading the casts after the load"
    )
    parser.add_argument(
        "--without-characters",
        action="store_true",
        help="skip character extraction: what the rest of the load path costs",
    )
    args = parser.parse_args()
    if args.worker == "load":
        result = load_worker(
            args.count,
            args.db,
            characters=not args.without_characters,
            untitled=args.untitled,
            in_bot=args.in_bot,
            read_casts=args.read_casts,
        )
        print(json.dumps(asyncio.run(result)))
        return
    if args.worker == "start":
        print(json.dumps(asyncio.run(start_worker(args.db))))
        return
    header = (
        f"{'stories':>8} {'load s':>8} {'stories/s':>10} {'casts s':>8} {'db MB':>7} "
        f"{'start-up s':>11} {'search ready s':>15} {'RSS MB':>7} {'passages':>9}"
    )
    print(header)
    print("-" * len(header))
    extra = ["--without-characters"] if args.without_characters else []
    extra += ["--untitled"] if args.untitled else []
    extra += ["--in-bot"] if args.in_bot else []
    for size in (int(s) for s in args.sizes.split(",")):
        loads = []
        for run in range(args.runs):
            last = run == args.runs - 1
            with tempfile.TemporaryDirectory() as folder:
                database = Path(folder) / "bench.sqlite3"
                reading = ["--read-casts"] if last and not args.skip_casts else []
                loads.append(run_worker("load", size, database, *extra, *reading))
                if last:
                    casts_s = loads[-1]["casts_s"]
                    started = run_worker("start", size, database)
        loaded = sorted(loads, key=lambda run: run["stories_per_s"])[len(loads) // 2]
        rates = ", ".join(f"{run['stories_per_s']:,.0f}" for run in loads)
        print(
            f"{size:>8,} {loaded['seconds']:>8.2f} {loaded['stories_per_s']:>10,.0f} "
            f"{casts_s:>8.1f} {loads[-1]['db_mb']:>7.1f} {started['startup_s']:>11.2f} "
            f"{started['search_ready_s']:>15.2f} {started['rss_mb']:>7.0f} "
            f"{int(started['indexed_passages']):>9,}   (runs: {rates} stories/s)"
        )
        if args.in_bot and not args.skip_casts:
            print(
                f"{'':>8} casts read by the running bot; event loop lag meanwhile: "
                f"p99 {loads[-1]['lag_p99_ms']:.1f} ms, max {loads[-1]['lag_max_ms']:.1f} ms"
            )


if __name__ == "__main__":
    main()
