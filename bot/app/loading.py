"""Loading story files into the library (`conteur load`, built-ins at start-up).

Files are read and checked in order; each is then decided in order against a snapshot
of the library read once (bot.storage.bulk_load), so titles and duplicates come out
exactly as if the files came one by one, and the writes go to the database in batches,
one transaction each.

Reading a story's characters costs 10-30 ms of CPU (by its length), nine tenths of a
load that reads them: a 10,000-file load ran at 167 stories/s with them, 1,600 without. A
big load (`defer_casts`) stores titled stories with their cast pending and leaves the
reading to `bot.app.cast_reading`, after the load; only an untitled file is read during
the load, in worker processes (bot.app.analysis), because its title is its
protagonist's name and titles are decided in file order. A small load reads every cast
at once, as before: there is nothing to gain by waiting.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import aclosing, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.app.analysis import Analyser
from bot.core.cast import Cast
from bot.core.models import ParsedStory
from bot.core.parsing import parse_story
from bot.errors import StoryRejected
from bot.storage import Store
from bot.storage.bulk_load import (
    KnownStory,
    LoadSnapshot,
    LoadWriter,
    StoryWrite,
    open_load_writer,
)

# Stories written per transaction: large enough that commits cost little, small enough
# that a crash loses little work (a failed batch is rolled back whole, then reported).
BATCH_SIZE = 250

# (story id, parsed story) of each story written by a batch, for the search index.
Written = list[tuple[int, ParsedStory]]
Progress = Callable[[int, int], None]  # (files done, files in all)


STORY_SUFFIXES = (".txt", ".md")


@dataclass
class LoadReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    # Which file each added or updated title came from, so the summary names both.
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary_lines(self) -> list[str]:
        lines = [
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.rejected)} rejected"
        ]
        lines += [f"  added      {title}  ({self._source(title)})" for title in self.added]
        lines += [f"  updated    {title}  ({self._source(title)})" for title in self.updated]
        lines += [f"  rejected   {path}: {reason}" for path, reason in self.rejected]
        return lines

    def _source(self, title: str) -> str:
        return Path(self.sources[title]).name if title in self.sources else "?"


def find_story_files(paths: Iterable[Path], report: LoadReport) -> list[Path]:
    """Expand folders into their .txt/.md files; record paths that cannot be loaded."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in STORY_SUFFIXES
                )
            )
        elif not path.exists():
            report.rejected.append((str(path), "no such file or folder"))
        elif path.suffix.lower() not in STORY_SUFFIXES:
            report.rejected.append((str(path), "not a .txt or .md file"))
        else:
            files.append(path)
    return files


@dataclass
class _Analysing:
    path: Path  # as given, for the report
    resolved: Path  # as stored
    # None for the cast: read after the load.
    result: asyncio.Future[tuple[ParsedStory, Cast]] | asyncio.Future[tuple[ParsedStory, None]]


@contextmanager
def rejections(report: LoadReport, path: Path) -> Iterator[None]:
    """A file that cannot become a story is reported, and the load goes on."""
    try:
        yield
    except StoryRejected as rejection:
        report.rejected.append((str(path), rejection.message))
    except OSError as error:
        report.rejected.append((str(path), f"cannot be read ({error.strerror})"))


class _Load:
    def __init__(
        self,
        writer: LoadWriter,
        snapshot: LoadSnapshot,
        report: LoadReport,
        on_written: Callable[[Written], Awaitable[None]] | None,
    ) -> None:
        self.writer, self.snapshot, self.report = writer, snapshot, report
        self.on_written = on_written
        self.batch: list[StoryWrite] = []

    def changed_file(self, path: Path, data: bytes) -> ParsedStory | None:
        """The file's story, or None when it is stored already as it is."""
        parsed = parse_story(data, path.name)
        known = self.snapshot.by_source.get(str(path))
        if known is not None and known.live and known.content_hash == parsed.content_hash:
            self.report.unchanged.append(str(path))
            return None
        return parsed

    async def decide(self, path: Path, parsed: ParsedStory, cast: Cast | None) -> None:
        """What `Library` did file by file, against the snapshot; the write joins the batch."""
        source = str(path)
        if await self._adopt_moved_file(parsed, source):
            self.report.unchanged.append(source)
            return
        existing = self.snapshot.by_source.get(source)
        parsed = self._with_free_title(parsed, existing)
        if existing is None:
            story = KnownStory(0, parsed.title, parsed.content_hash, source, None, live=True)
            self.batch.append(StoryWrite("add", story, source, parsed, cast))
            self.report.added.append(parsed.title)
        else:
            story = existing
            self.batch.append(
                StoryWrite(
                    "replace",
                    story,
                    source,
                    parsed,
                    cast,
                    hash_before=story.content_hash,
                    guild_before=story.guild_id,
                )
            )
            self.snapshot.forget(story)
            story.title, story.content_hash = parsed.title, parsed.content_hash
            self.report.updated.append(parsed.title)
        self.snapshot.remember(story)
        self.report.sources[parsed.title] = source

    async def _adopt_moved_file(self, parsed: ParsedStory, source: str) -> bool:
        """Same text already stored: a moved file (adopted) or a duplicate (rejected)."""
        for story in self.snapshot.live_builtins_with_hash(parsed.content_hash):
            if story.source_path == source:
                continue
            old_path = story.source_path
            moved = old_path is None or not await asyncio.to_thread(Path(old_path).exists)
            if moved and source not in self.snapshot.by_source:
                self.batch.append(StoryWrite("move", story, source))
                if old_path is not None:
                    del self.snapshot.by_source[old_path]
                story.source_path = source
                self.snapshot.by_source[source] = story
                return True
            raise StoryRejected(f"same text as the story “{story.title}” already in the library.")
        return False

    def _with_free_title(self, parsed: ParsedStory, existing: KnownStory | None) -> ParsedStory:
        """Derived titles get a number when taken; a chosen title that is taken is an error."""
        if not self.snapshot.builtin_title_taken(parsed.title, existing):
            return parsed
        if not parsed.title_was_derived:
            raise StoryRejected(f"a story titled “{parsed.title}” is already in the library.")
        number = 2
        while self.snapshot.builtin_title_taken(f"{parsed.title} ({number})", existing):
            number += 1
        return replace(parsed, title=f"{parsed.title} ({number})")

    async def flush(self) -> None:
        """Write the batch, then decide the next files. Not while deciding them: a load
        beside the running bot would then hold the write lock almost without a break,
        and the bot's own writes (a page turned, a post claimed) wait for a break
        between two transactions."""
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        await self.writer.write(batch)
        if self.on_written is not None:
            written = [(w.story.id, w.parsed) for w in batch if w.parsed is not None]
            await self.on_written(written)


