"""Benchmark bot.core.search against brute-force rapidfuzz on synthetic corpora.

Run from the repository root:

    .venv/bin/python -m bench.search                       # 1k, 10k, 100k, 1M passages
    .venv/bin/python -m bench.search --sizes 1000,10000 --queries 70

For each size, two fresh subprocesses (so memory and caches of one measurement never
leak into another) build the corpus of bench/corpus.py:
- the *index* worker builds a SearchIndex (build time excludes corpus generation),
  measures resident memory, the latency and recall@10 of every query, and the time to
  add, replace and remove one story in the full index;
- the *baseline* worker runs the same queries (a sample at large sizes, to keep the run
  short) through `rapidfuzz.process.extract(query, texts, scorer=fuzz.partial_ratio,
  limit=10)`, with query and texts folded the same way (lower case, no accents) so the
  baseline is not penalised for case or accents.
Each query runs three times and counts with its median (the machine is shared); median
and p95 are then taken over the queries. The speed-up compares medians over the queries
both ran. The load average seen by the index worker is printed with its row.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/search.py`
    sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from bench.corpus import (  # noqa: E402
    DEFAULT_SEED,
    QUERY_KINDS,
    BenchQuery,
    GeneratedStory,
    QueryMaker,
    iter_stories,
)
from bot.core.models import Passage  # noqa: E402
from bot.core.search import SearchIndex  # noqa: E402
from bot.core.text import fold  # noqa: E402

DEFAULT_SIZES = (1_000, 10_000, 100_000, 1_000_000)
# Brute force scans every passage (~4.5 us each on the 2-core benchmark machine); cap its
# share of the run so the full benchmark stays under ten minutes.
BASELINE_SECONDS_BUDGET = 60.0
BASELINE_SECONDS_PER_PASSAGE = 4.5e-6
MIN_BASELINE_QUERIES = 21
WARMUP_QUERIES = 5
# Each query runs this many times and counts with its median time: the benchmark machine
# is shared (2 cores), and one scheduler hiccup should not pass for a slow query.
QUERY_REPEATS = 3
UPDATE_REPEATS = 10
RESULTS_DIR = ROOT / "bench" / "results"


# --------------------------------------------------------------------------- helpers


def rss_mb() -> float:
    """Current resident set size of this process, in MiB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def to_passages(paragraphs: Sequence[str]) -> list[Passage]:
    """Passages as the bot's parser makes them: numbered from 1, offsets into the body."""
    passages = []
    offset = 0
    for number, text in enumerate(paragraphs, start=1):
        passages.append(Passage(number, text, offset, offset + len(text)))
        offset += len(text) + 2  # paragraphs are joined by a blank line
    return passages


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    position = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[position]


def baseline_sample(queries: Sequence[BenchQuery], size: int, wanted: int | None) -> list[int]:
    """Indexes of the queries the brute-force baseline runs: evenly spread, so every
    query kind keeps its share."""
    if wanted is None:
        affordable = BASELINE_SECONDS_BUDGET / (size * BASELINE_SECONDS_PER_PASSAGE)
        wanted = max(MIN_BASELINE_QUERIES, int(affordable))
    wanted = min(wanted, len(queries))
    step = len(queries) / wanted
    return sorted({int(i * step) for i in range(wanted)})


# --------------------------------------------------------------------------- workers


def index_worker(size: int, n_queries: int, seed: int) -> dict[str, Any]:
    gc.collect()
    rss_before = rss_mb()
    maker = QueryMaker(size, n_queries, seed)
    index = SearchIndex()
    generation = 0.0

    def stories() -> Iterator[tuple[int, list[Passage]]]:
        # Time spent generating the corpus is measured here and left out of build time.
        nonlocal generation
        corpus = iter_stories(size, seed)
        while True:
            started = time.perf_counter()
            story = next(corpus, None)
            if story is None:
                generation += time.perf_counter() - started
                return
            maker.observe(story)
            passages = to_passages(story.paragraphs)
            generation += time.perf_counter() - started
            yield story.index, passages

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    index.add_stories(stories())
    build = time.perf_counter() - started - generation
    gc.collect()
    rss_after = rss_mb()
    queries = maker.queries()
    latencies, hits = run_queries(index, queries)
    updates = measure_updates(index, seed)
    return {
        "size": size,
        "passages": len(index),
        "stories": index.story_count,
        "vocabulary": index.vocabulary_size,
        "build_s": build,
        "generation_s": generation,
        "rss_mb": rss_after,
        "rss_index_mb": rss_after - rss_before,
        "latencies_ms": latencies,
        "hits": hits,
        "kinds": [query.kind for query in queries],
        "queries": [query.text for query in queries],
        "load": max(load_before, os.getloadavg()[0]),
        **updates,
    }


