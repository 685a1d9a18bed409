"""The search index as the running bot keeps it.

- Saved beside the database and opened at start-up, then brought up to date; without a
  usable file, built from a read-only connection of its own (in a plain thread for a big
  library, while `/search` answers at once "the library is being indexed (n %)").
- Searched and updated off the event loop, in one thread of its own: at a million
  passages a search or a compaction takes long enough to delay every other interaction.
- Kept in step with the database, including writes by another process (`conteur load`
  while the bot runs): before a search, `PRAGMA data_version` tells whether anyone else
  committed; only then are the stories' stamps compared and what changed re-indexed.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import hashlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Collection, Coroutine, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from bot.app.index_stamps import Stamps
from bot.core.models import Passage
from bot.core.search import SearchHit, SearchIndex, snapshot
from bot.core.search.blobs import IndexDamaged
from bot.errors import Busy
from bot.storage import Store

log = logging.getLogger(__name__)
_T = TypeVar("_T")

IndexChange = Callable[[SearchIndex], None]
Fingerprint = tuple[int, int, int, str]
# Up to this many passages the start-up build is awaited (about a second here): a small
# library is searchable as soon as the bot is up, and only big ones answer "being indexed".
INLINE_BUILD_PASSAGES = 20_000
# Catching up with more changed stories than this runs in the background (the search
# answers from the index as it is): indexing 2,000 new stories takes about a second.
CATCH_UP_INLINE = 200
# /search shows its first page of 5 hits: their texts and highlights are made in the
# worker thread with the search, so the event loop only cuts snippets. The other pages'
# are made if a reader turns to them (a fifth of a millisecond a page).
PREPARED_HITS = 5
SNAPSHOT_SUFFIX = ".search-index"
# Searches run in worker threads and hold the interpreter lock while they compute: the
# event loop gets it back after at most this long plus the longest single C-level step
# of a search (under a millisecond: big steps are sliced, see ranking.py and scores.py).
# Python's default, 5 ms, would let one search delay every other interaction by 8 ms+;
# at 1 ms, a burst of 20 searches at 1M passages still stalled the loop 9 ms, at 0.5 ms
# 5 ms (bench/search.py). Only threads that both want the lock switch this often.
SWITCH_INTERVAL_S = 0.0005


def saved_index_file(
    local: Path | None, address: str, index_dir: Path | None = None
) -> Path | None:
    """Where the library's search index is saved between starts; None: nowhere.

    Beside a SQLite file (or in `index_dir`); for a PostgreSQL library only in
    `index_dir`, under a name made from the server's address (its password masked), so
    that two libraries never share one file. Each machine keeps its own copy: the index
    is read with `pread`, and a local file is what makes that cheap. `local` is the
    SQLite file (None for a server or memory), `address` the store's masked address.
    """
    if local is not None:
        return (index_dir or local.parent) / (local.name + SNAPSHOT_SUFFIX)
    if index_dir is None or not address.startswith(("postgresql:", "postgres:")):
        return None
    digest = hashlib.sha256(address.encode("utf-8")).hexdigest()[:16]
    return index_dir / f"postgresql-{digest}{SNAPSHOT_SUFFIX}"


def release_freed_memory() -> None:
    """Hand the heap pages a build freed back to the system.

    glibc keeps freed memory for reuse: after a build at 1M passages is dropped for the
    saved file, the process would stay hundreds of megabytes bigger than it needs.
    Elsewhere (another C library) this does nothing.
    """
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    # (No gc.collect() first: the index holds no reference cycles, so dropping it frees
    # it at once, and a full collection would hold the interpreter lock meanwhile.)
    trim(0)


class _Produced(NamedTuple):
    built: SearchIndex
    saved_stamps: Stamps | None  # an index opened from its file: the stamps saved with it
    # Opened and current (fingerprints match): the data_version it is current at.
    current_at: int | None


def _build_index(stories: Iterable[tuple[int, Sequence[Passage]]]) -> SearchIndex:
    index = SearchIndex()
    index.add_stories(stories)
    return index


def _prepared_search(
    index: SearchIndex, query: str, story_ids: Collection[int] | None, limit: int
) -> list[SearchHit]:
    hits = index.search(query, story_ids=story_ids, limit=limit)
    for hit in hits[:PREPARED_HITS]:
        hit.highlights  # noqa: B018 (made here, off the event loop)
    return hits


def _log_failure(task: asyncio.Task[None]) -> None:
    # A catch-up that fails (the database closed under it at shutdown) is retried by the
    # next search's check; it is logged, never left for asyncio to report as unretrieved.
    if not task.cancelled() and (error := task.exception()) is not None:
        log.warning("%s failed: %s", task.get_name(), error)


class LiveIndex:
    """One SearchIndex, its background build and its catching up with the database."""

    def __init__(
        self, store: Store, on_change: Callable[[], None], index_dir: Path | None = None
    ) -> None:
        if sys.getswitchinterval() > SWITCH_INTERVAL_S:
            sys.setswitchinterval(SWITCH_INTERVAL_S)
        self.store = store
        self.index = SearchIndex()
        self._on_change = on_change
        # While a build runs, changes wait here and are applied to the new index before
        # anyone may search it.
        self._pending: list[IndexChange] | None = None
        self._ready = asyncio.Event()
        self._ready.set()
        self._indexed_passages = 0
        self._total_passages = 0
        # The stories as last indexed, and the data_version they were read at; None until
        # a build ran (a Library used without start() keeps only its own writes in step).
        self._stamps: Stamps | None = None
        self._fingerprint: Fingerprint | None = None
        self._data_version: int | None = None
        self._catching_up = asyncio.Lock()
        self._background: set[asyncio.Task[None]] = set()
        self._thread: ThreadPoolExecutor | None = None  # searches and changes (_in_thread)
        # The index is saved (beside the database, or in index_dir) and opened at the
        # next start.
        self.snapshot_path = saved_index_file(store.local_file, store.path, index_dir)
        # How the last build got its index: "opened" (the saved file) or "indexed".
        self.origin: str | None = None

    @property
    def is_ready(self) -> bool:
        return self._ready.is_set()

    @property
    def progress_percent(self) -> int:
        if self._ready.is_set():
            return 100
        total = max(1, self._total_passages)
        return min(99, 100 * self._indexed_passages // total)

    async def build_in_background(self) -> None:
        """Make the index searchable, returning as soon as searches can be told the truth.

        A saved index is opened (a second at a million passages) and a small library is
        indexed (a second or less) before this returns; otherwise the build runs in a
        plain thread, and until it ends a search answers at once how far it has got.
        A thread, not an asyncio task: nothing waits on it but those searches (the
        offline console's simulated Discord would take a minute-long build for
        unfinished work and give up).
        """
        self._ready.clear()  # at once: a search from now on knows
        self._pending = []
        started = time.perf_counter()
        opened = await self._open_current()
        if opened is not None:
            self._finish(opened, started)
            return
        stories = await self._prepare()
        if self._total_passages <= INLINE_BUILD_PASSAGES:
            self._finish(await asyncio.to_thread(self._indexed, stories), started)
            return
        loop = asyncio.get_running_loop()

        def run() -> None:
            produced: _Produced | None = None
            try:
                produced = self._indexed(stories)
            except Exception:
                log.exception("Search index build failed; the old index keeps serving")
            with contextlib.suppress(RuntimeError):  # the loop closed: the bot stopped
                loop.call_soon_threadsafe(self._finish, produced, started)

        threading.Thread(target=run, name="search-index", daemon=True).start()

    async def build(self) -> None:
        """Open the saved index or index every live story, in a worker thread."""
        if self._pending is None:
            self._pending = []
        self._ready.clear()
        started = time.perf_counter()
        produced: _Produced | None = None
        try:
            produced = await self._open_current()
            if produced is None:
                stories = await self._prepare()
                produced = await asyncio.to_thread(self._indexed, stories)
        finally:
            self._finish(produced, started)

    def _indexed(self, stories: Iterable[tuple[int, Sequence[Passage]]]) -> _Produced:
        """In a worker thread: a new build, saved for the next start before it serves (so
        the save needs no lock and no second copy of the index in memory).

        Once saved, the file is what serves: a built index holds its texts and posting
        lists in memory, an opened one leaves them in the file (a quarter of the memory).
        """
        index = _build_index(self._counted(stories))
        stamps, fingerprint = self._stamps, self._fingerprint
        if (
            stamps is not None
            and fingerprint is not None
            and self._save(index, stamps, fingerprint)
        ):
            opened = self._open_saved()
            if opened is not None:
                index = opened[0]
                release_freed_memory()
        return _Produced(index, None, None)

    async def _open_current(self) -> _Produced | None:
        """The saved index, if there is a usable one, and whether it is current."""
        if self.snapshot_path is None or not self.snapshot_path.exists():
            return None
        # Read before opening: a commit from now on shows as a new data_version.
        version = await self.store.search_feed.data_version()
        fingerprint = await self.store.search_feed.fingerprint()
        opened = await asyncio.to_thread(self._open_saved)
        if opened is None:
            return None
        index, stamps, saved_fingerprint = opened
        return _Produced(index, stamps, version if saved_fingerprint == fingerprint else None)

    def _open_saved(self) -> tuple[SearchIndex, Stamps, Fingerprint] | None:
        """In a worker thread: the saved index, the stamps and fingerprint it was saved
        with, if the file is usable."""
        path = self.snapshot_path
        if path is None or not path.exists():
            return None
        try:
            with path.open("rb") as file:
                index, meta = snapshot.load(file)
            stamps, fingerprint = Stamps.from_saved(meta["stamps"]), tuple(meta["fingerprint"])
            if len(fingerprint) != 4:
                raise ValueError("meta of another shape")
        except (OSError, snapshot.SnapshotUnusable, KeyError, TypeError, ValueError) as error:
            log.warning("Saved search index %s not used (%s): rebuilding", path, error)
            return None
        return index, stamps, fingerprint

    def _save(self, index: SearchIndex, stamps: Stamps, fingerprint: Fingerprint) -> bool:
        """Save the index beside the database; a failure only costs the next start time."""
        path = self.snapshot_path
        if path is None:
            return False
        # Its own temporary name: processes of one PostgreSQL library on one machine
        # save the same file, and two writers of one temporary file would mix them.
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with temporary.open("wb") as file:
                meta = {"stamps": stamps.saved(), "fingerprint": fingerprint}
                snapshot.save(index, file, meta)
            temporary.replace(path)  # whole or not at all
        except OSError:
            log.exception("Could not save the search index to %s", path)
            with contextlib.suppress(OSError):  # a full disk keeps no half file
                temporary.unlink(missing_ok=True)
            return False
        return True

    async def _prepare(self) -> Iterable[tuple[int, Sequence[Passage]]]:
        """What the build reads first; then the stories to index."""
        # In this order: a commit between these reads or during the build shows as a
        # new data_version at the next check (and a new fingerprint at the next start),
        # and is indexed again then (harmless).
        self._data_version = await self.store.search_feed.data_version()
        self._fingerprint = await self.store.search_feed.fingerprint()
        self._stamps = await self._read_stamps()
        self._total_passages = await self.store.search_feed.live_passage_count()
        self._indexed_passages = 0
        return await self.store.stories.live_passages()

    async def _read_stamps(self) -> Stamps:
        stamps = await self.store.search_feed.live_story_stamps()
        return await asyncio.to_thread(Stamps.of, stamps)

    def _finish(self, produced: _Produced | None, started: float) -> None:
        """On the event loop: changes made during the build, then the index is served.

        `produced` is None when the build failed: the old index (maybe empty) keeps
        serving. An index opened from its file comes with the stamps it was saved with;
        unless the database's fingerprint says nothing changed since, what changed is
        indexed at once (`catch_up`).
        """
        catch_up = False
        try:
            if produced is None:
                return
            for change in self._pending or ():
                change(produced.built)  # a few stories at most: milliseconds
            self.index = produced.built
            opened = produced.saved_stamps is not None
            self.origin = "opened" if opened else "indexed"
            log.info(
                "Search index: %d passages %s in %.1f s",
                len(produced.built),
                self.origin,
                time.perf_counter() - started,
            )
            if produced.saved_stamps is not None:
                self._stamps = produced.saved_stamps
                self._data_version = produced.current_at
                catch_up = produced.current_at is None
        finally:
            self._pending = None
            self._on_change()
            self._ready.set()
        if catch_up:
            self._spawn(self.catch_up(), "search-index-catch-up")

    def _counted(
        self, stories: Iterable[tuple[int, Sequence[Passage]]]
    ) -> Iterator[tuple[int, Sequence[Passage]]]:
        for story_id, passages in stories:
            self._indexed_passages += len(passages)  # read by the loop: an int is atomic
            yield story_id, passages

    async def ready(self, *, wait_for_build: bool = False) -> SearchIndex:
        """The index, up to date with the database.

        While it is being built, raises Busy at once saying how far the build has got
        (or, with `wait_for_build`, waits as long as it takes).
        """
        if not self._ready.is_set():
            if not wait_for_build:
                raise Busy(
                    f"The library is being indexed ({self.progress_percent} %).",
                    hint="Searching works in a few seconds: try again then.",
                )
            await self._ready.wait()
        await self.catch_up()
        return self.index

    async def search(
        self, query: str, *, story_ids: Collection[int] | None, limit: int
    ) -> list[SearchHit]:
        """`SearchIndex.search` in the index's thread (after `ready()`, which catches up)."""
        try:
            return await self._in_thread(_prepared_search, self.index, query, story_ids, limit)
        except IndexDamaged as error:
            raise self._damaged(error) from error

    async def suggest(self, query: str, *, story_ids: Collection[int] | None) -> list[str]:
        """`SearchIndex.suggest` in the index's thread (after `ready()`)."""
        try:
            return await self._in_thread(partial(self.index.suggest, story_ids=story_ids), query)
        except IndexDamaged as error:
            raise self._damaged(error) from error

    def _in_thread(self, function: Callable[..., _T], *args: Any) -> asyncio.Future[_T]:
        """`function(*args)` in the index's own thread, after the searches and changes
        already waiting.

        One thread, not asyncio's pool: the index's lock lets one search or change run
        at a time anyway, and a burst of 20 searches made the pool start five more
        threads, each taking the interpreter lock from the event loop as it starts.
        """
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-index")
        return asyncio.get_running_loop().run_in_executor(self._thread, function, *args)

    async def apply(self, change: IndexChange) -> None:
        """Apply a change made through this process, off the event loop."""
        if self._pending is not None:
            self._pending.append(change)
        else:
            try:
                await self._in_thread(change, self.index)
            except IndexDamaged as error:
                # The change is in the database: the rebuild reads it from there.
                self._damaged(error)
        self._on_change()

    def _damaged(self, error: IndexDamaged) -> Busy:
        """The saved file the index reads from was damaged after it was opened (a disk
        error, a hand edit): nothing it says can be trusted. It is deleted and the index
        rebuilt from the database, and meanwhile searches say so."""
        if self._ready.is_set():
            log.error("Saved search index damaged (%s): rebuilding from the database", error)
            if self.snapshot_path is not None:
                self.snapshot_path.unlink(missing_ok=True)
            self._ready.clear()  # at once: searches from now on answer Busy
            self._indexed_passages = 0
            self._spawn(self.build_in_background(), "search-index-rebuild")
        return Busy(
            f"The library is being indexed ({self.progress_percent} %).",
            hint="Searching works in a few seconds: try again then.",
        )

    async def catch_up(self) -> None:
        """Index what other processes changed in the database since the last look."""
        if self._stamps is None or self._pending is not None:
            return
        if await self.store.search_feed.data_version() == self._data_version:
            return
        async with self._catching_up:
            version = await self.store.search_feed.data_version()
            if version == self._data_version:
                return  # another search caught up meanwhile
            self._data_version = version
            stamps = await self._read_stamps()
            changed, removed = await asyncio.to_thread(self._stamps.changes, stamps)
            self._stamps = stamps
            self._on_change()  # built-ins may have come or gone: visible ids change
            if not changed and not removed:
                return
            log.info("Search index: catching up with %d changed stories", len(changed))
            if len(changed) <= CATCH_UP_INLINE:
                await self._reindex(changed, removed)
            else:
                self._spawn(self._reindex(changed, removed), "search-index-catch-up")

    async def _reindex(self, changed: list[int], removed: list[int]) -> None:
        passages = await self.store.search_feed.passages_of(changed)

        def update(index: SearchIndex) -> None:
            for story_id in removed:
                index.remove_story(story_id)
            index.add_stories(passages.items())

        await self.apply(update)

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(_log_failure)

    async def wait_idle(self) -> None:
        """Wait for background builds and catch-ups (tests, benchmarks, shutdown)."""
        await self._ready.wait()
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
