"""How long /story ask takes to find the answer in one story: `find_answer` on a
synthetic 5,000-word story and on the longest real story of ../shared/realstories, with
its extracted cast, for a spread of question shapes.

Run from the repository root:  .venv/bin/python -m bench.answers [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from bench.retell import generated_story, percentile
from bot.core.answering import find_answer
from bot.core.characters import extract_cast
from bot.core.models import Passage
from bot.core.parsing import parse_story

REALSTORIES = Path(__file__).resolve().parents[2] / "shared" / "realstories"
QUESTIONS = (
    "Who came to the house at four o'clock?",
    "What did she sell?",
    "Why can't he go to the fair?",
    "What does the old man say when the door opens?",
    "Where does he open a shop?",
    "How long does it take to open the safe?",
    "What name does the boy give him?",
    "What is the lawyer's name?",
)


def timings(
    title: str, passages: Sequence[Passage], runs: int
) -> dict[str, tuple[list[float], list[float]]]:
    """Wall-clock and CPU milliseconds per answer (on a shared machine the first swings
    with the load, the second much less): "first", a story's first question (its pieces
    worked out), and "next", the questions after it (its pieces cached)."""
    cast = extract_cast(passages)
    places = [place.name for place in cast.places]
    out: dict[str, tuple[list[float], list[float]]] = {"first": ([], []), "next": ([], [])}
    for run in range(runs):
        for number, question in enumerate(QUESTIONS):
            # A new title each run is a story not seen before: nothing cached.
            sources = [(f"{title} #{run}", passages)]
            started, started_cpu = time.perf_counter(), time.process_time()
            find_answer(question, sources, cast.characters, places)
            wall, cpu = out["first" if number == 0 else "next"]
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    return out


def report(label: str, values: dict[str, tuple[list[float], list[float]]]) -> None:
    for which, (wall, cpu) in values.items():
        print(
            f"{label}, {which} question: find_answer median {statistics.median(wall):.2f} ms, "
            f"p95 {percentile(wall, 0.95):.2f} ms; CPU median {statistics.median(cpu):.2f} ms, "
            f"p95 {percentile(cpu, 0.95):.2f} ms ({len(wall)} answers)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    arguments = parser.parse_args()
    passages = generated_story(5_000)
    words = sum(len(p.text.split()) for p in passages)
    report(f"synthetic story, {words:,} words", timings("Synthetic", passages, arguments.runs))
    longest = REALSTORIES / "ransom-of-red-chief.txt"
    if longest.is_file():
        story = parse_story(longest.read_bytes(), longest.name)
        words = sum(len(p.text.split()) for p in story.passages)
        report(
            f"{story.title}, {words:,} words",
            timings(story.title, story.passages, arguments.runs),
        )


if __name__ == "__main__":
    main()
