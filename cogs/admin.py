"""/admin: the bot owners' maintenance (CONTEUR_OWNER_IDS), from Discord."""

from __future__ import annotations

from discord import Interaction, app_commands
from discord.ext import commands

from bot.app import admin
from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.checks import owner_only
from bot.discord_adapter.rendering.admin import health_embed, reload_message


@app_commands.default_permissions(administrator=True)
class AdminCog(commands.GroupCog, group_name="admin"):
    """The bot owners' maintenance."""

    def __init__(self, bot: ConteurBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="health", extras={"example": "/admin health"})
    @owner_only()
    async def health(self, interaction: Interaction) -> None:
        """The library, the search index, subscriptions and the connection (owners)."""
        shown = await admin.health(self.bot.library)
        latency = self.bot.latency * 1000 if self.bot.latency == self.bot.latency else None
        embed = health_embed(shown, servers=len(self.bot.guilds), latency_ms=latency)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="reload", extras={"example": "/admin reload"})
    @owner_only()
    async def reload(self, interaction: Interaction) -> None:
        """Load new or changed built-in story files without a restart (owners)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await admin.reload_builtins(self.bot.library, self.bot.settings.stories_dir)
        await interaction.edit_original_response(content=reload_message(report))


async def setup(bot: ConteurBot) -> None:
    await bot.add_cog(AdminCog(bot))
