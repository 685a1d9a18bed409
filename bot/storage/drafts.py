"""Stories waiting in preview: kept in the database so Publish works after a restart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.base import StoreBase, utc_text


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


class DraftStore(StoreBase):
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
        now: datetime | None = None,
    ) -> Draft:
        """`now` is the bot's clock, which the preview's lifetime is measured on."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO drafts (guild_id, user_id, story_id, title, author, body,"
                " near_duplicate_of, similarity, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    guild_id,
                    user_id,
                    story_id,
                    title,
                    author,
                    body,
                    near_duplicate_of,
                    similarity,
                    utc_text(now),
                ),
            )
            draft_id = cursor.lastrowid
        draft = await self.get_draft(int(draft_id or 0))
        assert draft is not None
        return draft

    async def get_draft(self, draft_id: int) -> Draft | None:
        row = await self._fetchone(
            "SELECT id, guild_id, user_id, story_id, title, author, body, near_duplicate_of,"
            " similarity, created_at FROM drafts WHERE id = ?",
            (draft_id,),
        )
        return Draft(*row) if row else None

    async def mark_near_duplicate(
        self, draft_id: int, near_duplicate_of: int | None, similarity: float | None
    ) -> None:
        """Record the story a draft turned out to resemble when it was about to be published."""
        await self._write(
            "UPDATE drafts SET near_duplicate_of = ?, similarity = ? WHERE id = ?",
            (near_duplicate_of, similarity, draft_id),
        )

    async def delete_draft(self, draft_id: int) -> bool:
        return await self._write("DELETE FROM drafts WHERE id = ?", (draft_id,)) > 0

    async def purge_drafts(self, before: datetime) -> int:
        return await self._write("DELETE FROM drafts WHERE created_at < ?", (utc_text(before),))
