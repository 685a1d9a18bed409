"""Shared fixtures: real SQLite in a temporary folder, the real bot, simcord's Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import DEFAULT_STORIES_DIR, Settings
from bot.core.clock import Clock
from bot.discord_adapter.bot import ConteurBot, discord_clock
from bot.storage import Store

SEED_STORIES = sorted(DEFAULT_STORIES_DIR.glob("*.txt"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_path=tmp_path / "conteur.sqlite3", stories_dir=DEFAULT_STORIES_DIR)


@pytest.fixture
def clock() -> Clock:
    """The store's clock: simcord's virtual time; a module may override it (ManualClock)."""
    return discord_clock


@pytest.fixture
async def store(settings: Settings, clock: Clock) -> AsyncIterator[Store]:
    opened = await Store.open(settings.database_path, clock=clock)
    yield opened
    await opened.close()


@pytest.fixture
def simcord_bot(settings: Settings, store: Store) -> ConteurBot:
    # Tests sync explicitly, as the console does, so an unsynced command fails loudly.
    return ConteurBot(settings, store, sync_globally=True)
