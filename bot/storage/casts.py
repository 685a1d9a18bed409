"""Characters and places extracted from each story."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.core.cast import Cast, Character, Fact, Place
from bot.core.models import StorySummary
from bot.core.text import fold
from bot.storage.database import Database
from bot.storage.scope import VISIBLE, summary_from_row

_FACT_FIELDS = ("descriptions", "origins", "lines", "meets", "places")


def _character_details(character: Character) -> str:
    details: dict[str, Any] = {"aliases": list(character.aliases), "gender": character.gender}
    for name in _FACT_FIELDS:
        details[name] = [[fact.text, fact.passage] for fact in getattr(character, name)]
    return json.dumps(details, ensure_ascii=False)


def _character_from_row(row: Any) -> Character:
    name, role, mentions, first_passage, details_json = row
    details = json.loads(details_json)
    facts = {
        field: tuple(Fact(text, passage) for text, passage in details.get(field, []))
        for field in _FACT_FIELDS
    }
    return Character(
        name=name,
        aliases=tuple(details["aliases"]),
        mentions=mentions,
        first_passage=first_passage,
        role=role,
        gender=details.get("gender"),
        **facts,
    )


async def write_cast(db: Database, story_id: int, cast: Cast) -> None:
    """Replace a story's characters and places; call inside the story's transaction."""
    await db.execute("DELETE FROM characters WHERE story_id = ?", (story_id,))
    await db.execute("DELETE FROM places WHERE story_id = ?", (story_id,))
    await db.executemany(
        "INSERT INTO characters (story_id, position, name, name_key, role, mentions,"
        " first_passage, details) VALUES (?,?,?,?,?,?,?,?)",
        [
            (
                story_id,
                position,
                c.name,
                fold(c.name),
                c.role,
                c.mentions,
                c.first_passage,
                _character_details(c),
            )
            for position, c in enumerate(cast.characters)
        ],
    )
    await db.executemany(
        "INSERT INTO places (story_id, position, name, kind, mentions, first_passage)"
        " VALUES (?,?,?,?,?,?)",
        [
            (story_id, position, p.name, p.kind, p.mentions, p.first_passage)
            for position, p in enumerate(cast.places)
        ],
    )


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
        rows = await self._db.fetchall(
            "SELECT stories.id, slug, title, author, guild_id, word_count, passage_count,"
            " protagonist, c.name, c.role, c.mentions, c.first_passage, c.details"
            f" FROM characters AS c JOIN stories ON stories.id = c.story_id WHERE {VISIBLE}"
            " ORDER BY stories.guild_id IS NOT NULL, stories.title_key, c.position",
            {"guild_id": guild_id},
        )
        return [(summary_from_row(row[:8]), _character_from_row(row[8:])) for row in rows]
