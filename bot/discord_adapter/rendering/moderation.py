"""Embeds for moderators: the preview before publishing, and a story's history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from bot.core.duplicates import shown_similarity
from bot.core.models import StoryVersion
from bot.core.parsing import readable_passages
from bot.core.text import shorten
from bot.discord_adapter.rendering import (
    FIELD_VALUE_LIMIT,
    STORY_COLOUR,
    escape,
    title_text,
)
from bot.discord_adapter.rendering.characters import cast_summary

if TYPE_CHECKING:
    from bot.app.moderation import Preview

WARNING_COLOUR = discord.Colour.orange()
HISTORY_SHOWN = 20  # versions listed; an embed description holds about this many lines


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def preview_embed(preview: Preview) -> discord.Embed:
    parsed = preview.parsed
    editing = preview.draft.story_id is not None
    warned = preview.near_duplicate is not None or preview.changed_meanwhile
    # The opening paragraph as /story info reads it: a section number ("I") is no opening.
    opening = (readable_passages(parsed.passages) or parsed.passages)[0].text
    embed = discord.Embed(
        title=title_text(f"Preview: {parsed.title}"),
        description=escape(shorten(opening, 700)),
        colour=WARNING_COLOUR if warned else STORY_COLOUR,
    )
    embed.add_field(name="Author", value=escape(parsed.author or "—"))
    embed.add_field(
        name="Length",
        value=f"{plural(parsed.word_count, 'word')} · {plural(len(parsed.passages), 'paragraph')}",
    )
    people, places = cast_summary(preview.cast)
    embed.add_field(name="Characters found", value=shorten(people, FIELD_VALUE_LIMIT), inline=False)
    embed.add_field(name="Places", value=shorten(places, FIELD_VALUE_LIMIT), inline=False)
    if preview.near_duplicate is not None:
        similarity = shown_similarity(preview.draft.similarity or 0)
        differs = "; ".join(escape(change) for change in preview.differences)
        embed.add_field(
            name="⚠ Almost the same as another story",
            value=shorten(
                f"This text is {similarity} the same as "
                f"“{escape(preview.near_duplicate.title)}”"
                + (f". What differs: {differs}" if differs else "")
                + ". Publish anyway only if that is intended.",
                FIELD_VALUE_LIMIT,
            ),
            inline=False,
        )
    if preview.changed_meanwhile:
        embed.add_field(
            name="⚠ Someone else changed this story",
            value=(
                "It was changed since this edit began. Publishing replaces their version "
                "(which stays in the history): Publish anyway only if that is intended."
            ),
            inline=False,
        )
    action = "replace the current version (which is kept in the history)" if editing else "add it"
    embed.set_footer(text=f"Nothing is saved yet. Publish to {action}; Cancel to drop it.")
    return embed


def confirmation_note(*, duplicate_appeared: bool, story_changed: bool) -> str:
    """Why the preview is shown again instead of publishing."""
    if not story_changed:
        return (
            "Since this preview was made, a story almost the same has appeared: "
            "check it, then Publish anyway if that is intended."
        )
    also = " A story almost the same has also appeared." if duplicate_appeared else ""
    return (
        "Since this preview was made, someone else changed this story: publishing now "
        f"replaces their version (it stays in the history).{also} "
        "Check, then Publish anyway if that is intended."
    )


def _who(user_id: int | None) -> str:
    return f"<@{user_id}>" if user_id else "the host (file)"


def history_embed(title: str, versions: Sequence[StoryVersion]) -> discord.Embed:
    embed = discord.Embed(title=title_text(f"History of {title}"), colour=STORY_COLOUR)
    lines = [
        f"**v{v.version}** · {escape(shorten(v.title, 80))} · {len(v.body.split()):,} words · "
        f"{_who(v.created_by)} · <t:{_unix(v.created_at)}:f> · `{v.content_hash[:10]}`"
        for v in versions[:HISTORY_SHOWN]
    ]
    if len(versions) > HISTORY_SHOWN:
        lines.append(f"…and {plural(len(versions) - HISTORY_SHOWN, 'older version')}.")
    embed.description = "\n".join(lines) or "No versions recorded."
    return embed


def _unix(iso_text: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(iso_text).timestamp())
