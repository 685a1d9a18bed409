"""/story add, edit, remove, restore, history, export, hide, unhide: a server's own library.

Every command re-checks on the server side that the member moderates this
server (see bot/checks.py), and addresses only stories visible here.
"""

from __future__ import annotations

import io
from typing import Any

import discord
from discord import Interaction, app_commands

from bot.app.library import RESTORE_WINDOW
from bot.app.lookup import find_visible_story, story_choices
from bot.app.moderation import (
    check_add_rate,
    check_attachment,
    decode_attachment,
    prepare,
    require_own_story,
)
from bot.core.matching import rank_stories, resolve_story
from bot.discord_adapter.checks import is_moderator, require_moderator
from bot.discord_adapter.rendering import escape
from bot.discord_adapter.rendering.moderation import history_embed
from bot.discord_adapter.ui.moderation import (
    MODAL_TEXT_LIMIT,
    adding_form,
    editing_form,
    removal_view,
    send_preview,
)
from bot.errors import InvalidInput, NotAllowed
from cogs.story.common import bot_of, story_autocomplete


async def own_story_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """This server's own stories: edit and remove refuse the built-in ones."""
    guild_id = interaction.guild_id
    if guild_id is None:
        return []
    pairs = await story_choices(
        bot_of(interaction).store, guild_id, current, only=lambda s: s.guild_id == guild_id
    )
    return [app_commands.Choice(name=name, value=value) for name, value in pairs]


async def builtin_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """The built-in stories still visible here: the ones /story hide accepts."""
    if interaction.guild_id is None:
        return []
    pairs = await story_choices(
        bot_of(interaction).store, interaction.guild_id, current, only=lambda s: s.is_builtin
    )
    return [app_commands.Choice(name=name, value=value) for name, value in pairs]


async def removed_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    bot = bot_of(interaction)
    # What was removed is for the moderators' eyes only.
    if interaction.guild_id is None or not await is_moderator(bot.store, interaction):
        return []
    removed = await bot.store.stories.removed_stories(
        interaction.guild_id, bot.clock() - RESTORE_WINDOW
    )
    matches = rank_stories(current, [r.summary for r in removed])
    return [app_commands.Choice(name=m.story.title[:100], value=m.story.slug) for m in matches]


async def _submission_from_file(file: discord.Attachment) -> str:
    check_attachment(file.filename, file.size, file.content_type)
    return decode_attachment(file.filename, await file.read())


@app_commands.command(name="add", extras={"example": "/story add"})
@app_commands.describe(file="A .txt or .md file, for stories longer than the form allows")
async def add(interaction: Interaction, file: discord.Attachment | None = None) -> None:
    """Add a story to this server's library (moderators): a form, or a file."""
    bot = bot_of(interaction)
    member = await require_moderator(bot.store, interaction)
    await check_add_rate(bot.store, member.id, bot.clock())
    if file is None:
        await interaction.response.send_modal(adding_form())
        return
    text = await _submission_from_file(file)
    preview = await prepare(bot.library, guild_id=member.guild.id, user_id=member.id, text=text)
    await send_preview(interaction, preview)


@app_commands.command(name="edit", extras={"example": "/story edit story:my-story"})
@app_commands.describe(story="One of this server's stories", file="A new version as a file")
@app_commands.autocomplete(story=own_story_autocomplete)
async def edit(
    interaction: Interaction,
    story: app_commands.Range[str, 1, 200],
    file: discord.Attachment | None = None,
) -> None:
    """Change one of this server's stories (moderators); the old version is kept."""
    bot = bot_of(interaction)
    member = await require_moderator(bot.store, interaction)
    found = await find_visible_story(bot.store, member.guild.id, story)
    require_own_story(found, member.guild.id)
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
@app_commands.autocomplete(story=own_story_autocomplete)
async def remove(interaction: Interaction, story: app_commands.Range[str, 1, 200]) -> None:
    """Remove one of this server's stories (moderators); restorable for 30 days."""
    bot = bot_of(interaction)
    member = await require_moderator(bot.store, interaction)
    found = await find_visible_story(bot.store, member.guild.id, story)
    require_own_story(found, member.guild.id)
    await interaction.response.send_message(
        f"Remove “{escape(found.title)}”? It leaves search, autocomplete and the story of the day "
        "at once, and can be restored with `/story restore` for 30 days.",
        view=removal_view(found.id),
        ephemeral=True,
    )


