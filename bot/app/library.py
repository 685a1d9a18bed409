"""The library: the database, the search index and the character data, kept together.

Every change to which stories exist or what they say goes through here, so a story
added, edited, removed or hidden is searchable (or gone) at once, without a restart.
Publishing a moderator's draft saves inside the draft's own transaction
(`bot.app.moderation.publish`) and then calls `reindex` once it has committed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from bot.app.analysis import Analyser
from bot.app.analysis import analyse as analyse  # re-exported: moderation previews use it
from bot.core.cast import Cast
from bot.core.models import ParsedStory, Passage, StorySummary
from bot.core.parsing import parse_story
from bot.core.search import SearchHit, SearchIndex
from bot.errors import StoryRejected
from bot.storage import Store

log = logging.getLogger(__name__)

STORY_SUFFIXES = (".txt", ".md")
RESTORE_WINDOW = timedelta(days=30)


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


# A hit far weaker than the best one matched only a stray word or two; showing
# it buries the answer (searching "eifel tower at sunst" must not list every "life").
RELATIVE_RELEVANCE = 0.5
MINIMUM_RELEVANCE = 15.0


def relevant(hits: list[SearchHit]) -> list[SearchHit]:
    if not hits:
        return hits
    floor = max(MINIMUM_RELEVANCE, hits[0].score * RELATIVE_RELEVANCE)
    return [hit for hit in hits if hit.score >= floor]


IndexChange = Callable[[SearchIndex], None]


def _build_index(stories: Iterable[tuple[int, Sequence[Passage]]]) -> SearchIndex:
    index = SearchIndex()
    index.add_stories(stories)
    return index


@dataclass
class _Analysing:
    path: Path
    result: asyncio.Future[tuple[ParsedStory, Cast]]


@contextmanager
def _rejections(report: LoadReport, path: Path) -> Iterator[None]:
    """A file that cannot become a story is reported, and the load goes on."""
    try:
        yield
    except StoryRejected as rejection:
        report.rejected.append((str(path), rejection.message))
    except OSError as error:
        report.rejected.append((str(path), f"cannot be read ({error.strerror})"))


class Library:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.index = SearchIndex()
        self._visible_ids: dict[int | None, frozenset[int]] = {}
        # While the index is being built, changes to the library wait here and are
        # applied to the new index before anyone may search it.
        self._pending_changes: list[IndexChange] | None = None
        self._index_ready = asyncio.Event()
        self._index_ready.set()
        self._index_task: asyncio.Task[None] | None = None
        # Following other processes' changes (a shared PostgreSQL store).
        self._seen_change = 0
        self._catch_up_lock = asyncio.Lock()
        self._catching_up: set[asyncio.Task[int]] = set()
        self._stop_listening: Callable[[], Awaitable[None]] | None = None

    async def start(self, stories_dir: Path, *, index_in_background: bool = False) -> LoadReport:
        """Load new or changed built-in stories, purge old removals, build the search index.

        With `index_in_background`, start returns before the index is built (seconds at
        100,000 passages), so the bot connects at once; searches wait for the index.
        """
        report = await self.load_paths([stories_dir], index=False)
        for path, reason in report.rejected:
            log.warning("Built-in story %s rejected: %s", path, reason)
        purged = await self.store.stories.purge_removed(self.store.clock() - RESTORE_WINDOW)
        if purged:
            log.info("Deleted %d stories removed more than 30 days ago", purged)
        if index_in_background:
            self._index_ready.clear()
            self._pending_changes = []
            self._index_task = asyncio.create_task(self.rebuild_index(), name="search-index")
        else:
            await self.rebuild_index()
        return report

    async def rebuild_index(self) -> None:
        """Index every live story, in a worker thread so the event loop keeps answering."""
        started = time.perf_counter()
        if self._pending_changes is None:
            self._pending_changes = []
        self._index_ready.clear()
        try:
            stories: Iterable[
                tuple[int, Sequence[Passage]]
            ] = await self.store.stories.live_passages()
            index = await asyncio.to_thread(_build_index, stories)
            for change in self._pending_changes:
                change(index)
            self.index = index
            log.info(
                "Search index: %d passages in %.1f s", len(index), time.perf_counter() - started
            )
        finally:
            self._pending_changes = None
            self._visible_ids.clear()
            self._index_ready.set()

    @property
    def index_is_ready(self) -> bool:
        return self._index_ready.is_set()

    async def index_ready(self) -> SearchIndex:
        """The search index, once it is built."""
        await self._index_ready.wait()
        return self.index

    def _change_index(self, change: IndexChange) -> None:
        if self._pending_changes is not None:
            self._pending_changes.append(change)
        else:
            change(self.index)
        self._visible_ids.clear()

    # ------------------------------------------------ other processes' changes

    async def follow_changes(self) -> None:
        """Apply what other processes sharing the store change, as they change it.

        Each change to the library is announced when it commits (PostgreSQL NOTIFY);
        the announcement only says "look": what changed is read from the audit log,
        after the last entry this process applied. So a change announced while this
        process was not listening (a lost connection, brought back) is applied all the
        same. Call before `start`, so nothing committed while the index builds is lost.
        A SQLite store has no other process, and nothing happens.
        """
        self._seen_change = await self.store.audit.last_id()
        self._stop_listening = await self.store.db.listen(self._changes_announced)

    async def stop_following(self) -> None:
        if self._stop_listening is not None:
            await self._stop_listening()
            self._stop_listening = None
        for task in list(self._catching_up):
            task.cancel()

    def _changes_announced(self) -> None:
        task = asyncio.get_running_loop().create_task(self.catch_up())
        self._catching_up.add(task)
        task.add_done_callback(self._catching_up.discard)

    async def catch_up(self) -> int:
        """Apply every library change logged after the last one applied; how many."""
        applied = 0
        async with self._catch_up_lock:
            while changes := await self.store.audit.library_changes_after(self._seen_change):
                for change in changes:
                    await self._apply(change.action, change.story_id)
                    self._seen_change = change.id
                    applied += 1
                self._visible_ids.clear()
        return applied

    async def _apply(self, action: str, story_id: int) -> None:
        if action == "remove":
            self._change_index(lambda index: index.remove_story(story_id))
        elif action in ("add", "edit", "restore"):
            story = await self.store.stories.get_story(story_id)
            if story is not None and not story.removed:  # else a later entry says so
                passages = story.passages
                self._change_index(lambda index: index.add_story(story_id, passages))
        # hide and unhide change what a server sees: the cleared cache says it.

    # ----------------------------------------------------------------- writes

    async def add_story(
        self,
        parsed: ParsedStory,
        *,
        guild_id: int | None,
        actor_id: int | None = None,
        source_path: str | None = None,
    ) -> StorySummary:
        parsed, cast = analyse(parsed)
        summary = await self.store.stories.add_story(
            parsed, guild_id=guild_id, cast=cast, actor_id=actor_id, source_path=source_path
        )
        self.reindex(summary.id, parsed)
        return summary

    async def replace_story(
        self,
        story_id: int,
        parsed: ParsedStory,
        *,
        actor_id: int | None = None,
        source_path: str | None = None,
    ) -> StorySummary:
        parsed, cast = analyse(parsed)
        summary = await self.store.stories.replace_story(
            story_id, parsed, cast=cast, actor_id=actor_id, source_path=source_path
        )
        self.reindex(summary.id, parsed)
        return summary

    async def remove_story(self, story_id: int, actor_id: int) -> None:
        await self.store.stories.remove_story(story_id, actor_id)
        self._change_index(lambda index: index.remove_story(story_id))

    async def restore_story(self, story_id: int, actor_id: int) -> StorySummary:
        summary = await self.store.stories.restore_story(story_id, actor_id)
        passages = await self.store.stories.get_passages(story_id)
        self._change_index(lambda index: index.add_story(story_id, passages))
        return summary

    async def set_hidden(self, guild_id: int, story_id: int, actor_id: int, hidden: bool) -> None:
        await self.store.stories.set_hidden(guild_id, story_id, actor_id, hidden)
        self._visible_ids.pop(guild_id, None)

    def reindex(self, story_id: int, parsed: ParsedStory) -> None:
        """Make a saved story searchable; for saves made in a caller's own transaction."""
        passages = parsed.passages
        self._change_index(lambda index: index.add_story(story_id, passages))

    # ------------------------------------------------------------------ reads

    async def visible_ids(self, guild_id: int | None) -> frozenset[int]:
        """Cached per server; any change to the library clears it."""
        ids = self._visible_ids.get(guild_id)
        if ids is None:
            ids = frozenset(await self.store.stories.visible_story_ids(guild_id))
            self._visible_ids[guild_id] = ids
        return ids

    async def search(
        self,
        query: str,
        *,
        guild_id: int | None,
        story_ids: Sequence[int] | None = None,
        limit: int = 10,
    ) -> list[SearchHit]:
        """Passages matching `query` among the stories this server can see."""
        allowed = await self.visible_ids(guild_id)
        if story_ids is not None:
            allowed = allowed & frozenset(story_ids)
        index = await self.index_ready()
        hits = index.search(query, story_ids=allowed, limit=limit)
        return relevant(hits)

    async def suggest(self, query: str, *, guild_id: int | None) -> list[str]:
        index = await self.index_ready()
        return index.suggest(query, story_ids=await self.visible_ids(guild_id))

    # ------------------------------------------------------------ file loading

    async def load_paths(self, paths: Iterable[Path], *, index: bool = True) -> LoadReport:
        """Load files and folders as built-in stories, one transaction per file.

        Files are read and checked in order; their characters are extracted in
        parallel (bot.analysis); each is then written in order, so titles and
        duplicates are decided exactly as if the files came one by one.
        """
        report = LoadReport()
        files = find_story_files(paths, report)
        waiting: deque[_Analysing] = deque()
        with Analyser(len(files)) as analyser:
            for path in files:
                with _rejections(report, path):
                    parsed = await self._changed_file(path.resolve(), report)
                    if parsed is not None:
                        waiting.append(_Analysing(path, analyser.submit(parsed)))
                while waiting and (
                    len(waiting) >= analyser.in_flight_limit or waiting[0].result.done()
                ):
                    await self._store_analysed(waiting.popleft(), report, index=index)
            while waiting:
                await self._store_analysed(waiting.popleft(), report, index=index)
        return report

    async def _changed_file(self, path: Path, report: LoadReport) -> ParsedStory | None:
        """The file's story, or None when it is stored already as it is."""
        parsed = parse_story(await asyncio.to_thread(path.read_bytes), path.name)
        if await self.store.stories.hash_for_source(str(path)) == parsed.content_hash:
            report.unchanged.append(str(path))
            return None
        return parsed

    async def _store_analysed(self, item: _Analysing, report: LoadReport, *, index: bool) -> None:
        with _rejections(report, item.path):
            parsed, cast = await item.result
            await self._store_file(item.path.resolve(), parsed, cast, report, index=index)

    async def _store_file(
        self, path: Path, parsed: ParsedStory, cast: Cast, report: LoadReport, *, index: bool
    ) -> None:
        source = str(path)
        # Checked here, not before analysis: an earlier file of this same load may
        # have just stored the same text or taken the title.
        if await self._adopt_moved_file(parsed, source):
            report.unchanged.append(source)
            return
        existing = await self.store.stories.story_for_source(source)
        parsed = await self._with_free_title(parsed, exclude_id=existing.id if existing else None)
        if existing is None:
            summary = await self.store.stories.add_story(
                parsed, guild_id=None, source_path=source, cast=cast
            )
            report.added.append(summary.title)
        else:
            summary = await self.store.stories.replace_story(
                existing.id, parsed, source_path=source, cast=cast
            )
            report.updated.append(summary.title)
        report.sources[summary.title] = source
        if index:
            self.reindex(summary.id, parsed)

    async def _adopt_moved_file(self, parsed: ParsedStory, source: str) -> bool:
        """Same text already stored: a moved file (adopted) or a duplicate (rejected)."""
        for story in await self.store.stories.builtins_with_hash(parsed.content_hash):
            if story.source_path == source:
                continue
            old_path = story.source_path
            moved = story.summary.is_builtin and (
                old_path is None or not await asyncio.to_thread(Path(old_path).exists)
            )
            if moved and await self.store.stories.story_for_source(source) is None:
                await self.store.stories.set_source_path(story.id, source)
                return True
            raise StoryRejected(f"same text as the story “{story.title}” already in the library.")
        return False

    async def _with_free_title(self, parsed: ParsedStory, *, exclude_id: int | None) -> ParsedStory:
        """Derived titles get a number when taken; a chosen title that is taken is an error."""
        owner = await self.store.stories.title_owner(parsed.title, None, exclude_id=exclude_id)
        if owner is None:
            return parsed
        if not parsed.title_was_derived:
            raise StoryRejected(f"a story titled “{parsed.title}” is already in the library.")
        number = 2
        while await self.store.stories.title_owner(
            f"{parsed.title} ({number})", None, exclude_id=exclude_id
        ):
            number += 1
        return replace(parsed, title=f"{parsed.title} ({number})")
