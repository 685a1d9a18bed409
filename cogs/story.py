"""/story: list and read the library's stories."""

from __future__ import annotations

from discord import Interaction, app_commands
from discord.ext import commands

from bot.bot import ConteurBot
from bot.lookup import find_visible_story, story_choices
from bot.ui import DYNAMIC_ITEMS, reading_message, story_list_message


class StoryCog(commands.GroupCog, group_name="story"):
    """Read the stories in the library."""

    def __init__(self, bot: ConteurBot) -> None:
        self.bot = bot
        super().__init__()

    async def story_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        pairs = await story_choices(self.bot.store, interaction.guild_id, current)
        return [app_commands.Choice(name=name, value=value) for name, value in pairs]

    @app_commands.command(name="list", extras={"example": "/story list"})
    @app_commands.describe(page="Which page of the list to show (10 stories a page)")
    async def list_stories(
        self, interaction: Interaction, page: app_commands.Range[int, 1, 100_000] = 1
    ) -> None:
        """List the stories you can read here."""
        embed, view = await story_list_message(self.bot.store, interaction.guild_id, page)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @app_commands.command(name="read", extras={"example": "/story read story:valerie page:2"})
    @app_commands.describe(
        story="The story to read (type part of its title or a character's name)",
        page="The page to open (default: the first)",
        private="Only you see it (default: everyone in the channel can read along)",
    )
    @app_commands.autocomplete(story=story_autocomplete)
    async def read(
        self,
        interaction: Interaction,
        story: app_commands.Range[str, 1, 200],
        page: app_commands.Range[int, 1, 10_000] = 1,
        private: bool = False,
    ) -> None:
        """Read a story page by page, with buttons to turn the pages."""
        found = await find_visible_story(self.bot.store, interaction.guild_id, story)
        embed, view = await reading_message(self.bot.store, interaction.guild_id, found.id, page)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=private)


async def setup(bot: ConteurBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(StoryCog(bot))
