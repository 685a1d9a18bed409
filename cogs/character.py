"/character: who is in the stories, and how two of them differ."

from __future__ import annotations

import asyncio

from discord import Interaction, app_commands
from discord.ext import commands

from bot.app.lookup import (
    CharacterRef,
    character_choices,
    find_visible_character,
    find_visible_story,
    story_choices,
)
from bot.core.compare import Side, compare_characters
from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.rendering import fit_embed
from bot.discord_adapter.rendering.characters import character_embed, comparison_embed


class CharacterCog(commands.GroupCog, group_name="character"):
    """The people in the stories."""

    def __init__(self, bot: ConteurBot) -> None:
        self.bot = bot
        super().__init__()

    async def character_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        pairs = await character_choices(self.bot.store, interaction.guild_id, current)
        return [app_commands.Choice(name=name, value=value) for name, value in pairs]

    async def story_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        pairs = await story_choices(self.bot.store, interaction.guild_id, current)
        return [app_commands.Choice(name=name, value=value) for name, value in pairs]

    async def _find(self, interaction: Interaction, name: str, story: str | None) -> CharacterRef:
        guild_id = interaction.guild_id
        if story:
            chosen = await find_visible_story(self.bot.store, guild_id, story)
            return await find_visible_character(self.bot.store, guild_id, name, story_id=chosen.id)
        return await find_visible_character(self.bot.store, guild_id, name)

    @app_commands.command(name="show", extras={"example": "/character show name:valerie"})
    @app_commands.describe(
        name="The character (type part of a name; accents and typos are fine)",
        story="Only look in this story (for names that appear in several)",
    )
    @app_commands.autocomplete(name=character_autocomplete, story=story_autocomplete)
    async def show(
        self,
        interaction: Interaction,
        name: app_commands.Range[str, 1, 100],
        story: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        """Who a character is, from what the story says about them."""
        ref = await self._find(interaction, name, story)
        namesakes = [
            s
            for s, c in await self.bot.store.casts.visible_characters(interaction.guild_id)
            if c.name == ref.character.name and s.id != ref.story.id
        ]
        embed = character_embed(ref.story, ref.character, namesakes)
        await interaction.response.send_message(embed=fit_embed(embed))

    @app_commands.command(
        name="compare",
        extras={"example": "/character compare first:valerie second:zoe"},
    )
    @app_commands.describe(first="The first character", second="The character to compare them with")
    @app_commands.autocomplete(first=character_autocomplete, second=character_autocomplete)
    async def compare(
        self,
        interaction: Interaction,
        first: app_commands.Range[str, 1, 100],
        second: app_commands.Range[str, 1, 100],
    ) -> None:
        """Two characters side by side: what they share and how they differ."""
        one = await self._find(interaction, first, None)
        other = await self._find(interaction, second, None)
        # The story text lets the comparison quote each arc and find shared themes.
        first_passages = await self.bot.store.stories.get_passages(one.story.id)
        second_passages = await self.bot.store.stories.get_passages(other.story.id)
        comparison = await asyncio.to_thread(
            compare_characters,
            Side(one.story.title, one.character, passages=first_passages),
            Side(other.story.title, other.character, passages=second_passages),
        )
        embed = comparison_embed(
            (one.story, one.character), (other.story, other.character), comparison
        )
        await interaction.response.send_message(embed=fit_embed(embed))


async def setup(bot: ConteurBot) -> None:
    await bot.add_cog(CharacterCog(bot))
