"""/story list, read, continue, random, info, bookmarks: reading, and remembering where."""

from __future__ import annotations

from typing import Any

import discord
from discord import Interaction, app_commands

from bot.app import reading
from bot.app.reading import OpenedPage
from bot.discord_adapter.rendering import fit_embed
from bot.discord_adapter.rendering.stories import bookmarks_embed, story_info_embed
from bot.discord_adapter.transformers import StoryArg
from bot.discord_adapter.ui import ClearBookmarksButton, reading_message, story_list_message
from cogs.story.common import bot_of


@app_commands.command(name="list", extras={"example": "/story list"})
@app_commands.describe(page="Which page of the list to show (10 stories a page)")
async def list_stories(
    interaction: Interaction, page: app_commands.Range[int, 1, 100_000] = 1
) -> None:
    """List the stories you can read here."""
    listed = await reading.list_stories(bot_of(interaction).library, interaction.guild_id, page)
    embed, view = story_list_message(listed)
    await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


@app_commands.command(name="read", extras={"example": "/story read story:valerie page:2"})
@app_commands.describe(
    story="The story to read (type part of its title or a character's name)",
    page="The page to open (default: where you left off, or the first)",
    private="Only you see it (default: everyone in the channel can read along)",
)
async def read(
    interaction: Interaction,
    story: StoryArg,
    page: app_commands.Range[int, 1, 10_000] | None = None,
    private: bool = False,
) -> None:
    """Read a story page by page, with buttons to turn the pages."""
    opened = await reading.open_story(
        bot_of(interaction).library,
        user_id=interaction.user.id,
        story=story,
        page=page,
    )
    await _show(interaction, opened, private)


@app_commands.command(name="continue", extras={"example": "/story continue"})
@app_commands.describe(private="Only you see it")
async def continue_reading(interaction: Interaction, private: bool = False) -> None:
    """Pick up the story you were reading last, where you left off."""
    opened = await reading.continue_reading(
        bot_of(interaction).library, user_id=interaction.user.id, guild_id=interaction.guild_id
    )
    if opened is None:
        await interaction.response.send_message(
            "You haven't started a story here yet. Try `/story random` or `/story list`.",
            ephemeral=True,
        )
        return
    await _show(interaction, opened, private)


@app_commands.command(name="random", extras={"example": "/story random"})
@app_commands.describe(private="Only you see it")
async def random_story(interaction: Interaction, private: bool = False) -> None:
    """A story picked at random (not the one you were shown last)."""
    bot = bot_of(interaction)
    opened = await reading.open_random(
        bot.library, bot.random, user_id=interaction.user.id, guild_id=interaction.guild_id
    )
    if opened is None:
        await interaction.response.send_message("The library is empty.", ephemeral=True)
        return
    await _show(interaction, opened, private)


async def _show(interaction: Interaction, opened: OpenedPage, private: bool) -> None:
    embed, view = reading_message(opened)
    content = None
    if opened.clamped_from is not None:
        pages = "page" if opened.page_count == 1 else "pages"
        content = (
            f"There is no page {opened.clamped_from}: this story has {opened.page_count} "
            f"{pages}, so here is page {opened.number}."
        )
    elif opened.resumed:
        content = f"Continuing where you left off: page {opened.number}."
    await interaction.response.send_message(
        content=content, embed=embed, view=view, ephemeral=private
    )


@app_commands.command(name="info", extras={"example": "/story info story:zoe"})
@app_commands.describe(story="The story")
async def info(interaction: Interaction, story: StoryArg) -> None:
    """Title, author, length, first line, characters and places of a story."""
    cast = await reading.story_cast(bot_of(interaction).library, story)
    await interaction.response.send_message(embed=fit_embed(story_info_embed(story, cast)))


@app_commands.command(name="bookmarks", extras={"example": "/story bookmarks"})
async def bookmarks(interaction: Interaction) -> None:
    """Where you are in each story you have started (only you see this)."""
    marks = await reading.bookmarks(
        bot_of(interaction).library, user_id=interaction.user.id, guild_id=interaction.guild_id
    )
    view = discord.ui.View(timeout=None)
    if marks:
        view.add_item(ClearBookmarksButton(interaction.user.id))
    await interaction.response.send_message(embed=bookmarks_embed(marks), view=view, ephemeral=True)


COMMANDS: tuple[app_commands.Command[Any, ..., None], ...] = (
    list_stories,
    read,
    continue_reading,
    random_story,
    info,
    bookmarks,
)
