"""The connection, transactions, migrations and clock every repository shares.

The only class that touches the SQLite connection. Repositories take it and speak
SQL through it; they never call each other (the application layer combines them).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Self

import aiosqlite

from bot.core.clock import Clock, system_clock, utc_text
from bot.storage.schema import MIGRATIONS

log = logging.getLogger(__name__)


class Database:
    def __init__(self, connection: aiosqlite.Connection, path: str, clock: Clock) -> None:
        self._connection = connection
        self.path = path
        # Every timestamp the bot writes comes from here; tests replace it to move time.
        self.clock = clock
        # One connection serves every coroutine: writers take turns so one
        # task's statements never land inside another task's transaction.
        self._write_lock = asyncio.Lock()
        self._transaction_owner: asyncio.Task[Any] | None = None

    @classmethod
    async def open(cls, path: Path | str, clock: Clock = system_clock) -> Self:
        """Open (creating if needed) and migrate the database at `path`."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(str(path), isolation_level=None)
        database = cls(connection, str(path), clock)
        try:
            await database._configure()
            await database._migrate()
        except BaseException:
            await connection.close()
            raise
        return database

    async def close(self) -> None:
        await self._connection.close()

    def now(self) -> datetime:
        return self.clock()

    def now_text(self) -> str:
        return utc_text(self.clock())

    async def _configure(self) -> None:
        await self._connection.execute("PRAGMA journal_mode = WAL")
        await self._connection.execute("PRAGMA foreign_keys = ON")
        # NORMAL is durable across application crashes under WAL; only a power
        # loss can drop the last transactions, never corrupt the file.
        await self._connection.execute("PRAGMA synchronous = NORMAL")
        await self._connection.execute("PRAGMA busy_timeout = 5000")

    async def schema_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        current = await self.schema_version()
        if current > len(MIGRATIONS):
            raise RuntimeError(
                f"{self.path} has schema version {current}, newer than this Conteur "
                f"({len(MIGRATIONS)}); upgrade Conteur."
            )
        for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
            log.info("Migrating %s to schema version %d", self.path, version)
            # executescript commits on its own; BEGIN/COMMIT inside keeps the
            # migration and its version bump atomic.
            await self._connection.executescript(
                f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
            )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """One atomic write; a nested use by the same task joins the outer transaction."""
        task = asyncio.current_task()
        if self._transaction_owner is task:
            yield
            return
        async with self._write_lock:
            self._transaction_owner = task
            try:
                await self._connection.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    await self._connection.execute("ROLLBACK")
                    raise
                await self._connection.execute("COMMIT")
            finally:
                self._transaction_owner = None

    async def execute(self, sql: str, params: Any = ()) -> int:
        """One statement inside the caller's transaction; returns the rows changed."""
        async with self._connection.execute(sql, params) as cursor:
            return cursor.rowcount

    async def insert(self, sql: str, params: Any = ()) -> int:
        """One INSERT inside the caller's transaction; returns the new row's id."""
        async with self._connection.execute(sql, params) as cursor:
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    async def executemany(self, sql: str, rows: Iterable[Any]) -> None:
        await self._connection.executemany(sql, rows)

    async def write(self, sql: str, params: Any = ()) -> int:
        """One write statement in a transaction of its own; returns the rows changed."""
        async with self.transaction():
            return await self.execute(sql, params)

    async def fetchall(self, sql: str, params: Any = ()) -> list[Any]:
        async with self._connection.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: Any = ()) -> Any:
        async with self._connection.execute(sql, params) as cursor:
            return await cursor.fetchone()
