"""/privacy: what Conteur keeps about you, and deleting all of it."""

from __future__ import annotations

from typing import Any, cast

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.ui import ForgetMeButton

WHAT_WE_KEEP = (
    "Conteur keeps, under your user id: your place in each story you read "
    "(bookmarks), the last story it showed you, your story-of-the-day DM "
    "subscription if you made one, and story drafts you have not published yet. "
    "It never keeps your messages.\n\n"
    "Moderation records are not deleted: who added, changed, removed or hid a "
    "server's stories, who set up its story of the day, and its audit log are kept "
    "for that server's moderators.\n\n"
    "If a server's admins turn the storyteller on (`/settings storyteller`), the text of "
    "the stories you ask about, your question, and in a discussion thread the recent "
    "messages with their authors' display names are sent to the language model the "
    "bot's owner configured, which may run elsewhere. Conteur itself stores only "
    "the model's retellings and how much each server used it."
)


class PrivacyCog(commands.GroupCog, group_name="privacy"):
    """Your data."""

    def __init__(self, bot: ConteurBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="forget", extras={"example": "/privacy forget"})
    async def forget(self, interaction: Interaction) -> None:
        """Delete everything Conteur keeps about you (asks first)."""
        view: discord.ui.View = discord.ui.View(timeout=None)
        view.add_item(cast(Any, ForgetMeButton(interaction.user.id)))
        await interaction.response.send_message(
            WHAT_WE_KEEP + "\n\nDelete all of it? This cannot be undone.",
            view=view,
            ephemeral=True,
        )


async def setup(bot: ConteurBot) -> None:
    await bot.add_cog(PrivacyCog(bot))
