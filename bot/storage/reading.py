"""Where each reader is in each story: personal data, deletable on request."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.models import StorySummary
from bot.storage.database import Database
from bot.storage.scope import VISIBLE, summary_from_row


@dataclass(frozen=True, slots=True)
class Bookmark:
    story: StorySummary
    page: int
    updated_at: str


class ReadingRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save_position(self, user_id: int, story_id: int, page: int) -> None:
        # Two upserts that read nothing first: they need not take turns with the library's
        # writes (on PostgreSQL, a lock every process queues for). Every page turn saves
        # the place, and with several processes on busy cores a turn held by a process
        # waiting for CPU made the others' page turns wait too (bench/scale.py).
        async with self._db.transaction(serialized=False):
            await self._db.execute(
                "INSERT INTO reading_positions (user_id, story_id, page, updated_at)"
                " VALUES (?,?,?,?) ON CONFLICT (user_id, story_id)"
                " DO UPDATE SET page = excluded.page, updated_at = excluded.updated_at",
                (user_id, story_id, page, self._db.now_text()),
            )
            await self._db.execute(
                "INSERT INTO last_shown (user_id, story_id) VALUES (?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET story_id = excluded.story_id",
                (user_id, story_id),
            )

    async def reading_position(self, user_id: int, story_id: int) -> int | None:
        row = await self._db.fetchone(
            "SELECT page FROM reading_positions WHERE user_id = ? AND story_id = ?",
            (user_id, story_id),
        )
        return int(row[0]) if row else None

    async def bookmarks(self, user_id: int, guild_id: int | None) -> list[Bookmark]:
        """The reader's places in the stories visible here, most recent first."""
        rows = await self._db.fetchall(
            "SELECT stories.id, slug, title, author, guild_id, word_count, passage_count,"
            " protagonist, r.page, r.updated_at FROM reading_positions AS r"
            f" JOIN stories ON stories.id = r.story_id WHERE r.user_id = :user AND {VISIBLE}"
            " ORDER BY r.updated_at DESC, stories.id",
            {"user": user_id, "guild_id": guild_id},
        )
        return [Bookmark(summary_from_row(row[:8]), row[8], row[9]) for row in rows]

    async def last_shown_story(self, user_id: int) -> int | None:
        row = await self._db.fetchone(
            "SELECT story_id FROM last_shown WHERE user_id = ?", (user_id,)
        )
        return int(row[0]) if row else None

    async def clear_bookmarks(self, user_id: int) -> int:
        return await self._db.write("DELETE FROM reading_positions WHERE user_id = ?", (user_id,))

    async def forget_user(self, user_id: int) -> int:
        """Delete every row about this user; returns how many went.

        Moderation records that name them (who added, changed, removed or hid a
        server's story, the audit log, channel subscriptions they set up) are the
        server's, kept for its moderators; /privacy says so.
        """
        async with self._db.transaction():
            removed = 0
            for sql in (
                "DELETE FROM reading_positions WHERE user_id = ?",
                "DELETE FROM last_shown WHERE user_id = ?",
                "DELETE FROM subscriptions WHERE user_id = ? AND channel_id IS NULL",
                "DELETE FROM drafts WHERE user_id = ?",  # unpublished story previews
            ):
                removed += await self._db.execute(sql, (user_id,))
        return removed

    async def remember_thread(self, thread_id: int, story_id: int, guild_id: int | None) -> None:
        await self._db.write(
            "INSERT INTO discussion_threads (thread_id, story_id, guild_id, created_at)"
            " VALUES (?,?,?,?) ON CONFLICT (thread_id) DO UPDATE SET story_id = excluded.story_id,"
            " guild_id = excluded.guild_id, created_at = excluded.created_at",
            (thread_id, story_id, guild_id, self._db.now_text()),
        )

    async def story_of_thread(self, thread_id: int) -> int | None:
        row = await self._db.fetchone(
            "SELECT story_id FROM discussion_threads WHERE thread_id = ?", (thread_id,)
        )
        return int(row[0]) if row else None

    async def last_read_story(self, user_id: int, guild_id: int | None) -> tuple[int, int] | None:
        """(story id, page) of the reader's most recent place among stories visible here."""
        marks = await self.bookmarks(user_id, guild_id)
        return (marks[0].story.id, marks[0].page) if marks else None
