"""Embeds for retellings, discussion questions and answers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import discord

from bot.core.discussion import Answer
from bot.core.models import StorySummary
from bot.core.retelling import Retelling
from bot.core.text import shorten
from bot.rendering import DESCRIPTION_LIMIT, FIELD_VALUE_LIMIT, STORY_COLOUR, TITLE_LIMIT, escape

THREAD_NAME_LIMIT = 100


def thread_name(title: str) -> str:
    return shorten(f"Discussing {title}", THREAD_NAME_LIMIT)


def retelling_embeds(story: StorySummary, retelling: Retelling) -> list[discord.Embed]:
    """One embed per ~4,000 characters, split between paragraphs or sentences, never inside one."""
    chunks = _chunks(escape(retelling.text), DESCRIPTION_LIMIT - 96)
    embeds = []
    for number, chunk in enumerate(chunks, start=1):
        title = story.title if number == 1 else f"{story.title} (continued)"
        embed = discord.Embed(
            title=shorten(title, TITLE_LIMIT), description=chunk, colour=STORY_COLOUR
        )
        embeds.append(embed)
    embeds[-1].set_footer(
        text=f"A {retelling.length} retelling in the story's own words · "
        f"{story.word_count:,} words in full · /story read to read it all"
    )
    return embeds


def retelling_embed(story: StorySummary, retelling: Retelling) -> discord.Embed:
    """The first (for a short retelling, the only) embed."""
    return retelling_embeds(story, retelling)[0]


def _chunks(text: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for piece in re.split(r"(?<=\n\n)|(?<=[.!?…”\"] )", text):
        if current and len(current) + len(piece) > limit:
            chunks.append(current.rstrip())
            current = ""
        current += piece
    if current.strip():
        chunks.append(current.rstrip())
    return chunks or [""]


def questions_embed(questions: Sequence[str], *, note: str | None = None) -> discord.Embed:
    embed = discord.Embed(
        title="Let's talk about it",
        description="\n".join(f"{n}. {escape(q)}" for n, q in enumerate(questions, 1))
        or "What did you think of it?",
        colour=STORY_COLOUR,
    )
    if note:
        embed.set_footer(text=note)
    return embed


def answer_embed(question: str, answer: Answer) -> discord.Embed:
    embed = discord.Embed(
        title=shorten(question, TITLE_LIMIT),
        description=shorten(escape(answer.text), DESCRIPTION_LIMIT),
        colour=STORY_COLOUR,
    )
    if answer.refs:
        sources = "; ".join(dict.fromkeys(f"{title} ¶ {n}" for title, n in answer.refs))
        embed.add_field(name="From", value=shorten(escape(sources), FIELD_VALUE_LIMIT))
    return embed


def daily_embed(story: StorySummary, text: str, local_date: date, *, whole: bool) -> discord.Embed:
    """The story of the day: its retelling, or the whole story when it is that short."""
    embed = discord.Embed(
        title=shorten(f"Story of the day: {story.title}", TITLE_LIMIT),
        description=shorten(escape(text), DESCRIPTION_LIMIT),
        colour=STORY_COLOUR,
    )
    more = "" if whole else " · the story begins below; turn the pages with the buttons"
    embed.set_footer(text=f"{local_date:%A %d %B %Y} · {story.word_count:,} words{more}")
    return embed
