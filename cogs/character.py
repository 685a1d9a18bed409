"/character: who is in the stories, and how two of them differ."

from __future__ import annotations

from discord import Interaction, app_commands
from discord.ext import commands

from bot.app import characters
from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.rendering import fit_embed
from bot.discord_adapter.rendering.characters import character_embed, comparison_embed
from bot.discord_adapter.transformers import CharacterArg, CharacterInStoryArg, StoryArg


class CharacterCog(commands.GroupCog, group_name="character"):
    """The people in the stories."""

    def __init__(self, bot: ConteurBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="show", extras={"example": "/character show name:valerie"})
    @app_commands.describe(
        name="The character (type part of a name; accents and typos are fine)",
        story="Only look in this story (for names that appear in several)",
    )
    async def show(
        self,
        interaction: Interaction,
        name: CharacterInStoryArg,
        story: StoryArg | None = None,
    ) -> None:
        """Who a character is, from what the story says about them."""
        found = await characters.profile(self.bot.library, interaction.guild_id, name)
        embed = character_embed(name.story, found.character, found.namesakes)
        await interaction.response.send_message(embed=fit_embed(embed))

    @app_commands.command(
        name="compare",
        extras={"example": "/character compare first:valerie second:zoe"},
    )
    @app_commands.describe(first="The first character", second="The character to compare them with")
    async def compare(
        self, interaction: Interaction, first: CharacterArg, second: CharacterArg
    ) -> None:
        """Two characters side by side: what they share and how they differ."""
        pair = await characters.compare(self.bot.library, first, second)
        embed = comparison_embed(
            (first.story, first.character), (second.story, second.character), pair.comparison
        )
        await interaction.response.send_message(embed=fit_embed(embed))


async def setup(bot: ConteurBot) -> None:
    await bot.add_cog(CharacterCog(bot))
