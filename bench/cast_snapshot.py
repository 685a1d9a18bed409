"""Every cast the extractor gives on a fixed set of texts, as JSON, to compare two versions.

Run from the repository root of each version:
    .venv/bin/python -m bench.cast_snapshot OUT.json
then compare the two files with `--compare A.json B.json`; any difference is listed field
by field. A speed change to bot/core/characters must leave the file byte for byte the same.

The texts: the seed stories and the hard cases in tests/ (with and without their title),
the real stories in ../shared/realstories (when present), 5,000-word generated stories
(the benchmark's, and other seeds) and a few hundred generated stories of every length.
Each cast is dumped whole (every field of every character and place) together with each
character's arc, which reads the same analysis.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bench.corpus import iter_stories
from bench.retell import generated_story
from bot.core.characters import character_arc, extract_cast
from bot.core.models import Passage
from bot.core.parsing import parse_story, split_passages

ROOT = Path(__file__).resolve().parents[1]
FILES = (
    sorted((ROOT / "data" / "stories").glob("*.txt"))
    + sorted((ROOT / "tests" / "data" / "characters").glob("*.txt"))
    + sorted((ROOT.parent / "shared" / "realstories").glob("*.txt"))
)


def texts(generated: int) -> Iterator[tuple[str, Sequence[Passage], str | None]]:
    for path in FILES:
        parsed = parse_story(path.read_bytes(), path.name)
        yield path.name, parsed.passages, None
        yield f"{path.name} (titled)", parsed.passages, parsed.title
    for seed in (7, 1, 2, 3):
        yield f"generated 5000 seed {seed}", generated_story(5_000, seed=seed), None
    for story in iter_stories(generated * 30, seed=11):
        if story.index >= generated:
            break
        yield f"generated {story.index}", split_passages(story.text), story.title


def snapshot(generated: int) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, passages, title in texts(generated):
        cast = extract_cast(passages, title=title)
        arcs = [character_arc(passages, c) for c in cast.characters]
        found[name] = {
            "cast": dataclasses.asdict(cast),
            "arcs": [[dataclasses.asdict(f) for f in arc] for arc in arcs],
        }
    return found


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    differences = [f"{name}: only in one file" for name in old.keys() ^ new.keys()]
    for name in sorted(old.keys() & new.keys()):
        differences += [f"{name}: {d}" for d in _differ(old[name], new[name], "")]
    return differences


def _differ(old: Any, new: Any, where: str) -> Iterator[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys()):
            yield from _differ(old.get(key), new.get(key), f"{where}.{key}")
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from _differ(a, b, f"{where}[{index}]")
    elif old != new:
        yield f"{where}: {old!r} != {new!r}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", nargs="?", help="where to write the snapshot")
    parser.add_argument("--generated", type=int, default=300, help="generated stories")
    parser.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"))
    arguments = parser.parse_args()
    if arguments.compare:
        old, new = (json.loads(Path(p).read_text(encoding="utf-8")) for p in arguments.compare)
        differences = compare(old, new)
        print("\n".join(differences[:50]) or f"identical: {len(old)} texts")
        sys.exit(1 if differences else 0)
    found = snapshot(arguments.generated)
    Path(arguments.out).write_text(json.dumps(found, ensure_ascii=False, indent=1), "utf-8")
    print(f"{len(found)} casts written to {arguments.out}")


if __name__ == "__main__":
    main()
