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


def timings(title: str, passages: Sequence[Passage], runs: int) -> list[float]:
    cast = extract_cast(passages)
    places = [place.name for place in cast.places]
    out = []
    for _ in range(runs):
        for question in QUESTIONS:
            started = time.perf_counter()
            find_answer(question, [(title, passages)], cast.characters, places)
            out.append((time.perf_counter() - started) * 1000)
    return out


def report(label: str, values: list[float]) -> None:
    print(
        f"{label}: find_answer median {statistics.median(values):.2f} ms, "
        f"p95 {percentile(values, 0.95):.2f} ms ({len(values)} answers)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
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
