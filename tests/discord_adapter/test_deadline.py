"""A late interaction whose defer Discord refuses still lets its work finish."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import discord
import pytest

from bot.discord_adapter.ui.deadline import within_deadline


class _Late:
    """An interaction created long ago: its budget is spent before the work starts."""

    def __init__(self) -> None:
        self.created_at = discord.utils.utcnow() - timedelta(seconds=5)
        self.response = self

    def is_done(self) -> bool:
        return False


async def test_work_outlives_a_refused_defer() -> None:
    finished = asyncio.Event()

    async def work() -> str:
        await asyncio.sleep(0.01)  # a write, say, half done when the defer is refused
        finished.set()
        return "saved"

    async def refused() -> None:
        response = type("Response", (), {"status": 404, "reason": "Not Found"})()
        raise discord.NotFound(response, {"code": 10062, "message": "Unknown interaction"})

    late: Any = _Late()
    with pytest.raises(discord.NotFound):
        await within_deadline(late, work(), refused)
    assert finished.is_set()
