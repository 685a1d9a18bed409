"""Characters and places extracted from each story."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.core.cast import Cast, Character, Fact, Place
from bot.core.models import StorySummary
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


class CastRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get_cast(self, story_id: int) -> Cast:
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

    async def visible_characters(
        self, guild_id: int | None
    ) -> list[tuple[StorySummary, Character]]:
        """Every character of every story this server can see, for autocomplete and /ask."""
        rows = await self._db.fetchall(_VISIBLE_CHARACTERS, {"guild_id": guild_id})
        return [(summary_from_row(row[:8]), _character_from_row(row[8:])) for row in rows]

    async def visible_characters_named(
        self, guild_id: int | None
    ) -> list[tuple[StorySummary, Character]]:
        """As `visible_characters`, each without its facts: who is in which story, all
        that name look-ups keep (the facts of 17,000 characters held 40 MB more)."""
        rows = await self._db.fetchall(_VISIBLE_CHARACTERS, {"guild_id": guild_id})
        return [
            (summary_from_row(row[:8]), _character_from_row(row[8:], facts=False)) for row in rows
        ]
