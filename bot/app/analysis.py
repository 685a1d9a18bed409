"""Character extraction for many stories at once, on every core.

Extraction is pure CPU (a few milliseconds a story), so loading thousands of files
spends most of its time there. A pool of worker processes does it while the event
loop writes the stories already analysed; a handful of files is analysed in place,
since starting workers costs more than it saves.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from types import TracebackType

from bot.app.cast_transfer import PackedCast, pack_cast, unpack_cast
from bot.core.cast import Cast
from bot.core.characters import extract_cast
from bot.core.models import ParsedStory

# Below this many stories to analyse, worker start-up (~0.3 s) costs more than it saves.
POOL_THRESHOLD = 64


def analyse(parsed: ParsedStory) -> tuple[ParsedStory, Cast]:
    """Characters and places; an untitled story is named after its protagonist."""
    # A chosen title may name the protagonist ("Désirée's Baby"); a derived one is ours.
    cast = extract_cast(parsed.passages, title=None if parsed.title_was_derived else parsed.title)
    if parsed.title_was_derived and cast.protagonist is not None:
        parsed = replace(parsed, title=f"The Story of {cast.protagonist.name}")
    return parsed, cast


def analyse_packed(parsed: ParsedStory, facts: bool) -> tuple[str, PackedCast]:
    """`analyse` for the live bot's worker: what comes back is the title and the cast as
    plain tuples (see bot/app/cast_transfer.py), not the story and the cast as objects."""
    analysed, cast = analyse(parsed)
    return analysed.title, pack_cast(cast, facts=facts)


# How often a worker checks that the process that started it is still there.
PARENT_CHECK_S = 0.5


def die_with_parent(parent_pid: int) -> None:
    """In a worker: exit as soon as the parent is gone.

    A parent killed with SIGKILL runs no clean-up, and an idle worker blocked on its
    task queue would otherwise live on (3 workers, ~110 MB, after 19 of 20 kills of
    `conteur load`). An orphan is adopted by another process, so its parent id
    changes: a daemon thread watches for that.
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_S)
        os._exit(1)  # no clean-up to run: the parent that wanted the results is gone

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


class Analyser:
    """`analyse` in worker processes when there are many stories, in place otherwise."""

    def __init__(self, story_count: int, *, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool: Executor | None = None
        if story_count >= POOL_THRESHOLD and self.workers > 1:
            # spawn, not fork: the process already runs SQLite's and asyncio's threads.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=context,
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            )

    @property
    def in_flight_limit(self) -> int:
        """How many stories may wait for analysis at once (bounds memory, keeps cores fed)."""
        return 8 * self.workers if self._pool else 1

    def submit(self, parsed: ParsedStory) -> asyncio.Future[tuple[ParsedStory, Cast]]:
        loop = asyncio.get_running_loop()
        if self._pool is None:
            future: asyncio.Future[tuple[ParsedStory, Cast]] = loop.create_future()
            future.set_result(analyse(parsed))
            return future
        return loop.run_in_executor(self._pool, analyse, parsed)

    def __enter__(self) -> Analyser:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


class BackgroundAnalyser:
    """One worker process for the live bot's previews and publishes.

    Extraction is pure Python: in a thread it still holds the interpreter lock for long
    stretches (one regular expression over 152 KB cannot be interrupted), and the event
    loop stalled for everyone while a name-heavy text was analysed. A process of its
    own leaves the loop free. Started on first use (spawn costs about a second, once),
    and ended with the bot, or with its death (see `die_with_parent`).
    """

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    async def analyse(self, parsed: ParsedStory, *, facts: bool = True) -> tuple[ParsedStory, Cast]:
        """The story (titled, if untitled) and its cast; without `facts`, only who and
        where (a preview's needs: a name-heavy text's facts are ~100,000 objects)."""
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                1, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
            )
        loop = asyncio.get_running_loop()
        try:
            title, packed = await loop.run_in_executor(self._pool, analyse_packed, parsed, facts)
        except BrokenProcessPool:
            # The worker died (killed, out of memory): a fresh one for the next story.
            self._pool = None
            raise
        cast = await unpack_cast(packed)
        return (parsed if title == parsed.title else replace(parsed, title=title)), cast

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
