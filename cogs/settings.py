"""/settings: who moderates this server's stories, its time zone, and the storyteller."""

from __future__ import annotations

from typing import Literal

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.core.schedule import resolve_timezone, timezone_choices
from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.checks import member_of, require_manage_server
from bot.discord_adapter.rendering.settings import settings_embed
from bot.discord_adapter.rendering.storyteller import storyteller_field
from bot.errors import InvalidInput


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SettingsCog(commands.GroupCog, group_name="settings"):
    """This server's Conteur settings (Manage Server)."""

    def __init__(self, bot: ConteurBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="show", extras={"example": "/settings show"})
    async def show(self, interaction: Interaction) -> None:
        """Show this server's moderator role, time zone and storyteller."""
        member = member_of(interaction)
        settings = await self.bot.store.guilds.guild_settings(member.guild.id)
        embed = settings_embed(settings)
        storyteller = self.bot.storyteller
        if storyteller is not None:
            storyteller_field(
                embed,
                on=await storyteller.is_on(member.guild.id),
                model=storyteller.model_name,
                left=await storyteller.allowance(member.guild.id),
            )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(
        name="moderator-role", extras={"example": "/settings moderator-role role:@Librarians"}
    )
    @app_commands.describe(role="Members with this role may add and change stories (empty: none)")
    async def moderator_role(
        self, interaction: Interaction, role: discord.Role | None = None
    ) -> None:
        """Choose the role whose members moderate this server's stories."""
        member = require_manage_server(interaction)
        if role is not None and role.is_default():
            raise InvalidInput(
                "@everyone can't be the moderator role: every member could then remove stories.",
                hint="Create a role for the moderators and choose it here.",
            )
        await self.bot.store.guilds.set_moderator_role(
            member.guild.id, role.id if role else None, member.id
        )
        text = (
            f"Members with {role.mention} can now add and change this server's stories."
            if role
            else "No moderator role: only members with Manage Server moderate stories."
        )
        await interaction.response.send_message(text, ephemeral=True)

    async def zone_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in timezone_choices(current)]

    @app_commands.command(
        name="timezone", extras={"example": "/settings timezone zone:Europe/Paris"}
    )
    @app_commands.describe(zone="An IANA time zone, e.g. Europe/Paris (the default for /daily)")
    @app_commands.autocomplete(zone=zone_autocomplete)
    async def timezone(self, interaction: Interaction, zone: str) -> None:
        """Set the server's time zone, the default for the story of the day."""
        member = require_manage_server(interaction)
        resolved = resolve_timezone(zone)
        await self.bot.store.guilds.set_guild_timezone(member.guild.id, resolved.key, member.id)
        await interaction.response.send_message(
            f"This server's time zone is now **{resolved.key}**.", ephemeral=True
        )

    @app_commands.command(name="storyteller", extras={"example": "/settings storyteller mode:on"})
    @app_commands.describe(
        mode="on: the bot's language model retells and answers here (story text is sent "
        "to it) · off: answers come from the text alone"
    )
    async def storyteller(self, interaction: Interaction, mode: Literal["on", "off"]) -> None:
        """Let the bot's language model retell and answer in this server, or stop it."""
        member = require_manage_server(interaction)
        storyteller = self.bot.storyteller
        if storyteller is None:
            raise InvalidInput(
                "This bot has no storyteller model configured, so there is nothing to turn on.",
                hint="The bot's owner can set CONTEUR_MODEL_URL (see docs/storyteller.md).",
            )
        await self.bot.store.storyteller.set_enabled(member.guild.id, mode == "on", member.id)
        text = (
            f"The storyteller is on: `/story retell style:`, `/story ask`, mentions and "
            f"discussion threads now use {storyteller.model_name}. The stories' text is sent "
            "to it; every reply is checked against the story before it is posted."
            if mode == "on"
            else "The storyteller is off: answers and retellings come from the text alone."
        )
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot: ConteurBot) -> None:
    await bot.add_cog(SettingsCog(bot))
