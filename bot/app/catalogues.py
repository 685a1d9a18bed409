"""What autocomplete and name lookups rank, kept in memory instead of read per keystroke.

Each autocomplete read every visible story (and every character, details and all) from
SQLite and recomputed every match key: 0.25 s (stories) and 1 s (characters) at 10,000
stories, on the event loop, and 200 at once held 200 copies (memory peaked over 1 GB).
A catalogue keeps, per server, the visible stories and characters with their
`WordIndex`, built once and shared by every request.

It stays current across processes: every change to the library writes an audit entry
in the same transaction (the bot's own and `conteur load`'s alike), so a catalogue
built at audit entry N is current while the newest entry is still N; one seek on the
primary key per use says so.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass, field

from bot.core.cast import Character
from bot.core.matching import key_words
from bot.core.models import StorySummary
from bot.core.text import fold
from bot.core.word_index import WordIndex
from bot.storage import Store


@dataclass(frozen=True, slots=True)
class StoryCatalogue:
    """The visible stories in the story list's order, with what finds one fast.

    `/story read` by a typed title folded every title of the library to compare it
    (7 ms at 10,000 stories, a seventh of a burst's time); `/story list` sorted and
    counted the library in SQLite (40 ms). Both are lookups here.
    """

    stories: list[StorySummary]  # built-ins first, then the server's own; by title
    index: WordIndex
    by_slug: dict[str, int]  # slug → position
    by_title: dict[str, int]  # folded title → first position

    @classmethod
    def build(cls, stories: list[StorySummary]) -> StoryCatalogue:
        keys = [key_words(s.title, s.slug, s.protagonist, s.author) for s in stories]
        by_title: dict[str, int] = {}
        for position, story in enumerate(stories):
            by_title.setdefault(fold(story.title), position)
        return cls(
            stories,
            WordIndex(keys),
            {story.slug: position for position, story in reversed(list(enumerate(stories)))},
            by_title,
        )

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
    by_alias: dict[str, list[int]]  # folded alias → entries, in order

    @classmethod
    def build(cls, entries: list[tuple[StorySummary, Character]]) -> CharacterCatalogue:
        by_alias: dict[str, list[int]] = {}
        for position, (_story, character) in enumerate(entries):
            for alias in {fold(alias) for alias in character.aliases}:
                by_alias.setdefault(alias, []).append(position)
        return cls(
            entries,
            WordIndex([key_words(*c.aliases, s.title) for s, c in entries]),
            WordIndex([key_words(*c.aliases) for _s, c in entries]),
            {
                character_value(s, c): position
                for position, (s, c) in reversed(list(enumerate(entries)))
            },
            by_alias,
        )


@dataclass
class Catalogues:
    store: Store
    version: int | None = None
    _stories: dict[int | None, StoryCatalogue] = field(default_factory=dict)
    _characters: dict[int | None, CharacterCatalogue] = field(default_factory=dict)
    _building: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def _current(self) -> None:
        latest = await self.store.audit.latest_id()
        if latest != self.version:
            self._stories.clear()
            self._characters.clear()
            self.version = latest

    async def stories(self, guild_id: int | None) -> StoryCatalogue:
        await self._current()
        found = self._stories.get(guild_id)
        if found is None:
            async with self._building:  # a burst builds it once, not once per request
                found = self._stories.get(guild_id)
                if found is None:
                    stories = await self.store.stories.visible_stories(guild_id)
                    found = await asyncio.to_thread(StoryCatalogue.build, stories)
                    self._stories[guild_id] = found
        return found

    async def characters(self, guild_id: int | None) -> CharacterCatalogue:
        await self._current()
        found = self._characters.get(guild_id)
        if found is None:
            async with self._building:
                found = self._characters.get(guild_id)
                if found is None:
                    entries = await self.store.casts.visible_characters(guild_id)
                    found = await asyncio.to_thread(CharacterCatalogue.build, entries)
                    self._characters[guild_id] = found
        return found


_catalogues: weakref.WeakKeyDictionary[Store, Catalogues] = weakref.WeakKeyDictionary()


def catalogues_of(store: Store) -> Catalogues:
    """The store's catalogues (one set per open store, gone with it)."""
    found = _catalogues.get(store)
    if found is None:
        found = _catalogues[store] = Catalogues(store)
    return found
