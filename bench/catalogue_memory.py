"""What the lookup catalogues hold in memory, per server and shared.

`python -m bench.catalogue_memory DATABASE [--servers 3] [--top 25]` opens a loaded
library (e.g. `bench/burst.py --cache`'s, on a copy: it is not written to), then builds the
story and character catalogues of one server after another as their first lookups would,
and prints, with tracemalloc, what each step kept (by the line that allocated it) and the
process's resident memory after each. The first server pays for what every server shares
(the built-in library's part); each further one should cost only its own overlay.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
import tracemalloc
from pathlib import Path

from bench.load import rss_mb

ROOT = Path(__file__).resolve().parents[1]


def _ours(traceback: tracemalloc.Traceback) -> str:
    """The innermost line of the project's code that led to an allocation (a row's value
    kept by a catalogue is the catalogue's cost, not the driver's)."""
    for frame in reversed(traceback):  # innermost last with most_recent_first off
        if f"{ROOT}/bot/" in frame.filename:
            return f"{Path(frame.filename).relative_to(ROOT)}:{frame.lineno}"
    frame = traceback[-1]
    return f"{Path(frame.filename).name}:{frame.lineno}"


def _kept(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, top: int) -> list[str]:
    sizes: dict[str, list[int]] = {}
    for stat in after.compare_to(before, "traceback"):
        kept = sizes.setdefault(_ours(stat.traceback), [0, 0])
        kept[0] += stat.size_diff
        kept[1] += stat.count_diff
    total = sum(size for size, _count in sizes.values())
    lines = [f"  kept {total / 2**20:.1f} MiB in all"]
    for where, (size, count) in sorted(sizes.items(), key=lambda item: -item[1][0])[:top]:
        if size < 64 * 1024:
            break
        lines.append(f"  {size / 2**20:7.2f} MiB {count:>9} blocks  {where}")
    return lines


async def run(database: Path, servers: int, top: int, trace: bool) -> None:
    from bot.app.catalogues import catalogues_of
    from bot.storage import Store

    async with await Store.open(database) as store:
        catalogues = catalogues_of(store)
        await store.stories.count_visible_stories(None)  # the connection's own warm-up
        gc.collect()
        print(f"RSS at start: {rss_mb():.1f} MB")
        if trace:
            tracemalloc.start(25)
        for server in range(1, servers + 1):
            for what in ("stories", "characters"):
                gc.collect()
                before = tracemalloc.take_snapshot() if trace else None
                started = time.perf_counter()
                await getattr(catalogues, what)(server)
                took = time.perf_counter() - started
                gc.collect()
                print(f"server {server} {what}: {took:.2f} s, RSS {rss_mb():.1f} MB")
                if before is not None:
                    print("\n".join(_kept(before, tracemalloc.take_snapshot(), top)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--servers", type=int, default=3)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--no-trace", action="store_true", help="RSS only (tracing costs memory)")
    args = parser.parse_args()
    asyncio.run(run(args.database, args.servers, args.top, not args.no_trace))


if __name__ == "__main__":
    main()
