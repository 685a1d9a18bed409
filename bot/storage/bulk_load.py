"""Loading many story files at once: what a load must know, read once; writes in batches.

`open_load_writer` gives a load its writer: `BulkWriter` for a SQLite file (below), or
`RepositoryWriter` for a store on a server, which writes each batch through the
repositories in one transaction (a server's round trips are what a batch saves on
SQLite; PostgreSQL is not the zero-setup path, and its loads take seconds more).


`conteur load` of 10,000 files used to cost 29 aiosqlite round trips a story, 18 of
them reads (is this file stored, is its text, is its title taken, is its slug free).
Here those questions are answered from `LoadSnapshot`, read once at the start and kept
up to date by the load itself, and the writes go in one transaction per batch on a
plain sqlite3 connection of the load's own (used from one worker thread). The rows
written are exactly those of `StoryStore.add_story` / `replace_story` /
`set_source_path`; a failed batch rolls back whole, so a crash never leaves part of a
story.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.core.cast import Cast
from bot.core.clock import Clock, utc_text
from bot.core.models import ParsedStory
from bot.core.text import fold
from bot.storage.database import (
    BUSY_BACKOFF_FIRST,
    BUSY_BACKOFF_MAX,
    BUSY_RETRIES,
    Database,
    is_busy,
)
from bot.storage.rows import (
    DELETE_CHARACTERS,
    DELETE_PASSAGES,
    DELETE_PLACES,
    INSERT_AUDIT,
    INSERT_CHARACTER,
    INSERT_NEXT_VERSION,
    INSERT_PASSAGE,
    INSERT_PLACE,
    INSERT_STORY,
    SLUGS_LIKE,
    UPDATE_STORY,
    character_rows,
    free_slug,
    passage_rows,
    place_rows,
    slug_query,
    story_row,
    story_update_row,
    version_row,
)

if TYPE_CHECKING:
    from bot.storage.stories import StoryRepository


@dataclass(slots=True)
class KnownStory:
    id: int
    title: str
    content_hash: str
    source_path: str | None
    guild_id: int | None
    live: bool

    @property
    def live_builtin(self) -> bool:
        return self.live and self.guild_id is None


@dataclass
class LoadSnapshot:
    """The library as a load sees it; the load updates it as it decides each file."""

    by_source: dict[str, KnownStory] = field(default_factory=dict)
    by_hash: dict[str, list[KnownStory]] = field(default_factory=lambda: defaultdict(list))
    by_title_key: dict[str, list[KnownStory]] = field(default_factory=lambda: defaultdict(list))

    def remember(self, story: KnownStory) -> None:
        if story.source_path is not None:
            self.by_source[story.source_path] = story
        self.by_hash[story.content_hash].append(story)
        self.by_title_key[fold(story.title)].append(story)

    def forget(self, story: KnownStory) -> None:
        self.by_hash[story.content_hash].remove(story)
        self.by_title_key[fold(story.title)].remove(story)

    def live_builtins_with_hash(self, content_hash: str) -> list[KnownStory]:
        return sorted(
            (s for s in self.by_hash.get(content_hash, ()) if s.live_builtin), key=lambda s: s.id
        )

    def builtin_title_taken(self, title: str, exclude: KnownStory | None) -> bool:
        """As `StoryStore.title_owner(title, None, exclude_id=...)`: live built-ins only."""
        return any(
            s.live_builtin and s is not exclude for s in self.by_title_key.get(fold(title), ())
        )


@dataclass(slots=True)
class StoryWrite:
    """One decided write of a load: add a story, replace one, or move its source path.

    `story` is the snapshot's record: a story added earlier in the same batch gets its id
    when the batch is written, and a later write of that batch reads it from there.
    """

    kind: str  # "add", "replace" or "move"
    story: KnownStory
    source_path: str
    parsed: ParsedStory | None = None
    cast: Cast | None = None  # None for an add or replace: read later (`cast_pending`)
    hash_before: str | None = None
    guild_before: int | None = None


class LoadWriter(Protocol):
    """What a load writes through: the snapshot first, then batch after batch."""

    async def read_snapshot(self) -> LoadSnapshot: ...

    async def write(self, writes: list[StoryWrite]) -> None: ...

    def close(self) -> None: ...


def open_load_writer(db: Database, stories: StoryRepository) -> LoadWriter:
    local = db.local_file
    if local is not None:
        return BulkWriter(local, db.clock)
    return RepositoryWriter(db, stories)


class RepositoryWriter:
    """A load's writes through the repositories: the same rows, one transaction a batch."""

    def __init__(self, db: Database, stories: StoryRepository) -> None:
        self._db = db
        self._stories = stories

    async def read_snapshot(self) -> LoadSnapshot:
        snapshot = LoadSnapshot()
        rows = await self._db.fetchall(
            "SELECT id, title, content_hash, source_path, guild_id, deleted_at IS NULL"
            " FROM stories ORDER BY id"
        )
        for story_id, title, content_hash, source, guild_id, live in rows:
            snapshot.remember(
                KnownStory(story_id, title, content_hash, source, guild_id, bool(live))
            )
        return snapshot

    async def write(self, writes: list[StoryWrite]) -> None:
        async with self._db.transaction():
            for write in writes:
                if write.kind == "move":
                    await self._stories.set_source_path(write.story.id, write.source_path)
                elif write.kind == "add":
                    await self._add_unless_stored_meanwhile(write)
                else:
                    assert write.parsed is not None
                    await self._stories.replace_story(
                        write.story.id,
                        write.parsed,
                        source_path=write.source_path,
                        cast=write.cast,
                        cast_pending=write.cast is None,
                    )

    async def _add_unless_stored_meanwhile(self, write: StoryWrite) -> None:
        """As BulkWriter's: another load (or process starting, which loads the built-in
        stories) may have stored the same file since the snapshot.

        Decided inside the batch's transaction, which holds the write lock every process
        takes (PostgresDatabase), so no other load can store it between the look and
        the insert: adding it again broke the source path's unique index and failed the
        load, or stopped a bot process starting beside others.
        """
        assert write.parsed is not None
        row = await self._db.fetchone(
            "SELECT id, content_hash FROM stories WHERE source_path = ?", (write.source_path,)
        )
        if row is None:
            added = await self._stories.add_story(
                write.parsed,
                guild_id=None,
                source_path=write.source_path,
                cast=write.cast,
                cast_pending=write.cast is None,
            )
            write.story.id = added.id
            return
        write.story.id = row[0]
        if row[1] != write.parsed.content_hash:
            write.hash_before = row[1]
            await self._stories.replace_story(
                row[0],
                write.parsed,
                source_path=write.source_path,
                cast=write.cast,
                cast_pending=write.cast is None,
            )

    def close(self) -> None:
        """Nothing of its own to close: it writes through the store's connections."""


