"""Which backend a store's address names: a postgresql:// URL, else a SQLite file."""

from __future__ import annotations

from pathlib import Path

from bot.core.clock import Clock, system_clock
from bot.storage.database import Database, SqliteDatabase, is_postgres_url
from bot.storage.postgres import PostgresDatabase


async def open_database(target: Path | str, clock: Clock = system_clock) -> Database:
    """Open and migrate the store at `target`: a postgresql:// URL, else a SQLite file."""
    if is_postgres_url(target):
        return await PostgresDatabase.open(str(target), clock)
    return await SqliteDatabase.open(target, clock)