def run_queries(
    index: SearchIndex, queries: Sequence[BenchQuery]
) -> tuple[list[float], list[bool]]:
    for query in queries[:WARMUP_QUERIES]:
        index.search(query.text)
    latencies = []
    hits = []
    for query in queries:
        runs = []
        for _ in range(QUERY_REPEATS):
            started = time.perf_counter()
            results = index.search(query.text, limit=10)
            runs.append((time.perf_counter() - started) * 1000)
        latencies.append(statistics.median(runs))
        target = (query.story_index, query.passage_number)
        hits.append(target in [(hit.story_id, hit.passage_number) for hit in results])
    return latencies, hits


def measure_updates(index: SearchIndex, seed: int) -> dict[str, float]:
    """Median time to add a new story, replace it (an edit) and remove it."""
    extra = list(iter_stories(UPDATE_REPEATS * 12, seed + 1))[:UPDATE_REPEATS]
    timings: dict[str, list[float]] = {"add_ms": [], "replace_ms": [], "remove_ms": []}
    for number, story in enumerate(extra):
        story_id = 10**9 + number
        passages = to_passages(story.paragraphs)
        edited = to_passages([p.replace(" the ", " a ") for p in reversed(story.paragraphs)])
        actions: list[tuple[str, Callable[[], None]]] = [
            ("add_ms", partial(index.add_story, story_id, passages)),
            ("replace_ms", partial(index.add_story, story_id, edited)),
            ("remove_ms", partial(index.remove_story, story_id)),
        ]
        for key, action in actions:
            started = time.perf_counter()
            action()
            timings[key].append((time.perf_counter() - started) * 1000)
    return {key: statistics.median(values) for key, values in timings.items()}


def baseline_worker(size: int, n_queries: int, seed: int, wanted: int | None) -> dict[str, Any]:
    maker = QueryMaker(size, n_queries, seed)
    texts: list[str] = []
    keys: list[tuple[int, int]] = []
    for story in iter_stories(size, seed):
        maker.observe(story)
        add_folded(story, texts, keys)
    queries = maker.queries()
    sample = baseline_sample(queries, size, wanted)
    latencies = []
    hits = []
    for position in sample:
        query = queries[position]
        started = time.perf_counter()
        found = process.extract(fold(query.text), texts, scorer=fuzz.partial_ratio, limit=10)
        latencies.append((time.perf_counter() - started) * 1000)
        target = (query.story_index, query.passage_number)
        hits.append(target in [keys[i] for _, _, i in found])
    return {"sample": sample, "latencies_ms": latencies, "hits": hits}


def add_folded(story: GeneratedStory, texts: list[str], keys: list[tuple[int, int]]) -> None:
    for number, paragraph in enumerate(story.paragraphs, start=1):
        texts.append(fold(paragraph))
        keys.append((story.index, number))


# --------------------------------------------------------------------------- driver


