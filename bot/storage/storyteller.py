"""The storyteller's storage: servers' opt-in, daily usage, cached retellings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.storage.audit import Change, record_change
from bot.storage.database import Database


@dataclass(frozen=True, slots=True)
class DailyUsage:
    requests: int = 0
    tokens: int = 0


@dataclass(frozen=True, slots=True)
class CachedRetelling:
    text: str
    tokens: int  # what writing it cost


class StorytellerRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def enabled(self, guild_id: int) -> bool:
        row = await self._db.fetchone(
            "SELECT enabled FROM storyteller_guilds WHERE guild_id = ?", (guild_id,)
        )
        return bool(row and row[0])

    async def set_enabled(self, guild_id: int, enabled: bool, actor_id: int | None) -> None:
        async with self._db.transaction():
            await self._db.execute(
                "INSERT INTO storyteller_guilds (guild_id, enabled, changed_by, changed_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET"
                " enabled = excluded.enabled, changed_by = excluded.changed_by,"
                " changed_at = excluded.changed_at",
                (guild_id, int(enabled), actor_id, self._db.now_text()),
            )
            detail = f"storyteller: {'on' if enabled else 'off'}"
            await record_change(
                self._db, Change(guild_id, actor_id, "settings", None, None, None, detail)
            )

    async def usage(self, guild_id: int, day: date) -> DailyUsage:
        row = await self._db.fetchone(
            "SELECT requests, tokens FROM storyteller_usage WHERE guild_id = ? AND day = ?",
            (guild_id, day.isoformat()),
        )
        return DailyUsage(row[0], row[1]) if row else DailyUsage()

    async def add_usage(self, guild_id: int, day: date, requests: int, tokens: int) -> None:
        await self._db.write(
            "INSERT INTO storyteller_usage (guild_id, day, requests, tokens) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (guild_id, day) DO UPDATE SET"
            " requests = storyteller_usage.requests + excluded.requests,"
            " tokens = storyteller_usage.tokens + excluded.tokens",
            (guild_id, day.isoformat(), requests, tokens),
        )

    async def cached_retelling(
        self, content_hash: str, style: str, model: str, prompt_version: int
    ) -> CachedRetelling | None:
        row = await self._db.fetchone(
            "SELECT text, tokens FROM storyteller_retellings WHERE content_hash = ?"
            " AND style = ? AND model = ? AND prompt_version = ?",
            (content_hash, style, model, prompt_version),
        )
        return CachedRetelling(row[0], row[1]) if row else None

    async def keep_retelling(
        self,
        content_hash: str,
        style: str,
        model: str,
        prompt_version: int,
        text: str,
        tokens: int,
    ) -> None:
        await self._db.write(
            "INSERT INTO storyteller_retellings (content_hash, style, model,"
            " prompt_version, text, tokens, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (content_hash, style, model, prompt_version) DO UPDATE SET"
            " text = excluded.text, tokens = excluded.tokens, created_at = excluded.created_at",
            (content_hash, style, model, prompt_version, text, tokens, self._db.now_text()),
        )
