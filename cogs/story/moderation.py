"""/story add, edit, remove, restore, history, export, hide, unhide: a server's own library.

Every command re-checks on the server side that the member moderates this
server (see bot/checks.py), and addresses only stories visible here.
"""

from __future__ import annotations

import io
from typing import Any

import discord
from discord import Interaction, app_commands

from bot.app import curation
from bot.app.moderation import check_add_rate, check_attachment, decode_attachment, prepare
from bot.core.matching import rank_stories
from bot.core.models import StorySummary
from bot.discord_adapter.checks import is_moderator, member_of, moderator_only
from bot.discord_adapter.rendering import escape
from bot.discord_adapter.rendering.moderation import history_embed
from bot.discord_adapter.transformers import BuiltinStoryArg, OwnStoryArg, StoryArg
from bot.discord_adapter.ui.moderation import (
    MODAL_TEXT_LIMIT,
    adding_form,
    editing_form,
    hiding_view,
    removal_view,
    send_preview,
)
from bot.errors import InvalidInput
from cogs.story.common import bot_of


async def removed_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    bot = bot_of(interaction)
    # What was removed is for the moderators' eyes only.
    if interaction.guild_id is None or not await is_moderator(bot.store, interaction):
        return []
    removed = await curation.removed_stories(bot.library, interaction.guild_id)
    return _choices(current, removed)


async def hidden_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    hidden = await curation.hidden_stories(bot_of(interaction).library, interaction.guild_id)
    return _choices(current, hidden)


def _choices(typed: str, stories: list[StorySummary]) -> list[app_commands.Choice[str]]:
    matches = rank_stories(typed, stories)
    return [app_commands.Choice(name=m.story.title[:100], value=m.story.slug) for m in matches]


async def _submission_from_file(file: discord.Attachment) -> str:
    check_attachment(file.filename, file.size, file.content_type)
    return decode_attachment(file.filename, await file.read())


@app_commands.command(name="add", extras={"example": "/story add"})
@app_commands.describe(file="A .txt or .md file, for stories longer than the form allows")
@moderator_only()
async def add(interaction: Interaction, file: discord.Attachment | None = None) -> None:
    """Add a story to this server's library (moderators): a form, or a file."""
    bot = bot_of(interaction)
    member = member_of(interaction)
    await check_add_rate(bot.store, member.id, bot.clock())
    if file is None:
        await interaction.response.send_modal(adding_form())
        return
    text = await _submission_from_file(file)
    preview = await prepare(bot.library, guild_id=member.guild.id, user_id=member.id, text=text)
    await send_preview(interaction, preview)


@app_commands.command(name="edit", extras={"example": "/story edit story:my-story"})
@app_commands.describe(story="One of this server's stories", file="A new version as a file")
@moderator_only()
async def edit(
    interaction: Interaction, story: OwnStoryArg, file: discord.Attachment | None = None
) -> None:
    """Change one of this server's stories (moderators); the old version is kept."""
    bot = bot_of(interaction)
    member = member_of(interaction)
    found = story
    if file is not None:
        text = await _submission_from_file(file)
        preview = await prepare(
            bot.library, guild_id=member.guild.id, user_id=member.id, text=text, editing=found
        )
        await send_preview(interaction, preview)
        return
    if len(found.body) > MODAL_TEXT_LIMIT:
        raise InvalidInput(
            f"“{found.title}” is longer than a form can hold ({MODAL_TEXT_LIMIT:,} characters).",
            hint="Attach the new version: `/story edit story:… file:…`; "
            "`/story export` gives you the current text.",
        )
    form = editing_form(
        found.id, found.content_hash, found.title, found.summary.author or "", found.body
    )
    await interaction.response.send_modal(form)


@app_commands.command(name="remove", extras={"example": "/story remove story:my-story"})
@app_commands.describe(story="One of this server's stories")
@moderator_only()
async def remove(interaction: Interaction, story: OwnStoryArg) -> None:
    """Remove one of this server's stories (moderators); restorable for 30 days."""
    await interaction.response.send_message(
        f"Remove “{escape(story.title)}”? It leaves search, autocomplete and the story of the day "
        "at once, and can be restored with `/story restore` for 30 days.",
        view=removal_view(story.id),
        ephemeral=True,
    )


@app_commands.command(name="restore", extras={"example": "/story restore story:my-story"})
@app_commands.describe(story="A story removed from this server in the last 30 days")
@app_commands.autocomplete(story=removed_autocomplete)
@moderator_only()
async def restore(interaction: Interaction, story: app_commands.Range[str, 1, 200]) -> None:
    """Bring back a story removed in the last 30 days (moderators)."""
    member = member_of(interaction)
    restored = await curation.restore(
        bot_of(interaction).library, guild_id=member.guild.id, actor_id=member.id, name=story
    )
    await interaction.response.send_message(f"Restored “{escape(restored.title)}”.", ephemeral=True)


@app_commands.command(name="history", extras={"example": "/story history story:my-story"})
@app_commands.describe(story="The story")
async def history(interaction: Interaction, story: StoryArg) -> None:
    """Every version of a story: who changed it and when."""
    versions = await curation.history(bot_of(interaction).library, story)
    await interaction.response.send_message(
        embed=history_embed(story.title, versions), ephemeral=True
    )


@app_commands.command(name="export", extras={"example": "/story export story:zoe"})
@app_commands.describe(story="The story")
async def export(interaction: Interaction, story: StoryArg) -> None:
    """The story's text as a file (with its title and author)."""
    exported = curation.export(story)
    await interaction.response.send_message(
        f"“{escape(exported.title)}”",
        file=discord.File(io.BytesIO(exported.data), exported.filename),
        ephemeral=True,
    )


@app_commands.command(name="hide", extras={"example": "/story hide story:the-story-of-lea-roux"})
@app_commands.describe(story="A built-in story")
@moderator_only()
async def hide(interaction: Interaction, story: BuiltinStoryArg) -> None:
    """Hide a built-in story in this server (moderators); asks first."""
    await interaction.response.send_message(
        f"Hide “{escape(story.title)}” in this server? Members here stop seeing it in "
        "lists, search, autocomplete and the story of the day; `/story unhide` shows it again.",
        view=hiding_view(story.id, hide=True),
        ephemeral=True,
    )


@app_commands.command(
    name="unhide", extras={"example": "/story unhide story:the-story-of-lea-roux"}
)
@app_commands.describe(story="A built-in story hidden in this server")
@app_commands.autocomplete(story=hidden_autocomplete)
@moderator_only()
async def unhide(interaction: Interaction, story: app_commands.Range[str, 1, 200]) -> None:
    """Show a hidden built-in story in this server again (moderators); asks first."""
    member = member_of(interaction)
    found = await curation.hidden_story(bot_of(interaction).library, member.guild.id, story)
    await interaction.response.send_message(
        f"Show “{escape(found.title)}” in this server again?",
        view=hiding_view(found.id, hide=False),
        ephemeral=True,
    )


COMMANDS: tuple[app_commands.Command[Any, ..., None], ...] = (
    add,
    edit,
    remove,
    restore,
    history,
    export,
    hide,
    unhide,
)