async def load_files(
    store: Store,
    files: Sequence[Path],
    report: LoadReport,
    *,
    on_written: Callable[[Written], Awaitable[None]] | None = None,
    progress: Progress | None = None,
    defer_casts: bool = False,
) -> None:
    """Load `files` (in this order) into the store's database, recording into `report`.

    With `defer_casts`, titled stories are stored with their characters still to read
    (`bot.app.cast_reading` reads them)."""
    writer = open_load_writer(store.db, store.stories)
    try:
        load = _Load(writer, await writer.read_snapshot(), report, on_written)
        await _load(load, files, progress, defer_casts=defer_casts)
    finally:
        writer.close()


# Files read per trip to a worker thread. A trip per file cost two thread hand-offs a
# file, and on a busy machine each waits for a core: with 13 processes ready to run on
# the 2 cores, a 10,000-file load spent most of its time there (548 stories/s).
READ_CHUNK = 64

FileRead = tuple[Path, Path, bytes | OSError]  # as given, resolved, its bytes or the error


def _read_chunk(paths: Sequence[Path]) -> list[FileRead]:
    read: list[FileRead] = []
    for path in paths:
        try:
            read.append((path, path.resolve(), path.read_bytes()))
        except OSError as error:
            read.append((path, path, error))
    return read


async def _read_ahead(files: Sequence[Path]) -> AsyncGenerator[FileRead, None]:
    """The files in order, read a chunk at a time in a thread, the next chunk read while
    this one is parsed and decided."""
    chunks = [files[start : start + READ_CHUNK] for start in range(0, len(files), READ_CHUNK)]
    if not chunks:
        return
    reading = asyncio.ensure_future(asyncio.to_thread(_read_chunk, chunks[0]))
    try:
        for number in range(len(chunks)):
            chunk = await reading
            if number + 1 < len(chunks):
                reading = asyncio.ensure_future(asyncio.to_thread(_read_chunk, chunks[number + 1]))
            for read in chunk:
                yield read
    finally:
        reading.cancel()  # a load that stopped early leaves no read behind


def _later(parsed: ParsedStory) -> asyncio.Future[tuple[ParsedStory, None]]:
    """A titled story's decision needs nothing from its cast: it is read after the load."""
    future: asyncio.Future[tuple[ParsedStory, None]] = asyncio.get_running_loop().create_future()
    future.set_result((parsed, None))
    return future


async def _load(
    load: _Load, files: Sequence[Path], progress: Progress | None, *, defer_casts: bool
) -> None:
    waiting: deque[_Analysing] = deque()
    settled = 0  # files decided, unchanged or rejected

    async def store_next() -> None:
        nonlocal settled
        item = waiting.popleft()
        with rejections(load.report, item.path):
            parsed, cast = await item.result
            await load.decide(item.resolved, parsed, cast)
        settled += 1
        if len(load.batch) >= BATCH_SIZE:
            await load.flush()
        if progress is not None:
            progress(settled, len(files))

    with Analyser(len(files)) as analyser:
        async with aclosing(_read_ahead(files)) as reads:
            async for path, resolved, data in reads:
                queued = False
                with rejections(load.report, path):
                    if isinstance(data, OSError):
                        raise data
                    parsed = load.changed_file(resolved, data)
                    if parsed is not None:
                        later = defer_casts and not parsed.title_was_derived
                        result = _later(parsed) if later else analyser.submit(parsed)
                        waiting.append(_Analysing(path, resolved, result))
                        queued = True
                if not queued:
                    settled += 1
                while waiting and (
                    len(waiting) >= analyser.in_flight_limit or waiting[0].result.done()
                ):
                    await store_next()
            while waiting:
                await store_next()
    await load.flush()
    if progress is not None:
        progress(len(files), len(files))
