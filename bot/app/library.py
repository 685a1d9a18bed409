"""The library: the database, the search index and the character data, kept together.

Every change to which stories exist or what they say goes through here, so a story
added, edited, removed or hidden is searchable (or gone) at once, without a restart.
Publishing a moderator's draft saves inside the draft's own transaction
(`bot.app.moderation.publish`) and then calls `reindex` once it has committed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import timedelta
from pathlib import Path

from bot.app.analysis import POOL_THRESHOLD, BackgroundAnalyser
from bot.app.analysis import analyse as analyse  # re-exported: moderation previews use it
from bot.app.cast_reading import BackgroundCastReading, read_casts_with_every_core
from bot.app.cast_reading import Progress as ReadingProgress
from bot.app.indexing import IndexChange, LiveIndex
from bot.app.loading import STORY_SUFFIXES as STORY_SUFFIXES  # re-exported: uploads check it
from bot.app.loading import LoadReport as LoadReport  # re-exported: admin reports it
from bot.app.loading import Progress, Written, find_story_files, load_files
from bot.app.preview_limits import PreviewLimits
from bot.app.visible_ids import VisibleIds
from bot.core.models import ParsedStory, StorySummary
from bot.core.search import SearchHit, SearchIndex
from bot.storage import Store

log = logging.getLogger(__name__)

RESTORE_WINDOW = timedelta(days=30)
# From this many files a load stores titled stories first and reads their characters
# after (bot.app.cast_reading); below it, worker start-up costs more than waiting saves.
DEFER_CASTS_FROM = POOL_THRESHOLD


# A hit far weaker than the best one matched only a stray word or two; showing
# it buries the answer (searching "eifel tower at sunst" must not list every "life").
RELATIVE_RELEVANCE = 0.5
MINIMUM_RELEVANCE = 15.0


def relevant(hits: list[SearchHit]) -> list[SearchHit]:
    if not hits:
        return hits
    floor = max(MINIMUM_RELEVANCE, hits[0].score * RELATIVE_RELEVANCE)
    return [hit for hit in hits if hit.score >= floor]


class Library:
    def __init__(self, store: Store, *, index_dir: Path | None = None) -> None:
        self.store = store
        self._visible_ids = VisibleIds(store.stories.visible_story_ids)
        self.live_index = LiveIndex(store, on_change=self._visible_ids.clear, index_dir=index_dir)
        self._stop_listening: Callable[[], Awaitable[None]] | None = None
        self._catching_up: set[asyncio.Task[None]] = set()
        self.preview_limits = PreviewLimits(store.clock)
        # Previews' and publishes' character extraction, off the event loop.
        self.analyser = BackgroundAnalyser()
        # The casts big loads left to read, read on the same worker (bot.app.cast_reading).
        self.cast_reading = BackgroundCastReading(store, self.analyser)

    @property
    def index(self) -> SearchIndex:
        return self.live_index.index

    async def start(
        self,
        stories_dir: Path,
        *,
        index_in_background: bool = False,
        read_casts_in_background: bool = False,
    ) -> LoadReport:
        """Load new or changed built-in stories, purge old removals, build the search index.

        With `index_in_background`, start returns before the index is built (seconds at
        100,000 passages), so the bot connects at once (see bot.app.indexing). With
        `read_casts_in_background` (the running bot), characters left to read (by this
        load, or by a `conteur load` stopped before it read them) are read meanwhile.
        """
        report = await self.load_paths([stories_dir], index=False)
        if read_casts_in_background:
            self.cast_reading.start()
        for path, reason in report.rejected:
            log.warning("Built-in story %s rejected: %s", path, reason)
        purged = await self.store.stories.purge_removed(self.store.clock() - RESTORE_WINDOW)
        if purged:
            log.info("Deleted %d stories removed more than 30 days ago", purged)
        if index_in_background:
            await self.live_index.build_in_background()
        else:
            await self.rebuild_index()
        return report

    async def rebuild_index(self) -> None:
        await self.live_index.build()

    # ------------------------------------------------ other processes' changes

    async def follow_changes(self) -> None:
        """Apply what other processes sharing the store change, as they change it.

        Each change to the library is announced when it commits (PostgreSQL NOTIFY).
        The announcement only says "look": the index then catches up as before any
        search (the stories' stamps compared, what changed re-indexed), and the
        visibility caches are dropped (a story hidden elsewhere). A change announced
        while this process was not listening (a lost connection, brought back) is
        found the same way. A SQLite store has no other process: nothing happens.
        """
        self._stop_listening = await self.store.db.listen(self._changes_announced)

    async def stop_following(self) -> None:
        if self._stop_listening is not None:
            await self._stop_listening()
            self._stop_listening = None
        for task in list(self._catching_up):
            task.cancel()

    def _changes_announced(self) -> None:
        self._visible_ids.clear()
        task = asyncio.get_running_loop().create_task(self.live_index.catch_up())
        self._catching_up.add(task)
        task.add_done_callback(self._catching_up.discard)

    @property
    def index_is_ready(self) -> bool:
        return self.live_index.is_ready

    async def index_ready(self) -> SearchIndex:
        """The search index, once it is built (however long that takes)."""
        return await self.live_index.ready(wait_for_build=True)

    async def _change_index(self, change: IndexChange) -> None:
        await self.live_index.apply(change)

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
        await self.reindex(summary.id, parsed)
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
        await self.reindex(summary.id, parsed)
        return summary

    async def remove_story(self, story_id: int, actor_id: int) -> None:
        await self.store.stories.remove_story(story_id, actor_id)
        await self._change_index(lambda index: index.remove_story(story_id))

    async def restore_story(self, story_id: int, actor_id: int) -> StorySummary:
        summary = await self.store.stories.restore_story(story_id, actor_id)
        passages = await self.store.stories.get_passages(story_id)
        await self._change_index(lambda index: index.add_story(story_id, passages))
        return summary

    async def set_hidden(self, guild_id: int, story_id: int, actor_id: int, hidden: bool) -> None:
        await self.store.stories.set_hidden(guild_id, story_id, actor_id, hidden)
        self._visible_ids.forget(guild_id)

    async def reindex(self, story_id: int, parsed: ParsedStory) -> None:
        """Make a saved story searchable; for saves made in a caller's own transaction."""
        passages = parsed.passages
        await self._change_index(lambda index: index.add_story(story_id, passages))

    # ------------------------------------------------------------------ reads

    async def visible_ids(self, guild_id: int | None) -> frozenset[int]:
        """Cached (see bot.app.visible_ids); any change to the library clears it."""
        return await self._visible_ids.of(guild_id)

    async def search(
        self,
        query: str,
        *,
        guild_id: int | None,
        story_ids: Sequence[int] | None = None,
        limit: int = 10,
    ) -> list[SearchHit]:
        """Passages matching `query` among the stories this server can see."""
        await self.live_index.ready()  # first: catching up may change the visible ids
        allowed = await self.visible_ids(guild_id)
        if story_ids is not None:
            allowed = allowed & frozenset(story_ids)
        hits = await self.live_index.search(query, story_ids=allowed, limit=limit)
        return relevant(hits)

    async def suggest(self, query: str, *, guild_id: int | None) -> list[str]:
        await self.live_index.ready()
        allowed = await self.visible_ids(guild_id)
        return await self.live_index.suggest(query, story_ids=allowed)

    # ------------------------------------------------------------ file loading

    async def load_paths(
        self,
        paths: Iterable[Path],
        *,
        index: bool = True,
        progress: Progress | None = None,
        defer_casts: bool | None = None,
    ) -> LoadReport:
        """Load files and folders as built-in stories (bot.app.loading), in file order.

        `defer_casts` (by default: when there are enough files for it to pay) stores titled
        stories with their characters still to read: `read_casts` or `cast_reading.start`
        reads them.
        """
        report = LoadReport()
        files = find_story_files(paths, report)
        await load_files(
            self.store,
            files,
            report,
            on_written=self._index_written if index else None,
            progress=progress,
            defer_casts=len(files) >= DEFER_CASTS_FROM if defer_casts is None else defer_casts,
        )
        if not index:
            self._visible_ids.clear()
        return report

    async def read_casts(self, progress: ReadingProgress | None = None) -> int:
        """Read every pending cast now, on every core (`conteur load` after its load)."""
        return await read_casts_with_every_core(self.store, progress)

    async def _index_written(self, written: Written) -> None:
        stories = [(story_id, parsed.passages) for story_id, parsed in written]
        await self._change_index(lambda search_index: search_index.add_stories(stories))
