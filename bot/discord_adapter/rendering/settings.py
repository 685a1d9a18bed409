"""The /settings card."""

from __future__ import annotations

import discord

from bot.discord_adapter.rendering import STORY_COLOUR
from bot.storage import GuildSettings


def settings_embed(settings: GuildSettings) -> discord.Embed:
    embed = discord.Embed(title="Conteur settings for this server", colour=STORY_COLOUR)
    role = f"<@&{settings.moderator_role_id}>" if settings.moderator_role_id else "none"
    embed.add_field(
        name="Moderators",
        value=f"Members with Manage Server, and the role: {role}",
        inline=False,
    )
    embed.add_field(name="Time zone", value=settings.timezone or "UTC (default)", inline=False)
    embed.set_footer(text="/settings moderator-role and /settings timezone change them")
    return embed
