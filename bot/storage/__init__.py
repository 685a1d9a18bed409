"""The only package that speaks SQL.

One aiosqlite connection, WAL, foreign keys on. Every multi-statement write runs
in one transaction, so a failure leaves the database as it was. Rows leave as
dataclasses. `Store` gathers the areas (stories, characters, servers, readers…)
so the rest of the bot holds one object.
"""

from __future__ import annotations

from bot.storage.base import utc_text
from bot.storage.daily import DailyStore, LastDelivery, Subscribed
from bot.storage.drafts import Draft, DraftStore
from bot.storage.guilds import GuildSettings
from bot.storage.reading import ReadingStore
from bot.storage.schema import MIGRATIONS
from bot.storage.search_feed import SearchFeedStore
from bot.storage.stories import StoryStore

__all__ = [
    "MIGRATIONS",
    "Draft",
    "GuildSettings",
    "LastDelivery",
    "Store",
    "Subscribed",
    "utc_text",
]


class Store(StoryStore, ReadingStore, DraftStore, DailyStore, SearchFeedStore):
    """Every storage area over one connection."""
