"""The people in the stories: one character, or two side by side."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from bot.app.catalogues import catalogues_of
from bot.app.library import Library
from bot.app.lookup import CharacterRef
from bot.core.cast import Cast, Character
from bot.core.compare import Comparison, Side, compare_characters, places_gone_to
from bot.core.models import Story, StorySummary
from bot.core.text import fold


@dataclass(frozen=True, slots=True)
class Profile:
    character: Character  # its places only those the text has them go to or be at
    namesakes: list[StorySummary]


async def profile(library: Library, guild_id: int | None, ref: CharacterRef) -> Profile:
    """What /character show says of someone: their facts, with "Goes to" held to the
    sentences that have them go there (extraction keeps every place of their paragraphs:
    "unfitted to a Christian State" sat in one about the banker), and their namesakes."""
    passages = await library.store.stories.get_passages(ref.story.id)
    places = await asyncio.to_thread(places_gone_to, ref.character, passages)
    return Profile(replace(ref.character, places=places), await namesakes(library, guild_id, ref))


async def namesakes(
    library: Library, guild_id: int | None, ref: CharacterRef
) -> list[StorySummary]:
    """Other stories here with a character of the same name (the profile says so)."""
    # The server's character catalogue, kept in memory: reading every character of a big
    # library here made /character show take half a second at 10,000 stories.
    catalogue = await catalogues_of(library.store).characters(guild_id)
    return [
        story
        for number in catalogue.with_alias(fold(ref.character.name))
        for story, character in [catalogue.at(number)]
        if character.name == ref.character.name and story.id != ref.story.id
    ]


async def casts(
    library: Library, guild_id: int | None, story: Story | None = None
) -> list[tuple[StorySummary, Cast]]:
    """Who is in each story visible here (or in one): `conteur characters`. A story whose
    characters are still being read (by another process) is left out."""
    stories = [story.summary] if story else await library.store.stories.visible_stories(guild_id)
    return [
        (summary, cast)
        for summary in stories
        if (cast := await library.store.casts.ready_cast(summary.id)) is not None
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
