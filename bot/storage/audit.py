"""The audit log of every change to the library and to a server's settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.clock import utc_text
from bot.core.models import AuditEntry
from bot.storage.database import Database
from bot.storage.rows import INSERT_AUDIT


@dataclass(frozen=True, slots=True)
class Change:
    """One audit row: who did what to which story (or setting), hashes before and after."""

    guild_id: int | None
    actor_id: int | None
    action: str
    story_id: int | None = None
    hash_before: str | None = None
    hash_after: str | None = None
    detail: str | None = None


async def record_change(db: Database, change: Change) -> None:
    """Inside the caller's transaction, so the change and its record commit together."""
    await db.execute(
        INSERT_AUDIT,
        (
            change.guild_id,
            change.actor_id,
            change.action,
            change.story_id,
            change.hash_before,
            change.hash_after,
            change.detail,
            db.now_text(),
        ),
    )
    await db.announce_change()


class AuditRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def for_story(self, story_id: int) -> list[AuditEntry]:
        rows = await self._db.fetchall(
            "SELECT guild_id, actor_id, action, story_id, hash_before, hash_after, detail,"
            " created_at FROM audit_log WHERE story_id = ? ORDER BY id",
            (story_id,),
        )
        return [AuditEntry(*row) for row in rows]

    async def action_times(self, actor_id: int, action: str, since: datetime) -> list[datetime]:
        """When a member did `action` since `since`, oldest first: the rate limit reads this."""
        rows = await self._db.fetchall(
            "SELECT created_at FROM audit_log WHERE actor_id = ? AND action = ? AND created_at >= ?"
            " ORDER BY created_at",
            (actor_id, action, utc_text(since)),
        )
        return [datetime.fromisoformat(row[0]) for row in rows]

    async def latest_id(self) -> int:
        """The newest entry's id: it moves with every change to the library, by any process.

        Every add, edit, removal, restore, hide and unhide (from the bot or `conteur
        load`) writes an entry in the same transaction, so in-memory catalogues of the
        library compare this (one seek on the primary key) to know they are current.
        """
        row = await self._db.fetchone("SELECT max(id) FROM audit_log")
        return int(row[0]) if row and row[0] is not None else 0

    async def changed_story_ids(self, after_id: int, limit: int) -> set[int] | None:
        """The stories changed by the entries after `after_id`; None if more than `limit`.

        What an in-memory catalogue built at entry `after_id` must read again (settings
        entries name no story and change none).
        """
        rows = await self._db.fetchall(
            "SELECT DISTINCT story_id FROM audit_log WHERE id > ? AND story_id IS NOT NULL LIMIT ?",
            (after_id, limit + 1),
        )
        return {int(row[0]) for row in rows} if len(rows) <= limit else None
