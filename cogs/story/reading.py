"""/story list, read, continue, random, info, bookmarks: reading, and remembering where."""

from __future__ import annotations

from typing import Any

import discord
from discord import Interaction, app_commands

from bot.app.lookup import find_visible_story
from bot.discord_adapter.rendering import fit_embed
from bot.discord_adapter.rendering.stories import bookmarks_embed, story_info_embed
from bot.discord_adapter.ui import ClearBookmarksButton, reading_message, story_list_message
from cogs.story.common import bot_of, story_autocomplete


@app_commands.command(name="list", extras={"example": "/story list"})
@app_commands.describe(page="Which page of the list to show (10 stories a page)")
async def list_stories(
    interaction: Interaction, page: app_commands.Range[int, 1, 100_000] = 1
) -> None:
    """List the stories you can read here."""
    bot = bot_of(interaction)
    embed, view = await story_list_message(bot.store, interaction.guild_id, page)
    await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


@app_commands.command(name="read", extras={"example": "/story read story:valerie page:2"})
@app_commands.describe(
    story="The story to read (type part of its title or a character's name)",
    page="The page to open (default: where you left off, or the first)",
    private="Only you see it (default: everyone in the channel can read along)",
)
@app_commands.autocomplete(story=story_autocomplete)
async def read(
    interaction: Interaction,
    story: app_commands.Range[str, 1, 200],
    page: app_commands.Range[int, 1, 10_000] | None = None,
    private: bool = False,
) -> None:
    """Read a story page by page, with buttons to turn the pages."""
    bot = bot_of(interaction)
    found = await find_visible_story(bot.store, interaction.guild_id, story)
    saved = await bot.store.reading.reading_position(interaction.user.id, found.id)
    resumed = page is None and saved is not None
    await _open(interaction, found.id, page or saved or 1, private, resumed=resumed)


@app_commands.command(name="continue", extras={"example": "/story continue"})
@app_commands.describe(private="Only you see it")
async def continue_reading(interaction: Interaction, private: bool = False) -> None:
    """Pick up the story you were reading last, where you left off."""
    bot = bot_of(interaction)
    last = await bot.store.reading.last_read_story(interaction.user.id, interaction.guild_id)
    if last is None:
        await interaction.response.send_message(
            "You haven't started a story here yet. Try `/story random` or `/story list`.",
            ephemeral=True,
        )
        return
    story_id, page = last
    await _open(interaction, story_id, page, private, resumed=True)


@app_commands.command(name="random", extras={"example": "/story random"})
@app_commands.describe(private="Only you see it")
async def random_story(interaction: Interaction, private: bool = False) -> None:
    """A story picked at random (not the one you were shown last)."""
    bot = bot_of(interaction)
    ids = sorted(await bot.library.visible_ids(interaction.guild_id))
    if not ids:
        await interaction.response.send_message("The library is empty.", ephemeral=True)
        return
    last = await bot.store.reading.last_shown_story(interaction.user.id)
    choices = [i for i in ids if i != last] or ids
    chosen = bot.random.choice(choices)
    # Opening at page 1 would overwrite a bookmark: pick up where they left off instead.
    saved = await bot.store.reading.reading_position(interaction.user.id, chosen)
    await _open(interaction, chosen, saved or 1, private, resumed=saved is not None)


async def _open(
    interaction: Interaction, story_id: int, page: int, private: bool, *, resumed: bool
) -> None:
    bot = bot_of(interaction)
    embed, view, shown = await reading_message(bot.store, interaction.guild_id, story_id, page)
    await bot.store.reading.save_position(interaction.user.id, story_id, shown)
    # Back at page 1 there is nothing to continue: saying so would only be noise.
    content = f"Continuing where you left off: page {shown}." if resumed and shown > 1 else None
    await interaction.response.send_message(
        content=content, embed=embed, view=view, ephemeral=private
    )


@app_commands.command(name="info", extras={"example": "/story info story:zoe"})
@app_commands.describe(story="The story")
@app_commands.autocomplete(story=story_autocomplete)
async def info(interaction: Interaction, story: app_commands.Range[str, 1, 200]) -> None:
    """Title, author, length, first line, characters and places of a story."""
    bot = bot_of(interaction)
    found = await find_visible_story(bot.store, interaction.guild_id, story)
    cast = await bot.store.casts.get_cast(found.id)
    await interaction.response.send_message(embed=fit_embed(story_info_embed(found, cast)))


@app_commands.command(name="bookmarks", extras={"example": "/story bookmarks"})
async def bookmarks(interaction: Interaction) -> None:
    """Where you are in each story you have started (only you see this)."""
    bot = bot_of(interaction)
    marks = await bot.store.reading.bookmarks(interaction.user.id, interaction.guild_id)
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
