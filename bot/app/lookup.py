"""Finding the stories a server may see, shared by every command that takes a story."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.cast import Character
from bot.core.matching import (
    AUTOCOMPLETE_LIMIT,
    key_words,
    rank_by_words,
    rank_stories,
    resolve_story,
)
from bot.core.models import Story, StorySummary
from bot.core.text import fold
from bot.errors import Ambiguous, NotFound
from bot.storage import Store

CHOICE_NAME_LIMIT = 100  # Discord's limit for an autocomplete choice's name and value


async def find_visible_story(store: Store, guild_id: int | None, value: str) -> Story:
    """The story `value` names among those visible in `guild_id`, with its passages.

    A story of another server is "not found", exactly as if it did not exist.
    """
    # Autocomplete sends the slug: one indexed look-up, not a ranking of the library.
    story_id = await store.stories.visible_story_with_slug(guild_id, value.strip())
    if story_id is None:
        story_id = resolve_story(value, await store.stories.visible_stories(guild_id)).id
    story = await store.stories.get_story(story_id)
    if story is None:  # removed between the two reads
        raise NotFound(f"I couldn't find a story called “{value}”.")
    return story


async def get_visible_story(store: Store, guild_id: int | None, story_id: int) -> Story:
    """By id (from a button): the same scoping rule as by name."""
    story = await store.stories.get_story(story_id)
    if story is None or not await store.stories.is_visible(guild_id, story_id):
        raise NotFound("That story is no longer in the library.")
    return story


async def story_choices(
    store: Store,
    guild_id: int | None,
    typed: str,
    *,
    only: Callable[[StorySummary], bool] | None = None,
) -> list[tuple[str, str]]:
    """(name, value) pairs for autocomplete: at most 25, value is the story's slug.

    `only` narrows the visible stories to those a command accepts, so it never
    offers what it would refuse.
    """
    stories = await store.stories.visible_stories(guild_id)
    if only is not None:
        stories = [story for story in stories if only(story)]
    return [
        (_choice_name(match.story), match.story.slug)
        for match in rank_stories(typed, stories, limit=AUTOCOMPLETE_LIMIT)
    ]


def _choice_name(story: StorySummary) -> str:
    name = story.title
    if story.protagonist and story.protagonist not in name:
        name = f"{name} — {story.protagonist}"
    return name[:CHOICE_NAME_LIMIT]


@dataclass(frozen=True, slots=True)
class CharacterRef:
    story: StorySummary
    character: Character

    @property
    def choice_value(self) -> str:
        return f"{self.story.slug}/{self.character.name}"[:CHOICE_NAME_LIMIT]

    @property
    def label(self) -> str:
        return f"{self.character.name} — {self.story.title}"[:CHOICE_NAME_LIMIT]


async def _visible_character_refs(store: Store, guild_id: int | None) -> list[CharacterRef]:
    return [CharacterRef(s, c) for s, c in await store.casts.visible_characters(guild_id)]


def rank_characters(
    typed: str, refs: Sequence[CharacterRef], limit: int = AUTOCOMPLETE_LIMIT
) -> list[tuple[CharacterRef, float]]:
    keys = [key_words(*r.character.aliases, r.story.title) for r in refs]
    return [(refs[index], score) for index, score in rank_by_words(typed, keys, limit)]


async def character_choices(
    store: Store, guild_id: int | None, typed: str
) -> list[tuple[str, str]]:
    """Autocomplete: the same name in two stories shows twice, each with its story."""
    refs = await _visible_character_refs(store, guild_id)
    return [(ref.label, ref.choice_value) for ref, _score in rank_characters(typed, refs)]


async def find_visible_character(
    store: Store, guild_id: int | None, value: str, *, story_id: int | None = None
) -> CharacterRef:
    """The character `value` names: an autocomplete value (`slug/Name`) or a typed name.

    A typed name that fits characters of several stories (two Sophies) asks the
    user to pick one rather than guessing.
    """
    refs = await _visible_character_refs(store, guild_id)
    if story_id is not None:
        refs = [ref for ref in refs if ref.story.id == story_id]
    for ref in refs:
        if value == ref.choice_value:
            return ref
    folded = fold(value.strip())
    exact = [r for r in refs if folded in {fold(alias) for alias in r.character.aliases}]
    ranked = rank_characters(value, refs, limit=5)
    best = ranked[0][1] if ranked else 0.0
    # Equally good fuzzy matches are as ambiguous as two exact ones.
    candidates = exact or [ref for ref, score in ranked if score >= max(80.0, best - 1)]
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        stories = ", ".join(f"“{r.story.title}”" for r in candidates)
        values = " or ".join(f"`{r.choice_value}`" for r in candidates)
        raise Ambiguous(
            f"More than one character is called “{value}” ({stories}).",
            hint=f"Pick the one you mean from the list as you type, or type it in full: {values}.",
        )
    names = [r.label for r, _score in rank_characters(value, refs, limit=3)]
    raise NotFound(
        f"I don't know a character called “{value}” in the stories here.",
        hint=("Did you mean " + ", ".join(names) + "?") if names else None,
    )
