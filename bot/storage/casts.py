"""Characters and places extracted from each story."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.cast import Cast, Character, Fact, Place
from bot.core.models import Passage, StorySummary
from bot.errors import StillReading
from bot.storage.audit import Change, record_change
from bot.storage.database import Database
from bot.storage.rows import (
    DELETE_CHARACTERS,
    DELETE_PLACES,
    FACT_FIELDS,
    INSERT_CHARACTER,
    INSERT_PLACE,
    character_rows,
    place_rows,
)
from bot.storage.scope import VISIBLE, summary_from_row

_VISIBLE_CHARACTERS = (
    "SELECT stories.id, slug, title, author, guild_id, word_count, passage_count,"
    " protagonist, c.name, c.role, c.mentions, c.first_passage, c.details"
    f" FROM characters AS c JOIN stories ON stories.id = c.story_id WHERE {VISIBLE}"
    " ORDER BY stories.guild_id IS NOT NULL, stories.title_key, c.position"
)


def _character_from_row(row: Any, *, facts: bool = True) -> Character:
    name, role, mentions, first_passage, details_json = row
    details = json.loads(details_json)
    found = {
        field: tuple(Fact(text, passage) for text, passage in details.get(field, []))
        for field in (FACT_FIELDS if facts else ())
    }
    return Character(
        name=name,
        aliases=tuple(details["aliases"]),
        mentions=mentions,
        first_passage=first_passage,
        role=role,
        gender=details.get("gender"),
        **found,
    )


async def write_cast(db: Database, story_id: int, cast: Cast) -> None:
    """Replace a story's characters and places; call inside the story's transaction."""
    await db.execute(DELETE_CHARACTERS, (story_id,))
    await db.execute(DELETE_PLACES, (story_id,))
    await db.executemany(INSERT_CHARACTER, character_rows(story_id, cast))
    await db.executemany(INSERT_PLACE, place_rows(story_id, cast))


@dataclass(frozen=True, slots=True)
class PendingStory:
    """A story stored without its characters: what reading them needs."""

    id: int
    title: str
    content_hash: str
    passages: tuple[Passage, ...]


@dataclass(frozen=True, slots=True)
class ReadCast:
    """A pending story's characters, read from the text with this hash."""

    story_id: int
    content_hash: str
    cast: Cast


class CastRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get_cast(self, story_id: int) -> Cast:
        """The story's characters and places; StillReading while they are not read yet."""
        row = await self._db.fetchone(
            "SELECT title, cast_pending FROM stories WHERE id = ?", (story_id,)
        )
        if row is not None and row[1]:
            raise StillReading(row[0])
        return await self._stored_cast(story_id)

    async def ready_cast(self, story_id: int) -> Cast | None:
        """The story's characters, or None while they are not read yet (for callers that
        can go on without them)."""
        row = await self._db.fetchone("SELECT cast_pending FROM stories WHERE id = ?", (story_id,))
        if row is not None and row[0]:
            return None
        return await self._stored_cast(story_id)

    async def pending_count(self, guild_id: int | None) -> int:
        """How many stories this server can see have characters still to be read."""
        row = await self._db.fetchone(
            f"SELECT count(*) FROM stories WHERE cast_pending = 1 AND {VISIBLE}",
            {"guild_id": guild_id},
        )
        return int(row[0])

    async def pending_total(self) -> int:
        """How many stories of the whole library have characters still to be read."""
        row = await self._db.fetchone("SELECT count(*) FROM stories WHERE cast_pending = 1")
        return int(row[0])

    async def pending_stories(self, limit: int, *, after_id: int = 0) -> list[PendingStory]:
        """The first `limit` stories after `after_id` whose characters are still to be
        read (removed ones too: a restored story needs its cast)."""
        rows = await self._db.fetchall(
            "SELECT id, title, content_hash FROM stories WHERE cast_pending = 1 AND id > ?"
            " ORDER BY id LIMIT ?",
            (after_id, limit),
        )
        if not rows:
            return []
        ids = [row[0] for row in rows]
        passages: dict[int, list[Passage]] = {story_id: [] for story_id in ids}
        for story_id, number, text, start, end in await self._db.fetchall(
            'SELECT story_id, number, text, start, "end" FROM passages'
            f" WHERE story_id IN ({','.join('?' * len(ids))}) ORDER BY story_id, number",
            ids,
        ):
            passages[story_id].append(Passage(number, text, start, end))
        return [PendingStory(i, title, h, tuple(passages[i])) for i, title, h in rows]

    async def store_read_casts(self, reads: Sequence[ReadCast]) -> int:
        """Store characters read in the background, in one transaction; returns how many.

        A story edited or replaced since it was read (another hash) is left for its own
        reading; one whose cast is stored already is left alone. An audit entry for each
        story tells every process's catalogues which stories have characters now.
        """
        stored = 0
        async with self._db.transaction():
            for read in reads:
                protagonist = read.cast.protagonist
                changed = await self._db.execute(
                    "UPDATE stories SET protagonist = ?, cast_pending = 0"
                    " WHERE id = ? AND content_hash = ? AND cast_pending = 1",
                    (
                        protagonist.name if protagonist else None,
                        read.story_id,
                        read.content_hash,
                    ),
                )
                if changed:
                    await write_cast(self._db, read.story_id, read.cast)
                    await record_change(
                        self._db,
                        Change(None, None, "characters", read.story_id, None, read.content_hash),
                    )
                    stored += 1
        return stored

    async def _stored_cast(self, story_id: int) -> Cast:
        characters = await self._db.fetchall(
            "SELECT name, role, mentions, first_passage, details FROM characters"
            " WHERE story_id = ? ORDER BY position",
            (story_id,),
        )
        places = await self._db.fetchall(
            "SELECT name, kind, mentions, first_passage FROM places"
            " WHERE story_id = ? ORDER BY position",
            (story_id,),
        )
        return Cast(
            characters=tuple(_character_from_row(row) for row in characters),
            places=tuple(Place(*row) for row in places),
        )

    async def character_names(self, story_ids: Sequence[int]) -> dict[int, list[str]]:
        """Each story's characters by name, protagonist first: a page of the story list."""
        wanted = sorted(set(story_ids))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        rows = await self._db.fetchall(
            f"SELECT story_id, name FROM characters WHERE story_id IN ({marks})"
            " ORDER BY story_id, position",
            wanted,
        )
        names: dict[int, list[str]] = {}
        for story_id, name in rows:
            names.setdefault(story_id, []).append(name)
        return names

    async def characters_named(self, story_ids: Sequence[int]) -> dict[int, list[Character]]:
        """These stories' characters in cast order, each without its facts: who is in
        which story, all that name look-ups keep (the facts of 17,000 characters held
        40 MB more). A story with none stored (or still being read) is left out."""
        if not story_ids:
            return {}
        rows = await self._db.fetchall(
            "SELECT story_id, name, role, mentions, first_passage, details FROM characters"
            f" WHERE {self._db.ids_in('story_id')} ORDER BY story_id, position",
            (self._db.ids_param(list(story_ids)),),
        )
        found: dict[int, list[Character]] = {}
        for row in rows:
            found.setdefault(row[0], []).append(_character_from_row(row[1:], facts=False))
        return found

    async def visible_characters(
        self, guild_id: int | None
    ) -> list[tuple[StorySummary, Character]]:
        """Every character of every story this server can see, for autocomplete and /ask."""
        rows = await self._db.fetchall(_VISIBLE_CHARACTERS, {"guild_id": guild_id})
        return [(summary_from_row(row[:8]), _character_from_row(row[8:])) for row in rows]
