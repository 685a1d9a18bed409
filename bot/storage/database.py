"""The connection, transactions, migrations and clock every repository shares.

`Database` is what repositories see; `SqliteDatabase` (the zero-setup default, a file)
and `PostgresDatabase` (`bot/storage/postgres.py`, for many processes sharing one store)
are the two backends behind it. Repositories write one SQL for both: `?` or `:name`
parameters, standard `ON CONFLICT`, `CAST` where a type must be said. Where the two
dialects differ the difference lives here, as a method (`ids_in`), never in a repository
and never outside storage. Repositories never call each other (the application layer
combines them).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Self

import aiosqlite
import asyncpg

from bot.core.clock import Clock, system_clock, utc_text
from bot.storage.schema import MIGRATIONS

log = logging.getLogger(__name__)


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
    def __init__(self, connection: aiosqlite.Connection, path: str, clock: Clock) -> None:
        super().__init__(path, clock)
        self._connection = connection
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

    def ids_in(self, column: str) -> str:
        return f"{column} IN (SELECT value FROM json_each(?))"

    def ids_param(self, ids: Sequence[int]) -> Any:
        return json.dumps(list(ids))

    async def columns(self, table: str) -> list[str]:
        return [row[1] for row in await self.fetchall(f"PRAGMA table_info({table})")]

    async def after_copy(self, tables: Sequence[str]) -> None:
        """Nothing to do: SQLite's next id is always one past the highest in the table."""

    async def data_version(self) -> int:
        # Changes exactly when another connection has committed; one round trip.
        row = await self.fetchone("PRAGMA data_version")
        return int(row[0])

    @property
    def local_file(self) -> Path | None:
        return None if self.path == ":memory:" else Path(self.path)

    async def announce_change(self) -> None:
        """Nothing to announce: a SQLite library has one process."""

    async def listen(self, on_change: Callable[[], None]) -> Callable[[], Awaitable[None]]:
        async def stop() -> None:
            """Nothing was started: no other process writes a SQLite library."""

        return stop

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

    @property
    def skip_locked(self) -> str:
        return ""

    @asynccontextmanager
    async def transaction(self, *, serialized: bool = True) -> AsyncIterator[None]:
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

    async def fetchall(self, sql: str, params: Any = ()) -> list[Any]:
        async with self._connection.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: Any = ()) -> Any:
        async with self._connection.execute(sql, params) as cursor:
            return await cursor.fetchone()
