"""What every /story command shares: the bot, and story autocomplete."""

from __future__ import annotations

from typing import cast

from discord import Interaction, app_commands

from bot.app.lookup import story_choices
from bot.discord_adapter.bot import ConteurBot


def bot_of(interaction: Interaction) -> ConteurBot:
    return cast(ConteurBot, interaction.client)


async def story_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    pairs = await story_choices(bot_of(interaction).store, interaction.guild_id, current)
    return [app_commands.Choice(name=name, value=value) for name, value in pairs]
