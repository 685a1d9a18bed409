"""Copy a whole library from one store to another: `conteur migrate --to postgresql://…`.

Every table, every row, ids kept (so story ids in buttons, reading positions and audit
entries still point at the same stories), in one transaction on the target: a copy
that fails leaves the target as it was. Afterwards each table is counted and hashed
on both sides, row by row in key order, and the copy is reported verified only when
every count and every hash agree.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.storage.database import Database

# Every table, parents before children (foreign keys), each with the key it is read in.
# A migration that adds a table adds it here; a test compares this with the schema.
TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("stories", ("id",)),
    ("passages", ("story_id", "number")),
    ("characters", ("story_id", "position")),
    ("places", ("story_id", "position")),
    ("story_versions", ("story_id", "version")),
    ("hidden_stories", ("guild_id", "story_id")),
    ("guild_settings", ("guild_id",)),
    ("audit_log", ("id",)),
    ("reading_positions", ("user_id", "story_id")),
    ("last_shown", ("user_id",)),
    ("discussion_threads", ("thread_id",)),
    ("drafts", ("id",)),
    ("subscriptions", ("id",)),
    ("deliveries", ("subscription_id", "local_date")),
    ("storyteller_guilds", ("guild_id",)),
    ("storyteller_usage", ("guild_id", "day")),
    ("storyteller_retellings", ("content_hash", "style", "model", "prompt_version")),
    ("daily_workers", ("name",)),
)

BATCH = 2_000


class TargetNotEmpty(Exception):
    """The target already holds a library; `force` replaces it."""


@dataclass(frozen=True, slots=True)
class TableCopy:
    table: str
    source_rows: int
    target_rows: int
    source_hash: str
    target_hash: str

    @property
    def verified(self) -> bool:
        return self.source_rows == self.target_rows and self.source_hash == self.target_hash


@dataclass(slots=True)
class CopyReport:
    tables: list[TableCopy] = field(default_factory=list)
    replaced: bool = False  # the target held a library, replaced because forced

    @property
    def verified(self) -> bool:
        return all(table.verified for table in self.tables)


def _quoted(columns: Sequence[str]) -> str:
    return ", ".join(f'"{column}"' for column in columns)


async def _rows(
    db: Database, table: str, columns: Sequence[str], key: Sequence[str]
) -> AsyncIterator[list[tuple[Any, ...]]]:
    """The table's rows in key order, a batch at a time (never the whole table at once)."""
    offset = 0
    while True:
        batch = await db.fetchall(
            f"SELECT {_quoted(columns)} FROM {table} ORDER BY {_quoted(key)} LIMIT ? OFFSET ?",
            (BATCH, offset),
        )
        if not batch:
            return
        yield [tuple(row) for row in batch]
        offset += len(batch)


def _canonical(value: Any) -> bytes:
    """One spelling of a value whichever backend returned it."""
    if value is None:
        return b"\x00N"
    if isinstance(value, float):
        return b"\x00F" + repr(value).encode()
    if isinstance(value, int):
        return b"\x00I" + str(value).encode()
    return b"\x00S" + str(value).encode()


async def table_digest(
    db: Database, table: str, columns: Sequence[str], key: Sequence[str]
) -> tuple[int, str]:
    """(rows, SHA-256 over every value of every row in key order)."""
    digest = hashlib.sha256()
    count = 0
    async for batch in _rows(db, table, columns, key):
        for row in batch:
            count += 1
            digest.update(b"\x01" + b"".join(_canonical(value) for value in row))
    return count, digest.hexdigest()


async def is_empty(db: Database) -> bool:
    for table, _key in TABLES:
        if await db.fetchone(f"SELECT 1 FROM {table} LIMIT 1") is not None:
            return False
    return True


async def copy_library(source: Database, target: Database, *, force: bool = False) -> CopyReport:
    """Copy every row of `source` into `target` and verify it; see the module's docstring.

    Raises TargetNotEmpty, changing nothing, when the target has any row and not `force`.
    """
    report = CopyReport()
    async with target.transaction():
        if not await is_empty(target):
            if not force:
                raise TargetNotEmpty(f"{target.path} already holds a library.")
            report.replaced = True
            for table, _key in reversed(TABLES):
                await target.execute(f"DELETE FROM {table}")
        for table, key in TABLES:
            columns = await source.columns(table)
            marks = ", ".join("?" * len(columns))
            insert = f"INSERT INTO {table} ({_quoted(columns)}) VALUES ({marks})"
            async for batch in _rows(source, table, columns, key):
                await target.executemany(insert, batch)
        await target.after_copy([table for table, _key in TABLES])
    for table, key in TABLES:
        columns = await source.columns(table)
        source_rows, source_hash = await table_digest(source, table, columns, key)
        target_rows, target_hash = await table_digest(target, table, columns, key)
        report.tables.append(TableCopy(table, source_rows, target_rows, source_hash, target_hash))
    return report
