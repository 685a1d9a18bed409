"""Write a generated corpus straight into a Conteur database, for search benchmarks.

Search benchmarks need the stories and passages rows the bot reads (scope, summaries,
the index build), not a realistic load: rows go in with plain sqlite3 in one
transaction (a million passages in seconds). bench/load.py measures real loading.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from bench.corpus import GeneratedStory
from bot.core.text import fold

# A share of the stories belong to another server and a share are hidden in the measured
# one, so the scope the bot passes is a real filter, not "everything".
OTHER_SERVER_EVERY = 20
HIDDEN_EVERY = 100


def write_corpus(
    database: Path, stories: Iterable[GeneratedStory], guild: int, other_guild: int
) -> None:
    now = "2026-12-01T00:00:00+00:00"
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA synchronous = OFF")
        story_rows: list[tuple[object, ...]] = []
        passage_rows: list[tuple[object, ...]] = []
        hidden_rows: list[tuple[object, ...]] = []
        for story in stories:
            story_id = story.index + 1
            owner = other_guild if story.index % OTHER_SERVER_EVERY == 7 else None
            body = "\n\n".join(story.paragraphs)
            title = f"{story.title} #{story.index}"
            story_rows.append(
                (
                    story_id,
                    owner,
                    f"story-{story_id}",
                    title,
                    fold(title),
                    body,
                    hashlib.sha256(body.encode()).hexdigest(),
                    len(body.split()),
                    len(story.paragraphs),
                    now,
                    now,
                )
            )
            offset = 0
            for number, text in enumerate(story.paragraphs, start=1):
                passage_rows.append((story_id, number, offset, offset + len(text), text))
                offset += len(text) + 2
            if story.index % HIDDEN_EVERY == 3:
                hidden_rows.append((guild, story_id, 9, now))
            if len(passage_rows) >= 50_000:
                _flush(connection, story_rows, passage_rows, hidden_rows)
        _flush(connection, story_rows, passage_rows, hidden_rows)


def _flush(
    connection: sqlite3.Connection,
    story_rows: list[tuple[object, ...]],
    passage_rows: list[tuple[object, ...]],
    hidden_rows: list[tuple[object, ...]],
) -> None:
    connection.executemany(
        "INSERT INTO stories (id, guild_id, slug, title, title_key, body, content_hash,"
        " word_count, passage_count, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        story_rows,
    )
    connection.executemany(
        "INSERT INTO passages (story_id, number, start, end, text) VALUES (?,?,?,?,?)",
        passage_rows,
    )
    connection.executemany(
        "INSERT INTO hidden_stories (guild_id, story_id, hidden_by, hidden_at) VALUES (?,?,?,?)",
        hidden_rows,
    )
    for rows in (story_rows, passage_rows, hidden_rows):
        rows.clear()
