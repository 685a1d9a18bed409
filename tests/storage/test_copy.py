"""`conteur migrate`: a SQLite library copied into PostgreSQL, verified, never over one."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import date, time, timedelta

import pytest

from bot import cli
from bot.app.library import Library
from bot.config import DEFAULT_STORIES_DIR
from bot.core.parsing import parse_story_text
from bot.core.schedule import Due
from bot.storage import Store
from bot.storage.copy import TABLES, TargetNotEmpty, copy_library, table_digest
from tests.postgres_server import PostgresServer

TEXT = "Title: Ours\n\nMira Solberg crossed the bridge.\n\nMira looked back at the town."


async def a_lived_in_library(path) -> Store:
    """Every table holds rows: stories, versions, casts, drafts, daily, reading, audit."""
    store = await Store.open(path)
    library = Library(store)
    await library.load_paths([DEFAULT_STORIES_DIR], index=False)
    ours = await store.stories.add_story(parse_story_text(TEXT), guild_id=5, actor_id=7)
    await store.stories.replace_story(ours.id, parse_story_text(TEXT + "\n\nThe end."))
    builtin = (await store.stories.visible_stories(None))[0]
    await store.stories.set_hidden(5, builtin.id, actor_id=7, hidden=True)
    await store.guilds.set_guild_timezone(5, "Europe/Oslo", actor_id=7)
    await store.reading.save_position(8, ours.id, 2)
    await store.reading.remember_thread(900, ours.id, 5)
    await store.drafts.save_draft(
        guild_id=5,
        user_id=7,
        story_id=None,
        title="Pending",
        author=None,
        body="Ä draft — with accents.",
        near_duplicate_of=ours.id,
        similarity=0.875,
    )
    done = await store.daily.subscribe_channel(
        guild_id=5, channel_id=100, post_at=time(9), timezone="UTC", actor_id=7, limit=10
    )
    assert done is not None
    await store.daily.subscribe_dm(user_id=8, post_at=time(7, 30), timezone="Asia/Tokyo")
    await store.daily.lease_dm_subscriptions("worker-1", timedelta(minutes=3))
    await store.storyteller.set_enabled(5, True, actor_id=7)
    await store.storyteller.add_usage(5, date(2026, 6, 1), requests=2, tokens=900)
    await store.storyteller.keep_retelling("abc", "noir", "tiny-model", 1, "It was night.", 300)
    day = date(2026, 6, 1)
    await store.daily.claim(Due(done.subscription, day, store.clock()), ours.id)
    await store.daily.mark_sent(done.subscription.id, day, 12345678901234567)
    await store.stories.remove_story(ours.id, actor_id=7)
    await store.stories.restore_story(ours.id, actor_id=7)
    return store


async def test_a_library_is_copied_row_for_row_and_verified(tmp_path, postgres_server):
    source = await a_lived_in_library(tmp_path / "old.sqlite3")
    target = await Store.open(await postgres_server.empty_database())
    try:
        for table, _key in TABLES:
            assert await source.db.fetchone(f"SELECT 1 FROM {table} LIMIT 1"), table
        report = await copy_library(source.db, target.db)
        assert report.verified and not report.replaced
        assert [t.table for t in report.tables] == [table for table, _key in TABLES]
        assert all(t.source_rows == t.target_rows > 0 for t in report.tables)
        # The copy is a working library: same stories by the same ids, and new rows
        # continue after the copied ids instead of colliding with them.
        assert await target.stories.visible_stories(5) == await source.stories.visible_stories(5)
        ours = await source.stories.visible_story_with_slug(5, "ours")
        assert ours is not None and await target.reading.reading_position(8, ours) == 2
        added = await target.stories.add_story(
            parse_story_text("Title: New\n\nA few more words make a story."), guild_id=5
        )
        assert added.id > ours
        # A corrupted copy is caught: the hash sees what the count cannot.
        await target.db.write("UPDATE passages SET text = text || '.' WHERE story_id = ?", (ours,))
        columns = await source.db.columns("passages")
        key = dict(TABLES)["passages"]
        assert (await table_digest(source.db, "passages", columns, key))[1] != (
            await table_digest(target.db, "passages", columns, key)
        )[1]
    finally:
        await source.close()
        await target.close()


async def test_a_library_in_the_target_is_kept_unless_forced(tmp_path, postgres_server):
    url = await postgres_server.empty_database()
    source = await a_lived_in_library(tmp_path / "old.sqlite3")
    target = await Store.open(url)
    try:
        theirs = await target.stories.add_story(
            parse_story_text("Title: Theirs\n\nA few more words make a story."), guild_id=1
        )
        with pytest.raises(TargetNotEmpty):
            await copy_library(source.db, target.db)
        assert await target.stories.get_summary(theirs.id) == theirs
        report = await copy_library(source.db, target.db, force=True)
        assert report.verified and report.replaced
        assert await target.stories.visible_story_with_slug(1, "theirs") is None
    finally:
        await source.close()
        await target.close()


async def test_every_table_of_the_schema_is_copied(store, backend):
    listing = (
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        if backend == "sqlite"
        else "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        " AND tablename <> 'conteur_schema'"
    )
    tables = {row[0] for row in await store.db.fetchall(listing)}
    assert tables == {table for table, _key in TABLES}


def in_a_thread(coroutine):
    """Await from a plain test, which `conteur` itself (asyncio.run) must be."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def closed_library(path) -> None:
    await (await a_lived_in_library(path)).close()


def test_conteur_migrate_copies_and_then_refuses_to_copy_over_it(
    tmp_path, postgres_server: PostgresServer, monkeypatch, capsys
):
    from bot.config import load_settings

    path = tmp_path / "cli.sqlite3"
    in_a_thread(closed_library(path))
    monkeypatch.setattr(
        cli,
        "load_settings",
        lambda: load_settings({"CONTEUR_DATABASE": str(path)}, env_file=tmp_path / "none"),
    )
    url = in_a_thread(postgres_server.empty_database())
    assert cli.main(["migrate", "--to", url]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "stories" in out and "verified" in out and "DIFFERS" not in out
    assert cli.main(["migrate", "--to", url]) == cli.EXIT_FAILED
    assert "--force" in capsys.readouterr().err
    assert cli.main(["migrate", "--to", url, "--force"]) == cli.EXIT_OK
    assert "Replaced" in capsys.readouterr().out
    assert cli.main(["migrate", "--to", str(tmp_path / "x.sqlite3")]) == cli.EXIT_USAGE
