"""What every /story command shares: the bot, and story autocomplete."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import cast

from discord import Interaction, app_commands

from bot.app.lookup import story_choices
from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.rendering.storyteller import progress_embed


def bot_of(interaction: Interaction) -> ConteurBot:
    return cast(ConteurBot, interaction.client)


async def story_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    pairs = await story_choices(bot_of(interaction).store, interaction.guild_id, current)
    return [app_commands.Choice(name=name, value=value) for name, value in pairs]


def streamed_to(interaction: Interaction, title: str) -> Callable[[str], Awaitable[None]]:
    """Where a storyteller's stream shows its progress: the deferred reply, edited (the
    storyteller paces the calls)."""

    async def show(text: str) -> None:
        await interaction.edit_original_response(embed=progress_embed(title, text))

    return show
