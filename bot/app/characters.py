"""The people in the stories: one character, or two side by side."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.app.library import Library
from bot.app.lookup import CharacterRef
from bot.core.cast import Cast
from bot.core.compare import Comparison, Side, compare_characters
from bot.core.models import Story, StorySummary


async def namesakes(
    library: Library, guild_id: int | None, ref: CharacterRef
) -> list[StorySummary]:
    """Other stories here with a character of the same name (the profile says so)."""
    return [
        story
        for story, character in await library.store.casts.visible_characters(guild_id)
        if character.name == ref.character.name and story.id != ref.story.id
    ]


async def casts(
    library: Library, guild_id: int | None, story: Story | None = None
) -> list[tuple[StorySummary, Cast]]:
    """Who is in each story visible here (or in one): `conteur characters`."""
    stories = [story.summary] if story else await library.store.stories.visible_stories(guild_id)
    return [(summary, await library.store.casts.get_cast(summary.id)) for summary in stories]


@dataclass(frozen=True, slots=True)
class ComparedPair:
    first: CharacterRef
    second: CharacterRef
    comparison: Comparison


async def compare(library: Library, first: CharacterRef, second: CharacterRef) -> ComparedPair:
    """What two characters share and how they differ, from what their stories say."""
    stories = library.store.stories
    # The story text lets the comparison quote each arc and find shared themes.
    first_passages = await stories.get_passages(first.story.id)
    second_passages = await stories.get_passages(second.story.id)
    comparison = await asyncio.to_thread(
        compare_characters,
        Side(first.story.title, first.character, passages=first_passages),
        Side(second.story.title, second.character, passages=second_passages),
    )
    return ComparedPair(first, second, comparison)
