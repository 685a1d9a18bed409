"""Long input never costs the reply (issue 15.1, issue 16.9).

Discord enforces an option's `max_length` in the client, so a limit on every
string option keeps 4,000-character names from reaching the bot; what still
gets through is echoed short, every payload is fitted on its way out, and an
error that cannot be sent rich is sent plain.
"""

from __future__ import annotations

from typing import Any

import discord
import pytest
import simcord
from discord import app_commands

import bot.discord_adapter.transformers
from bot.errors import NotFound
from tests.e2e.conftest import unwrapped
from tests.limits import assert_within_discord_limits

LONG = "paris " * 700  # 4,200 characters


def string_options(
    tree: app_commands.CommandTree[Any],
) -> list[tuple[str, str, int | float | None]]:
    return [
        (command.qualified_name, parameter.name, parameter.max_value)
        for command in tree.walk_commands()
        if isinstance(command, app_commands.Command)
        for parameter in command.parameters
        # Fixed choices are limited by Discord already.
        if parameter.type is discord.AppCommandOptionType.string and not parameter.choices
    ]


async def test_every_string_option_has_a_length_limit_discord_enforces(world):
    options = string_options(world.env.bot.tree)
    assert len(options) > 20
    unlimited = [(command, name) for command, name, limit in options if limit is None]
    assert unlimited == []
    assert all(limit is not None and limit <= 500 for _c, _n, limit in options)


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("search", {"query": "paris", "story": LONG}),
        ("search", {"query": "paris", "character": LONG}),
        ("search", {"query": LONG}),
        ("settings timezone", {"zone": LONG}),
    ],
)
async def test_discord_refuses_an_overlong_option_before_the_bot_sees_it(world, command, options):
    with pytest.raises(simcord.OptionError, match="must be at most"):
        await world.moderator.slash(world.channel, command, **options)


async def test_a_typed_value_is_echoed_short(world):
    typed = "a" * 150 + " <@123> **bold**"
    result = await world.member.slash(world.channel, "story read", story=typed[:200])
    embed = result.response.embeds[0]
    assert len(embed.description) < 120
    assert "a" * 150 not in embed.description
    assert isinstance(unwrapped(world.env.errors[0]), NotFound)


async def test_an_error_too_long_for_discord_still_reaches_the_user(world, monkeypatch):
    async def too_long(*_args: Any) -> Any:
        raise NotFound("Nothing called " + "x" * 6000 + ".", hint="y" * 3000)

    monkeypatch.setattr(bot.discord_adapter.transformers, "find_visible_story", too_long)
    result = await world.member.slash(world.channel, "story read", story="valerie")
    assert result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "Not found"
    assert embed.description.startswith("Nothing called xxx") and embed.description.endswith("…")
    assert_within_discord_limits({"embeds": [embed.to_dict()]})
    assert isinstance(unwrapped(world.env.errors[0]), NotFound)


async def test_an_error_that_cannot_be_sent_rich_is_sent_plain(world, monkeypatch):
    send = discord.InteractionResponse.send_message

    async def refuse_embeds(self: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("embed") is not None:
            response = type("Response", (), {"status": 400, "reason": "Bad Request"})()
            raise discord.HTTPException(response, "Invalid Form Body")
        return await send(self, *args, **kwargs)

    monkeypatch.setattr(discord.InteractionResponse, "send_message", refuse_embeds)
    result = await world.member.slash(world.channel, "story read", story="\\")
    assert result.ephemeral
    assert result.response.content.startswith("Not found: “\\\\” doesn't name a story.")
    assert len(result.response.content) <= 300
    assert isinstance(unwrapped(world.env.errors[0]), NotFound)
