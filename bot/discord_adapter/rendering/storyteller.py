"""Embeds for the storyteller's replies, its fallbacks, and its line in /settings."""

from __future__ import annotations

import discord

from bot.core.text import shorten
from bot.discord_adapter.rendering import (
    DESCRIPTION_LIMIT,
    FIELD_VALUE_LIMIT,
    STORY_COLOUR,
    TITLE_LIMIT,
    escape,
)
from bot.discord_adapter.rendering.telling import (
    RetellingReply,
    answer_embed,
    retelling_reply,
    sources,
)
from bot.storyteller import Told
from bot.storyteller.actions import Asked, Status, StyledRetelling

FOOTER_LIMIT = 2048
STREAMING_NOTE = "The storyteller is writing; each sentence is checked against the story"


def told_embed(title: str, told: Told) -> discord.Embed:
    # Escaped like any story text: a reply can never ping, link or format anyone.
    embed = discord.Embed(
        title=shorten(title, TITLE_LIMIT),
        description=shorten(escape(told.text or ""), DESCRIPTION_LIMIT),
        colour=STORY_COLOUR,
    )
    embed.set_footer(text=shorten(told.note, FOOTER_LIMIT))
    return embed


def progress_embed(title: str, text: str) -> discord.Embed:
    embed = discord.Embed(
        title=shorten(title, TITLE_LIMIT),
        description=shorten(escape(text), DESCRIPTION_LIMIT),
        colour=STORY_COLOUR,
    )
    embed.set_footer(text=STREAMING_NOTE)
    return embed


def asked_embed(question: str, asked: Asked) -> discord.Embed:
    """The storyteller's answer, or the extractive one (as without a model) and, when the
    storyteller was asked, a small note saying the answer is from the text and why."""
    if asked.told is not None:
        embed = told_embed(question, asked.told)
        if asked.told.refs:
            embed.add_field(name="From", value=shorten(sources(asked.told.refs), FIELD_VALUE_LIMIT))
        return embed
    assert asked.answer is not None
    embed = answer_embed(question, asked.answer)
    if asked.note:
        embed.set_footer(text=shorten(asked.note, FOOTER_LIMIT))
    return embed


def styled_retelling_reply(result: StyledRetelling) -> RetellingReply:
    if result.told is not None:
        return RetellingReply([told_embed(result.story.title, result.told)])
    assert result.extractive is not None
    reply = retelling_reply(result.story, result.extractive)
    last = reply.embeds[-1]
    if result.note and last.footer.text:
        last.set_footer(text=shorten(f"{result.note} · {last.footer.text}", FOOTER_LIMIT))
    return reply


def storyteller_field(embed: discord.Embed, status: Status) -> None:
    """The /settings line: on or off, and what is left of today's allowance."""
    model, left = escape(status.model), status.left
    if not status.on:
        value = (
            f"Off. `/settings storyteller on` lets the model {model} retell and "
            "answer here (story text is then sent to it)."
        )
    else:
        parts = []
        if left.requests_left is not None:
            parts.append(f"{left.requests_left:,} requests")
        if left.tokens_left is not None:
            parts.append(f"{left.tokens_left:,} tokens")
        today = " and ".join(parts) + " left today" if parts else "no daily cap"
        value = f"On, using {model}: {today}."
    embed.add_field(name="Storyteller", value=value, inline=False)


def add_storyteller_help(embed: discord.Embed, model: str) -> None:
    embed.add_field(
        name="The storyteller (optional)",
        value=(
            f"This bot can use a language model ({escape(model)}) once a server's admins "
            "turn it on with `/settings storyteller`: `/story retell style:` in its own words, "
            "`/story ask` and mentions answered in a sentence or two citing ¶, and replies "
            "in discussion threads. The text of the stories is then sent to the model. Every "
            "reply is checked against the story first; when it fails, the answer comes from "
            "the text itself, marked “From the text”."
        ),
        inline=False,
    )
