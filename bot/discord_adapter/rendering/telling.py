"""Embeds for retellings, discussion questions and answers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import discord

from bot.core.answers import Answer
from bot.core.models import StorySummary
from bot.core.retelling import Retelling
from bot.core.text import shorten
from bot.discord_adapter.rendering import (
    DESCRIPTION_LIMIT,
    FIELD_VALUE_LIMIT,
    STORY_COLOUR,
    TITLE_LIMIT,
    escape,
    title_text,
)

THREAD_NAME_LIMIT = 100
# A retelling embed holds this much of the text; the core's short budget is within it.
RETELLING_CHUNK = DESCRIPTION_LIMIT - 96
# A retelling longer than this many messages is attached as a file instead: a channel
# should not get a wall of 25 embeds from one command.
MAX_RETELLING_MESSAGES = 3


def thread_name(title: str) -> str:
    return shorten(f"Discussing {title}", THREAD_NAME_LIMIT)


def shown_length(text: str) -> int:
    """How long `text` is once escaped for an embed: the measure the short retelling's
    budget is taken in, so it always fits one embed."""
    return len(escape(text))


def retelling_embeds(story: StorySummary, retelling: Retelling) -> list[discord.Embed]:
    """One embed per ~4,000 characters, split between paragraphs or sentences, never
    inside one unless a single sentence is longer than an embed. One embed per message:
    two full ones would pass Discord's 6,000 characters per message."""
    chunks = _chunks(escape(retelling.text), RETELLING_CHUNK)
    embeds = []
    for number, chunk in enumerate(chunks, start=1):
        title = story.title if number == 1 else f"{story.title} (continued)"
        embed = discord.Embed(title=title_text(title), description=chunk, colour=STORY_COLOUR)
        embeds.append(embed)
    embeds[-1].set_footer(text=_retelling_footer(story, retelling))
    return embeds


def _retelling_footer(story: StorySummary, retelling: Retelling) -> str:
    return (
        f"A {retelling.length} retelling in the story's own words · "
        f"{story.word_count:,} words in full · /story read to read it all"
    )


@dataclass(frozen=True, slots=True)
class RetellingReply:
    """What /story retell sends: one embed per message, or the beginning and a file."""

    embeds: list[discord.Embed]
    note: str | None = None  # the message content, saying why there is a file
    attachment: tuple[str, str] | None = None  # (file name, text)


def retelling_reply(story: StorySummary, retelling: Retelling) -> RetellingReply:
    """Up to MAX_RETELLING_MESSAGES embeds; beyond that, the first embed and the whole
    retelling as a .txt file, so nothing is cut and the channel is not flooded."""
    embeds = retelling_embeds(story, retelling)
    if len(embeds) <= MAX_RETELLING_MESSAGES:
        return RetellingReply(embeds)
    first = embeds[0]
    first.set_footer(text=_retelling_footer(story, retelling) + " · continued in the file")
    note = (
        f"This {retelling.length} retelling would take {len(embeds)} messages, so the whole "
        "of it is attached as a text file; here is how it begins."
    )
    filename = f"{story.slug}-{retelling.length}-retelling.txt"
    return RetellingReply([first], note, (filename, retelling.text + "\n"))


def _chunks(text: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        if current and len(current) + len(piece) > limit:
            chunks.append(current.rstrip())
            current = ""
        current += piece
    if current.strip():
        chunks.append(current.rstrip())
    return chunks or [""]


def _pieces(text: str, limit: int) -> list[str]:
    """Paragraphs and sentences; one longer than `limit` (rare: a whole page without a
    full stop) is cut between words, else anywhere, so no embed is ever over the limit."""
    pieces = []
    for piece in re.split(r"(?<=\n\n)|(?<=[.!?…”\"] )", text):
        while len(piece) > limit:
            cut = piece.rfind(" ", 0, limit) + 1 or limit
            pieces.append(piece[:cut])
            piece = piece[cut:]
        pieces.append(piece)
    return pieces


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
        embed.add_field(name="From", value=shorten(sources(answer.refs), FIELD_VALUE_LIMIT))
    return embed


def sources(refs: Sequence[tuple[str, int]]) -> str:
    """ "Title: ¶1, ¶3; Other title: ¶2": each story once, its paragraphs in order, in
    the "¶1" form the answer itself uses."""
    by_story: dict[str, set[int]] = {}
    for title, number in refs:
        by_story.setdefault(title, set()).add(number)
    return "; ".join(
        f"{escape(title)}: " + ", ".join(f"¶{n}" for n in sorted(numbers))
        for title, numbers in by_story.items()
    )


def daily_embed(
    story: StorySummary, text: str, local_date: date, *, whole: bool, marker: str
) -> discord.Embed:
    """The story of the day: its retelling, or the whole story when it is that short.

    The footer ends with `marker`, which names the delivery (see `delivery_marker`).
    """
    embed = discord.Embed(
        title=title_text(f"Story of the day: {story.title}"),
        description=shorten(escape(text), DESCRIPTION_LIMIT),
        colour=STORY_COLOUR,
    )
    more = "" if whole else " · the story begins below; turn the pages with the buttons"
    embed.set_footer(text=f"{local_date:%A %d %B %Y} · {story.word_count:,} words{more} · {marker}")
    return embed
