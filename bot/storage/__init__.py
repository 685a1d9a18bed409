"""The only package that speaks SQL.

One `Database` owns the connection (SQLite by default, PostgreSQL for a postgresql://
URL), its transactions, migrations and the clock every timestamp comes from. One
repository per area takes it; `Store` holds them, so the rest of the bot passes one
object around. Every multi-statement write runs in one transaction, so a failure leaves
the database as it was. Rows leave as dataclasses. Repositories never call each other:
what spans areas is the application layer's (`bot/app/`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from bot.core.clock import Clock, system_clock
from bot.storage.audit import AuditRepository
from bot.storage.backends import open_database
from bot.storage.casts import CastRepository
from bot.storage.daily import DailyRepository, LastDelivery, Subscribed
from bot.storage.database import INTEGRITY_ERRORS, Database
from bot.storage.drafts import Draft, DraftRepository
from bot.storage.guilds import GuildRepository, GuildSettings
from bot.storage.reading import Bookmark, ReadingRepository
from bot.storage.schema import MIGRATIONS
from bot.storage.search_feed import SearchFeedRepository
from bot.storage.stories import StoryRepository
from bot.storage.storyteller import StorytellerRepository

__all__ = [
    "INTEGRITY_ERRORS",
    "MIGRATIONS",
    "Bookmark",
    "Database",
    "Draft",
    "GuildSettings",
    "LastDelivery",
    "Store",
    "Subscribed",
]


class Store:
    """Every repository over one database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.stories = StoryRepository(db)
        self.casts = CastRepository(db)
        self.guilds = GuildRepository(db)
        self.audit = AuditRepository(db)
        self.drafts = DraftRepository(db)
        self.reading = ReadingRepository(db)
        self.daily = DailyRepository(db)
        self.search_feed = SearchFeedRepository(db)
        self.storyteller = StorytellerRepository(db)

    @classmethod
    async def open(cls, target: Path | str, clock: Clock = system_clock) -> Self:
        """The store at `target`: a SQLite file (or ":memory:"), or a postgresql:// URL."""
        return cls(await open_database(target, clock))

    @property
    def clock(self) -> Clock:
        return self.db.clock

    @property
    def path(self) -> str:
        return self.db.path

    @property
    def local_file(self) -> Path | None:
        """The SQLite file, beside which per-machine files (the search index) are kept;
        None for a database in memory or on a server."""
        return self.db.local_file

    async def close(self) -> None:
        await self.db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
