"""The only module that speaks SQL.

One aiosqlite connection, WAL, foreign keys on. Every multi-statement write runs
in one transaction (`async with self._transaction()`), so a failure leaves the
database as it was. Rows leave this module as dataclasses.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.core.models import ParsedStory, Passage, Story, StorySummary
from bot.core.text import fold, slugify

log = logging.getLogger(__name__)

# Each entry upgrades the schema by one version; never edit a released entry,
# append a new one. `PRAGMA user_version` records how many have run.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE stories (
        id            INTEGER PRIMARY KEY,
        guild_id      INTEGER,          -- NULL: built in, visible in every server
        slug          TEXT NOT NULL UNIQUE,
        title         TEXT NOT NULL,
        title_key     TEXT NOT NULL,    -- folded title, for collisions
        author        TEXT,
        body          TEXT NOT NULL,
        content_hash  TEXT NOT NULL,
        source_path   TEXT,             -- file it was loaded from, for built-ins
        word_count    INTEGER NOT NULL,
        passage_count INTEGER NOT NULL,
        protagonist   TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );
    CREATE INDEX stories_guild ON stories (guild_id, title_key);
    CREATE INDEX stories_hash ON stories (content_hash);
    CREATE UNIQUE INDEX stories_source ON stories (source_path) WHERE source_path IS NOT NULL;
    CREATE TABLE passages (
        story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
        number   INTEGER NOT NULL,
        start    INTEGER NOT NULL,
        end      INTEGER NOT NULL,
        text     TEXT NOT NULL,
        PRIMARY KEY (story_id, number)
    ) WITHOUT ROWID;
    """,
)

_SUMMARY_COLUMNS = "id, slug, title, author, guild_id, word_count, passage_count, protagonist"
# Built-in stories first, then the server's own, each alphabetically.
_VISIBLE = "(guild_id IS NULL OR guild_id = :guild_id)"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _summary(row: aiosqlite.Row | tuple[Any, ...]) -> StorySummary:
    return StorySummary(
        id=row[0],
        slug=row[1],
        title=row[2],
        author=row[3],
        guild_id=row[4],
        word_count=row[5],
        passage_count=row[6],
        protagonist=row[7],
    )


