"""/search: find the passage people half remember."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.app.lookup import (
    character_choices,
    find_visible_character,
    find_visible_story,
    story_choices,
)
from bot.core.search import validate_query
from bot.core.snippets import make_snippet
from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.rendering import (
    ResultLine,
    bold_highlights,
    no_results_embed,
    search_embed,
)
from bot.discord_adapter.tree import send_error
from bot.discord_adapter.ui import OpenPassageButton

RESULTS_PER_PAGE = 5
MAX_RESULTS = 25
SNIPPET_WIDTH = 220


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

    async def story_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        pairs = await story_choices(self.bot.store, interaction.guild_id, current)
        return [app_commands.Choice(name=name, value=value) for name, value in pairs]

    async def character_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        pairs = await character_choices(self.bot.store, interaction.guild_id, current)
        return [app_commands.Choice(name=name, value=value) for name, value in pairs]

    @app_commands.command(name="search", extras={"example": "/search query:eifel tower at sunst"})
    @app_commands.describe(
        query="Words you remember: typos, missing accents and any order are fine",
        story="Only search this story",
        character="Only passages where this character appears",
    )
    @app_commands.autocomplete(story=story_autocomplete, character=character_autocomplete)
    async def search(
        self,
        interaction: Interaction,
        query: str,
        story: str | None = None,
        character: str | None = None,
    ) -> None:
        """Find the passage you half remember, across every story here."""
        cleaned = validate_query(query)
        guild_id = interaction.guild_id
        story_ids: list[int] | None = None
        aliases: tuple[str, ...] = ()
        filters: list[str] = []
        if story:
            in_story = await find_visible_story(self.bot.store, guild_id, story)
            story_ids = [in_story.id]
            filters.append(f"in “{in_story.title}”")
        if character:
            found = await find_visible_character(self.bot.store, guild_id, character)
            story_ids = [s for s in (story_ids or [found.story.id]) if s == found.story.id]
            aliases = found.character.aliases
            filters.append(f"where {found.character.name} appears")
        hits = await self.bot.library.search(
            cleaned, guild_id=guild_id, story_ids=story_ids, limit=MAX_RESULTS * 2
        )
        if aliases:
            # Whole names only: "Zoe" must not pick up "Zoey".
            named = re.compile(r"\b(?:" + "|".join(map(re.escape, aliases)) + r")\b")
            hits = [h for h in hits if named.search(h.text)]
        hits = hits[:MAX_RESULTS]
        if not hits:
            suggestions = await self.bot.library.suggest(cleaned, guild_id=guild_id)
            await interaction.response.send_message(
                embed=no_results_embed(cleaned, suggestions, within=" ".join(filters) or None),
                ephemeral=True,
            )
            return
        # Only the stories on this page of results: a big library has thousands.
        stories = await self.bot.store.stories.summaries([hit.story_id for hit in hits])
        lines = []
        for hit in hits:
            snippet, offsets = make_snippet(hit.text, hit.highlights, SNIPPET_WIDTH)
            lines.append(
                ResultLine(
                    stories[hit.story_id].title,
                    hit.passage_number,
                    bold_highlights(snippet, offsets),
                )
            )
        view = SearchResultsView(cleaned, lines, [hit.story_id for hit in hits])
        await interaction.response.send_message(embed=view.embed(), view=view, ephemeral=True)


async def setup(bot: ConteurBot) -> None:
    await bot.add_cog(SearchCog(bot))
