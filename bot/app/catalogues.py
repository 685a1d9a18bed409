"""What autocomplete and name lookups rank, kept in memory instead of read per keystroke.

Each autocomplete read every visible story (and every character, details and all) from
SQLite and recomputed every match key: 0.25 s (stories) and 1 s (characters) at 10,000
stories, on the event loop, and 200 at once held 200 copies (memory peaked over 1 GB).
Catalogues keep the stories and characters with their `WordIndex`, built once and
shared by every request: the built-in library's layer once for every server, and per
server only its own stories and the built-ins it hides (bot/app/catalogue_views.py).

They stay current across processes: every change to the library writes an audit entry
in the same transaction (the bot's own and `conteur load`'s alike), so catalogues
built at audit entry N are current while the newest entry is still N; one seek on the
primary key per use says so. When entries follow, the stories they name are read again
and the layers holding them rebuilt: a server's `/story add` rebuilds that server's own
layer only, not the built-in library's (2-3 s at 10,000 stories when every server had
its own copy of it, and every member who typed meanwhile waited past Discord's
deadline). Each story's characters are kept (without their facts) and reused.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass, field

from bot.app.catalogue_views import (
    EMPTY_CHARACTERS,
    EMPTY_STORIES,
    CharacterCatalogue,
    CharacterLayer,
    StoryCatalogue,
    StoryLayer,
    slim,
)
from bot.core.cast import Character
from bot.core.models import StorySummary
from bot.storage import Store

# More changed stories than this since the catalogues were built (a bulk load beside
# the bot): rebuilt from a full read instead, cheaper than reading them one by one.
AMEND_LIMIT = 64
# Casts are read this many stories at a time: one read of 17,000 characters' details
# (their facts included, which are dropped) held 20-30 MB at once, and memory taken
# for a moment in the database's thread is not all given back.
CAST_READ_BATCH = 500


@dataclass
class _Server:
    """What one server adds to the built-in layer: its own stories, what it hides."""

    own: StoryLayer
    hidden: frozenset[int]  # ids of built-in stories hidden there
    own_characters: CharacterLayer | None = None
    stories: StoryCatalogue | None = None  # composed when first asked for
    characters: CharacterCatalogue | None = None


@dataclass
class Catalogues:
    store: Store
    version: int | None = None
    _builtin: StoryLayer | None = None
    _builtin_characters: CharacterLayer | None = None
    _servers: dict[int | None, _Server] = field(default_factory=dict)
    # Each story's characters as catalogues keep them, for every story a layer holds.
    _casts: dict[int, tuple[Character, ...]] = field(default_factory=dict)
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
                self._builtin = self._builtin_characters = None
                self._servers.clear()
                self._casts.clear()
            elif changed:
                await self._amend(changed)
            self.version = latest

    async def _amend(self, changed: set[int]) -> None:
        """Read the changed stories again and rebuild the layers that held them or now
        hold them; every server's hidden built-ins are checked for them."""
        fresh: dict[int, StorySummary] = {}
        for story_id in changed:
            self._casts.pop(story_id, None)
            story = await self.store.stories.get_story(story_id)
            if story is not None and not story.removed:
                fresh[story_id] = story.summary
        base = self._builtin
        if base is not None:
            before = {s.id: s for s in base.stories if s.id in changed}
            after = {s.id: s for s in fresh.values() if s.guild_id is None}
            if before != after:  # else only casts changed: the story layer stands
                kept = [s for s in base.stories if s.id not in changed]
                base = await asyncio.to_thread(StoryLayer.of, kept + list(after.values()))
                self._builtin = base
            if before or after:
                if self._builtin_characters is not None:
                    self._builtin_characters = await self._characters_of(base)
                for server in self._servers.values():
                    server.stories = server.characters = None
        for guild_id, server in self._servers.items():
            await self._amend_server(guild_id, server, changed, fresh)

    async def _amend_server(
        self,
        guild_id: int | None,
        server: _Server,
        changed: set[int],
        fresh: dict[int, StorySummary],
    ) -> None:
        if guild_id is None:  # a direct message sees the built-ins, all of them
            return
        hidden = set(server.hidden) - changed
        own = [s for s in server.own.stories if s.id not in changed]
        for story_id, story in fresh.items():
            if story.guild_id not in (None, guild_id):
                continue  # another server's: never this one's
            visible = await self.store.stories.is_visible(guild_id, story_id)
            if story.guild_id == guild_id and visible:
                own.append(story)
            elif story.guild_id is None and not visible:
                hidden.add(story_id)
        if hidden != server.hidden:
            server.hidden = frozenset(hidden)
            server.stories = server.characters = None
        if len(own) != len(server.own.stories) or any(s.id in changed for s in own):
            server.own = await asyncio.to_thread(StoryLayer.of, own)
            if server.own_characters is not None:
                server.own_characters = await self._characters_of(server.own)
            server.stories = server.characters = None

    async def _builtin_layer(self) -> StoryLayer:
        if self._builtin is None:
            stories = await self.store.stories.visible_stories(None)
            self._builtin = await asyncio.to_thread(StoryLayer.of, stories)
        return self._builtin

    async def _server(self, guild_id: int | None) -> _Server:
        server = self._servers.get(guild_id)
        if server is None:
            if guild_id is None:
                server = _Server(EMPTY_STORIES, frozenset(), EMPTY_CHARACTERS)
            else:
                own = await self.store.stories.own_visible_stories(guild_id)
                hidden = await self.store.stories.hidden_stories(guild_id)
                server = _Server(
                    await asyncio.to_thread(StoryLayer.of, own) if own else EMPTY_STORIES,
                    frozenset(s.id for s in hidden if s.guild_id is None),
                )
            self._servers[guild_id] = server
        return server

    def _hidden_positions(self, base: StoryLayer, hidden: frozenset[int]) -> list[int]:
        return [p for p, story in enumerate(base.stories) if story.id in hidden] if hidden else []

    async def _compose(self, guild_id: int | None) -> tuple[StoryCatalogue, _Server]:
        """The server's story catalogue, composed if it is not (under `_building`)."""
        base = await self._builtin_layer()
        server = await self._server(guild_id)
        if server.stories is None:
            hidden = self._hidden_positions(base, server.hidden)
            server.stories = StoryCatalogue.of(base, server.own, hidden)
        return server.stories, server

    async def stories(self, guild_id: int | None) -> StoryCatalogue:
        await self._current()
        server = self._servers.get(guild_id)
        if server is not None and server.stories is not None:
            return server.stories
        async with self._building:  # a burst builds it once, not once per request
            return (await self._compose(guild_id))[0]

    async def characters(self, guild_id: int | None) -> CharacterCatalogue:
        await self._current()
        server = self._servers.get(guild_id)
        if server is not None and server.characters is not None:
            return server.characters
        async with self._building:
            stories, server = await self._compose(guild_id)
            if self._builtin_characters is None:
                self._builtin_characters = await self._characters_of(stories.base)
            if server.own_characters is None:
                server.own_characters = await self._characters_of(server.own)
            if server.characters is None:
                server.characters = CharacterCatalogue.of(
                    self._builtin_characters,
                    server.own_characters,
                    self._hidden_positions(stories.base, server.hidden),
                )
            return server.characters

    async def _characters_of(self, layer: StoryLayer) -> CharacterLayer:
        if not layer.stories:
            return EMPTY_CHARACTERS
        missing = [story.id for story in layer.stories if story.id not in self._casts]
        for start in range(0, len(missing), CAST_READ_BATCH):
            batch = missing[start : start + CAST_READ_BATCH]
            # A story whose characters are still being read has none yet: its own
            # audit entry, when they are stored, has it read again.
            read = await self.store.casts.characters_named(batch)
            self._casts.update(
                (story_id, tuple(slim(c) for c in read.get(story_id, ()))) for story_id in batch
            )
        return await asyncio.to_thread(CharacterLayer.of, layer, self._casts)


_catalogues: weakref.WeakKeyDictionary[Store, Catalogues] = weakref.WeakKeyDictionary()


def catalogues_of(store: Store) -> Catalogues:
    """The store's catalogues (one set per open store, gone with it)."""
    found = _catalogues.get(store)
    if found is None:
        found = _catalogues[store] = Catalogues(store)
    return found