@app_commands.command(name="restore", extras={"example": "/story restore story:my-story"})
@app_commands.describe(story="A story removed from this server in the last 30 days")
@app_commands.autocomplete(story=removed_autocomplete)
async def restore(interaction: Interaction, story: app_commands.Range[str, 1, 200]) -> None:
    """Bring back a story removed in the last 30 days (moderators)."""
    bot = bot_of(interaction)
    member = await require_moderator(bot.store, interaction)
    removed = await bot.store.stories.removed_stories(member.guild.id, bot.clock() - RESTORE_WINDOW)
    summary = resolve_story(story, [r.summary for r in removed])
    if await bot.store.stories.title_owner(summary.title, member.guild.id, exclude_id=summary.id):
        raise InvalidInput(
            f"Another story here is now titled “{summary.title}”.",
            hint="Rename or remove that one first.",
        )
    removed_story = await bot.store.stories.get_story(summary.id)
    if removed_story is not None and (
        same_text := await bot.store.stories.visible_story_with_hash(
            member.guild.id, removed_story.content_hash, exclude_id=summary.id
        )
    ):
        raise InvalidInput(
            f"“{same_text.title}” here now has exactly the text of “{summary.title}”.",
            hint="Remove that one first if this one should come back instead.",
        )
    restored = await bot.library.restore_story(summary.id, member.id)
    await interaction.response.send_message(f"Restored “{escape(restored.title)}”.", ephemeral=True)


@app_commands.command(name="history", extras={"example": "/story history story:my-story"})
@app_commands.describe(story="The story")
@app_commands.autocomplete(story=story_autocomplete)
async def history(interaction: Interaction, story: app_commands.Range[str, 1, 200]) -> None:
    """Every version of a story: who changed it and when."""
    bot = bot_of(interaction)
    found = await find_visible_story(bot.store, interaction.guild_id, story)
    versions = await bot.store.stories.story_versions(found.id)
    await interaction.response.send_message(
        embed=history_embed(found.title, versions), ephemeral=True
    )


@app_commands.command(name="export", extras={"example": "/story export story:zoe"})
@app_commands.describe(story="The story")
@app_commands.autocomplete(story=story_autocomplete)
async def export(interaction: Interaction, story: app_commands.Range[str, 1, 200]) -> None:
    """The story's text as a file (with its title and author)."""
    bot = bot_of(interaction)
    found = await find_visible_story(bot.store, interaction.guild_id, story)
    header = f"Title: {found.title}\n" + (
        f"Author: {found.summary.author}\n" if found.summary.author else ""
    )
    data = (header + "\n" + found.body + "\n").encode("utf-8")
    await interaction.response.send_message(
        f"“{escape(found.title)}”",
        file=discord.File(io.BytesIO(data), f"{found.slug}.txt"),
        ephemeral=True,
    )


async def _set_hidden(interaction: Interaction, story: str, hidden: bool) -> None:
    bot = bot_of(interaction)
    member = await require_moderator(bot.store, interaction)
    if hidden:
        found = (await find_visible_story(bot.store, member.guild.id, story)).summary
    else:
        found = resolve_story(story, await bot.store.stories.hidden_stories(member.guild.id))
    if not found.is_builtin:
        raise NotAllowed(
            f"“{found.title}” belongs to this server; remove it with `/story remove` instead."
        )
    await bot.library.set_hidden(member.guild.id, found.id, member.id, hidden)
    state = "hidden in this server" if hidden else "visible in this server again"
    await interaction.response.send_message(
        f"“{escape(found.title)}” is now {state}.", ephemeral=True
    )


@app_commands.command(name="hide", extras={"example": "/story hide story:lea"})
@app_commands.describe(story="A built-in story")
@app_commands.autocomplete(story=builtin_autocomplete)
async def hide(interaction: Interaction, story: app_commands.Range[str, 1, 200]) -> None:
    """Hide a built-in story in this server (moderators)."""
    await _set_hidden(interaction, story, True)


async def hidden_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    bot = bot_of(interaction)
    if interaction.guild_id is None:
        return []
    matches = rank_stories(current, await bot.store.stories.hidden_stories(interaction.guild_id))
    return [app_commands.Choice(name=m.story.title[:100], value=m.story.slug) for m in matches]


@app_commands.command(name="unhide", extras={"example": "/story unhide story:lea"})
@app_commands.describe(story="A built-in story hidden in this server")
@app_commands.autocomplete(story=hidden_autocomplete)
async def unhide(interaction: Interaction, story: app_commands.Range[str, 1, 200]) -> None:
    """Show a hidden built-in story in this server again (moderators)."""
    await _set_hidden(interaction, story, False)


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
