"""/search: find the passage people half remember."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.app.searching import PassageResult, search_passages
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
from bot.discord_adapter.ui.latest import LatestPerMember

RESULTS_PER_PAGE = 5


class SearchResultsView(discord.ui.View):
    """Pages of results; the Open buttons are persistent, the paging is not.

    Paging needs the query, which does not fit a custom_id, so it lives in this
    view for 15 minutes (as long as the interaction's follow-ups can be edited).
    """

    def __init__(self, query: str, results: Sequence[PassageResult], page: int = 1) -> None:
        super().__init__(timeout=15 * 60)
        self.query, self.results, self.page = query, results, page
        # A page's lines are made when it is shown: most readers never turn one.
        self._lines: dict[int, ResultLine] = {}
        self.page_count = max(1, -(-len(results) // RESULTS_PER_PAGE))
        self._build()

    def embed(self) -> discord.Embed:
        first = (self.page - 1) * RESULTS_PER_PAGE
        shown = range(first, min(first + RESULTS_PER_PAGE, len(self.results)))
        return search_embed(
            self.query,
            [self._line(rank) for rank in shown],
            first_rank=first + 1,
            total=len(self.results),
            page=self.page,
            page_count=self.page_count,
        )

    def _line(self, rank: int) -> ResultLine:
        line = self._lines.get(rank)
        if line is None:
            result = self.results[rank]
            snippet = bold_highlights(result.snippet, result.highlights)
            line = self._lines[rank] = ResultLine(result.story.title, result.passage, snippet)
        return line

    def _build(self) -> None:
        self.clear_items()
        first = (self.page - 1) * RESULTS_PER_PAGE
        for rank in range(first, min(first + RESULTS_PER_PAGE, len(self.results))):
            result = self.results[rank]
            self.add_item(OpenPassageButton(result.story.id, result.passage, rank + 1))
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


# Result views kept per member (each holds its query and lines for 15 minutes).
LIVE_SEARCHES_PER_MEMBER = 3


class SearchCog(commands.Cog):
    def __init__(self, bot: ConteurBot) -> None:
        self.bot = bot
        self.live = LatestPerMember[SearchResultsView](LIVE_SEARCHES_PER_MEMBER)

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
        view = SearchResultsView(outcome.query, outcome.results)
        await interaction.response.send_message(embed=view.embed(), view=view, ephemeral=True)
        self.live.add(interaction.user.id, view)


async def setup(bot: ConteurBot) -> None:
    await bot.add_cog(SearchCog(bot))
