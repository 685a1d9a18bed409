"""/story retell, discuss, ask: Conteur as a storyteller."""

from __future__ import annotations

import io
import logging
from typing import Any

import discord
from discord import Interaction, app_commands

from bot.app import telling
from bot.app.telling import MAX_QUESTION_LENGTH, Length, tidy_question
from bot.discord_adapter.rendering import EMBED_TOTAL_LIMIT, escape, fit_embed
from bot.discord_adapter.rendering.storyteller import asked_embed, styled_retelling_reply
from bot.discord_adapter.rendering.telling import (
    RetellingReply,
    questions_embed,
    retelling_embeds,
    retelling_reply,
    shown_length,
    thread_name,
)
from bot.discord_adapter.transformers import StoryArg
from bot.storyteller import actions as storyteller_actions
from bot.storyteller.prompts import Style
from cogs.story.common import bot_of, streamed_to

log = logging.getLogger(__name__)


@app_commands.command(name="retell", extras={"example": "/story retell story:lea length:short"})
@app_commands.describe(
    story="The story to retell",
    length="short: a few sentences · medium: about a third · long: about half",
    style="Told by the storyteller (if this server turned it on): plain, for children, "
    "dramatic, or in French",
)
async def retell_story(
    interaction: Interaction,
    story: StoryArg,
    length: Length = "short",
    style: Style | None = None,
) -> None:
    """A faithful short version of a story, in its own words."""
    # Ranking the sentences of a very long story can take longer than Discord waits.
    await interaction.response.defer(thinking=True)
    if style is not None:
        styled = await storyteller_actions.retell_in_style(
            bot_of(interaction).storyteller,
            story,
            style,
            guild_id=interaction.guild_id,
            length=length,
            measure=shown_length,
            progress=streamed_to(interaction, story.title),
        )
        await send_retelling(interaction, styled_retelling_reply(styled))
        return
    retelling = await telling.retell_story(story, length, shown_length)
    await send_retelling(interaction, retelling_reply(story.summary, retelling))


async def send_retelling(interaction: Interaction, reply: RetellingReply) -> None:
    first, *rest = reply.embeds
    if reply.attachment is not None:
        name, text = reply.attachment
        await interaction.edit_original_response(
            content=reply.note,
            embed=first,
            attachments=[discord.File(io.BytesIO(text.encode("utf-8")), name)],
        )
        return
    await interaction.edit_original_response(embed=first)
    for embed in rest:  # a long retelling: a few more messages, never a cut sentence
        await interaction.followup.send(embed=embed)


@app_commands.command(name="discuss", extras={"example": "/story discuss story:zoe"})
@app_commands.describe(story="The story to talk about")
async def discuss(interaction: Interaction, story: StoryArg) -> None:
    """Retell a story and open a thread with questions to discuss it."""
    bot = bot_of(interaction)
    found = story
    already = await _open_discussion(interaction, found.id)
    if already is not None:
        await interaction.response.send_message(
            f"“{escape(found.title)}” is already being discussed here: {already.mention}. "
            "Join in there.",
            ephemeral=True,
        )
        return
    cast = await telling.cast_to_discuss(bot.library, found)
    await interaction.response.defer(thinking=True)
    discussion = await telling.discuss(bot.library, story, cast, shown_length)
    retelling, questions = discussion.retelling, discussion.questions
    # The short retelling fits one embed; should a single sentence not, the rest
    # follows in more messages rather than being dropped.
    first, *rest = retelling_embeds(found.summary, retelling)
    reason = no_thread_reason(interaction)
    if reason is not None:
        listed = questions_embed(questions, note=reason)
        if not rest and len(first) + len(listed) <= EMBED_TOTAL_LIMIT:
            await interaction.edit_original_response(embeds=[first, listed])
            return
        await interaction.edit_original_response(embed=first)
        for embed in [*rest, listed]:
            await interaction.followup.send(embed=embed)
        return
    message = await interaction.edit_original_response(embed=first)
    for embed in rest:
        await interaction.followup.send(embed=embed)
    try:
        thread = await message.create_thread(
            name=thread_name(found.title), auto_archive_duration=1440
        )
        await telling.remember_thread(
            bot.library, thread_id=thread.id, story_id=found.id, guild_id=interaction.guild_id
        )
        await thread.send(embed=questions_embed(questions))
    except discord.HTTPException as error:
        # Permissions can change between the check and the call, or Discord may refuse
        # (archived channel, thread limits): the questions still reach the channel.
        log.warning("Could not open a discussion thread in %s: %s", interaction.channel_id, error)
        note = (
            f"I couldn't open a thread here (Discord said: {error.text or error.status}), "
            "so here are the questions instead."
        )
        await interaction.followup.send(embed=questions_embed(questions, note=note))


async def _open_discussion(interaction: Interaction, story_id: int) -> discord.Thread | None:
    """This channel's discussion thread about the story, while it is open (not archived)."""
    channel = interaction.channel
    if not isinstance(channel, discord.TextChannel):
        return None
    library = bot_of(interaction).library
    for thread in channel.threads:
        if thread.archived or thread.locked:
            continue
        if await telling.thread_story(library, thread.id, interaction.guild_id) == story_id:
            return thread
    return None


def no_thread_reason(interaction: Interaction) -> str | None:
    """Why a discussion thread cannot be opened here, or None when it can."""
    channel = interaction.channel
    if interaction.guild is None:
        return "Threads only exist in servers, so here are the questions instead."
    if not isinstance(channel, discord.TextChannel):
        return "I can only open threads in a text channel, so here are the questions instead."
    permissions = interaction.app_permissions
    if not (permissions.create_public_threads and permissions.send_messages_in_threads):
        return (
            "I don't have permission to create threads here (Create Public Threads and "
            "Send Messages in Threads), so here are the questions instead."
        )
    return None


@app_commands.command(name="ask", extras={"example": "/story ask question:who is Sophie?"})
@app_commands.describe(
    question="Ask about the stories: who is…, where does… go, who does… meet, or anything",
    story="Only look in this story",
)
async def ask(
    interaction: Interaction,
    question: app_commands.Range[str, 1, MAX_QUESTION_LENGTH],
    story: StoryArg | None = None,
) -> None:
    """Ask a question; the answer comes from the text itself."""
    bot = bot_of(interaction)
    text = tidy_question(question)
    bot.ask_limits.check(interaction.user.id, interaction.channel_id)
    # Refusals above stay private; searching a big library may outlast Discord's 3 s.
    await interaction.response.defer(thinking=True)
    asked = await storyteller_actions.ask(
        bot.library,
        bot.storyteller,
        text,
        guild_id=interaction.guild_id,
        story_id=story.id if story else None,
        progress=streamed_to(interaction, text),
    )
    await interaction.edit_original_response(embed=fit_embed(asked_embed(text, asked)))


COMMANDS: tuple[app_commands.Command[Any, ..., None], ...] = (retell_story, discuss, ask)
