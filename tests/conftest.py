"""Shared fixtures: the real bot, simcord's Discord, and a real database of each kind.

Every test that asks for `settings` (and so `store`, the bot, the world) runs twice:
on SQLite in a temporary folder and on PostgreSQL, a fresh database on a server the
suite starts itself (tests/postgres_server.py). A test about SQLite's file itself
says so with `@pytest.mark.sqlite_only` and runs once.

PostgreSQL never goes missing silently: when it cannot start, CI (CI=true) fails
every PostgreSQL test with the reason; elsewhere they are skipped with it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.config import DEFAULT_STORIES_DIR, Settings
from bot.core.clock import Clock
from bot.discord_adapter.bot import ConteurBot, discord_clock
from bot.storage import Store
from tests.postgres_server import PostgresServer, PostgresUnavailable

SEED_STORIES = sorted(DEFAULT_STORIES_DIR.glob("*.txt"))
BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("backend", ("sqlite",) if only_sqlite else BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL per test session (per xdist worker), deleted at the end."""
    try:
        # In a thread: the template is migrated on an event loop of its own, apart
        # from the ones pytest-asyncio gives each test.
        with ThreadPoolExecutor(1) as pool:
            server = pool.submit(asyncio.run, PostgresServer.start()).result()
    except PostgresUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI: {error}")
        pytest.skip(f"PostgreSQL backend not tested: {error}")
    yield server
    server.stop()


@pytest.fixture
async def database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Path | str]:
    """An empty store's address: a new SQLite file, or the worker's PostgreSQL database
    emptied."""
    if backend == "sqlite":
        yield tmp_path / "conteur.sqlite3"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    yield await server.empty_database()


@pytest.fixture
def settings(database: Path | str, tmp_path: Path) -> Settings:
    # One shard, all of it here: simcord's Discord needs the count said.
    return Settings(stories_dir=DEFAULT_STORIES_DIR, shard_count=1, shard_ids=(0,)).with_database(
        database
    )


@pytest.fixture
def clock() -> Clock:
    """The store's clock: simcord's virtual time; a module may override it (ManualClock)."""
    return discord_clock


@pytest.fixture
async def store(settings: Settings, clock: Clock) -> AsyncIterator[Store]:
    opened = await Store.open(settings.database, clock=clock)
    yield opened
    await opened.close()


@pytest.fixture
def simcord_bot(settings: Settings, store: Store) -> ConteurBot:
    # Tests sync explicitly, as the console does, so an unsynced command fails loudly.
    return ConteurBot(settings, store, sync_globally=True)
