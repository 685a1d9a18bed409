"""How long `retell` takes on a generated 5,000-word story, for each length.

Run from the repository root:  .venv/bin/python -m bench.retell [--words 5000] [--runs 50]

The story is built from bench.corpus's synthetic stories (seeded, so the same text on every
run) by taking their paragraphs until the word count is reached. The issue's budget is
20 ms per retelling of a 5,000-word story.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence

from bench.corpus import iter_stories
from bot.core.models import Passage
from bot.core.parsing import split_passages
from bot.core.retelling import Length, retell, story_sentences

LENGTHS: tuple[Length, ...] = ("short", "medium", "long")
BUDGET_MS = 20.0
BUDGET_WORDS = 5_000


def generated_story(word_count: int, seed: int = 7) -> tuple[Passage, ...]:
    """Paragraphs of synthetic stories, in order, until `word_count` words are reached."""
    paragraphs: list[str] = []
    total = 0
    for story in iter_stories(word_count, seed=seed):  # ~40 words a passage: plenty
        for paragraph in story.paragraphs:
            paragraphs.append(paragraph)
            total += len(paragraph.split())
            if total >= word_count:
                return split_passages("\n\n".join(paragraphs))
    return split_passages("\n\n".join(paragraphs))


def time_retelling(passages: Sequence[Passage], length: Length, runs: int) -> list[float]:
    """Wall-clock milliseconds of each of `runs` retellings (after one warm-up run)."""
    retell(passages, length=length)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        retell(passages, length=length)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=50)
    arguments = parser.parse_args()
    passages = generated_story(arguments.words)
    words = sum(len(p.text.split()) for p in passages)
    sentences = len(story_sentences(passages))
    print(f"story: {words:,} words, {len(passages)} passages, {sentences} sentences")
    # The budget is the issue's, for a 5,000-word story; longer runs are for information.
    budgeted = arguments.words <= BUDGET_WORDS
    header = f"  (budget {BUDGET_MS:g} ms at p95)" if budgeted else ""
    print(f"{'length':<8} {'kept':>5} {'median ms':>10} {'p95 ms':>8}{header}")
    for length in LENGTHS:
        timings = time_retelling(passages, length, arguments.runs)
        kept = len(retell(passages, length=length).sentences)
        median, p95 = statistics.median(timings), percentile(timings, 0.95)
        verdict = ("  ok" if p95 < BUDGET_MS else "  OVER") if budgeted else ""
        print(f"{length:<8} {kept:>5} {median:>10.2f} {p95:>8.2f}{verdict}")


if __name__ == "__main__":
    main()
