"""The connection, transactions and migrations every storage area shares."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import aiosqlite

from bot.storage.schema import MIGRATIONS

log = logging.getLogger(__name__)


def utc_text(moment: datetime | None = None) -> str:
    """Timestamps are stored as ISO-8601 UTC text, which sorts chronologically."""
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


class StoreBase:
    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        self._db = connection
        self.path = path
        # One connection serves every coroutine: writers take turns so one
        # task's statements never land inside another task's transaction.
        self._write_lock = asyncio.Lock()
        self._transaction_owner: asyncio.Task[Any] | None = None

    @classmethod
    async def open(cls, path: Path | str) -> Self:
        """Open (creating if needed) and migrate the database at `path`."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(str(path), isolation_level=None)
        store = cls(connection, str(path))
        try:
            await store._configure()
            await store._migrate()
        except BaseException:
            await connection.close()
            raise
        return store

    async def close(self) -> None:
        await self._db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _configure(self) -> None:
        await self._db.execute("PRAGMA journal_mode = WAL")
        await self._db.execute("PRAGMA foreign_keys = ON")
        # NORMAL is durable across application crashes under WAL; only a power
        # loss can drop the last transactions, never corrupt the file.
        await self._db.execute("PRAGMA synchronous = NORMAL")
        await self._db.execute("PRAGMA busy_timeout = 5000")

    async def schema_version(self) -> int:
        row = await self._fetchone("PRAGMA user_version")
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
            await self._db.executescript(
                f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
            )

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One atomic write; a nested use by the same task joins the outer transaction."""
        task = asyncio.current_task()
        if self._transaction_owner is task:
            yield self._db
            return
        async with self._write_lock:
            self._transaction_owner = task
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    await self._db.execute("ROLLBACK")
                    raise
                await self._db.execute("COMMIT")
            finally:
                self._transaction_owner = None

    async def _write(self, sql: str, params: Any = ()) -> int:
        """One write statement, in a transaction; returns the number of rows changed."""
        async with self._transaction() as db, db.execute(sql, params) as cursor:
            return cursor.rowcount

    async def _fetchall(self, sql: str, params: Any = ()) -> list[Any]:
        async with self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def _fetchone(self, sql: str, params: Any = ()) -> Any:
        async with self._db.execute(sql, params) as cursor:
            return await cursor.fetchone()
