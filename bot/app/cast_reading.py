"""Reading the characters of stories a big load stored without them.

A load of thousands of files stores titled stories with their cast pending (see
bot.app.loading): reading characters costs 10-30 ms a story, nine tenths of a load
that reads them. The casts are read here afterwards, a batch at a time, off the event loop
(in worker processes), and stored one transaction a batch. Until a story's cast is
stored, what needs it says "still reading this story" (`StillReading`), and the
character catalogues pick the new casts up when the batch's audit entry lands.

Two readers: `read_pending_casts` with every core, for `conteur load` (which waits and
shows progress), and `BackgroundCastReading` in the running bot, on the one worker
process its previews use, one story at a time so a preview never waits long. The bot
starts it at start-up too, so a load interrupted before its casts were read is
completed by the next `conteur run` (or the next `conteur load`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.app.analysis import Analyser, BackgroundAnalyser
from bot.core.cast import Cast
from bot.storage import Store
from bot.storage.casts import PendingStory, ReadCast

log = logging.getLogger(__name__)

# Stories read, then stored in one transaction: a crash loses at most this many readings
# (they stay pending and are read again), and the catalogues rebuild at most once a batch.
BATCH_SIZE = 64

ReadOne = Callable[[PendingStory], Awaitable[Cast]]
Progress = Callable[[int, int], None]  # (stories read, stories to read)


async def read_pending_casts(
    store: Store, read: ReadOne, *, in_flight: int, progress: Progress | None = None
) -> int:
    """Read and store the cast of every story pending now (and of any made pending
    meanwhile further on); returns how many were stored.

    A story whose reading fails is left pending, to be tried again by the next reader,
    so one bad text never stops the others; the first failure is logged with its
    traceback, the rest counted. A batch where every reading fails (the workers cannot
    start, say) ends the pass: the next reader tries again.
    """
    total = await store.casts.pending_total()
    limit = asyncio.Semaphore(in_flight)
    done = stored = after_id = failed = 0

    async def read_one(story: PendingStory) -> ReadCast | None:
        nonlocal failed
        async with limit:
            try:
                return ReadCast(story.id, story.content_hash, await read(story))
            except Exception:
                failed += 1
                if failed == 1:
                    log.exception("Could not read the characters of story %d", story.id)
                return None

    while batch := await store.casts.pending_stories(BATCH_SIZE, after_id=after_id):
        after_id = batch[-1].id
        reads = [r for r in await asyncio.gather(*(read_one(s) for s in batch)) if r is not None]
        stored += await store.casts.store_read_casts(reads)
        done += len(batch)
        if progress is not None:
            progress(min(done, total), max(total, done))
        if not reads:
            break
    if failed:
        log.warning("Could not read the characters of %d stories; they stay pending", failed)
    return stored


async def read_casts_with_every_core(store: Store, progress: Progress | None = None) -> int:
    """`conteur load`'s reading after the load: worker processes on every core."""
    total = await store.casts.pending_total()
    if not total:
        return 0
    with Analyser(total) as analyser:

        def read(story: PendingStory) -> Awaitable[Cast]:
            return analyser.read_cast(story.title, story.passages)

        return await read_pending_casts(
            store, read, in_flight=analyser.in_flight_limit, progress=progress
        )


class BackgroundCastReading:
    """The running bot's reader: one task, started again whenever a load adds work."""

    def __init__(self, store: Store, analyser: BackgroundAnalyser) -> None:
        self._store = store
        self._analyser = analyser
        self._task: asyncio.Task[None] | None = None
        self._again = False

    def start(self) -> None:
        """Read whatever is pending; if already reading, go round once more at the end
        (a load may have added stories behind the reader)."""
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        def read(story: PendingStory) -> Awaitable[Cast]:
            return self._analyser.read_cast(story.title, story.passages)

        while True:
            self._again = False
            try:
                stored = await read_pending_casts(self._store, read, in_flight=1)
            except Exception:  # the store went away or failed: the next start tries again
                log.exception("Reading pending characters stopped")
                return
            if stored:
                log.info("Read the characters of %d stories", stored)
            if not self._again:
                return

    async def finished(self) -> None:
        """Wait until nothing started is still being read (tests, the console)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None
