"""The connection, transactions and migrations every storage area shares.

Two connections to one file, because SQLite in WAL mode refuses a write at once
(SQLITE_BUSY_SNAPSHOT, no busy timeout applies) on a connection whose read began
before another process committed. With one shared connection, any coroutine's
half-read cursor made every other coroutine's write such a write. So:

- the *writer* connection only ever runs `BEGIN IMMEDIATE … COMMIT`: it takes the
  write lock first (waiting for another process, with the busy timeout and then a
  backoff), so it never upgrades a stale read;
- the *reader* connection runs every read outside a transaction, each statement its
  own snapshot, which in WAL never waits for a writer;
- a read made inside a transaction (read-then-write) goes to the writer, so it sees
  and holds what it is about to change.

An in-memory database cannot be shared by two connections and has no other
process to meet: there both roles are one connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self, TypeVar

import aiosqlite

from bot.storage.schema import MIGRATIONS

log = logging.getLogger(__name__)

T = TypeVar("T")

# SQLite waits this long itself for another process's lock (busy_timeout) …
BUSY_TIMEOUT_MS = 5000
# … and then we back off and try again: 0.05, 0.1, 0.2 … 2 s, about 30 s in all on top.
BUSY_RETRIES = 20
BUSY_BACKOFF_FIRST = 0.05
BUSY_BACKOFF_MAX = 2.0
_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def utc_text(moment: datetime | None = None) -> str:
    """Timestamps are stored as ISO-8601 UTC text, which sorts chronologically."""
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


def is_busy(error: BaseException) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED, extended codes included: another holder, try later."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    return "locked" in str(error) or "busy" in str(error)


async def retry_busy(operation: Callable[[], Awaitable[T]], what: str = "database") -> T:
    """`operation()`, tried again with a growing pause while the database is busy."""
    delay = BUSY_BACKOFF_FIRST
    for attempt in range(1, BUSY_RETRIES + 1):
        try:
            return await operation()
        except sqlite3.OperationalError as error:
            if not is_busy(error) or attempt == BUSY_RETRIES:
                raise
            log.info("%s busy (%s); trying again in %.2f s", what, error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, BUSY_BACKOFF_MAX)
    raise AssertionError("unreachable")  # the loop returns or raises


def split_statements(script: str) -> list[str]:
    """A migration script as single statements (a trigger's body stays whole).

    `executescript` would commit the transaction the migration must run in.
    """
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL at the end of a migration: {pending.strip()[:60]}")
    return statements


class StoreBase:
    def __init__(
        self,
        connection: aiosqlite.Connection,
        path: str,
        writer: aiosqlite.Connection | None = None,
    ) -> None:
        self._reader = connection
        self._writer = writer or connection
        self.path = path
        # Writers in this process take turns so one task's statements never land
        # inside another task's transaction; other processes wait on SQLite's lock.
        self._write_lock = asyncio.Lock()
        self._transaction_owner: asyncio.Task[Any] | None = None

    @property
    def _db(self) -> aiosqlite.Connection:
        """The writer inside this task's transaction (reads there must see it); else the reader."""
        task = asyncio.current_task()
        if task is not None and self._transaction_owner is task:
            return self._writer
        return self._reader

    @classmethod
    async def open(cls, path: Path | str) -> Self:
        """Open (creating if needed) and migrate the database at `path`.

        Safe against another process opening the same new file at the same moment:
        the schema version is read and raised inside one write transaction.
        """
        in_memory = str(path) == ":memory:"
        if not in_memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connections: list[aiosqlite.Connection] = []
        try:
            reader = await aiosqlite.connect(str(path), isolation_level=None)
            connections.append(reader)
            writer = None
            if not in_memory:
                writer = await aiosqlite.connect(str(path), isolation_level=None)
                connections.append(writer)
            for connection in connections:
                await _configure(connection)
            store = cls(reader, str(path), writer)
            await store._migrate()
        except BaseException:
            for connection in connections:
                await connection.close()
            raise
        return store

    async def close(self) -> None:
        if self._writer is not self._reader:
            await self._writer.close()
        await self._reader.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def schema_version(self) -> int:
        row = await self._fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        if await self.schema_version() == len(MIGRATIONS):
            return  # the usual start: no lock taken
        async with self._transaction() as db:
            # Decided again under the write lock: another process may have just
            # migrated (two `conteur load` on a new file), and must not be redone.
            current = await self.schema_version()
            if current > len(MIGRATIONS):
                raise RuntimeError(
                    f"{self.path} has schema version {current}, newer than this Conteur "
                    f"({len(MIGRATIONS)}); upgrade Conteur."
                )
            for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
                log.info("Migrating %s to schema version %d", self.path, version)
                for statement in split_statements(script):
                    await db.execute(statement)
                await db.execute(f"PRAGMA user_version = {version}")

    def transaction(self) -> Any:
        """One atomic read-then-write for callers outside storage (a load's checks and add)."""
        return self._transaction()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One atomic write; a nested use by the same task joins the outer transaction."""
        task = asyncio.current_task()
        if task is not None and self._transaction_owner is task:
            yield self._writer
            return
        writer = self._writer
        async with self._write_lock:
            self._transaction_owner = task
            try:
                # IMMEDIATE: the write lock before the first read, so nothing read
                # here can be overtaken by another process's commit.
                await retry_busy(lambda: writer.execute("BEGIN IMMEDIATE"), self.path)
                try:
                    yield writer
                    await writer.execute("COMMIT")
                except BaseException:
                    await _rollback(writer)
                    raise
            finally:
                self._transaction_owner = None

    async def _write(self, sql: str, params: Any = ()) -> int:
        """One write statement, in a transaction; returns the number of rows changed."""
        async with self._transaction() as db, db.execute(sql, params) as cursor:
            return cursor.rowcount

    async def _fetchall(self, sql: str, params: Any = ()) -> list[Any]:
        # execute_fetchall runs the statement to its end in one call on the connection's
        # thread: no cursor is left half-read across an await, which would hold a read
        # snapshot that every other coroutine's reads would then share, stale.
        connection = self._db
        rows = await retry_busy(lambda: connection.execute_fetchall(sql, params), self.path)
        return list(rows)

    async def _fetchone(self, sql: str, params: Any = ()) -> Any:
        rows = await self._fetchall(sql, params)
        return rows[0] if rows else None


async def _configure(connection: aiosqlite.Connection) -> None:
    # First, so that the pragmas below wait for another process starting too.
    await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await retry_busy(lambda: connection.execute("PRAGMA journal_mode = WAL"), "journal mode")
    await connection.execute("PRAGMA foreign_keys = ON")
    # NORMAL is durable across application crashes under WAL; only a power
    # loss can drop the last transactions, never corrupt the file.
    await connection.execute("PRAGMA synchronous = NORMAL")


async def _rollback(connection: aiosqlite.Connection) -> None:
    """Undo whatever the transaction did; quiet when it had not begun or already ended."""
    # "no transaction is active": BEGIN failed, or COMMIT went through.
    with contextlib.suppress(sqlite3.OperationalError):
        await connection.execute("ROLLBACK")
