"""A server's own shelf: remove, restore, hide, unhide, history and export.

Adding and editing go through a preview (bot.app.moderation); these act at once.
Who may call them is decided before (a moderator check on the command).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.app.library import RESTORE_WINDOW, Library
from bot.app.lookup import find_exact_story
from bot.core.matching import exact_story
from bot.core.models import Story, StorySummary, StoryVersion
from bot.errors import InvalidInput, NotAllowed, NotFound


async def removed_stories(library: Library, guild_id: int) -> list[StorySummary]:
    """What may still be restored here, most recently removed first."""
    since = library.store.clock() - RESTORE_WINDOW
    return [r.summary for r in await library.store.stories.removed_stories(guild_id, since)]


async def hidden_stories(library: Library, guild_id: int) -> list[StorySummary]:
    """The built-in stories hidden here: what /story unhide offers."""
    return await library.store.stories.hidden_stories(guild_id)


async def restore(library: Library, *, guild_id: int, actor_id: int, name: str) -> StorySummary:
    """Bring back a story removed in the last 30 days, unless another took its place."""
    stories = library.store.stories
    try:
        summary = await find_exact_story(
            library.store, guild_id, name, stories=await removed_stories(library, guild_id)
        )
    except NotFound:
        here = exact_story(name, await stories.visible_stories(guild_id))
        if here is None:
            raise
        raise InvalidInput(
            f"“{here.title}” isn't removed: it is in the library.",
            hint="`/story restore` brings back what was removed in the last 30 days.",
        ) from None
    if await stories.title_owner(summary.title, guild_id, exclude_id=summary.id):
        raise InvalidInput(
            f"Another story here is now titled “{summary.title}”.",
            hint="Rename or remove that one first.",
        )
    removed = await stories.get_story(summary.id)
    if removed is not None and (
        same_text := await stories.visible_story_with_hash(
            guild_id, removed.content_hash, exclude_id=summary.id
        )
    ):
        raise InvalidInput(
            f"“{same_text.title}” here now has exactly the text of “{summary.title}”.",
            hint="Remove that one first if this one should come back instead.",
        )
    return await library.restore_story(summary.id, actor_id)


async def hidden_story(library: Library, guild_id: int, name: str) -> StorySummary:
    """The built-in story hidden here that `name` names exactly (to show it again)."""
    stories = library.store.stories
    try:
        return await find_exact_story(
            library.store, guild_id, name, stories=await stories.hidden_stories(guild_id)
        )
    except NotFound:
        here = exact_story(name, await stories.visible_stories(guild_id))
        if here is None:
            raise
        raise InvalidInput(f"“{here.title}” is not hidden in this server.") from None


async def set_hidden(
    library: Library, *, guild_id: int, actor_id: int, story_id: int, hidden: bool
) -> StorySummary:
    """Hide a built-in story in this server, or show it again (a confirmation's button)."""
    story = await library.store.stories.get_story(story_id)
    if story is None or story.removed:
        raise NotFound("That story is no longer in the library.")
    _require_builtin(story.summary)
    await library.set_hidden(guild_id, story.id, actor_id, hidden)
    return story.summary


def _require_builtin(story: StorySummary) -> None:
    if not story.is_builtin:
        raise NotAllowed(
            f"“{story.title}” belongs to this server; remove it with `/story remove` instead."
        )


async def history(library: Library, story: Story) -> list[StoryVersion]:
    """Every version of the story, newest first: who changed it and when."""
    return await library.store.stories.story_versions(story.id)


@dataclass(frozen=True, slots=True)
class ExportedStory:
    title: str
    filename: str
    data: bytes


def export(story: Story) -> ExportedStory:
    """The story's text as a file that `/story add` or `conteur load` reads back."""
    header = f"Title: {story.title}\n" + (
        f"Author: {story.summary.author}\n" if story.summary.author else ""
    )
    data = (header + "\n" + story.body + "\n").encode("utf-8")
    return ExportedStory(story.title, f"{story.slug}.txt", data)
