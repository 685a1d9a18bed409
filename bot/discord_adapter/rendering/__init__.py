"""Pure functions from domain results to Discord embeds.

Nothing here sends anything; tests check the output against Discord's limits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import discord

from bot.core.models import StorySummary
from bot.core.pagination import Page
from bot.core.parsing import emphasis_spans, is_section_break
from bot.core.text import shorten

STORY_COLOUR = discord.Colour.from_rgb(142, 94, 194)
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024


def escape(text: str) -> str:
    """Show user or story text literally: no markdown surprises, no mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


# A section break as a reader sees one in a book.
SECTION_BREAK = "⁂"


def published(text: str) -> str:
    """Story text as a reader expects it: escaped like `escape`, but `_italics_` and
    `*italics*` shown in italics, `**bold**` in bold, "--" as a dash and a section number
    or a rule alone in its paragraph as a break."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        if is_section_break(paragraph):
            heading = paragraph.strip()
            # "Chapter IV" keeps its words, in bold; a bare "IV" or "* * *" is a break.
            named = heading[:4].lower() in ("chap", "part", "book")
            paragraphs.append(f"**{escape(heading)}**" if named else SECTION_BREAK)
            continue
        paragraph = paragraph.replace("--", "—")
        out, position = [], 0
        for start, end, bold in emphasis_spans(paragraph):
            marker = "**" if bold else "*"
            inner = paragraph[start + len(marker) : end - len(marker)]
            out.append(escape(paragraph[position:start]))
            out.append(f"{marker}{escape(inner)}{marker}")
            position = end
        out.append(escape(paragraph[position:]))
        paragraphs.append("".join(out))
    return "\n\n".join(paragraphs)


def title_text(title: str, limit: int = TITLE_LIMIT) -> str:
    """The one rule for a title wherever it is shown, embed title or list line.

    Embed titles render markdown as descriptions do, so `*Stars*` must be escaped
    there too, or the reading view shows a different title from the list.
    """
    return shorten(escape(title), limit)


def story_byline(story: StorySummary) -> str:
    parts = [f"by {story.author}" if story.author else None]
    parts.append(f"{story.word_count:,} words · {story.reading_minutes} min read")
    return " · ".join(p for p in parts if p)


def page_embed(story: StorySummary, page: Page, page_count: int) -> discord.Embed:
    embed = discord.Embed(
        title=title_text(story.title),
        description=shorten(published(page.text), DESCRIPTION_LIMIT),
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


# Names shown per story in the list; the rest are in /story info.
LIST_CHARACTERS = 4


def story_list_embed(
    stories: Sequence[StorySummary],
    page: int,
    page_count: int,
    total: int,
    characters: Mapping[int, Sequence[str]] | None = None,
) -> discord.Embed:
    """`characters` holds each story's character names, protagonist first."""
    embed = discord.Embed(title="Stories in the library", colour=STORY_COLOUR)
    if not stories:
        embed.description = "The library is empty. Moderators can add stories with `/story add`."
        return embed
    lines = []
    for story in stories:
        names = list((characters or {}).get(story.id, ()))
        if not names and story.protagonist:
            names = [story.protagonist]
        shown = ", ".join(escape(name) for name in names[:LIST_CHARACTERS])
        if len(names) > LIST_CHARACTERS:
            shown += f" and {len(names) - LIST_CHARACTERS} more"
        scope = "" if story.is_builtin else " · this server"
        who = f"with {shown} · " if shown else ""
        lines.append(
            f"**{title_text(story.title)}**\n"
            f"-# {who}{escape(story_byline(story))}{scope} · `{story.slug}`"
        )
    embed.description = shorten("\n".join(lines), DESCRIPTION_LIMIT)
    embed.set_footer(
        text=f"Page {page} of {page_count} · {total} stories · /story read to open one"
    )
    return embed


def help_embed(sections: Sequence[tuple[str, Sequence[tuple[str, str, str]]]]) -> discord.Embed:
    """`sections` is (feature, [(command, description, example)]) from the command tree.

    One line per command; a feature too long for one field continues in the next,
    always between lines, so no command is ever cut off.
    """
    embed = discord.Embed(
        title="Conteur — stories to read, retell and discuss",
        description=(
            "Read the library's short stories page by page, search them, meet their "
            "characters and talk about them. Type a command to see its options."
        ),
        colour=STORY_COLOUR,
    )
    for feature, commands in sections:
        lines = [
            f"`{name}` {description}" + (f" · `{example}`" if example != name else "")
            for name, description, example in commands
        ]
        for number, chunk in enumerate(_line_chunks(lines, FIELD_VALUE_LIMIT)):
            embed.add_field(
                name=feature if number == 0 else f"{feature} (more)", value=chunk, inline=False
            )
    return embed


def _line_chunks(lines: Sequence[str], limit: int) -> list[str]:
    chunks: list[str] = []
    for line in lines:
        if chunks and len(chunks[-1]) + 1 + len(line) <= limit:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line[:limit])
    return chunks


def bold_highlights(text: str, highlights: Sequence[tuple[int, int]]) -> str:
    """Escape `text` and wrap each highlighted span in bold."""
    out: list[str] = []
    position = 0
    for start, end in sorted(highlights):
        if start < position:
            continue
        out.append(escape(text[position:start]))
        out.append(f"**{escape(text[start:end])}**")
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class ResultLine:
    """One search result, ready to render: where it is and the snippet to show."""

    title: str
    passage: int
    snippet: str  # already escaped, matched words in bold


def search_embed(
    query: str,
    results: Sequence[ResultLine],
    *,
    first_rank: int,
    total: int,
    page: int,
    page_count: int,
) -> discord.Embed:
    embed = discord.Embed(title=shorten(f"Search: “{query}”", TITLE_LIMIT), colour=STORY_COLOUR)
    for rank, result in enumerate(results, start=first_rank):
        embed.add_field(
            name=shorten(f"{rank}. {result.title} · ¶ {result.passage}", 256),
            value=shorten(result.snippet, FIELD_VALUE_LIMIT),
            inline=False,
        )
    embed.set_footer(
        text=f"{total} passage{'' if total == 1 else 's'} found · page {page} of {page_count} · "
        "press a number to open the story there"
    )
    return embed


def no_results_embed(
    query: str, suggestions: Sequence[str], *, within: str | None = None
) -> discord.Embed:
    """`within` names the filter the search ran under ("in “Title”", "where Sophie appears")."""
    where = f" {within}" if within else ""
    embed = discord.Embed(
        title="Nothing found",
        description=f"No passage{escape(where)} matches “{escape(query)}”.",
        colour=STORY_COLOUR,
    )
    if within:
        embed.set_footer(text="Try again without the filter to search every story here.")
    if suggestions:
        embed.add_field(
            name="Did you mean",
            value=", ".join(f"**{escape(word)}**" for word in suggestions)[:FIELD_VALUE_LIMIT],
            inline=False,
        )
    return embed


EMBED_TOTAL_LIMIT = 6000


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Shorten the longest field values until the embed fits Discord's 6,000 total."""
    while len(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        index, field = max(enumerate(embed.fields), key=lambda pair: len(pair[1].value or ""))
        value = field.value or ""
        excess = len(embed) - EMBED_TOTAL_LIMIT
        embed.set_field_at(
            index,
            name=field.name,
            value=shorten(value, max(1, len(value) - excess - 1)),
            inline=field.inline,
        )
    return embed
