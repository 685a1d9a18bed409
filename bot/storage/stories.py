"""Stories and their passages, versions, removal and per-server hiding."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

from bot.core.cast import Cast
from bot.core.clock import utc_text
from bot.core.models import (
    ParsedStory,
    Passage,
    RemovedStory,
    Story,
    StorySummary,
    StoryVersion,
)
from bot.core.text import fold
from bot.storage.audit import Change, record_change
from bot.storage.casts import write_cast
from bot.storage.database import Database, SqliteDatabase
from bot.storage.rows import (
    DELETE_PASSAGES,
    INSERT_NEXT_VERSION,
    INSERT_PASSAGE,
    INSERT_STORY,
    SLUGS_LIKE,
    UPDATE_STORY,
    free_slug,
    passage_rows,
    slug_query,
    story_row,
    story_update_row,
    version_row,
)
from bot.storage.scope import (
    QUALIFIED_SUMMARY_COLUMNS,
    SUMMARY_COLUMNS,
    VISIBLE,
    summary_from_row,
)


class StoryRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_story(
        self,
        parsed: ParsedStory,
        *,
        guild_id: int | None,
        source_path: str | None = None,
        cast: Cast | None = None,
        cast_pending: bool = False,
        actor_id: int | None = None,
    ) -> StorySummary:
        """Insert a story, its passages, characters, first version and audit entry at once.

        With `cast_pending` (and no `cast`), its characters are read later
        (`CastRepository.store_read_casts`); until then the story says so.
        """
        now = self._db.now_text()
        protagonist = cast.protagonist.name if cast and cast.protagonist else None
        async with self._db.transaction():
            slug = await self._free_slug(parsed.title)
            story_id = await self._db.insert(
                INSERT_STORY,
                story_row(
                    parsed,
                    guild_id=guild_id,
                    slug=slug,
                    source_path=source_path,
                    protagonist=protagonist,
                    cast_pending=cast_pending,
                    now=now,
                    actor_id=actor_id,
                ),
            )
            await self._insert_passages(story_id, parsed.passages)
            await self._record_version(story_id, parsed, actor_id)
            if cast is not None:
                await write_cast(self._db, story_id, cast)
            await record_change(
                self._db,
                Change(
                    guild_id, actor_id, "add", story_id, None, parsed.content_hash, parsed.title
                ),
            )
        return await self._require_summary(story_id)

    async def replace_story(
        self,
        story_id: int,
        parsed: ParsedStory,
        *,
        source_path: str | None = None,
        cast: Cast | None = None,
        cast_pending: bool = False,
        actor_id: int | None = None,
    ) -> StorySummary:
        """A new version of a story: text, title, passages and characters; the slug stays.

        With `cast_pending`, the old characters go and the new ones are read later."""
        protagonist = cast.protagonist.name if cast and cast.protagonist else None
        async with self._db.transaction():
            before = await self._db.fetchone(
                "SELECT content_hash, guild_id FROM stories WHERE id = ?", (story_id,)
            )
            await self._db.execute(
                UPDATE_STORY,
                story_update_row(
                    story_id,
                    parsed,
                    source_path=source_path,
                    protagonist=protagonist,
                    cast_pending=cast_pending,
                    now=self._db.now_text(),
                ),
            )
            await self._db.execute(DELETE_PASSAGES, (story_id,))
            await self._insert_passages(story_id, parsed.passages)
            await self._record_version(story_id, parsed, actor_id)
            if cast is not None or cast_pending:
                await write_cast(self._db, story_id, cast or Cast())
            await record_change(
                self._db,
                Change(
                    before[1],
                    actor_id,
                    "edit",
                    story_id,
                    before[0],
                    parsed.content_hash,
                    parsed.title,
                ),
            )
        return await self._require_summary(story_id)

    async def set_source_path(self, story_id: int, source_path: str) -> None:
        await self._db.write(
            "UPDATE stories SET source_path = ? WHERE id = ?", (source_path, story_id)
        )

    async def _insert_passages(self, story_id: int, passages: Sequence[Passage]) -> None:
        await self._db.executemany(INSERT_PASSAGE, passage_rows(story_id, passages))

    async def _record_version(
        self, story_id: int, parsed: ParsedStory, actor_id: int | None
    ) -> None:
        await self._db.execute(
            INSERT_NEXT_VERSION, version_row(story_id, parsed, actor_id, self._db.now_text())
        )

    async def _free_slug(self, title: str) -> str:
        """A slug unique across all stories, so a slug alone names one story."""
        base, parameters = slug_query(title)
        taken = await self._db.fetchall(SLUGS_LIKE, parameters)
        return free_slug(base, (row[0] for row in taken))

    # ------------------------------------------------------------------ reads

    async def _require_summary(self, story_id: int) -> StorySummary:
        summary = await self.get_summary(story_id)
        assert summary is not None, f"story {story_id} vanished inside its own transaction"
        return summary

    async def get_summary(self, story_id: int) -> StorySummary | None:
        row = await self._db.fetchone(
            f"SELECT {SUMMARY_COLUMNS} FROM stories WHERE id = ?", (story_id,)
        )
        return summary_from_row(row) if row else None

    async def summaries(self, story_ids: Sequence[int]) -> dict[int, StorySummary]:
        """The stories behind a page of results, by id (scope was applied by the caller)."""
        wanted = sorted(set(story_ids))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        rows = await self._db.fetchall(
            f"SELECT {SUMMARY_COLUMNS} FROM stories WHERE id IN ({marks})", wanted
        )
        return {row[0]: summary_from_row(row) for row in rows}

    async def get_story(self, story_id: int) -> Story | None:
        """Any story by id, removed ones included: callers apply the scope rules."""
        row = await self._db.fetchone(
            f"SELECT {SUMMARY_COLUMNS}, body, content_hash, source_path, deleted_at"
            " FROM stories WHERE id = ?",
            (story_id,),
        )
        if row is None:
            return None
        return Story(
            summary=summary_from_row(row),
            body=row[8],
            content_hash=row[9],
            source_path=row[10],
            passages=await self.get_passages(story_id),
            removed=row[11] is not None,
        )

    async def get_passages(self, story_id: int) -> tuple[Passage, ...]:
        rows = await self._db.fetchall(
            'SELECT number, text, start, "end" FROM passages WHERE story_id = ? ORDER BY number',
            (story_id,),
        )
        return tuple(Passage(row[0], row[1], row[2], row[3]) for row in rows)

    async def live_passages(self) -> Iterable[tuple[int, list[Passage]]]:
        """Every live story's passages, story by story, for building the search index.

        From a SQLite file, streamed on a reader of its own (iterate it in a worker
        thread); otherwise read at once on the event loop's connection.
        """
        if isinstance(self._db, SqliteDatabase) and self._db.path != ":memory:":
            return self.stream_live_passages()
        return await self.all_passages()

    def stream_live_passages(self) -> Iterator[tuple[int, list[Passage]]]:
        """Every live story's passages, story by story, on a read-only connection of its own.

        For building the search index in a worker thread: the library is never held in
        memory all at once (the index keeps a compact form), and the event loop's
        connection stays free. A WAL reader sees one consistent snapshot.
        """
        if self._db.path == ":memory:":  # a private in-memory database has no second reader
            raise ValueError("stream_live_passages needs a database file")
        connection = sqlite3.connect(f"{Path(self._db.path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = connection.execute(
                'SELECT p.story_id, p.number, p.text, p.start, p."end" FROM passages AS p'
                " JOIN stories ON stories.id = p.story_id WHERE stories.deleted_at IS NULL"
                " ORDER BY p.story_id, p.number"
            )
            story_id: int | None = None
            passages: list[Passage] = []
            for row_story, number, text, start, end in rows:
                if row_story != story_id:
                    if story_id is not None:
                        yield story_id, passages
                    story_id, passages = row_story, []
                passages.append(Passage(number, text, start, end))
            if story_id is not None:
                yield story_id, passages
        finally:
            connection.close()

    async def all_passages(self) -> list[tuple[int, list[Passage]]]:
        """Every live story's passages, for building the search index at start."""
        rows = await self._db.fetchall(
            'SELECT p.story_id, p.number, p.text, p.start, p."end" FROM passages AS p'
            " JOIN stories ON stories.id = p.story_id WHERE stories.deleted_at IS NULL"
            " ORDER BY p.story_id, p.number"
        )
        grouped: dict[int, list[Passage]] = {}
        for story_id, number, text, start, end in rows:
            grouped.setdefault(story_id, []).append(Passage(number, text, start, end))
        return list(grouped.items())

    async def visible_stories(self, guild_id: int | None) -> list[StorySummary]:
        """Stories a server (or a DM, guild_id None) may see: built-ins first, then its own."""
        rows = await self._db.fetchall(
            f"SELECT {SUMMARY_COLUMNS} FROM stories WHERE {VISIBLE}"
            " ORDER BY guild_id IS NOT NULL, title_key",
            {"guild_id": guild_id},
        )
        return [summary_from_row(row) for row in rows]

    async def own_visible_stories(self, guild_id: int) -> list[StorySummary]:
        """A server's own stories it may see (not those it hides), by title."""
        rows = await self._db.fetchall(
            f"SELECT {SUMMARY_COLUMNS} FROM stories WHERE stories.guild_id = :guild_id"
            f" AND {VISIBLE} ORDER BY title_key",
            {"guild_id": guild_id},
        )
        return [summary_from_row(row) for row in rows]

    async def visible_story_with_slug(self, guild_id: int | None, slug: str) -> int | None:
        """The id of the visible story with this exact slug (what autocomplete sends)."""
        row = await self._db.fetchone(
            f"SELECT id FROM stories WHERE slug = :slug AND {VISIBLE}",
            {"slug": slug, "guild_id": guild_id},
        )
        return int(row[0]) if row else None

    async def is_visible(self, guild_id: int | None, story_id: int) -> bool:
        row = await self._db.fetchone(
            f"SELECT 1 FROM stories WHERE id = :id AND {VISIBLE}",
            {"id": story_id, "guild_id": guild_id},
        )
        return row is not None

    async def visible_story_ids(self, guild_id: int | None) -> list[int]:
        rows = await self._db.fetchall(
            f"SELECT id FROM stories WHERE {VISIBLE} ORDER BY id", {"guild_id": guild_id}
        )
        return [row[0] for row in rows]

    async def count_visible_stories(self, guild_id: int | None) -> int:
        row = await self._db.fetchone(
            f"SELECT count(*) FROM stories WHERE {VISIBLE}", {"guild_id": guild_id}
        )
        return int(row[0])

    async def counts(self) -> tuple[int, int, int]:
        """(built-in, servers' own, removed and awaiting purge) stories, for /admin health."""
        row = await self._db.fetchone(
            "SELECT count(*) FILTER (WHERE guild_id IS NULL AND deleted_at IS NULL),"
            " count(*) FILTER (WHERE guild_id IS NOT NULL AND deleted_at IS NULL),"
            " count(*) FILTER (WHERE deleted_at IS NOT NULL) FROM stories"
        )
        return int(row[0]), int(row[1]), int(row[2])

    async def visible_stories_page(
        self, guild_id: int | None, *, offset: int, limit: int
    ) -> list[StorySummary]:
        rows = await self._db.fetchall(
            f"SELECT {SUMMARY_COLUMNS} FROM stories WHERE {VISIBLE}"
            " ORDER BY guild_id IS NOT NULL, title_key LIMIT :limit OFFSET :offset",
            {"guild_id": guild_id, "limit": limit, "offset": offset},
        )
        return [summary_from_row(row) for row in rows]

    async def visible_bodies(self, guild_id: int | None) -> list[tuple[StorySummary, str]]:
        """Texts of the visible stories, for near-duplicate checks."""
        rows = await self._db.fetchall(
            f"SELECT {SUMMARY_COLUMNS}, body FROM stories WHERE {VISIBLE}",
            {"guild_id": guild_id},
        )
        return [(summary_from_row(row), row[8]) for row in rows]

    async def bodies_of(self, story_ids: Sequence[int]) -> dict[int, str]:
        """The texts of these stories only (a near-duplicate check's few candidates)."""
        if not story_ids:
            return {}
        rows = await self._db.fetchall(
            f"SELECT id, body FROM stories WHERE {self._db.ids_in('id')}",
            (self._db.ids_param(list(story_ids)),),
        )
        return {row[0]: row[1] for row in rows}

    async def builtins_with_hash(self, content_hash: str) -> list[Story]:
        """Live built-in stories with this exact text (a server's own never block a load)."""
        rows = await self._db.fetchall(
            "SELECT id FROM stories WHERE content_hash = ? AND deleted_at IS NULL"
            " AND guild_id IS NULL",
            (content_hash,),
        )
        stories = [await self.get_story(row[0]) for row in rows]
        return [story for story in stories if story is not None]

    async def story_for_source(self, source_path: str) -> StorySummary | None:
        row = await self._db.fetchone(
            f"SELECT {SUMMARY_COLUMNS} FROM stories WHERE source_path = ?", (source_path,)
        )
        return summary_from_row(row) if row else None

    async def hash_for_source(self, source_path: str) -> str | None:
        row = await self._db.fetchone(
            "SELECT content_hash FROM stories WHERE source_path = ? AND deleted_at IS NULL",
            (source_path,),
        )
        return str(row[0]) if row else None

    async def title_owner(
        self, title: str, guild_id: int | None, *, exclude_id: int | None = None
    ) -> StorySummary | None:
        """The live story visible in `guild_id` already using `title` (accents and case folded).

        For a built-in (guild_id None) only built-ins count: a server's own story must
        not stop the host from loading one (nor reveal its title in the host's log); in
        that server the two are told apart by their slugs.
        """
        row = await self._db.fetchone(
            f"SELECT {SUMMARY_COLUMNS} FROM stories WHERE title_key = :key"
            " AND deleted_at IS NULL"
            " AND (guild_id IS NULL OR guild_id = :guild_id)"
            " AND (CAST(:exclude AS BIGINT) IS NULL OR id <> :exclude)",
            {"key": fold(title), "guild_id": guild_id, "exclude": exclude_id},
        )
        return summary_from_row(row) if row else None

    # ---------------------------------------------------- removal and hiding

    async def remove_story(self, story_id: int, actor_id: int) -> None:
        async with self._db.transaction():
            row = await self._db.fetchone(
                "SELECT guild_id, content_hash, title FROM stories WHERE id = ?", (story_id,)
            )
            await self._db.execute(
                "UPDATE stories SET deleted_at = ?, deleted_by = ? WHERE id = ?",
                (self._db.now_text(), actor_id, story_id),
            )
            await record_change(
                self._db, Change(row[0], actor_id, "remove", story_id, row[1], None, row[2])
            )

    async def restore_story(self, story_id: int, actor_id: int) -> StorySummary:
        async with self._db.transaction():
            row = await self._db.fetchone(
                "SELECT guild_id, content_hash, title FROM stories WHERE id = ?", (story_id,)
            )
            await self._db.execute(
                "UPDATE stories SET deleted_at = NULL, deleted_by = NULL WHERE id = ?",
                (story_id,),
            )
            await record_change(
                self._db, Change(row[0], actor_id, "restore", story_id, None, row[1], row[2])
            )
        return await self._require_summary(story_id)

    async def removed_stories(self, guild_id: int, since: datetime) -> list[RemovedStory]:
        rows = await self._db.fetchall(
            f"SELECT {SUMMARY_COLUMNS}, deleted_at, deleted_by FROM stories"
            " WHERE guild_id = ? AND deleted_at >= ? ORDER BY deleted_at DESC",
            (guild_id, utc_text(since)),
        )
        return [RemovedStory(summary_from_row(row), row[8], row[9]) for row in rows]

    async def purge_removed(self, before: datetime) -> int:
        """Delete for good what was removed before `before` (the restore window)."""
        return await self._db.write(
            "DELETE FROM stories WHERE deleted_at IS NOT NULL AND deleted_at < ?",
            (utc_text(before),),
        )

    async def set_hidden(self, guild_id: int, story_id: int, actor_id: int, hidden: bool) -> None:
        async with self._db.transaction():
            if hidden:
                await self._db.execute(
                    "INSERT INTO hidden_stories (guild_id, story_id, hidden_by,"
                    " hidden_at) VALUES (?,?,?,?) ON CONFLICT DO NOTHING",
                    (guild_id, story_id, actor_id, self._db.now_text()),
                )
            else:
                await self._db.execute(
                    "DELETE FROM hidden_stories WHERE guild_id = ? AND story_id = ?",
                    (guild_id, story_id),
                )
            await record_change(
                self._db,
                Change(
                    guild_id, actor_id, "hide" if hidden else "unhide", story_id, None, None, None
                ),
            )

    async def hidden_stories(self, guild_id: int) -> list[StorySummary]:
        rows = await self._db.fetchall(
            f"SELECT {QUALIFIED_SUMMARY_COLUMNS} FROM stories JOIN hidden_stories AS h"
            " ON h.story_id = stories.id WHERE h.guild_id = ? AND stories.deleted_at IS NULL"
            " ORDER BY title_key",
            (guild_id,),
        )
        return [summary_from_row(row) for row in rows]

    async def story_versions(self, story_id: int) -> list[StoryVersion]:
        rows = await self._db.fetchall(
            "SELECT story_id, version, title, author, body, content_hash, created_by,"
            " created_at FROM story_versions WHERE story_id = ? ORDER BY version DESC",
            (story_id,),
        )
        return [StoryVersion(*row) for row in rows]

    # ------------------------------------------------- restore's duplicate check

    async def visible_story_with_hash(
        self, guild_id: int, content_hash: str, *, exclude_id: int | None = None
    ) -> StorySummary | None:
        """A live story visible in `guild_id` with exactly this text, other than `exclude_id`."""
        row = await self._db.fetchone(
            f"SELECT {SUMMARY_COLUMNS} FROM stories WHERE {VISIBLE}"
            " AND content_hash = :hash AND (CAST(:exclude AS BIGINT) IS NULL OR id <> :exclude)"
            " ORDER BY id LIMIT 1",
            {"guild_id": guild_id, "hash": content_hash, "exclude": exclude_id},
        )
        return summary_from_row(row) if row else None
