"""CPU time of cast extraction on 5,000 words: generated text and real stories.

Run from the repository root:
    .venv/bin/python -m bench.cast_speed                  # this checkout
    .venv/bin/python -m bench.cast_speed --against DIR    # and another checkout, alternating

CPU time (time.process_time), not wall-clock: the machine is shared, and another
process's load stretches wall-clock time but not ours. Every timed call is cold (nothing is
cached across calls). With --against, each round runs one worker process per checkout,
alternating which goes first, so a load that comes and goes falls on both alike.

Texts: the benchmark's 5,000-word generated story (bench.understanding's speed()); the
longest real story in ../shared/realstories ("The Ransom of Red Chief", ~4,150 words); and
5,000 words of real text, that story followed by the opening of "The Monkey's Paw".
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.retell import generated_story
from bot.core.characters import extract_cast
from bot.core.models import Passage
from bot.core.parsing import parse_story, split_passages

ROOT = Path(__file__).resolve().parents[1]
REALSTORIES = ROOT.parent / "shared" / "realstories"
WORDS = 5_000


def real_texts() -> dict[str, Sequence[Passage]]:
    if not REALSTORIES.is_dir():
        return {}
    stories = [
        parse_story((REALSTORIES / name).read_bytes(), name).passages
        for name in ("ransom-of-red-chief.txt", "monkeys-paw.txt")
    ]
    paragraphs: list[str] = []
    total = 0
    for passage in (p for story in stories for p in story):
        if total >= WORDS:
            break
        paragraphs.append(passage.text)
        total += len(passage.text.split())
    return {"real 4150 (ransom)": stories[0], "real 5000": split_passages("\n\n".join(paragraphs))}


def worker(runs: int) -> dict[str, list[float]]:
    texts = {"generated 5000": generated_story(WORDS), **real_texts()}
    timings: dict[str, list[float]] = {}
    for name, passages in texts.items():
        extract_cast(passages)  # imports and first-call set-up, not timed
        found = timings.setdefault(name, [])
        for _ in range(runs):
            started = time.process_time()
            extract_cast(passages)
            found.append((time.process_time() - started) * 1000)
    return timings


def _run(root: Path, runs: int) -> dict[str, list[float]]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.cast_speed", "--worker", "--runs", str(runs)],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, list[float]] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="timed calls per worker")
    parser.add_argument("--rounds", type=int, default=5, help="worker processes per checkout")
    parser.add_argument("--against", type=Path, help="another checkout to time alternately")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        print(json.dumps(worker(arguments.runs)))
        return
    roots = {"this": ROOT}
    if arguments.against:
        roots = {"other": arguments.against.resolve(), "this": ROOT}
    timings: dict[str, dict[str, list[float]]] = {label: {} for label in roots}
    for round_number in range(arguments.rounds):
        order = list(roots.items())
        if round_number % 2:
            order.reverse()
        for label, root in order:
            for name, values in _run(root, arguments.runs).items():
                timings[label].setdefault(name, []).extend(values)
    print(f"CPU ms per extract_cast, {arguments.rounds * arguments.runs} cold calls each")
    for label, by_text in timings.items():
        for name, values in by_text.items():
            p95 = sorted(values)[int(0.95 * (len(values) - 1))]
            print(
                f"  {label:5} {name:20} median {statistics.median(values):6.2f}"
                f"  best {min(values):6.2f}  p95 {p95:6.2f}"
            )


if __name__ == "__main__":
    main()
