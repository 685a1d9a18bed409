"""What autocomplete and name lookups rank, kept in memory instead of read per keystroke.

Each autocomplete read every visible story (and every character, details and all) from
SQLite and recomputed every match key: 0.25 s (stories) and 1 s (characters) at 10,000
stories, on the event loop, and 200 at once held 200 copies (memory peaked over 1 GB).
A catalogue keeps, per server, the visible stories and characters with their
`WordIndex`, built once and shared by every request.

It stays current across processes: every change to the library writes an audit entry
in the same transaction (the bot's own and `conteur load`'s alike), so a catalogue
built at audit entry N is current while the newest entry is still N; one seek on the
primary key per use says so. When entries follow, the stories they name are read again
and the catalogues amended: rebuilding them took 2-3 s at 10,000 stories after every
`/story add`, and every member who typed meanwhile waited past Discord's deadline.
What a story contributes (its match keys, its characters') is kept per story, so an
amendment recomputes only the indexes over it.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from typing import Any

from bot.core.cast import Character
from bot.core.matching import key_words
from bot.core.models import StorySummary
from bot.core.text import fold
from bot.core.word_index import WordIndex
from bot.storage import Store

# More changed stories than this since a catalogue was built (a bulk load beside the
# bot): rebuilt from a full read instead, cheaper than reading them one by one.
AMEND_LIMIT = 64


@dataclass(frozen=True, slots=True)
class StoryPart:
    """What one story contributes to a catalogue, computed once per version of it."""

    story: StorySummary
    key: tuple[str, ...]  # its match keys (title, slug, protagonist, author)
    folded_title: str

    @classmethod
    def of(cls, story: StorySummary) -> StoryPart:
        return cls(
            story,
            tuple(key_words(story.title, story.slug, story.protagonist, story.author)),
            fold(story.title),
        )

    @property
    def order(self) -> tuple[bool, str, int]:
        """The story list's order: built-ins first, then the server's own, by title."""
        return (self.story.guild_id is not None, self.folded_title, self.story.id)


# What catalogues leave out of each character: the facts of its profile. They were 8
# objects in 10 of a catalogue (110,000 at 10,000 stories), each traversed by every
# full garbage collection, which then stalled the loop 150-200 ms; a profile is read
# from the story's cast when one character is shown (see bot.app.lookup).
_NO_FACTS: dict[str, Any] = {f.name: () for f in fields(Character) if f.type == "tuple[Fact, ...]"}


@dataclass(frozen=True, slots=True)
class CastPart:
    """One character of a story (without its facts), with its match keys, computed once
    per version of it."""

    character: Character
    # Tuples, not sets: the garbage collector's full passes skip tuples of strings.
    key: tuple[str, ...]  # its aliases and its story's title (as autocomplete ranks)
    names: tuple[str, ...]  # its aliases only (as a typed name is resolved)
    folded_aliases: tuple[str, ...]

    @classmethod
    def of(cls, story: StorySummary, character: Character) -> CastPart:
        return cls(
            replace(character, **_NO_FACTS),
            tuple(key_words(*character.aliases, story.title)),
            tuple(key_words(*character.aliases)),
            tuple({fold(alias): None for alias in character.aliases}),
        )


@dataclass(frozen=True, slots=True)
class StoryCatalogue:
    """The visible stories in the story list's order, with what finds one fast.

    `/story read` by a typed title folded every title of the library to compare it
    (7 ms at 10,000 stories, a seventh of a burst's time); `/story list` sorted and
    counted the library in SQLite (40 ms). Both are look-ups here.
    """

    parts: list[StoryPart]
    stories: list[StorySummary]  # built-ins first, then the server's own; by title
    index: WordIndex
    by_slug: dict[str, int]  # slug → position
    by_title: dict[str, int]  # folded title → first position

    @classmethod
    def build(cls, parts: Iterable[StoryPart]) -> StoryCatalogue:
        ordered = sorted(parts, key=lambda part: part.order)
        by_slug: dict[str, int] = {}
        by_title: dict[str, int] = {}
        for position, part in enumerate(ordered):
            by_slug.setdefault(part.story.slug, position)
            by_title.setdefault(part.folded_title, position)
        return cls(
            ordered,
            [part.story for part in ordered],
            WordIndex([part.key for part in ordered]),
            by_slug,
            by_title,
        )

    @classmethod
    def of(cls, stories: Iterable[StorySummary]) -> StoryCatalogue:
        return cls.build(StoryPart.of(story) for story in stories)

    def exact(self, value: str) -> StorySummary | None:
        """As `bot.core.matching.exact_story`: the first story with this slug or title."""
        text = value.strip()
        found = [
            position
            for position in (self.by_slug.get(text), self.by_title.get(fold(text)))
            if position is not None
        ]
        return self.stories[min(found)] if found else None


CHOICE_VALUE_LIMIT = 100  # Discord's limit for an autocomplete choice's value


def character_value(story: StorySummary, character: Character) -> str:
    """What autocomplete sends for a character: `slug/Name`, naming one exactly."""
    return f"{story.slug}/{character.name}"[:CHOICE_VALUE_LIMIT]


@dataclass(frozen=True, slots=True)
class CharacterCatalogue:
    entries: list[tuple[StorySummary, Character]]
    index: WordIndex  # keys: each character's aliases and story title (as autocomplete ranks)
    names: WordIndex  # keys: each character's aliases only (as a typed name is resolved)
    by_value: dict[str, int]  # autocomplete value → entry
    by_alias: dict[str, tuple[int, ...]]  # folded alias → entries, in order

    @classmethod
    def build(
        cls, stories: StoryCatalogue, casts: dict[int, tuple[CastPart, ...]]
    ) -> CharacterCatalogue:
        """Every character of the catalogue's stories, in its order (then the cast's)."""
        parts = [(story, part) for story in stories.stories for part in casts[story.id]]
        by_alias: dict[str, list[int]] = {}
        by_value: dict[str, int] = {}
        for position, (story, part) in enumerate(parts):
            for alias in part.folded_aliases:
                by_alias.setdefault(alias, []).append(position)
            by_value.setdefault(character_value(story, part.character), position)
        return cls(
            [(story, part.character) for story, part in parts],
            WordIndex([part.key for _story, part in parts]),
            WordIndex([part.names for _story, part in parts]),
            by_value,
            {alias: tuple(positions) for alias, positions in by_alias.items()},
        )


@dataclass
class Catalogues:
    store: Store
    version: int | None = None
    _stories: dict[int | None, StoryCatalogue] = field(default_factory=dict)
    _characters: dict[int | None, CharacterCatalogue] = field(default_factory=dict)
    # Each story's characters as catalogues use them, for every story any catalogue holds.
    _casts: dict[int, tuple[CastPart, ...]] = field(default_factory=dict)
    _building: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def _current(self) -> None:
        latest = await self.store.audit.latest_id()
        if latest == self.version:
            return
        async with self._building:  # one amendment for everyone who noticed the change
            if latest == self.version:
                return
            changed = (
                await self.store.audit.changed_story_ids(self.version, AMEND_LIMIT)
                if self.version is not None
                else None
            )
            if changed is None:
                self._stories.clear()
                self._characters.clear()
                self._casts.clear()
            elif changed:
                await self._amend(changed)
            self.version = latest

    async def _amend(self, changed: set[int]) -> None:
        """Read the changed stories again and put them in (or take them out of) every
        catalogue: only their parts are recomputed, then each catalogue's indexes."""
        fresh: dict[int, StoryPart] = {}
        for story_id in changed:
            self._casts.pop(story_id, None)
            story = await self.store.stories.get_story(story_id)
            if story is not None and not story.removed:
                fresh[story_id] = StoryPart.of(story.summary)
        for guild_id, catalogue in list(self._stories.items()):
            kept = [part for part in catalogue.parts if part.story.id not in changed]
            for story_id, part in fresh.items():
                if await self.store.stories.is_visible(guild_id, story_id):
                    kept.append(part)
            amended = await asyncio.to_thread(StoryCatalogue.build, kept)
            self._stories[guild_id] = amended
            if guild_id in self._characters:
                await self._read_casts(amended)
                self._characters[guild_id] = await asyncio.to_thread(
                    CharacterCatalogue.build, amended, self._casts
                )

    async def _read_casts(self, catalogue: StoryCatalogue) -> None:
        for story in catalogue.stories:
            if story.id not in self._casts:
                cast = await self.store.casts.get_cast(story.id)
                self._casts[story.id] = tuple(CastPart.of(story, c) for c in cast.characters)

    async def stories(self, guild_id: int | None) -> StoryCatalogue:
        await self._current()
        found = self._stories.get(guild_id)
        if found is None:
            async with self._building:  # a burst builds it once, not once per request
                found = self._stories.get(guild_id)
                if found is None:
                    stories = await self.store.stories.visible_stories(guild_id)
                    found = await asyncio.to_thread(StoryCatalogue.of, stories)
                    self._stories[guild_id] = found
        return found

    async def characters(self, guild_id: int | None) -> CharacterCatalogue:
        stories = await self.stories(guild_id)
        found = self._characters.get(guild_id)
        if found is None:
            async with self._building:
                found = self._characters.get(guild_id)
                stories = self._stories.get(guild_id) or stories
                if found is None:
                    missing = [s.id for s in stories.stories if s.id not in self._casts]
                    if missing:
                        await self._read_all_casts(guild_id, missing)
                    found = await asyncio.to_thread(CharacterCatalogue.build, stories, self._casts)
                    self._characters[guild_id] = found
        return found

    async def _read_all_casts(self, guild_id: int | None, missing: list[int]) -> None:
        """The casts of every visible story, in one read (a few with none of their own)."""
        entries = await self.store.casts.visible_characters_named(guild_id)
        self._casts.update(await asyncio.to_thread(_cast_parts, entries, missing))


def _cast_parts(
    entries: list[tuple[StorySummary, Character]], story_ids: list[int]
) -> dict[int, tuple[CastPart, ...]]:
    """These stories' casts as catalogues use them (in a worker thread: 17,000
    characters' match keys at 10,000 stories)."""
    found: dict[int, list[CastPart]] = {story_id: [] for story_id in story_ids}
    for story, character in entries:
        if story.id in found:
            found[story.id].append(CastPart.of(story, character))
    return {story_id: tuple(parts) for story_id, parts in found.items()}


_catalogues: weakref.WeakKeyDictionary[Store, Catalogues] = weakref.WeakKeyDictionary()


def catalogues_of(store: Store) -> Catalogues:
    """The store's catalogues (one set per open store, gone with it)."""
    found = _catalogues.get(store)
    if found is None:
        found = _catalogues[store] = Catalogues(store)
    return found
