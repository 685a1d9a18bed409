"""The rows a story write consists of, and the SQL that writes them.

Two writers share these: the repositories (one story at a time, on the running bot's
connection, either backend) and the bulk loader (`bulk_load.py`, batches of files on a
plain sqlite3 connection of its own). Keeping the statements and the row shapes here
means both write exactly the same rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from bot.core.cast import Cast, Character
from bot.core.models import ParsedStory, Passage
from bot.core.text import fold, slugify

FACT_FIELDS = ("descriptions", "origins", "lines", "meets", "places")

INSERT_STORY = (
    "INSERT INTO stories (guild_id, slug, title, title_key, author, body,"
    " content_hash, source_path, word_count, passage_count, protagonist, cast_pending,"
    " created_at, updated_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
UPDATE_STORY = (
    "UPDATE stories SET title = ?, title_key = ?, author = ?, body = ?,"
    " content_hash = ?, source_path = coalesce(?, source_path), word_count = ?,"
    " passage_count = ?, protagonist = ?, cast_pending = ?, updated_at = ? WHERE id = ?"
)
DELETE_PASSAGES = "DELETE FROM passages WHERE story_id = ?"
INSERT_PASSAGE = 'INSERT INTO passages (story_id, number, start, "end", text) VALUES (?,?,?,?,?)'
# The casts say the types PostgreSQL cannot infer through INSERT … SELECT.
INSERT_NEXT_VERSION = (
    "INSERT INTO story_versions (story_id, version, title, author, body, content_hash,"
    " created_by, created_at) SELECT CAST(? AS BIGINT), coalesce(max(version), 0) + 1,"
    " CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT),"
    " CAST(? AS BIGINT), CAST(? AS TEXT) FROM story_versions WHERE story_id = ?"
)
DELETE_CHARACTERS = "DELETE FROM characters WHERE story_id = ?"
DELETE_PLACES = "DELETE FROM places WHERE story_id = ?"
INSERT_CHARACTER = (
    "INSERT INTO characters (story_id, position, name, name_key, role, mentions,"
    " first_passage, details) VALUES (?,?,?,?,?,?,?,?)"
)
INSERT_PLACE = (
    "INSERT INTO places (story_id, position, name, kind, mentions, first_passage)"
    " VALUES (?,?,?,?,?,?)"
)
INSERT_AUDIT = (
    "INSERT INTO audit_log (guild_id, actor_id, action, story_id, hash_before,"
    " hash_after, detail, created_at) VALUES (?,?,?,?,?,?,?,?)"
)
# A range rather than LIKE 'base-%', which SQLite cannot serve from the slug index:
# every add would scan the whole library. "." is the character after "-".
SLUGS_LIKE = "SELECT slug FROM stories WHERE slug = ? OR (slug > ? AND slug < ?)"


def slug_query(title: str) -> tuple[str, tuple[str, str, str]]:
    """The slug a title starts from, and SLUGS_LIKE's parameters for the ones taken."""
    base = slugify(title)
    return base, (base, f"{base}-", f"{base}.")


def free_slug(base: str, taken: Iterable[str]) -> str:
    """`base`, or `base-2`, `base-3`… the first not taken: a slug alone names one story."""
    used = set(taken)
    if base not in used:
        return base
    suffix = 2
    while f"{base}-{suffix}" in used:
        suffix += 1
    return f"{base}-{suffix}"


def story_row(
    parsed: ParsedStory,
    *,
    guild_id: int | None,
    slug: str,
    source_path: str | None,
    protagonist: str | None,
    cast_pending: bool,
    now: str,
    actor_id: int | None,
) -> tuple[Any, ...]:
    """INSERT_STORY's parameters; `cast_pending`: its characters are still to be read."""
    return (
        guild_id,
        slug,
        parsed.title,
        fold(parsed.title),
        parsed.author,
        parsed.body,
        parsed.content_hash,
        source_path,
        parsed.word_count,
        len(parsed.passages),
        protagonist,
        int(cast_pending),
        now,
        now,
        actor_id,
    )


def story_update_row(
    story_id: int,
    parsed: ParsedStory,
    *,
    source_path: str | None,
    protagonist: str | None,
    cast_pending: bool,
    now: str,
) -> tuple[Any, ...]:
    """UPDATE_STORY's parameters."""
    return (
        parsed.title,
        fold(parsed.title),
        parsed.author,
        parsed.body,
        parsed.content_hash,
        source_path,
        parsed.word_count,
        len(parsed.passages),
        protagonist,
        int(cast_pending),
        now,
        story_id,
    )


def passage_rows(story_id: int, passages: Iterable[Passage]) -> list[tuple[Any, ...]]:
    return [(story_id, p.number, p.start, p.end, p.text) for p in passages]


def version_row(
    story_id: int, parsed: ParsedStory, actor_id: int | None, now: str
) -> tuple[Any, ...]:
    """INSERT_NEXT_VERSION's parameters."""
    return (
        story_id,
        parsed.title,
        parsed.author,
        parsed.body,
        parsed.content_hash,
        actor_id,
        now,
        story_id,
    )


def character_details(character: Character) -> str:
    details: dict[str, Any] = {"aliases": list(character.aliases), "gender": character.gender}
    for name in FACT_FIELDS:
        details[name] = [[fact.text, fact.passage] for fact in getattr(character, name)]
    return json.dumps(details, ensure_ascii=False)


def character_rows(story_id: int, cast: Cast) -> list[tuple[Any, ...]]:
    return [
        (
            story_id,
            position,
            c.name,
            fold(c.name),
            c.role,
            c.mentions,
            c.first_passage,
            character_details(c),
        )
        for position, c in enumerate(cast.characters)
    ]


def place_rows(story_id: int, cast: Cast) -> list[tuple[Any, ...]]:
    return [
        (story_id, position, p.name, p.kind, p.mentions, p.first_passage)
        for position, p in enumerate(cast.places)
    ]
