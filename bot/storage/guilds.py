"""Per-server settings and the audit log of every change to the library."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.models import AuditEntry
from bot.storage.base import StoreBase, utc_text


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
            (guild_id, actor_id, action, story_id, hash_before, hash_after, detail, utc_text()),
        )

    async def audit_for_story(self, story_id: int) -> list[AuditEntry]:
        rows = await self._fetchall(
            "SELECT guild_id, actor_id, action, story_id, hash_before, hash_after, detail,"
            " created_at FROM audit_log WHERE story_id = ? ORDER BY id",
            (story_id,),
        )
        return [AuditEntry(*row) for row in rows]

    async def count_actions_since(self, actor_id: int, action: str, since: datetime) -> int:
        """How often a member did `action` recently: the moderators' rate limit reads this."""
        row = await self._fetchone(
            "SELECT count(*) FROM audit_log WHERE actor_id = ? AND action = ? AND created_at >= ?",
            (actor_id, action, utc_text(since)),
        )
        return int(row[0])
