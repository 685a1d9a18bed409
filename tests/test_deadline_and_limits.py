"""Answering in time: deferring late work, and the preview limit."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest

from bot.app.preview_limits import PREVIEWS_PER_MINUTE, PreviewLimits
from bot.discord_adapter.ui.deadline import ACK_BUDGET_S, within_deadline
from bot.errors import RateLimited


class _Response:
    def __init__(self) -> None:
        self.deferred = False

    def is_done(self) -> bool:
        return self.deferred

    async def defer(self) -> None:
        self.deferred = True


class _Interaction:
    def __init__(self, age: float) -> None:
        self.created_at = discord.utils.utcnow() - timedelta(seconds=age)
        self.response = _Response()


async def _work(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "done"


async def test_quick_work_is_answered_directly() -> None:
    interaction: Any = _Interaction(age=0.0)
    assert await within_deadline(interaction, _work(0.01), interaction.response.defer) == (
        "done",
        False,
    )
    assert not interaction.response.deferred


async def test_slow_work_is_deferred_then_finished() -> None:
    interaction: Any = _Interaction(age=0.0)
    result = await within_deadline(interaction, _work(0.3), interaction.response.defer, budget=0.05)
    assert result == ("done", True)
    assert interaction.response.deferred


async def test_time_already_spent_before_the_bot_saw_it_counts() -> None:
    """An interaction that waited in a busy loop is deferred at once."""
    interaction: Any = _Interaction(age=ACK_BUDGET_S + 1)
    assert await within_deadline(interaction, _work(0.05), interaction.response.defer) == (
        "done",
        True,
    )


def test_previews_are_limited_per_moderator_per_minute() -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    limits = PreviewLimits(lambda: now[0])
    for _ in range(PREVIEWS_PER_MINUTE):
        limits.check(1)
    with pytest.raises(RateLimited):
        limits.check(1)
    limits.check(2)  # another moderator is not held up
    now[0] += timedelta(seconds=61)
    limits.check(1)
