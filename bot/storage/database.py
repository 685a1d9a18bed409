"""The connection, transactions, migrations and clock every repository shares.

The only class that touches SQLite. Repositories take it and speak SQL through it;
they never call each other (the application layer combines them).

Two connections to one file, because SQLite in WAL mode refuses a write at once
(SQLITE_BUSY_SNAPSHOT: no busy timeout applies) on a connection whose read began
before another process committed. With one shared connection, any coroutine's
half-read cursor turned every other coroutine's write into such a write, while
`conteur load` or a second bot wrote to the same file. So:

- the *writer* connection only ever runs `BEGIN IMMEDIATE … COMMIT`: it takes the
  write lock before its first read (waiting for another process with the busy
  timeout, then with a backoff), so it never upgrades a stale read;
- the *reader* runs each read outside any transaction and to its end in one call,
  each statement its own snapshot, which in WAL never waits for a writer;
- a read inside a transaction (read-then-write) goes to the writer, so it sees and
  holds what it is about to change.

An in-memory database cannot be shared by two connections and has no other process
to meet: there both roles are one connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Self, TypeVar

import aiosqlite

from bot.core.clock import Clock, system_clock, utc_text
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


class Database:
    def __init__(
        self,
        connection: aiosqlite.Connection,
        path: str,
        clock: Clock,
        writer: aiosqlite.Connection | None = None,
    ) -> None:
        self._reader = connection
        self._writer = writer or connection
        self.path = path
        # Every timestamp the bot writes comes from here; tests replace it to move time.
        self.clock = clock
        # Writers in this process take turns so one task's statements never land
        # inside another task's transaction; other processes wait on SQLite's lock.
        self._write_lock = asyncio.Lock()
        self._transaction_owner: asyncio.Task[Any] | None = None

    @classmethod
    async def open(cls, path: Path | str, clock: Clock = system_clock) -> Self:
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
            database = cls(reader, str(path), clock, writer)
            await database._migrate()
        except BaseException:
            for connection in connections:
                await connection.close()
            raise
        return database

    async def close(self) -> None:
        if self._writer is not self._reader:
            await self._writer.close()
        await self._reader.close()

    def now(self) -> datetime:
        return self.clock()

    def now_text(self) -> str:
        return utc_text(self.clock())

    def _in_transaction(self) -> bool:
        task = asyncio.current_task()
        return task is not None and self._transaction_owner is task

    async def schema_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        if await self.schema_version() == len(MIGRATIONS):
            return  # the usual start: no lock taken
        async with self.transaction():
            # Decided again under the write lock: another process may have just
            # migrated (two `conteur load` on a new file), and must not redo it.
            current = await self.schema_version()
            if current > len(MIGRATIONS):
                raise RuntimeError(
                    f"{self.path} has schema version {current}, newer than this Conteur "
                    f"({len(MIGRATIONS)}); upgrade Conteur."
                )
            for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
                log.info("Migrating %s to schema version %d", self.path, version)
                for statement in split_statements(script):
                    await self._writer.execute(statement)
                await self._writer.execute(f"PRAGMA user_version = {version}")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """One atomic write; a nested use by the same task joins the outer transaction."""
        if self._in_transaction():
            yield
            return
        writer = self._writer
        async with self._write_lock:
            self._transaction_owner = asyncio.current_task()
            try:
                # IMMEDIATE: the write lock before the first read, so nothing read
                # here can be overtaken by another process's commit.
                await retry_busy(lambda: writer.execute("BEGIN IMMEDIATE"), self.path)
                try:
                    yield
                    await writer.execute("COMMIT")
                except BaseException:
                    await _rollback(writer)
                    raise
            finally:
                self._transaction_owner = None

    async def execute(self, sql: str, params: Any = ()) -> int:
        """One statement inside the caller's transaction (or its own); the rows changed."""
        async with self.transaction(), self._writer.execute(sql, params) as cursor:
            return cursor.rowcount

    async def insert(self, sql: str, params: Any = ()) -> int:
        """One INSERT inside the caller's transaction (or its own); the new row's id."""
        async with self.transaction(), self._writer.execute(sql, params) as cursor:
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    async def executemany(self, sql: str, rows: Iterable[Any]) -> None:
        async with self.transaction():
            await self._writer.executemany(sql, rows)

    async def write(self, sql: str, params: Any = ()) -> int:
        """One write statement in a transaction of its own; returns the rows changed."""
        async with self.transaction():
            return await self.execute(sql, params)

    async def fetchall(self, sql: str, params: Any = ()) -> list[Any]:
        # Inside a transaction, on the writer: the read sees and holds what it changes.
        if self._in_transaction():
            return list(await self._writer.execute_fetchall(sql, params))
        # execute_fetchall runs the statement to its end in one call on the reader's
        # thread: no cursor is left half-read across an await, which would hold one
        # read snapshot that other coroutines' reads would then share, stale.
        reader = self._reader
        rows = await retry_busy(lambda: reader.execute_fetchall(sql, params), self.path)
        return list(rows)

    async def fetchone(self, sql: str, params: Any = ()) -> Any:
        rows = await self.fetchall(sql, params)
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
