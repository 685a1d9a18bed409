"""Embeds about stories as wholes: info cards, bookmarks, retellings."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.core.cast import Cast
from bot.core.models import Story
from bot.core.parsing import readable_passages
from bot.core.sentences import split_sentences
from bot.core.text import shorten
from bot.discord_adapter.rendering import (
    DESCRIPTION_LIMIT,
    FIELD_VALUE_LIMIT,
    STORY_COLOUR,
    escape,
    title_text,
)
from bot.discord_adapter.rendering.characters import cast_summary
from bot.storage.reading import Bookmark


def first_line(story: Story) -> str:
    """The story's opening sentence, as words: a section number ("I.") is not a line,
    and "Mr." does not end one (the splitter every feature reads sentences with)."""
    readable = readable_passages(story.passages)
    if not readable:
        return ""
    return next(iter(split_sentences(readable[0].text)), readable[0].text)


# /story info of a story a big load stored a moment ago, before its characters are read.
STILL_READING = (
    "Still reading this story: its characters and places will be here in a minute or two."
)


def story_info_embed(story: Story, cast: Cast | None) -> discord.Embed:
    """`cast` is None while the story's characters are still being read."""
    summary = story.summary
    embed = discord.Embed(title=title_text(summary.title), colour=STORY_COLOUR)
    embed.description = f"*{escape(shorten(first_line(story), 600))}*"
    embed.add_field(name="Author", value=escape(summary.author or "Unknown"))
    embed.add_field(name="Length", value=f"{summary.word_count:,} words")
    embed.add_field(name="Reading time", value=f"about {summary.reading_minutes} min")
    if cast is None:
        embed.add_field(name="Characters and places", value=STILL_READING, inline=False)
    else:
        people, places = cast_summary(cast)
        embed.add_field(name="Characters", value=shorten(people, FIELD_VALUE_LIMIT), inline=False)
        embed.add_field(name="Places", value=shorten(places, FIELD_VALUE_LIMIT), inline=False)
    scope = "Built in" if summary.is_builtin else "Added by this server"
    embed.set_footer(text=f"{scope} · {summary.passage_count} paragraphs · {summary.slug}")
    return embed


# The most recent bookmarks listed; the rest are counted, not silently dropped.
BOOKMARKS_LISTED = 25


def bookmarks_embed(marks: Sequence[Bookmark]) -> discord.Embed:
    embed = discord.Embed(title="Your bookmarks", colour=STORY_COLOUR)
    if not marks:
        embed.description = "No bookmarks yet: `/story read` remembers where you stop."
        return embed
    lines = [
        f"**{escape(mark.story.title)}** — page {mark.page} · `{mark.story.slug}`"
        for mark in marks[:BOOKMARKS_LISTED]
    ]
    hidden = len(marks) - len(lines)
    more = f"\nand {hidden} more" if hidden else ""
    embed.description = shorten("\n".join(lines), DESCRIPTION_LIMIT - len(more)) + more
    embed.set_footer(text="/story continue picks up the most recent · only you can see this")
    return embed
