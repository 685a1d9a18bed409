"""`conteur run` leaves start-up's objects out of full garbage collections; tests do not."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.discord_adapter.bot import ConteurBot
from bot.storage import Store


async def _started(tmp_path: Path, *, settle_memory: bool) -> int:
    settings = Settings(database_path=tmp_path / "s.sqlite3", dev_guild_id=42)
    async with await Store.open(settings.database) as store:
        bot = ConteurBot(settings, store, settle_memory=settle_memory)

        async def no_sync(*, guild: object = None) -> list[object]:
            return []

        bot.tree.sync = no_sync  # type: ignore[method-assign, assignment]
        try:
            await bot.setup_hook()
            await bot.settled()
            return gc.get_freeze_count()
        finally:
            await bot.close()


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the suite collects as usual


async def test_a_settled_bot_has_frozen_what_start_up_built(
    tmp_path: Path, unfrozen: object
) -> None:
    assert await _started(tmp_path, settle_memory=True) > 10_000


async def test_a_bot_in_a_test_freezes_nothing(tmp_path: Path, unfrozen: None) -> None:
    assert await _started(tmp_path, settle_memory=False) == 0
