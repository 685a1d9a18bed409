"""Embeds for characters: who someone is, and two people side by side."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.core.cast import Cast, Character, Fact
from bot.core.compare import Comparison, Point
from bot.core.models import StorySummary
from bot.core.text import shorten
from bot.discord_adapter.rendering import FIELD_VALUE_LIMIT, STORY_COLOUR, TITLE_LIMIT, escape

NOTHING = "—"


def facts_list(facts: Sequence[Fact], limit: int = 6) -> str:
    """Bulleted facts with their paragraph, the way the text says them."""
    if not facts:
        return NOTHING
    lines = [f"• {escape(fact.text)} (¶ {fact.passage})" for fact in facts[:limit]]
    return shorten("\n".join(lines), FIELD_VALUE_LIMIT)


def inline_facts(facts: Sequence[Fact], limit: int = 10) -> str:
    if not facts:
        return NOTHING
    return shorten(", ".join(f"{escape(f.text)} (¶ {f.passage})" for f in facts[:limit]), 1024)


def memorable_line(character: Character) -> Fact | None:
    """The fullest thing they say, short enough to quote whole."""
    quotable = [line for line in character.lines if len(line.text) <= 300]
    return max(quotable, key=lambda line: (len(line.text.split()), -line.passage), default=None)


def character_embed(
    story: StorySummary, character: Character, also_in: Sequence[StorySummary] = ()
) -> discord.Embed:
    role = "Protagonist" if character.role == "protagonist" else "A character"
    embed = discord.Embed(
        title=shorten(character.name, TITLE_LIMIT),
        description=(
            f"{role} of *{escape(story.title)}* · mentioned {character.mentions} times · "
            f"first appears in ¶ {character.first_passage}"
        ),
        colour=STORY_COLOUR,
    )
    other_names = [a for a in character.aliases if a != character.name]
    if other_names:
        embed.add_field(name="Also called", value=escape(", ".join(other_names)), inline=False)
    embed.add_field(name="Who they are", value=facts_list(character.descriptions), inline=False)
    if character.origins:
        embed.add_field(name="Origins", value=inline_facts(character.origins), inline=False)
    embed.add_field(name="Meets", value=inline_facts(character.meets), inline=True)
    embed.add_field(name="Goes to", value=inline_facts(character.places), inline=True)
    line = memorable_line(character)
    if line is not None:
        embed.add_field(
            name="In their words",
            value=shorten(f"“{escape(line.text)}” (¶ {line.passage})", FIELD_VALUE_LIMIT),
            inline=False,
        )
    if also_in:
        embed.add_field(
            name="Someone of that name is also in",
            value=shorten(", ".join(escape(s.title) for s in also_in), FIELD_VALUE_LIMIT),
            inline=False,
        )
    return embed


def _short_title(title: str) -> str:
    return title.removeprefix("The Story of ")


def _refs(point: Point, single_story: bool) -> str:
    if not point.refs:
        return ""
    parts = [
        f"¶ {passage}" if single_story else f"{_short_title(title)} ¶ {passage}"
        for title, passage in point.refs
    ]
    return " (" + "; ".join(dict.fromkeys(parts)) + ")"


def comparison_embed(
    first: tuple[StorySummary, Character],
    second: tuple[StorySummary, Character],
    comparison: Comparison,
) -> discord.Embed:
    (first_story, first_character), (second_story, second_character) = first, second
    single_story = first_story.id == second_story.id
    if comparison.same_character:
        title = f"{first_character.name}, compared with themselves"
    else:
        title = f"{first_character.name} and {second_character.name}"
    embed = discord.Embed(title=shorten(title, TITLE_LIMIT), colour=STORY_COLOUR)
    embed.description = (
        f"*{escape(first_story.title)}*"
        if single_story
        else f"*{escape(first_story.title)}* and *{escape(second_story.title)}*"
    )
    if comparison.same_character:  # one column: two identical ones would only repeat it
        for aspect, value, _same in comparison.rows:
            embed.add_field(
                name=aspect, value=shorten(escape(value) or NOTHING, 1024), inline=False
            )
        embed.set_footer(text="That is one character twice: pick someone else to compare.")
        return embed
    for aspect, first_value, second_value in comparison.rows:
        if not first_value and not second_value:
            continue  # two dashes side by side tell the reader nothing
        embed.add_field(
            name=f"{aspect} · {first_character.first_name}",
            value=shorten(escape(first_value) or NOTHING, 1024),
        )
        embed.add_field(
            name=f"{aspect} · {second_character.first_name}",
            value=shorten(escape(second_value) or NOTHING, 1024),
        )
        embed.add_field(name="\u200b", value="\u200b")  # ends the row: two columns, not three
    for heading, points in (
        ("What they share", comparison.shared),
        ("How they differ", comparison.differences),
    ):
        if points:
            value = "\n".join(f"• {escape(p.text)}{_refs(p, single_story)}" for p in points)
            embed.add_field(name=heading, value=shorten(value, FIELD_VALUE_LIMIT), inline=False)
    return embed


def cast_summary(cast: Cast) -> tuple[str, str]:
    """(characters, places) as short lines for /story info."""
    people = ", ".join(
        f"**{escape(c.name)}**" if c.role == "protagonist" else escape(c.name)
        for c in cast.characters
    )
    places = ", ".join(escape(p.name) for p in cast.places)
    return people or NOTHING, places or NOTHING
