"""Servers that see just the built-in library share one set of ids; the others' are bounded."""

from __future__ import annotations

from pathlib import Path

from bot.app import visible_ids
from bot.app.visible_ids import VisibleIds
from bot.core.parsing import parse_story_text
from bot.storage import Store


def _story(title: str) -> str:
    return f"Title: {title}\n\nOrla Varga walked to the quay.\n\nShe came home at dusk."


async def test_servers_seeing_the_built_ins_share_one_set_and_the_others_are_bounded(
    tmp_path: Path,
) -> None:
    async with await Store.open(tmp_path / "db.sqlite3") as store:
        harbour = await store.stories.add_story(parse_story_text(_story("Harbour")), guild_id=None)
        own = {}
        for guild_id in range(100, 100 + visible_ids.KEPT + 3):
            added = await store.stories.add_story(
                parse_story_text(_story(f"Own {guild_id}")), guild_id=guild_id
            )
            own[guild_id] = added.id
        cache = VisibleIds(store.stories.visible_story_ids)
        builtin = await cache.of(None)
        assert builtin == {harbour.id}
        assert [await cache.of(guild_id) is builtin for guild_id in range(1, 50)] == [True] * 49
        for guild_id, story_id in own.items():
            assert await cache.of(guild_id) == {harbour.id, story_id}
        assert len(cache._servers) == visible_ids.KEPT  # the oldest were let go
        assert await cache.of(100) == {harbour.id, own[100]}  # and are read again
        # A hidden built-in makes a server's set its own; forgetting it reads it again.
        await store.stories.set_hidden(1, harbour.id, actor_id=9, hidden=True)
        assert await cache.of(1) is builtin  # still the kept answer until told
        cache.forget(1)
        assert await cache.of(1) == frozenset()
        assert await cache.of(2) is builtin
        cache.clear()
        assert await cache.of(2) == {harbour.id} and await cache.of(2) is await cache.of(None)