def run_worker(arguments: list[str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.search", *arguments]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"worker failed: {' '.join(arguments)}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def summarise(index: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
    latencies = index["latencies_ms"]
    sample = baseline["sample"]
    ours_on_sample = [latencies[i] for i in sample]
    return {
        "size": index["size"],
        "stories": index["stories"],
        "vocabulary": index["vocabulary"],
        "build_s": index["build_s"],
        "add_ms": index["add_ms"],
        "replace_ms": index["replace_ms"],
        "remove_ms": index["remove_ms"],
        "rss_mb": index["rss_mb"],
        "bytes_per_passage": index["rss_index_mb"] * 2**20 / index["passages"],
        "median_ms": statistics.median(latencies),
        "p95_ms": percentile(latencies, 0.95),
        "max_ms": max(latencies),
        "recall": sum(index["hits"]) / len(index["hits"]),
        "queries": len(latencies),
        "recall_on_sample": sum(index["hits"][i] for i in sample) / len(sample),
        "brute_median_ms": statistics.median(baseline["latencies_ms"]),
        "brute_recall": sum(baseline["hits"]) / len(baseline["hits"]),
        "brute_queries": len(sample),
        "speedup": statistics.median(baseline["latencies_ms"]) / statistics.median(ours_on_sample),
        "load": index["load"],
        "recall_by_kind": {
            kind: _share(
                [h for h, k in zip(index["hits"], index["kinds"], strict=True) if k == kind]
            )
            for kind in QUERY_KINDS
        },
        "brute_recall_by_kind": {
            kind: _share(
                [
                    h
                    for h, i in zip(baseline["hits"], sample, strict=True)
                    if index["kinds"][i] == kind
                ]
            )
            for kind in QUERY_KINDS
        },
    }


def _share(values: Sequence[bool]) -> float:
    return sum(values) / len(values) if values else float("nan")


def print_tables(rows: Sequence[dict[str, Any]]) -> None:
    print(
        "| passages | stories | vocabulary | build | add / replace / remove one story "
        "| RSS (process) | index bytes/passage | median | p95 | recall@10 "
        "| brute force median | brute recall@10 (queries) | speed-up | load |"
    )
    print("|" + "---|" * 14)
    for r in rows:
        print(
            f"| {r['size']:,} | {r['stories']:,} | {r['vocabulary']:,} | {r['build_s']:.1f} s "
            f"| {r['add_ms']:.1f} / {r['replace_ms']:.1f} / {r['remove_ms']:.2f} ms "
            f"| {r['rss_mb']:.0f} MiB | {r['bytes_per_passage']:.0f} "
            f"| {r['median_ms']:.2f} ms | {r['p95_ms']:.2f} ms "
            f"| {r['recall']:.3f} ({r['queries']}) "
            f"| {r['brute_median_ms']:.0f} ms | {r['brute_recall']:.3f} ({r['brute_queries']}) "
            f"| {r['speedup']:,.0f}x | {r['load']:.1f} |"
        )
    print()
    print("Recall@10 by query kind (ours / brute force):")
    print("| passages | " + " | ".join(QUERY_KINDS) + " |")
    print("|---|" + "---|" * len(QUERY_KINDS))
    for r in rows:
        cells = [
            f"{r['recall_by_kind'][kind]:.2f} / {r['brute_recall_by_kind'][kind]:.2f}"
            for kind in QUERY_KINDS
        ]
        print(f"| {r['size']:,} | " + " | ".join(cells) + " |")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--queries", type=int, default=210, help="queries per size")
    parser.add_argument(
        "--baseline-queries",
        type=int,
        default=None,
        help="brute-force queries per size (default: as many as fit in ~60 s)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--worker", choices=("index", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker == "index":
        print(json.dumps(index_worker(args.size, args.queries, args.seed)))
        return
    if args.worker == "baseline":
        result = baseline_worker(args.size, args.queries, args.seed, args.baseline_queries)
        print(json.dumps(result))
        return

    rows = []
    common = ["--queries", str(args.queries), "--seed", str(args.seed)]
    if args.baseline_queries is not None:
        common += ["--baseline-queries", str(args.baseline_queries)]
    for size in (int(s) for s in args.sizes.split(",")):
        started = time.perf_counter()
        index = run_worker(["--worker", "index", "--size", str(size), *common])
        baseline = run_worker(["--worker", "baseline", "--size", str(size), *common])
        rows.append(summarise(index, baseline))
        elapsed = time.perf_counter() - started
        print(f"size {size:,} done in {elapsed:.0f} s", file=sys.stderr, flush=True)
    print_tables(rows)
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS_DIR / f"search-{stamp}.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
