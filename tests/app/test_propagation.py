"""Every process sees every change: two `Library`s on one PostgreSQL stand for two
processes; a change committed by one reaches the other's search index and caches."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from bot.app.library import Library
from bot.core.parsing import parse_story_text
from bot.storage import Store
from tests.postgres_server import PostgresServer

STORY = (
    "Title: The Lighthouse Keeper\n\n"
    "Ingrid Vasquez climbed the spiral stairs of the lighthouse every evening at dusk.\n\n"
    "From the lamp room she counted the trawlers returning through the fog."
)
WORDS = "spiral stairs lighthouse"
# Generous: a NOTIFY arrives in milliseconds; this only bounds a test that would hang.
PATIENCE_S = 10.0


async def found(library: Library, words: str) -> bool:
    return bool(library.index.search(words))


async def eventually(check, expected: bool = True) -> None:
    async def poll() -> None:
        # Polling is the point: what is checked is the other process's state.
        while await check() != expected:  # noqa: ASYNC110
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), PATIENCE_S)


async def two_processes(postgres_server: PostgresServer) -> tuple[Library, Library]:
    url = await postgres_server.empty_database()
    first, second = Library(await Store.open(url)), Library(await Store.open(url))
    for library in (first, second):
        await library.follow_changes()
        await library.rebuild_index()
    return first, second


async def close(*libraries: Library) -> None:
    for library in libraries:
        await library.stop_following()
        await library.store.close()


async def test_adds_edits_removals_and_hiding_reach_the_other_process(postgres_server):
    a, c = await two_processes(postgres_server)
    try:
        added = await a.add_story(parse_story_text(STORY), guild_id=7, actor_id=1)
        await eventually(lambda: found(c, WORDS))
        assert await c.visible_ids(7) == {added.id}  # cached in c from now on
        await a.set_hidden(7, added.id, actor_id=1, hidden=True)  # only a's cache knows
        await eventually(lambda: _visible(c, 7, added.id), expected=False)
        edited = STORY.replace("spiral stairs", "iron ladder")
        await a.replace_story(added.id, parse_story_text(edited), actor_id=1)
        await eventually(lambda: found(c, "iron ladder lighthouse"))
        await a.remove_story(added.id, actor_id=1)
        await eventually(lambda: found(c, "iron ladder lighthouse"), expected=False)
    finally:
        await close(a, c)


async def _visible(library: Library, guild_id: int, story_id: int) -> bool:
    return story_id in await library.visible_ids(guild_id)


async def test_a_change_made_while_the_listener_was_cut_off_is_caught_up(postgres_server):
    a, c = await two_processes(postgres_server)
    try:
        admin = await asyncpg.connect(c.store.db.url)  # type: ignore[attr-defined]
        try:
            # Cut every LISTENing connection (c's), as a network blip or restart would.
            cut = await admin.fetch(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
            )
        finally:
            await admin.close()
        assert cut
        await a.add_story(parse_story_text(STORY), guild_id=None, actor_id=1)
        await eventually(lambda: found(c, WORDS))
    finally:
        await close(a, c)


@pytest.mark.sqlite_only
async def test_a_sqlite_library_follows_no_one(store):
    library = Library(store)
    await library.follow_changes()  # nothing to listen to, and no error
    await library.add_story(parse_story_text(STORY), guild_id=None, actor_id=1)
    assert await found(library, WORDS)
    await library.stop_following()
