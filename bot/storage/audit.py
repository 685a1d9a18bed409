"""The audit log of every change to the library and to a server's settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.clock import utc_text
from bot.core.models import AuditEntry
from bot.storage.database import Database


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
        "INSERT INTO audit_log (guild_id, actor_id, action, story_id, hash_before,"
        " hash_after, detail, created_at) VALUES (?,?,?,?,?,?,?,?)",
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


# The audit actions that change what a search may find or a server may see.
LIBRARY_ACTIONS = ("add", "edit", "remove", "restore", "hide", "unhide")


@dataclass(frozen=True, slots=True)
class LibraryChange:
    id: int
    guild_id: int | None
    action: str
    story_id: int


class AuditRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def last_id(self) -> int:
        row = await self._db.fetchone("SELECT coalesce(max(id), 0) FROM audit_log")
        return int(row[0])

    async def library_changes_after(self, last_id: int, limit: int = 500) -> list[LibraryChange]:
        """The change log other processes catch up from: audit entries are written in
        the change's own transaction, and writers take turns, so ids commit in order."""
        marks = ", ".join(f"'{action}'" for action in LIBRARY_ACTIONS)
        rows = await self._db.fetchall(
            "SELECT id, guild_id, action, story_id FROM audit_log"
            f" WHERE id > ? AND action IN ({marks}) AND story_id IS NOT NULL"
            " ORDER BY id LIMIT ?",
            (last_id, limit),
        )
        return [LibraryChange(*row) for row in rows]

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
