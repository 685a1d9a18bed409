"""Answer every interaction within Discord's three seconds, deferring when work runs late.

Discord forgets an interaction not acknowledged within 3 s ("This interaction failed").
The time counts from when Discord created it, not from when we got it: a busy event loop
or a slow gateway has already spent some. So the work starts at once and, if it is not
done when the budget (measured from the interaction's own timestamp) runs out, the
interaction is deferred and the answer follows as an edit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord

T = TypeVar("T")

# Of Discord's 3 s (the issue asks 1 s): the rest is for the defer request on a slow day.
ACK_BUDGET_S = 1.0


def seconds_left(interaction: discord.Interaction, budget: float = ACK_BUDGET_S) -> float:
    """How long the work may run before the interaction must be deferred."""
    age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    # A clock ahead of Discord's makes the age look large, one behind negative: clamp.
    return max(0.0, budget - min(max(age, 0.0), budget))


async def within_deadline(
    interaction: discord.Interaction,
    work: Awaitable[T],
    defer: Callable[[], Awaitable[object]],
    budget: float = ACK_BUDGET_S,
) -> tuple[T, bool]:
    """The work's result, and whether the interaction had to be deferred to wait for it."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=seconds_left(interaction, budget))
    if done or interaction.response.is_done():
        return await task, False
    try:
        await defer()
    except discord.HTTPException:
        # Discord refused (the interaction expired under a backlog): the work, a write
        # perhaps half done, still finishes; only its answer has nowhere to go.
        await asyncio.wait({task})
        raise
    except BaseException:
        task.cancel()
        raise
    return await task, True
