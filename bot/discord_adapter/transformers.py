"""Options that name things: autocomplete and resolution in one place per kind.

A story option offers the stories visible here as the member types and turns what
they sent (a slug from the list, or a typed title) into that story, with the same
scope rules everywhere; a character option does the same for characters, a time
zone option for IANA zones. What cannot be resolved reaches the one error path as
the lookup's friendly error.
"""

from __future__ import annotations

from typing import Literal, cast

import discord
from discord import app_commands

from bot.app.lookup import (
    CharacterRef,
    character_choices,
    find_story_to_change,
    find_visible_character,
    find_visible_story,
    story_choices,
)
from bot.core.models import Story, StorySummary
from bot.core.schedule import resolve_timezone, timezone_choices
from bot.discord_adapter.bot import ConteurBot
from bot.errors import NotAllowed

StoryKind = Literal["any", "own", "builtin"]
STORY_OPTION_LENGTH = 200
CHARACTER_OPTION_LENGTH = 100
ZONE_OPTION_LENGTH = 64


def _bot(interaction: discord.Interaction) -> ConteurBot:
    return cast(ConteurBot, interaction.client)


class StoryOption(app_commands.Transformer):
    """A story visible here."""

    kind: StoryKind = "any"

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return STORY_OPTION_LENGTH

    def _offered(self, story: StorySummary, guild_id: int | None) -> bool:
        if self.kind == "own":
            return story.guild_id == guild_id
        if self.kind == "builtin":
            return story.is_builtin
        return True

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str
    ) -> list[app_commands.Choice[str]]:
        guild_id = interaction.guild_id
        if self.kind != "any" and guild_id is None:
            return []
        pairs = await story_choices(
            _bot(interaction).store,
            guild_id,
            value,
            only=None if self.kind == "any" else lambda s: self._offered(s, guild_id),
        )
        return [app_commands.Choice(name=name, value=slug) for name, slug in pairs]

    async def transform(self, interaction: discord.Interaction, value: str) -> Story:
        store, guild_id = _bot(interaction).store, interaction.guild_id
        if self.kind == "any":
            story = await find_visible_story(store, guild_id, value)
        else:
            # Edit, remove and hide act on no guess: only what the list offers, or
            # the exact title or slug.
            story = await find_story_to_change(store, guild_id, value)
        if self.kind == "builtin" and not story.summary.is_builtin:
            raise NotAllowed(
                f"“{story.title}” belongs to this server; remove it with `/story remove` instead."
            )
        if self.kind == "own" and not self._offered(story.summary, interaction.guild_id):
            raise NotAllowed(
                f"“{story.title}” is built in: it can't be changed from a server.",
                hint="Hide it here with `/story hide` instead.",
            )
        return story


class OwnStoryOption(StoryOption):
    """One of this server's own stories: what edit and remove accept."""

    kind: StoryKind = "own"


class BuiltinStoryOption(StoryOption):
    """A built-in story visible here: what hide accepts."""

    kind: StoryKind = "builtin"


class CharacterOption(app_commands.Transformer):
    """A character of a story visible here (`slug/Name` from the list, or a typed name)."""

    # A filled-in `story` option of the same command narrows the search to that story
    # (two Sophies: pick the story, then the name).
    within_story = False

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return CHARACTER_OPTION_LENGTH

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str
    ) -> list[app_commands.Choice[str]]:
        pairs = await character_choices(_bot(interaction).store, interaction.guild_id, value)
        return [app_commands.Choice(name=name, value=choice) for name, choice in pairs]

    async def transform(self, interaction: discord.Interaction, value: str) -> CharacterRef:
        store, guild_id = _bot(interaction).store, interaction.guild_id
        story_id = None
        named_story = getattr(interaction.namespace, "story", None)
        if self.within_story and isinstance(named_story, str) and named_story:
            story_id = (await find_visible_story(store, guild_id, named_story)).id
        return await find_visible_character(store, guild_id, value, story_id=story_id)


class TimeZoneOption(app_commands.Transformer):
    """An IANA time zone, forgiving case, accents and a bare city name."""

    @property
    def min_value(self) -> int:
        return 1

    @property
    def max_value(self) -> int:
        return ZONE_OPTION_LENGTH

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=zone, value=zone) for zone in timezone_choices(value)]

    async def transform(self, interaction: discord.Interaction, value: str) -> str:
        return resolve_timezone(value).key


class CharacterInStoryOption(CharacterOption):
    within_story = True


StoryArg = app_commands.Transform[Story, StoryOption]
OwnStoryArg = app_commands.Transform[Story, OwnStoryOption]
BuiltinStoryArg = app_commands.Transform[Story, BuiltinStoryOption]
CharacterArg = app_commands.Transform[CharacterRef, CharacterOption]
CharacterInStoryArg = app_commands.Transform[CharacterRef, CharacterInStoryOption]
TimeZoneArg = app_commands.Transform[str, TimeZoneOption]
