"""End-to-end fixtures: the real bot in simcord's simulated Discord.

`world` builds a server with a member, a moderator and a channel; after each test
every payload the bot sent is checked against Discord's limits.
"""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import discord
import pytest

from tests.limits import assert_within_discord_limits


@dataclass
class World:
    env: Any
    guild: Any
    channel: Any
    member: Any
    moderator: Any

    def other_server(self, name: str = "Elsewhere") -> tuple[Any, Any]:
        guild = self.env.create_guild(name)
        channel = guild.create_text_channel("general")
        member = guild.add_member(self.env.create_user(f"{name.lower()}-member"))
        return channel, member


@pytest.fixture
async def world(simcord_env: Any) -> AsyncIterator[World]:
    env = simcord_env
    guild = env.create_guild("Readers")
    channel = guild.create_text_channel("reading-room")
    member = guild.add_member(env.create_user("alice"))
    mods = guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    moderator = guild.add_member(env.create_user("maud"), roles=[mods])
    yield World(env, guild, channel, member, moderator)
    for request in env.http_requests:
        if isinstance(request.json, dict):
            body = request.json.get("data", request.json)
            if isinstance(body, dict):
                assert_within_discord_limits(body)


def unwrapped(error: BaseException) -> BaseException:
    """What the command raised, through discord.py's CommandInvokeError or TransformerError."""
    return getattr(error, "original", None) or error.__cause__ or error


def raised_types(env: Any) -> list[type[BaseException]]:
    return [type(unwrapped(error)) for error in env.errors]


_errors_seen: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()


def raised(env: Any) -> list[type[BaseException]]:
    """The errors the bot reported since the last look, unwrapped (and so acknowledged)."""
    errors = env.errors
    start, _errors_seen[env] = _errors_seen.get(env, 0), len(errors)
    return [type(unwrapped(e)) for e in errors[start:]]
