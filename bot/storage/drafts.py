"""Stories waiting in preview: kept in the database so Publish works after a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from bot.core.clock import utc_text
from bot.storage.database import Database

_DRAFT_COLUMNS = (
    "id, guild_id, user_id, story_id, title, author, body, near_duplicate_of, similarity,"
    " created_at, base_hash, conflict_hash"
)


@dataclass(frozen=True, slots=True)
class Draft:
    id: int
    guild_id: int
    user_id: int
    story_id: int | None  # the story being edited; None for a new one
    title: str | None
    author: str | None
    body: str
    near_duplicate_of: int | None
    similarity: float | None
    created_at: str
    # When editing: the story's content hash the edit started from, and the
    # newer one the moderator was warned had replaced it (None until warned).
    base_hash: str | None = None
    conflict_hash: str | None = None


class DraftRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save_draft(
        self,
        *,
        guild_id: int,
        user_id: int,
        story_id: int | None,
        title: str | None,
        author: str | None,
        body: str,
        near_duplicate_of: int | None,
        similarity: float | None,
        base_hash: str | None = None,
        conflict_hash: str | None = None,
    ) -> Draft:
        """Dated on the bot's clock, which the preview's lifetime is measured on."""
        async with self._db.transaction():
            draft_id = await self._db.insert(
                "INSERT INTO drafts (guild_id, user_id, story_id, title, author, body,"
                " near_duplicate_of, similarity, created_at, base_hash, conflict_hash)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    guild_id,
                    user_id,
                    story_id,
                    title,
                    author,
                    body,
                    near_duplicate_of,
                    similarity,
                    self._db.now_text(),
                    base_hash,
                    conflict_hash,
                ),
            )
        draft = await self.get_draft(draft_id)
        assert draft is not None
        return draft

    async def get_draft(self, draft_id: int) -> Draft | None:
        row = await self._db.fetchone(
            f"SELECT {_DRAFT_COLUMNS} FROM drafts WHERE id = ?", (draft_id,)
        )
        return Draft(*row) if row else None

    async def mark_unconfirmed(
        self,
        draft_id: int,
        *,
        near_duplicate_of: int | None,
        similarity: float | None,
        conflict_hash: str | None,
    ) -> None:
        """Record what a draft was found to need confirming when it was about to be published.

        "Publish anyway" then confirms exactly this: a later near-duplicate or a
        later edit of the story asks again.
        """
        await self._db.write(
            "UPDATE drafts SET near_duplicate_of = ?, similarity = ?, conflict_hash = ?"
            " WHERE id = ?",
            (near_duplicate_of, similarity, conflict_hash, draft_id),
        )

    @asynccontextmanager
    async def claiming_draft(self, draft_id: int) -> AsyncIterator[bool]:
        """Delete the draft in a transaction the block's writes join; yields whether it was there.

        What the block saves commits together with the deletion, and an error in
        the block puts the draft back, so a failed publish loses no submission
        and a second click on Publish finds nothing to publish.
        """
        async with self._db.transaction():
            yield await self.delete_draft(draft_id)

    async def delete_draft(self, draft_id: int) -> bool:
        return await self._db.write("DELETE FROM drafts WHERE id = ?", (draft_id,)) > 0

    async def purge_drafts(self, before: datetime) -> int:
        return await self._db.write("DELETE FROM drafts WHERE created_at < ?", (utc_text(before),))
