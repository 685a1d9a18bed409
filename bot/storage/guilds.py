"""Per-server settings: who moderates, which time zone."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.audit import Change, record_change
from bot.storage.database import Database


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    moderator_role_id: int | None = None
    timezone: str | None = None


class GuildRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        row = await self._db.fetchone(
            "SELECT moderator_role_id, timezone FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        return GuildSettings(guild_id, row[0], row[1]) if row else GuildSettings(guild_id)

    async def set_moderator_role(self, guild_id: int, role_id: int | None, actor_id: int) -> None:
        async with self._db.transaction():
            await self._db.execute(
                "INSERT INTO guild_settings (guild_id, moderator_role_id) VALUES (?, ?)"
                " ON CONFLICT (guild_id)"
                " DO UPDATE SET moderator_role_id = excluded.moderator_role_id",
                (guild_id, role_id),
            )
            await record_change(
                self._db,
                Change(
                    guild_id, actor_id, "settings", None, None, None, f"moderator role: {role_id}"
                ),
            )

    async def set_guild_timezone(self, guild_id: int, timezone: str, actor_id: int) -> None:
        async with self._db.transaction():
            await self._db.execute(
                "INSERT INTO guild_settings (guild_id, timezone) VALUES (?, ?)"
                " ON CONFLICT (guild_id) DO UPDATE SET timezone = excluded.timezone",
                (guild_id, timezone),
            )
            await record_change(
                self._db,
                Change(guild_id, actor_id, "settings", None, None, None, f"timezone: {timezone}"),
            )
