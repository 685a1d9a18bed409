"""Pure functions from domain results to Discord embeds.

Nothing here sends anything; tests check the output against Discord's limits.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.core.models import StorySummary
from bot.core.pagination import Page
from bot.core.text import shorten

STORY_COLOUR = discord.Colour.from_rgb(142, 94, 194)
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024
LIST_PAGE_SIZE = 10


def escape(text: str) -> str:
    """Show user or story text literally: no markdown surprises, no mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def story_byline(story: StorySummary) -> str:
    parts = [f"by {story.author}" if story.author else None]
    parts.append(f"{story.word_count:,} words · {story.reading_minutes} min read")
    return " · ".join(p for p in parts if p)


def page_embed(story: StorySummary, page: Page, page_count: int) -> discord.Embed:
    embed = discord.Embed(
        title=shorten(story.title, TITLE_LIMIT),
        description=shorten(escape(page.text), DESCRIPTION_LIMIT),
        colour=STORY_COLOUR,
    )
    paragraphs = (
        f"¶ {page.first_passage}"
        if page.first_passage == page.last_passage
        else f"¶ {page.first_passage}–{page.last_passage}"
    )
    embed.set_footer(
        text=f"Page {page.number} of {page_count} · {paragraphs} · {story_byline(story)}"
    )
    return embed


def story_list_embed(
    stories: Sequence[StorySummary], page: int, page_count: int, total: int
) -> discord.Embed:
    embed = discord.Embed(title="Stories in the library", colour=STORY_COLOUR)
    if not stories:
        embed.description = "The library is empty. Moderators can add stories with `/story add`."
        return embed
    lines = []
    for story in stories:
        who = f" — {escape(story.protagonist)}" if story.protagonist else ""
        scope = "" if story.is_builtin else " · this server"
        lines.append(
            f"**{escape(story.title)}**{who}\n"
            f"-# {escape(story_byline(story))}{scope} · `{story.slug}`"
        )
    embed.description = shorten("\n".join(lines), DESCRIPTION_LIMIT)
    embed.set_footer(
        text=f"Page {page} of {page_count} · {total} stories · /story read to open one"
    )
    return embed


def help_embed(sections: Sequence[tuple[str, Sequence[tuple[str, str, str]]]]) -> discord.Embed:
    """`sections` is (feature, [(usage, description, example)]) from the command tree."""
    embed = discord.Embed(
        title="Conteur — stories to read, retell and discuss",
        description=(
            "Read the library's short stories page by page, search them, meet their "
            "characters and talk about them. Every command, by feature:"
        ),
        colour=STORY_COLOUR,
    )
    for feature, commands in sections[:25]:
        value = "\n".join(
            f"`{usage}` — {description}\n-# e.g. `{example}`"
            for usage, description, example in commands
        )
        embed.add_field(name=feature, value=shorten(value, FIELD_VALUE_LIMIT), inline=False)
    return embed
