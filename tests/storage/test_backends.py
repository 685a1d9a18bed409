"""The two backends: the same schema by the same steps, and the same behaviour under
several processes writing at once (two `Store`s on one database stand for two processes:
each has its own connection, as another process would)."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import time

import asyncpg
import pytest

from bot.core.parsing import parse_story_text
from bot.storage import MIGRATIONS, Store
from bot.storage.postgres import translate
from bot.storage.schema_postgres import POSTGRES_MIGRATIONS
from tests.postgres_server import PostgresServer

TEXT = "Mira Solberg crossed the bridge.\n\nMira looked back at the town.\n\nMira went on."


def test_both_dialects_have_every_migration():
    assert len(POSTGRES_MIGRATIONS) == len(MIGRATIONS)


def sqlite_schema(path) -> tuple[set[tuple[str, str, bool]], set[str]]:
    connection = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        columns = set()
        for table in tables:
            for _, name, _, notnull, _, pk in connection.execute(f"PRAGMA table_info({table})"):
                columns.add((table, name, bool(notnull or pk)))
        indexes = {
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index'"
                " AND name NOT LIKE 'sqlite_autoindex%'"
            )
        }
    finally:
        connection.close()
    return columns, indexes


async def postgres_schema(url) -> tuple[set[tuple[str, str, bool]], set[str]]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT table_name, column_name, is_nullable FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name <> 'conteur_schema'"
        )
        columns = {(r[0], r[1], r[2] == "NO") for r in rows}
        # Keys PostgreSQL names itself (…_pkey, …_key) are SQLite's autoindexes.
        indexes = {
            r[0]
            for r in await connection.fetch(
                "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
                " AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key'"
            )
        }
    finally:
        await connection.close()
    return columns, indexes


async def test_both_dialects_reach_the_same_tables_columns_and_indexes(
    tmp_path, postgres_server: PostgresServer
):
    path = tmp_path / "schema.sqlite3"
    url = await postgres_server.bare_database()
    for target in (path, url):
        async with await Store.open(target) as store:
            assert await store.db.schema_version() == len(MIGRATIONS)
    assert sqlite_schema(path) == await postgres_schema(url)


async def test_postgres_migrates_once_and_refuses_a_newer_schema(
    postgres_server: PostgresServer,
):
    url = await postgres_server.bare_database()
    async with await Store.open(url) as store:
        await store.stories.add_story(parse_story_text(TEXT), guild_id=None)
    async with await Store.open(url) as store:
        assert len(await store.stories.visible_stories(None)) == 1
        await store.db.write("UPDATE conteur_schema SET version = ?", (len(MIGRATIONS) + 1,))
    with pytest.raises(RuntimeError, match="newer than this Conteur"):
        await Store.open(url)


async def test_two_processes_starting_on_a_new_postgres_database_migrate_it_once(
    postgres_server: PostgresServer,
):
    url = await postgres_server.bare_database()
    first, second = await asyncio.gather(Store.open(url), Store.open(url))
    try:
        assert await first.db.schema_version() == await second.db.schema_version()
        assert await first.db.schema_version() == len(MIGRATIONS)
    finally:
        await first.close()
        await second.close()


def test_parameters_become_numbered_and_literals_stay():
    assert translate("SELECT ? , ? WHERE a = '?' AND t = '12:30'") == (
        "SELECT $1 , $2 WHERE a = '?' AND t = '12:30'",
        None,
    )
    assert translate("WHERE g = :guild_id OR h.g = :guild_id AND id <> :id") == (
        "WHERE g = $1 OR h.g = $1 AND id <> $2",
        ("guild_id", "id"),
    )
    with pytest.raises(ValueError, match="mixed"):
        translate("WHERE a = ? AND b = :b")


# --- several processes, one database: on both backends ---------------------------------


async def test_two_processes_adding_the_same_title_get_distinct_slugs(database):
    # One after the other: migrating a new SQLite file from two processes at once is
    # the hardening branch's (PostgreSQL's is tested above).
    first, second = await Store.open(database), await Store.open(database)
    try:
        added = await asyncio.gather(
            *(
                store.stories.add_story(parse_story_text(TEXT), guild_id=guild)
                for store, guild in ((first, 1), (second, 2))
            )
        )
        assert len({summary.slug for summary in added}) == 2
        versions = await first.db.fetchall("SELECT story_id, version FROM story_versions")
        assert sorted(version for _, version in versions) == [1, 1]
    finally:
        await first.close()
        await second.close()


async def test_two_processes_racing_to_subscribe_a_channel_leave_one_subscription(database):
    first, second = await Store.open(database), await Store.open(database)
    try:

        async def subscribe(store: Store, at: time):
            return await store.daily.subscribe_channel(
                guild_id=1, channel_id=100, post_at=at, timezone="UTC", actor_id=7, limit=10
            )

        results = await asyncio.gather(
            subscribe(first, time(9)),
            subscribe(second, time(9)),
            subscribe(second, time(10)),
            subscribe(first, time(9)),
        )
        assert all(result is not None for result in results)
        assert len(await first.daily.all_subscriptions()) == 1
    finally:
        await first.close()
        await second.close()