class Store:
    """Async access to the Conteur database."""

    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        self._db = connection
        self.path = path

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        """Open (creating if needed) and migrate the database at `path`."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(str(path), isolation_level=None)
        store = cls(connection, str(path))
        try:
            await store._configure()
            await store._migrate()
        except BaseException:
            await connection.close()
            raise
        return store

    async def close(self) -> None:
        await self._db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _configure(self) -> None:
        await self._db.execute("PRAGMA journal_mode = WAL")
        await self._db.execute("PRAGMA foreign_keys = ON")
        # NORMAL is durable across application crashes under WAL; only a power
        # loss can drop the last transactions, never corrupt the file.
        await self._db.execute("PRAGMA synchronous = NORMAL")
        await self._db.execute("PRAGMA busy_timeout = 5000")

    async def schema_version(self) -> int:
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        current = await self.schema_version()
        if current > len(MIGRATIONS):
            raise RuntimeError(
                f"{self.path} has schema version {current}, newer than this Conteur "
                f"({len(MIGRATIONS)}); upgrade Conteur."
            )
        for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
            log.info("Migrating %s to schema version %d", self.path, version)
            # executescript commits on its own; BEGIN/COMMIT inside keeps the
            # migration and its version bump atomic.
            await self._db.executescript(
                f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
            )

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        await self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            await self._db.execute("ROLLBACK")
            raise
        await self._db.execute("COMMIT")

    async def _fetchall(self, sql: str, params: Any = ()) -> list[Any]:
        async with self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def _fetchone(self, sql: str, params: Any = ()) -> Any:
        async with self._db.execute(sql, params) as cursor:
            return await cursor.fetchone()

    # ---------------------------------------------------------------- stories

    async def add_story(
        self,
        parsed: ParsedStory,
        *,
        guild_id: int | None,
        source_path: str | None = None,
        protagonist: str | None = None,
    ) -> StorySummary:
        """Insert a story and its passages in one transaction."""
        now = _now()
        async with self._transaction() as db:
            slug = await self._free_slug(parsed.title)
            cursor = await db.execute(
                "INSERT INTO stories (guild_id, slug, title, title_key, author, body,"
                " content_hash, source_path, word_count, passage_count, protagonist,"
                " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    guild_id,
                    slug,
                    parsed.title,
                    fold(parsed.title),
                    parsed.author,
                    parsed.body,
                    parsed.content_hash,
                    source_path,
                    parsed.word_count,
                    len(parsed.passages),
                    protagonist,
                    now,
                    now,
                ),
            )
            story_id = cursor.lastrowid
            assert story_id is not None
            await self._insert_passages(story_id, parsed.passages)
        summary = await self.get_summary(story_id)
        assert summary is not None
        return summary

    async def replace_story(
        self,
        story_id: int,
        parsed: ParsedStory,
        *,
        source_path: str | None = None,
        protagonist: str | None = None,
    ) -> StorySummary:
        """Replace a story's text, title and passages in one transaction; the slug stays."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE stories SET title = ?, title_key = ?, author = ?, body = ?,"
                " content_hash = ?, source_path = coalesce(?, source_path), word_count = ?,"
                " passage_count = ?, protagonist = ?, updated_at = ? WHERE id = ?",
                (
                    parsed.title,
                    fold(parsed.title),
                    parsed.author,
                    parsed.body,
                    parsed.content_hash,
                    source_path,
                    parsed.word_count,
                    len(parsed.passages),
                    protagonist,
                    _now(),
                    story_id,
                ),
            )
            await db.execute("DELETE FROM passages WHERE story_id = ?", (story_id,))
            await self._insert_passages(story_id, parsed.passages)
        summary = await self.get_summary(story_id)
        assert summary is not None
        return summary

    async def set_source_path(self, story_id: int, source_path: str) -> None:
        await self._db.execute(
            "UPDATE stories SET source_path = ? WHERE id = ?", (source_path, story_id)
        )

    async def _insert_passages(self, story_id: int, passages: Sequence[Passage]) -> None:
        await self._db.executemany(
            "INSERT INTO passages (story_id, number, start, end, text) VALUES (?,?,?,?,?)",
            [(story_id, p.number, p.start, p.end, p.text) for p in passages],
        )

    async def _free_slug(self, title: str) -> str:
        """A slug unique across all stories, so a slug alone names one story."""
        base = slugify(title)
        rows = await self._fetchall(
            "SELECT slug FROM stories WHERE slug = ? OR slug LIKE ?", (base, f"{base}-%")
        )
        taken = {row[0] for row in rows}
        if base not in taken:
            return base
        suffix = 2
        while f"{base}-{suffix}" in taken:
            suffix += 1
        return f"{base}-{suffix}"

    async def get_summary(self, story_id: int) -> StorySummary | None:
        row = await self._fetchone(
            f"SELECT {_SUMMARY_COLUMNS} FROM stories WHERE id = ?", (story_id,)
        )
        return _summary(row) if row else None

    async def get_story(self, story_id: int) -> Story | None:
        row = await self._fetchone(
            f"SELECT {_SUMMARY_COLUMNS}, body, content_hash, source_path FROM stories WHERE id = ?",
            (story_id,),
        )
        if row is None:
            return None
        passages = await self.get_passages(story_id)
        return Story(
            summary=_summary(row),
            body=row[8],
            content_hash=row[9],
            source_path=row[10],
            passages=passages,
        )

    async def get_passages(self, story_id: int) -> tuple[Passage, ...]:
        rows = await self._fetchall(
            "SELECT number, text, start, end FROM passages WHERE story_id = ? ORDER BY number",
            (story_id,),
        )
        return tuple(Passage(row[0], row[1], row[2], row[3]) for row in rows)

    async def visible_stories(self, guild_id: int | None) -> list[StorySummary]:
        """Stories a server (or a DM, guild_id None) may see: built-ins and its own."""
        rows = await self._fetchall(
            f"SELECT {_SUMMARY_COLUMNS} FROM stories WHERE {_VISIBLE}"
            " ORDER BY guild_id IS NOT NULL, title_key",
            {"guild_id": guild_id},
        )
        return [_summary(row) for row in rows]

    async def count_visible_stories(self, guild_id: int | None) -> int:
        row = await self._fetchone(
            f"SELECT count(*) FROM stories WHERE {_VISIBLE}", {"guild_id": guild_id}
        )
        return int(row[0])

    async def visible_stories_page(
        self, guild_id: int | None, *, offset: int, limit: int
    ) -> list[StorySummary]:
        rows = await self._fetchall(
            f"SELECT {_SUMMARY_COLUMNS} FROM stories WHERE {_VISIBLE}"
            " ORDER BY guild_id IS NOT NULL, title_key LIMIT :limit OFFSET :offset",
            {"guild_id": guild_id, "limit": limit, "offset": offset},
        )
        return [_summary(row) for row in rows]

    async def stories_with_hash(self, content_hash: str) -> list[Story]:
        rows = await self._fetchall(
            "SELECT id FROM stories WHERE content_hash = ?", (content_hash,)
        )
        stories = [await self.get_story(row[0]) for row in rows]
        return [story for story in stories if story is not None]

    async def story_for_source(self, source_path: str) -> StorySummary | None:
        row = await self._fetchone(
            f"SELECT {_SUMMARY_COLUMNS} FROM stories WHERE source_path = ?", (source_path,)
        )
        return _summary(row) if row else None

    async def hash_for_source(self, source_path: str) -> str | None:
        row = await self._fetchone(
            "SELECT content_hash FROM stories WHERE source_path = ?", (source_path,)
        )
        return str(row[0]) if row else None

    async def title_owner(
        self, title: str, guild_id: int | None, *, exclude_id: int | None = None
    ) -> StorySummary | None:
        """The story visible in `guild_id` already using `title` (accents and case folded)."""
        row = await self._fetchone(
            f"SELECT {_SUMMARY_COLUMNS} FROM stories WHERE title_key = :key AND"
            f" (guild_id IS NULL OR guild_id = :guild_id OR :guild_id IS NULL)"
            " AND id IS NOT :exclude",
            {"key": fold(title), "guild_id": guild_id, "exclude": exclude_id},
        )
        return _summary(row) if row else None
