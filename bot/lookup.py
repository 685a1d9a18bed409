"""Finding the stories a server may see, shared by every command that takes a story."""

from __future__ import annotations

from bot.core.matching import AUTOCOMPLETE_LIMIT, rank_stories, resolve_story
from bot.core.models import Story, StorySummary
from bot.errors import NotFound
from bot.storage import Store

CHOICE_NAME_LIMIT = 100  # Discord's limit for an autocomplete choice's name and value


async def find_visible_story(store: Store, guild_id: int | None, value: str) -> Story:
    """The story `value` names among those visible in `guild_id`, with its passages.

    A story of another server is "not found", exactly as if it did not exist.
    """
    summary = resolve_story(value, await store.visible_stories(guild_id))
    story = await store.get_story(summary.id)
    if story is None:  # removed between the two reads
        raise NotFound(f"I couldn't find a story called “{value}”.")
    return story


async def get_visible_story(store: Store, guild_id: int | None, story_id: int) -> Story:
    """By id (from a button): the same scoping rule as by name."""
    story = await store.get_story(story_id)
    if story is None or not (story.summary.is_builtin or story.summary.guild_id == guild_id):
        raise NotFound("That story is no longer in the library.")
    return story


async def story_choices(store: Store, guild_id: int | None, typed: str) -> list[tuple[str, str]]:
    """(name, value) pairs for autocomplete: at most 25, value is the story's slug."""
    stories = await store.visible_stories(guild_id)
    return [
        (_choice_name(match.story), match.story.slug)
        for match in rank_stories(typed, stories, limit=AUTOCOMPLETE_LIMIT)
    ]


def _choice_name(story: StorySummary) -> str:
    name = story.title
    if story.protagonist and story.protagonist not in name:
        name = f"{name} — {story.protagonist}"
    return name[:CHOICE_NAME_LIMIT]
