"""Per-server settings and the audit log of every change to the library."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from bot.core.models import AuditEntry
from bot.storage.base import StoreBase, utc_text

# The moment a change from Discord happened, on the bot's clock. Audit entries
# written inside `audited_at` carry it, so the moderators' rate limit, which
# reads them back against the bot's clock, measures both ends on one clock
# (the simulated Discord in tests runs on virtual time).
_audit_moment: ContextVar[datetime | None] = ContextVar("audit_moment", default=None)


@contextmanager
def audited_at(moment: datetime) -> Iterator[None]:
    """Date the audit entries written in this block (by this task) at `moment`."""
    token = _audit_moment.set(moment)
    try:
        yield
    finally:
        _audit_moment.reset(token)


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    moderator_role_id: int | None = None
    timezone: str | None = None


class GuildStore(StoreBase):
    async def guild_settings(self, guild_id: int) -> GuildSettings:
        row = await self._fetchone(
            "SELECT moderator_role_id, timezone FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        return GuildSettings(guild_id, row[0], row[1]) if row else GuildSettings(guild_id)

    async def set_moderator_role(self, guild_id: int, role_id: int | None, actor_id: int) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO guild_settings (guild_id, moderator_role_id) VALUES (?, ?)"
                " ON CONFLICT (guild_id)"
                " DO UPDATE SET moderator_role_id = excluded.moderator_role_id",
                (guild_id, role_id),
            )
            await self.record_audit(
                guild_id, actor_id, "settings", None, None, None, f"moderator role: {role_id}"
            )

    async def set_guild_timezone(self, guild_id: int, timezone: str, actor_id: int) -> None:
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO guild_settings (guild_id, timezone) VALUES (?, ?)"
                " ON CONFLICT (guild_id) DO UPDATE SET timezone = excluded.timezone",
                (guild_id, timezone),
            )
            await self.record_audit(
                guild_id, actor_id, "settings", None, None, None, f"timezone: {timezone}"
            )

    async def record_audit(
        self,
        guild_id: int | None,
        actor_id: int | None,
        action: str,
        story_id: int | None,
        hash_before: str | None,
        hash_after: str | None,
        detail: str | None,
    ) -> None:
        await self._write(
            "INSERT INTO audit_log (guild_id, actor_id, action, story_id, hash_before,"
            " hash_after, detail, created_at) VALUES (?,?,?,?,?,?,?,?)",
            (
                guild_id,
                actor_id,
                action,
                story_id,
                hash_before,
                hash_after,
                detail,
                utc_text(_audit_moment.get()),
            ),
        )

    async def audit_for_story(self, story_id: int) -> list[AuditEntry]:
        rows = await self._fetchall(
            "SELECT guild_id, actor_id, action, story_id, hash_before, hash_after, detail,"
            " created_at FROM audit_log WHERE story_id = ? ORDER BY id",
            (story_id,),
        )
        return [AuditEntry(*row) for row in rows]

    async def action_times(self, actor_id: int, action: str, since: datetime) -> list[datetime]:
        """When a member did `action` since `since`, oldest first: the rate limit reads this."""
        rows = await self._fetchall(
            "SELECT created_at FROM audit_log WHERE actor_id = ? AND action = ? AND created_at >= ?"
            " ORDER BY created_at",
            (actor_id, action, utc_text(since)),
        )
        return [datetime.fromisoformat(row[0]) for row in rows]
