"""A throwaway PostgreSQL for the suite, started by the suite itself.

The `pgserver` wheel ships a real PostgreSQL 16 server; it starts in about a second,
listens only on a Unix socket in a temporary folder (no TCP port, nothing installed by
hand, no root needed; as root it runs the server as a user of its own). One server per
test session (so one per xdist worker); each test gets a fresh database copied from a
database that is already migrated, emptied before each test (TRUNCATE, a few
milliseconds, where copying a database takes a tenth of a second), so no test pays
for the migrations; a test about migrating asks for a bare one.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from bot.core.clock import system_clock
from bot.storage.postgres import PostgresDatabase

TESTS = "conteur_tests"


class PostgresUnavailable(Exception):
    """The suite could not start its PostgreSQL; the message says why."""


@dataclass
class PostgresServer:
    server: Any  # pgserver.PostgresServer

    folder: Path
    _truncate: str = ""
    _numbers: itertools.count[int] = field(default_factory=itertools.count)

    @classmethod
    async def start(cls) -> PostgresServer:
        # Not under pytest's temporary folder: pytest resets its folders to mode 700 as
        # each xdist worker starts, and as root pgserver runs the server as another user,
        # which must reach its data folder.
        folder = Path(tempfile.mkdtemp(prefix="conteur-pg-"))
        try:
            import pgserver

            server = pgserver.get_server(  # type: ignore[attr-defined]
                folder / "data", cleanup_mode="delete"
            )
        except Exception as error:
            shutil.rmtree(folder, ignore_errors=True)
            raise PostgresUnavailable(f"pgserver could not start PostgreSQL: {error!r}") from error
        started = cls(server, folder)
        await started._tune_for_tests()
        await started._make_test_database()
        return started

    async def _tune_for_tests(self) -> None:
        """A throwaway server need not survive a power cut: skip the disk flushes."""
        admin = await self._admin()
        try:
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                await admin.execute(f"ALTER SYSTEM SET {setting} = off")
            await admin.execute("SELECT pg_reload_conf()")
        finally:
            await admin.close()

    def url(self, database: str) -> str:
        return str(self.server.get_uri(database))

    async def _admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.url("postgres"))

    async def _make_test_database(self) -> None:
        admin = await self._admin()
        try:
            await admin.execute(f"CREATE DATABASE {TESTS}")
        finally:
            await admin.close()
        migrated = await PostgresDatabase.open(self.url(TESTS), system_clock)
        await migrated.close()
        connection = await asyncpg.connect(self.url(TESTS))
        try:
            tables = await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'conteur_schema' ORDER BY tablename"
            )
        finally:
            await connection.close()
        self._truncate = f"TRUNCATE {', '.join(row[0] for row in tables)} RESTART IDENTITY CASCADE"

    async def empty_database(self) -> str:
        """The URL of the migrated test database, emptied of every row, ids restarting at 1."""
        connection = await asyncpg.connect(self.url(TESTS))
        try:
            await connection.execute(self._truncate)
        finally:
            await connection.close()
        return self.url(TESTS)

    async def bare_database(self) -> str:
        """A new database without any table: for tests of migrating."""
        name = f"bare{os.getpid()}_{next(self._numbers)}"
        admin = await self._admin()
        try:
            await admin.execute(f"CREATE DATABASE {name}")
        finally:
            await admin.close()
        return self.url(name)

    async def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[-1].split("?", 1)[0]
        admin = await self._admin()
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await admin.close()

    def stop(self) -> None:
        self.server.cleanup()
        shutil.rmtree(self.folder, ignore_errors=True)
