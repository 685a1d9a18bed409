"""Loading story files into the store: the `conteur load` command and start-up sync.

Each file is parsed, checked and written on its own (one transaction), so a bad
file is reported and skipped without stopping or damaging the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.core.models import ParsedStory, StorySummary
from bot.core.parsing import guess_protagonist, parse_story
from bot.errors import StoryRejected
from bot.storage import Store

log = logging.getLogger(__name__)

STORY_SUFFIXES = (".txt", ".md")

# Called after a story is added or updated, so in-memory indexes follow at once.
StoryChanged = Callable[[StorySummary], Awaitable[None]]


@dataclass
class LoadReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary_lines(self) -> list[str]:
        lines = [
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.rejected)} rejected"
        ]
        lines += [f"  added      {title}" for title in self.added]
        lines += [f"  updated    {title}" for title in self.updated]
        lines += [f"  rejected   {path}: {reason}" for path, reason in self.rejected]
        return lines


def find_story_files(paths: Iterable[Path], report: LoadReport) -> list[Path]:
    """Expand folders into their .txt/.md files; record paths that cannot be loaded."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in STORY_SUFFIXES)
            )
        elif not path.exists():
            report.rejected.append((str(path), "no such file or folder"))
        elif path.suffix.lower() not in STORY_SUFFIXES:
            report.rejected.append((str(path), "not a .txt or .md file"))
        else:
            files.append(path)
    return files


async def load_paths(
    store: Store, paths: Iterable[Path], on_change: StoryChanged | None = None
) -> LoadReport:
    """Load files and folders as built-in stories."""
    report = LoadReport()
    for path in find_story_files(paths, report):
        try:
            await _load_file(store, path.resolve(), report, on_change)
        except StoryRejected as rejection:
            report.rejected.append((str(path), rejection.message))
        except OSError as error:
            report.rejected.append((str(path), f"cannot be read ({error.strerror})"))
    return report


async def _load_file(
    store: Store, path: Path, report: LoadReport, on_change: StoryChanged | None
) -> None:
    source = str(path)
    raw = await asyncio.to_thread(path.read_bytes)
    parsed = parse_story(raw, path.name)
    if await store.hash_for_source(source) == parsed.content_hash:
        report.unchanged.append(source)
        return
    twin = await _same_text_elsewhere(store, parsed, source)
    if twin is not None:
        report.unchanged.append(source)
        return
    existing = await store.story_for_source(source)
    parsed = await _with_free_title(store, parsed, exclude_id=existing.id if existing else None)
    protagonist = guess_protagonist(parsed.body)
    if existing is None:
        summary = await store.add_story(
            parsed, guild_id=None, source_path=source, protagonist=protagonist
        )
        report.added.append(summary.title)
    else:
        summary = await store.replace_story(
            existing.id, parsed, source_path=source, protagonist=protagonist
        )
        report.updated.append(summary.title)
    if on_change is not None:
        await on_change(summary)


async def _same_text_elsewhere(
    store: Store, parsed: ParsedStory, source: str
) -> StorySummary | None:
    """A stored story with this exact text: a moved file (adopted) or a duplicate (rejected)."""
    for story in await store.stories_with_hash(parsed.content_hash):
        if story.source_path == source:
            continue
        moved = story.summary.is_builtin and (
            story.source_path is None or not await asyncio.to_thread(Path(story.source_path).exists)
        )
        if moved and await store.story_for_source(source) is None:
            await store.set_source_path(story.id, source)
            return story.summary
        raise StoryRejected(f"same text as the story “{story.title}” already in the library.")
    return None


async def _with_free_title(
    store: Store, parsed: ParsedStory, *, exclude_id: int | None
) -> ParsedStory:
    """Derived titles get a number when taken; a chosen title that is taken is an error."""
    owner = await store.title_owner(parsed.title, None, exclude_id=exclude_id)
    if owner is None:
        return parsed
    if not parsed.title_was_derived:
        raise StoryRejected(f"a story titled “{parsed.title}” is already in the library.")
    number = 2
    while await store.title_owner(f"{parsed.title} ({number})", None, exclude_id=exclude_id):
        number += 1
    return replace(parsed, title=f"{parsed.title} ({number})")
