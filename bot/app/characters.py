"""The people in the stories: one character, or two side by side."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.app.library import Library
from bot.app.lookup import CharacterRef
from bot.core.compare import Comparison, Side, compare_characters
from bot.core.models import StorySummary


async def namesakes(
    library: Library, guild_id: int | None, ref: CharacterRef
) -> list[StorySummary]:
    """Other stories here with a character of the same name (the profile says so)."""
    return [
        story
        for story, character in await library.store.casts.visible_characters(guild_id)
        if character.name == ref.character.name and story.id != ref.story.id
    ]


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
