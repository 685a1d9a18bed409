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
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import replace
from types import TracebackType

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


class Analyser:
    """`analyse` in worker processes when there are many stories, in place otherwise."""

    def __init__(self, story_count: int, *, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool: Executor | None = None
        if story_count >= POOL_THRESHOLD and self.workers > 1:
            # spawn, not fork: the process already runs SQLite's and asyncio's threads.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)

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