class BulkWriter:
    """The load's own connection: reads the snapshot, writes batches."""

    def __init__(self, path: Path | str, clock: Clock) -> None:
        self._clock = clock
        # check_same_thread off: opened on the loop's thread, then used by one worker
        # thread at a time (the load awaits each batch before the next).
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA busy_timeout = 5000")

    def close(self) -> None:
        self._db.close()

    async def read_snapshot(self) -> LoadSnapshot:
        return await asyncio.to_thread(self.snapshot)

    async def write(self, writes: list[StoryWrite]) -> None:
        await asyncio.to_thread(self.write_batch, writes)

    def snapshot(self) -> LoadSnapshot:
        """What the load needs to know about the stories already stored."""
        snapshot = LoadSnapshot()
        rows = self._db.execute(
            "SELECT id, title, content_hash, source_path, guild_id, deleted_at IS NULL"
            " FROM stories ORDER BY id"
        )
        for story_id, title, content_hash, source, guild_id, live in rows:
            snapshot.remember(KnownStory(story_id, title, content_hash, source, guild_id, live))
        return snapshot

    def write_batch(self, writes: list[StoryWrite]) -> None:
        """Every write of the batch in one transaction, or none of them."""
        now = utc_text(self._clock())
        self._begin()
        try:
            for write in writes:
                if write.kind == "move":
                    self._db.execute(
                        "UPDATE stories SET source_path = ? WHERE id = ?",
                        (write.source_path, write.story.id),
                    )
                elif write.kind == "add":
                    self._add_unless_stored_meanwhile(write, now)
                else:
                    self._replace(write, now)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def _begin(self) -> None:
        """BEGIN IMMEDIATE, waiting (busy timeout, then backoff) while another process writes."""
        delay = BUSY_BACKOFF_FIRST
        for attempt in range(1, BUSY_RETRIES + 1):
            try:
                self._db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not is_busy(error) or attempt == BUSY_RETRIES:
                    raise
                time.sleep(delay)  # in the load's worker thread, not on the event loop
                delay = min(delay * 2, BUSY_BACKOFF_MAX)

    def _add_unless_stored_meanwhile(self, write: StoryWrite, now: str) -> None:
        """Another `conteur load` of the same file may have stored it since the snapshot.

        Decided here, under the write lock: adding it again broke the source path's
        unique index and failed the whole load.
        """
        row = self._db.execute(
            "SELECT id, content_hash FROM stories WHERE source_path = ?", (write.source_path,)
        ).fetchone()
        if row is None:
            self._add(write, now)
            return
        write.story.id = row[0]
        assert write.parsed is not None
        if row[1] != write.parsed.content_hash:
            write.hash_before = row[1]
            self._replace(write, now)

    def _add(self, write: StoryWrite, now: str) -> None:
        parsed, cast = write.parsed, write.cast
        assert parsed is not None
        protagonist = cast.protagonist.name if cast and cast.protagonist else None
        # The id and slug are chosen here, inside the transaction: the running bot may
        # have added a story since the snapshot.
        cursor = self._db.execute(
            INSERT_STORY,
            story_row(
                parsed,
                guild_id=None,
                slug=self._free_slug(parsed.title),
                source_path=write.source_path,
                protagonist=protagonist,
                cast_pending=cast is None,
                now=now,
                actor_id=None,
            ),
        )
        assert cursor.lastrowid is not None
        write.story.id = cursor.lastrowid
        self._story_rows(write, now, replacing=False)
        self._audit(None, "add", write, None)

    def _free_slug(self, title: str) -> str:
        """As the stories repository chooses one (a range query the slug index serves)."""
        base, parameters = slug_query(title)
        return free_slug(base, (row[0] for row in self._db.execute(SLUGS_LIKE, parameters)))

    def _replace(self, write: StoryWrite, now: str) -> None:
        parsed, cast = write.parsed, write.cast
        assert parsed is not None
        protagonist = cast.protagonist.name if cast and cast.protagonist else None
        self._db.execute(
            UPDATE_STORY,
            story_update_row(
                write.story.id,
                parsed,
                source_path=write.source_path,
                protagonist=protagonist,
                cast_pending=cast is None,
                now=now,
            ),
        )
        self._db.execute(DELETE_PASSAGES, (write.story.id,))
        self._story_rows(write, now, replacing=True)
        self._audit(write.guild_before, "edit", write, write.hash_before)

    def _story_rows(self, write: StoryWrite, now: str, *, replacing: bool) -> None:
        """Passages, the next version, characters and places (none yet, when pending)."""
        parsed, cast, story_id = write.parsed, write.cast, write.story.id
        assert parsed is not None
        self._db.executemany(INSERT_PASSAGE, passage_rows(story_id, parsed.passages))
        self._db.execute(INSERT_NEXT_VERSION, version_row(story_id, parsed, None, now))
        if replacing:  # a new story has none to delete
            self._db.execute(DELETE_CHARACTERS, (story_id,))
            self._db.execute(DELETE_PLACES, (story_id,))
        if cast is not None:
            self._db.executemany(INSERT_CHARACTER, character_rows(story_id, cast))
            self._db.executemany(INSERT_PLACE, place_rows(story_id, cast))

    def _audit(
        self, guild_id: int | None, action: str, write: StoryWrite, hash_before: str | None
    ) -> None:
        assert write.parsed is not None
        self._db.execute(
            INSERT_AUDIT,
            (
                guild_id,
                None,
                action,
                write.story.id,
                hash_before,
                write.parsed.content_hash,
                write.parsed.title,
                utc_text(self._clock()),
            ),
        )
