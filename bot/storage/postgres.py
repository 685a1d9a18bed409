"""PostgreSQL behind the same `Database` the repositories use: many processes, one store.

Repositories write `?` (or `:name`) parameters, as SQLite takes them; here they become
PostgreSQL's `$1, $2, …` once per statement text (cached). A transaction holds one
pooled connection, which every statement of the same task inside it uses.

Write transactions take turns across every process, as SQLite's BEGIN IMMEDIATE makes
writers take turns on one file: each begins by taking one transaction-scoped advisory
lock. What a repository reads inside a transaction (a free slug, the next version
number, how many subscriptions a server has) is then still true when it writes, on
both backends, with no retry loop anywhere. Writes are small and few (a story added,
a day claimed), so one at a time costs little; reads never wait for it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, Self, TypeAlias
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.core.clock import Clock
from bot.storage.database import Database
from bot.storage.schema_postgres import POSTGRES_MIGRATIONS

log = logging.getLogger(__name__)

# Advisory lock keys: arbitrary, fixed, Conteur's own. One for write transactions,
# one so two processes starting on a new database migrate it one after the other.
WRITE_LOCK = 0x436F6E74  # "Cont"
MIGRATION_LOCK = 0x436F6E75

POOL_SIZE = 8
CLOSE_TIMEOUT_S = 10.0
# The NOTIFY channel every library change is announced on.
CHANGES_CHANNEL = "conteur_changes"
# Between attempts to bring a lost listening connection back.
RELISTEN_DELAY_S = 1.0

# Subscripted for the type checker only: asyncpg's classes are not generic at run time.
_Connection: TypeAlias = "PoolConnectionProxy[asyncpg.Record]"

_TOKEN = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|\?|(?<![:\w]):([A-Za-z_]\w*)")


@lru_cache(maxsize=2048)
def translate(sql: str) -> tuple[str, tuple[str, ...] | None]:
    """`sql` with `?` or `:name` as `$n`; and the names in `$n` order (None for `?`).

    Quoted text and identifiers are left alone, so '12:30' stays a literal.
    """
    names: list[str] = []
    positional = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal positional
        token = match.group(0)
        if token == "?":
            positional += 1
            return f"${positional}"
        name = match.group(1)
        if name is None:
            return token
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    translated = _TOKEN.sub(replace, sql)
    if positional and names:
        raise ValueError(f"mixed ? and :name parameters in {sql!r}")
    return translated, (tuple(names) if names else None)


def _arguments(names: tuple[str, ...] | None, params: Any) -> Sequence[Any]:
    if names is None:
        return tuple(params)
    assert isinstance(params, Mapping), "named parameters need a mapping"
    return [params[name] for name in names]


def _rows_changed(status: str) -> int:
    """asyncpg's command tag ("UPDATE 3", "INSERT 0 1", "DELETE 0") as a count."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def masked(url: str) -> str:
    """The URL without its password, for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


async def _keep_session(connection: asyncpg.Connection[asyncpg.Record]) -> None:
    """A pooled connection goes back as it is: the store leaves no session state on it
    (transactions end before release; advisory locks are transaction-scoped; LISTEN has
    a connection of its own), so the round trip of asyncpg's default RESET ALL is waste.
    """


class _Listener:
    """A connection of its own, outside the pool, LISTENing for library changes.

    When it drops (a restarted server, a network cut), it is brought back, and
    `on_change` is called once it is: the caller then reads the audit log from where it
    stopped, so a change announced while nobody listened is still applied.
    """

    def __init__(self, url: str, on_change: Callable[[], None]) -> None:
        self._url = url
        self._on_change = on_change
        self._connection: asyncpg.Connection[asyncpg.Record] | None = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._stopped = False

    async def connect(self) -> None:
        connection = await asyncpg.connect(self._url)
        await connection.add_listener(CHANGES_CHANNEL, self._notified)
        connection.add_termination_listener(self._lost)
        self._connection = connection

    def _notified(self, *_args: object) -> None:
        self._on_change()

    def _lost(self, _connection: object) -> None:
        if not self._stopped and self._reconnecting is None:
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        try:
            while not self._stopped:
                try:
                    await self.connect()
                except (OSError, asyncpg.PostgresError) as error:
                    log.warning("Listening for library changes again failed: %s", error)
                    await asyncio.sleep(RELISTEN_DELAY_S)
                    continue
                log.info("Listening for library changes again; catching up")
                self._on_change()
                return
        finally:
            self._reconnecting = None

    async def stop(self) -> None:
        self._stopped = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
        if self._connection is not None and not self._connection.is_closed():
            await self._connection.close()


class PostgresDatabase(Database):
    def __init__(self, pool: asyncpg.Pool, url: str, clock: Clock) -> None:
        super().__init__(masked(url), clock)
        self.url = url
        self._pool = pool
        # The connection of the transaction the current task is in, if any.
        self._transaction: ContextVar[tuple[asyncio.Task[Any], _Connection] | None] = ContextVar(
            f"conteur-transaction-{id(self)}", default=None
        )

    @classmethod
    async def open(cls, url: str, clock: Clock) -> Self:
        # Connections opened for a burst are kept, not closed after five idle minutes
        # (asyncpg's default): a new one costs a server process and a few round trips,
        # tens of milliseconds on busy cores, paid again by each process at every burst
        # after a quiet spell (bench/scale.py: cold pools made 3 processes look slower).
        pool = await asyncpg.create_pool(
            url,
            min_size=1,
            max_size=POOL_SIZE,
            reset=_keep_session,
            max_inactive_connection_lifetime=0,
        )
        database = cls(pool, url, clock)
        try:
            await database._migrate()
        except BaseException:
            await pool.close()
            raise
        return database

    @property
    def shared(self) -> bool:
        return True

    async def close(self) -> None:
        # Gracefully, unless a task still holds a connection (a send stuck at shutdown):
        # then its transaction is rolled back by the server when the connection drops.
        try:
            await asyncio.wait_for(self._pool.close(), CLOSE_TIMEOUT_S)
        except TimeoutError:
            log.warning("Closing %s: connections still busy, dropped", self.path)
            self._pool.terminate()

    def ids_in(self, column: str) -> str:
        return f"{column} = ANY(CAST(? AS BIGINT[]))"

    def ids_param(self, ids: Sequence[int]) -> Any:
        return list(ids)

    async def columns(self, table: str) -> list[str]:
        rows = await self.fetchall(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ?"
            " ORDER BY ordinal_position",
            (table,),
        )
        return [row[0] for row in rows]

    async def data_version(self) -> int:
        # Every change to the library writes its audit entry in its own transaction, and
        # writers take turns, so the newest entry's id grows with every committed change.
        row = await self.fetchone("SELECT coalesce(max(id), 0) FROM audit_log")
        return int(row[0])

    @property
    def local_file(self) -> Path | None:
        return None

    async def announce_change(self) -> None:
        # Delivered when (and only if) the transaction commits.
        await self.execute(f"NOTIFY {CHANGES_CHANNEL}")

    async def listen(self, on_change: Callable[[], None]) -> Callable[[], Awaitable[None]]:
        listener = _Listener(self.url, on_change)
        await listener.connect()
        return listener.stop

    async def after_copy(self, tables: Sequence[str]) -> None:
        """Identity columns continue after the highest id copied, not from 1."""
        for table in tables:
            if "id" in await self.columns(table):
                await self.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" coalesce(max(id), 0) + 1, false) FROM {table}"
                )

    # ---------------------------------------------------------- migrations

    async def schema_version(self) -> int:
        async with self._pool.acquire() as connection:
            return await self._version(connection)

    @staticmethod
    async def _version(connection: _Connection) -> int:
        exists = await connection.fetchval("SELECT to_regclass('conteur_schema') IS NOT NULL")
        if not exists:
            return 0
        return int(await connection.fetchval("SELECT version FROM conteur_schema"))

    async def _migrate(self) -> None:
        async with self._pool.acquire() as connection:
            # Session-scoped: a second process starting now waits, then finds it done.
            await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                current = await self._version(connection)
                if current > len(POSTGRES_MIGRATIONS):
                    raise RuntimeError(
                        f"{self.path} has schema version {current}, newer than this Conteur "
                        f"({len(POSTGRES_MIGRATIONS)}); upgrade Conteur."
                    )
                if current == 0:
                    await connection.execute(
                        "CREATE TABLE IF NOT EXISTS conteur_schema (version INTEGER NOT NULL);"
                        " INSERT INTO conteur_schema SELECT 0"
                        " WHERE NOT EXISTS (SELECT 1 FROM conteur_schema)"
                    )
                for version, script in enumerate(POSTGRES_MIGRATIONS[current:], start=current + 1):
                    log.info("Migrating %s to schema version %d", self.path, version)
                    async with connection.transaction():
                        await connection.execute(script)
                        await connection.execute("UPDATE conteur_schema SET version = $1", version)
            finally:
                await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)

    # -------------------------------------------------------- transactions

    def _connection_of_task(self) -> _Connection | None:
        current = self._transaction.get()
        if current is not None and current[0] is asyncio.current_task():
            return current[1]
        return None

    @property
    def skip_locked(self) -> str:
        return " FOR UPDATE SKIP LOCKED"

    @asynccontextmanager
    async def transaction(self, *, serialized: bool = True) -> AsyncIterator[None]:
        if self._connection_of_task() is not None:
            yield
            return
        task = asyncio.current_task()
        assert task is not None
        async with self._pool.acquire() as connection:
            # One round trip opens the transaction and takes the writers' turn.
            begin = f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})" if serialized else "BEGIN"
            await connection.execute(begin)
            token = self._transaction.set((task, connection))
            try:
                yield
            except BaseException:
                await connection.execute("ROLLBACK")
                raise
            else:
                await connection.execute("COMMIT")
            finally:
                self._transaction.reset(token)

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[_Connection]:
        """The task's transaction connection, or a pooled one for a lone statement."""
        joined = self._connection_of_task()
        if joined is not None:
            yield joined
            return
        async with self._pool.acquire() as connection:
            yield connection

    # ---------------------------------------------------------- statements

    async def execute(self, sql: str, params: Any = ()) -> int:
        text, names = translate(sql)
        async with self._connection() as connection:
            return _rows_changed(await connection.execute(text, *_arguments(names, params)))

    async def insert(self, sql: str, params: Any = ()) -> int:
        text, names = translate(sql)
        async with self._connection() as connection:
            new_id = await connection.fetchval(f"{text} RETURNING id", *_arguments(names, params))
        return int(new_id)

    async def executemany(self, sql: str, rows: Iterable[Any]) -> None:
        text, names = translate(sql)
        arguments = [_arguments(names, row) for row in rows]
        if not arguments:
            return
        async with self._connection() as connection:
            await connection.executemany(text, arguments)

    async def fetchall(self, sql: str, params: Any = ()) -> list[Any]:
        text, names = translate(sql)
        async with self._connection() as connection:
            return list(await connection.fetch(text, *_arguments(names, params)))

    async def fetchone(self, sql: str, params: Any = ()) -> Any:
        text, names = translate(sql)
        async with self._connection() as connection:
            return await connection.fetchrow(text, *_arguments(names, params))
