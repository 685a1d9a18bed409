"""/settings: who moderates this server's stories, its time zone, and the storyteller."""

from __future__ import annotations

from typing import Literal

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.app import settings
from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.checks import manage_server_only, member_of
from bot.discord_adapter.rendering.settings import settings_embed
from bot.discord_adapter.rendering.storyteller import storyteller_field
from bot.discord_adapter.transformers import TimeZoneArg
from bot.storyteller import actions as storyteller_actions


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
        shown = await settings.server_settings(self.bot.library, member.guild.id)
        embed = settings_embed(shown)
        status = await storyteller_actions.status(self.bot.storyteller, member.guild.id)
        if status is not None:
            storyteller_field(embed, status)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(
        name="moderator-role", extras={"example": "/settings moderator-role role:@Librarians"}
    )
    @app_commands.describe(role="Members with this role may add and change stories (empty: none)")
    @manage_server_only()
    async def moderator_role(
        self, interaction: Interaction, role: discord.Role | None = None
    ) -> None:
        """Choose the role whose members moderate this server's stories."""
        member = member_of(interaction)
        await settings.choose_moderator_role(
            self.bot.library,
            guild_id=member.guild.id,
            actor_id=member.id,
            role_id=role.id if role else None,
            is_everyone=role is not None and role.is_default(),
        )
        text = (
            f"Members with {role.mention} can now add and change this server's stories."
            if role
            else "No moderator role: only members with Manage Server moderate stories."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(
        name="timezone", extras={"example": "/settings timezone zone:Europe/Paris"}
    )
    @app_commands.describe(zone="An IANA time zone, e.g. Europe/Paris (the default for /daily)")
    @manage_server_only()
    async def timezone(self, interaction: Interaction, zone: TimeZoneArg) -> None:
        """Set the server's time zone, the default for the story of the day."""
        member = member_of(interaction)
        await settings.choose_timezone(
            self.bot.library, guild_id=member.guild.id, actor_id=member.id, zone=zone
        )
        await interaction.response.send_message(
            f"This server's time zone is now **{zone}**.", ephemeral=True
        )

    @app_commands.command(name="storyteller", extras={"example": "/settings storyteller mode:on"})
    @app_commands.describe(
        mode="on: the bot's language model retells and answers here (story text is sent "
        "to it) · off: answers come from the text alone"
    )
    @manage_server_only()
    async def storyteller(self, interaction: Interaction, mode: Literal["on", "off"]) -> None:
        """Let the bot's language model retell and answer in this server, or stop it."""
        member = member_of(interaction)
        model = await storyteller_actions.switch(
            self.bot.storyteller, guild_id=member.guild.id, actor_id=member.id, on=mode == "on"
        )
        text = (
            f"The storyteller is on: `/story retell style:`, `/story ask`, mentions and "
            f"discussion threads now use {model}. The stories' text is sent "
            "to it; every reply is checked against the story before it is posted."
            if mode == "on"
            else "The storyteller is off: answers and retellings come from the text alone."
        )
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot: ConteurBot) -> None:
    await bot.add_cog(SettingsCog(bot))
