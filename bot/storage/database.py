"""The connection, transactions, migrations and clock every repository shares.

`Database` is what repositories see; `SqliteDatabase` (the zero-setup default, a file)
and `PostgresDatabase` (`bot/storage/postgres.py`, for many processes sharing one store)
are the two backends behind it. Repositories write one SQL for both: `?` or `:name`
parameters, standard `ON CONFLICT`, `CAST` where a type must be said. Where the two
dialects differ the difference lives here, as a method (`ids_in`), never in a repository
and never outside storage. Repositories never call each other (the application layer
combines them).

SQLite uses two connections to one file, because in WAL mode it refuses a write at
once (SQLITE_BUSY_SNAPSHOT: no busy timeout applies) on a connection whose read began
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
import json
import logging
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Self, TypeVar

import aiosqlite
import asyncpg

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


# What a broken constraint (a duplicate key, a missing parent) raises, on either backend.
INTEGRITY_ERRORS: tuple[type[Exception], ...] = (
    sqlite3.IntegrityError,
    asyncpg.IntegrityConstraintViolationError,
)


def is_postgres_url(target: Path | str) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


class Database(ABC):
    """One store's connection(s), transactions, migrations and clock."""

    def __init__(self, path: str, clock: Clock) -> None:
        # A file path, ":memory:", or a postgresql:// URL (with any password masked).
        self.path = path
        # Every timestamp the bot writes comes from here; tests replace it to move time.
        self.clock = clock

    @property
    def shared(self) -> bool:
        """Whether other processes may use this store at the same time (PostgreSQL)."""
        return False

    def now(self) -> datetime:
        return self.clock()

    def now_text(self) -> str:
        return utc_text(self.clock())

    async def write(self, sql: str, params: Any = ()) -> int:
        """One write statement in a transaction of its own; returns the rows changed."""
        async with self.transaction():
            return await self.execute(sql, params)

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def schema_version(self) -> int: ...

    @abstractmethod
    def transaction(self, *, serialized: bool = True) -> AbstractAsyncContextManager[None]:
        """One atomic write; a nested use by the same task joins the outer transaction.

        Write transactions take turns, one at a time, in both backends: what a
        repository reads inside one is what it writes against (a free slug, the next
        version number, the subscription count), as SQLite's BEGIN IMMEDIATE gives.
        `serialized=False` lets a PostgreSQL transaction run beside the others, for
        writes that lock their own rows (`skip_locked`); SQLite has one writer anyway.
        """

    @property
    @abstractmethod
    def skip_locked(self) -> str:
        """What ends a SELECT whose rows the transaction takes, skipping rows another
        transaction holds: FOR UPDATE SKIP LOCKED, or nothing where writers take turns."""

    @abstractmethod
    async def execute(self, sql: str, params: Any = ()) -> int:
        """One statement inside the caller's transaction; returns the rows changed."""

    @abstractmethod
    async def insert(self, sql: str, params: Any = ()) -> int:
        """One INSERT into a table with an `id` key, in the caller's transaction: the new id."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Any]) -> None: ...

    @abstractmethod
    async def fetchall(self, sql: str, params: Any = ()) -> list[Any]: ...

    @abstractmethod
    async def fetchone(self, sql: str, params: Any = ()) -> Any: ...

    @abstractmethod
    def ids_in(self, column: str) -> str:
        """A condition `column` is one of a list of ids, passed as one parameter `ids_param`
        makes: a list of any length is one bound value, never thousands of `?`."""

    @abstractmethod
    def ids_param(self, ids: Sequence[int]) -> Any: ...

    @abstractmethod
    async def data_version(self) -> int:
        """A number that changes whenever another process may have changed the library."""

    @property
    @abstractmethod
    def local_file(self) -> Path | None:
        """The database's file on this machine (files may be kept beside it), if any."""

    @abstractmethod
    async def announce_change(self) -> None:
        """Inside a transaction that changed the library: tell the other processes when
        it commits (see `listen`)."""

    @abstractmethod
    async def listen(self, on_change: Callable[[], None]) -> Callable[[], Awaitable[None]]:
        """Call `on_change` whenever another process's change to the library commits, and
        once more after any lost connection to the store comes back (whatever was missed
        meanwhile is in the audit log, which the caller reads from where it stopped).
        Returns what stops listening."""

    @abstractmethod
    async def columns(self, table: str) -> list[str]:
        """The table's columns in the order they were created."""

    @abstractmethod
    async def after_copy(self, tables: Sequence[str]) -> None:
        """Inside the copy's transaction, once rows came in with their ids kept."""


class SqliteDatabase(Database):
    def __init__(
        self,
        connection: aiosqlite.Connection,
        path: str,
        clock: Clock,
        writer: aiosqlite.Connection | None = None,
    ) -> None:
        super().__init__(path, clock)
        self._reader = connection
        self._writer = writer or connection
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

    def _in_transaction(self) -> bool:
        task = asyncio.current_task()
        return task is not None and self._transaction_owner is task

    def ids_in(self, column: str) -> str:
        return f"{column} IN (SELECT value FROM json_each(?))"

    def ids_param(self, ids: Sequence[int]) -> Any:
        return json.dumps(list(ids))

    async def columns(self, table: str) -> list[str]:
        return [row[1] for row in await self.fetchall(f"PRAGMA table_info({table})")]

    async def after_copy(self, tables: Sequence[str]) -> None:
        """Nothing to do: SQLite's next id is always one past the highest in the table."""

    async def data_version(self) -> int:
        # Changes exactly when another connection has committed; one round trip. Asked
        # of the writer: the reader's would also move with this process's own commits.
        rows = await self._writer.execute_fetchall("PRAGMA data_version")
        return int(next(iter(rows))[0])

    @property
    def local_file(self) -> Path | None:
        return None if self.path == ":memory:" else Path(self.path)

    async def announce_change(self) -> None:
        """Nothing to announce: a SQLite library has one process."""

    async def listen(self, on_change: Callable[[], None]) -> Callable[[], Awaitable[None]]:
        async def stop() -> None:
            """Nothing was started: no other process writes a SQLite library."""

        return stop

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

    @property
    def skip_locked(self) -> str:
        return ""

    @asynccontextmanager
    async def transaction(self, *, serialized: bool = True) -> AsyncIterator[None]:
        """One atomic write; a nested use by the same task joins the outer transaction."""
        if self._in_transaction():
            yield
            return
        writer = self._writer
        async with self._write_lock:
            self._transaction_owner = asyncio.current_task()
            try:
                if writer.in_transaction:  # left open by a task cancelled mid-statement
                    log.warning("%s: rolling back a transaction left open", self.path)
                    await _rollback(writer)
                try:
                    # IMMEDIATE: the write lock before the first read, so nothing read
                    # here can be overtaken by another process's commit. Inside the
                    # try: a task cancelled while BEGIN runs in the connection's thread
                    # has begun a transaction all the same, and must end it. (Left
                    # open, every later write failed: "cannot start a transaction
                    # within a transaction", 3,200 times in 20,000 interactions.)
                    await retry_busy(lambda: writer.execute("BEGIN IMMEDIATE"), self.path)
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
    """Undo whatever the transaction did; quiet when it had not begun or already ended,
    or the connection is closed: the error that brought us here is the one to raise."""
    # "no transaction is active": BEGIN failed, or COMMIT went through. ProgrammingError
    # and ValueError: the database was closed (the bot stopping) under the transaction.
    with contextlib.suppress(sqlite3.OperationalError, sqlite3.ProgrammingError, ValueError):
        await connection.execute("ROLLBACK")
