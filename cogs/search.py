"""/search: find the passage people half remember."""

from __future__ import annotations

from typing import Any

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.app.searching import search_passages
from bot.core.search import MAX_QUERY_LENGTH
from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.rendering import (
    ResultLine,
    bold_highlights,
    no_results_embed,
    search_embed,
)
from bot.discord_adapter.transformers import CharacterArg, StoryArg
from bot.discord_adapter.tree import send_error
from bot.discord_adapter.ui import OpenPassageButton

RESULTS_PER_PAGE = 5


class SearchResultsView(discord.ui.View):
    """Pages of results; the Open buttons are persistent, the paging is not.

    Paging needs the query, which does not fit a custom_id, so it lives in this
    view for 15 minutes (as long as the interaction's follow-ups can be edited).
    """

    def __init__(self, query: str, lines: list[ResultLine], ids: list[int], page: int = 1) -> None:
        super().__init__(timeout=15 * 60)
        self.query, self.lines, self.ids, self.page = query, lines, ids, page
        self.page_count = max(1, -(-len(lines) // RESULTS_PER_PAGE))
        self._build()

    def embed(self) -> discord.Embed:
        first = (self.page - 1) * RESULTS_PER_PAGE
        return search_embed(
            self.query,
            self.lines[first : first + RESULTS_PER_PAGE],
            first_rank=first + 1,
            total=len(self.lines),
            page=self.page,
            page_count=self.page_count,
        )

    def _build(self) -> None:
        self.clear_items()
        first = (self.page - 1) * RESULTS_PER_PAGE
        for rank in range(first, min(first + RESULTS_PER_PAGE, len(self.lines))):
            line = self.lines[rank]
            self.add_item(OpenPassageButton(self.ids[rank], line.passage, rank + 1))
        if self.page_count > 1:
            previous = discord.ui.Button[SearchResultsView](
                label="Previous", row=1, disabled=self.page <= 1
            )
            following = discord.ui.Button[SearchResultsView](
                label="Next", row=1, disabled=self.page >= self.page_count
            )
            previous.callback = self._turn(-1)  # type: ignore[method-assign]
            following.callback = self._turn(+1)  # type: ignore[method-assign]
            self.add_item(previous)
            self.add_item(following)

    async def on_error(
        self, interaction: Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await send_error(interaction, error)  # the one error path, for page turns too

    def _turn(self, step: int):  # type: ignore[no-untyped-def]
        async def turn(interaction: Interaction) -> None:
            self.page = min(max(1, self.page + step), self.page_count)
            self._build()
            await interaction.response.edit_message(embed=self.embed(), view=self)

        return turn


class SearchCog(commands.Cog):
    def __init__(self, bot: ConteurBot) -> None:
        self.bot = bot

    @app_commands.command(name="search", extras={"example": "/search query:eifel tower at sunst"})
    @app_commands.describe(
        query="Words you remember: typos, missing accents and any order are fine",
        story="Only search this story",
        character="Only passages where this character appears",
    )
    async def search(
        self,
        interaction: Interaction,
        query: app_commands.Range[str, 1, MAX_QUERY_LENGTH],
        story: StoryArg | None = None,
        character: CharacterArg | None = None,
    ) -> None:
        """Find the passage you half remember, across every story here."""
        outcome = await search_passages(
            self.bot.library, query, guild_id=interaction.guild_id, story=story, character=character
        )
        if not outcome.results:
            embed = no_results_embed(outcome.query, outcome.suggestions, within=outcome.within)
            await interaction.response.send_message(embed=embed, ephemeral=True)
            return
        lines = [
            ResultLine(r.story.title, r.passage, bold_highlights(r.snippet, r.highlights))
            for r in outcome.results
        ]
        view = SearchResultsView(outcome.query, lines, [r.story.id for r in outcome.results])
        await interaction.response.send_message(embed=view.embed(), view=view, ephemeral=True)


async def setup(bot: ConteurBot) -> None:
    await bot.add_cog(SearchCog(bot))
