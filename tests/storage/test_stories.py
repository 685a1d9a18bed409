import sqlite3

import pytest

from bot.core.characters import extract_cast
from bot.core.models import Passage
from bot.core.parsing import parse_story_text
from bot.storage import INTEGRITY_ERRORS, MIGRATIONS, Store

TEXT = "Mira Solberg crossed the bridge.\n\nMira looked back at the town.\n\nMira went on."


async def test_new_database_is_migrated_in_wal_with_foreign_keys(tmp_path):
    path = tmp_path / "new.sqlite3"
    async with await Store.open(path) as store:
        assert await store.db.schema_version() == len(MIGRATIONS)
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    connection.close()


async def test_reopening_does_not_migrate_twice(tmp_path):
    path = tmp_path / "db.sqlite3"
    async with await Store.open(path) as store:
        await store.stories.add_story(parse_story_text(TEXT), guild_id=None)
    async with await Store.open(path) as store:
        assert len(await store.stories.visible_stories(None)) == 1


async def test_a_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "future.sqlite3"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}").connection.close()
    with pytest.raises(RuntimeError, match="newer than this Conteur"):
        await Store.open(path)


async def test_story_round_trip(store):
    parsed = parse_story_text(TEXT)
    added = await store.stories.add_story(parsed, guild_id=None, cast=extract_cast(parsed.passages))
    story = await store.stories.get_story(added.id)
    assert story is not None
    assert story.title == "The Story of Mira Solberg"
    cast = await store.casts.get_cast(added.id)
    assert [c.name for c in cast.characters] == ["Mira Solberg"]
    assert cast.characters[0].aliases == ("Mira Solberg", "Mira")
    assert story.slug == "the-story-of-mira-solberg"
    assert [p.text for p in story.passages][1] == "Mira looked back at the town."
    assert story.summary.protagonist == "Mira Solberg"
    assert story.summary.passage_count == 3


async def test_slugs_are_unique_across_all_stories(store):
    first = await store.stories.add_story(parse_story_text("Title: Echo\n\n" + TEXT), guild_id=None)
    second = await store.stories.add_story(parse_story_text("Title: Echo\n\n" + TEXT), guild_id=42)
    third = await store.stories.add_story(parse_story_text("Title: Echo\n\n" + TEXT), guild_id=43)
    assert [first.slug, second.slug, third.slug] == ["echo", "echo-2", "echo-3"]


async def test_a_server_sees_builtins_and_its_own_stories_only(store):
    await store.stories.add_story(parse_story_text("Title: Shared\n\n" + TEXT), guild_id=None)
    await store.stories.add_story(parse_story_text("Title: Ours\n\n" + TEXT), guild_id=1)
    await store.stories.add_story(parse_story_text("Title: Theirs\n\n" + TEXT), guild_id=2)
    assert [s.title for s in await store.stories.visible_stories(1)] == ["Shared", "Ours"]
    assert [s.title for s in await store.stories.visible_stories(None)] == ["Shared"]
    assert await store.stories.count_visible_stories(2) == 2


async def test_summaries_fetches_just_the_stories_asked_for(store):
    first = await store.stories.add_story(parse_story_text("Title: One\n\n" + TEXT), guild_id=None)
    await store.stories.add_story(parse_story_text("Title: Two\n\n" + TEXT), guild_id=None)
    third = await store.stories.add_story(parse_story_text("Title: Three\n\n" + TEXT), guild_id=1)
    found = await store.stories.summaries([third.id, first.id, third.id])
    assert {i: s.title for i, s in found.items()} == {first.id: "One", third.id: "Three"}
    assert await store.stories.summaries([]) == {}


async def test_title_collisions_respect_scope(store):
    await store.stories.add_story(parse_story_text("Title: Ours\n\n" + TEXT), guild_id=1)
    assert await store.stories.title_owner("OURS", 1) is not None
    assert await store.stories.title_owner("ours", 2) is None
    # A server's own title never stops the host from loading a built-in.
    assert await store.stories.title_owner("Ours", None) is None


async def test_replace_keeps_the_slug_and_swaps_the_passages(store):
    added = await store.stories.add_story(parse_story_text("Title: Echo\n\n" + TEXT), guild_id=None)
    new_text = "Title: Echo Again\n\nA single new paragraph with several words."
    await store.stories.replace_story(added.id, parse_story_text(new_text))
    story = await store.stories.get_story(added.id)
    assert story is not None
    assert story.slug == "echo" and story.title == "Echo Again"
    assert [p.number for p in story.passages] == [1]


async def test_a_failed_write_leaves_nothing_behind(store):
    parsed = parse_story_text(TEXT)
    broken = parsed.__class__(
        title=parsed.title,
        author=None,
        body=parsed.body,
        # Two passages with the same number violate the primary key mid-transaction.
        passages=(Passage(1, "a", 0, 1), Passage(1, "b", 2, 3)),
        content_hash=parsed.content_hash,
    )
    with pytest.raises(INTEGRITY_ERRORS):
        await store.stories.add_story(broken, guild_id=None)
    assert await store.stories.visible_stories(None) == []
    await store.stories.add_story(parsed, guild_id=None)  # the connection is still usable
    assert len(await store.stories.visible_stories(None)) == 1


async def test_deleting_a_story_cascades_to_its_passages(store):
    added = await store.stories.add_story(parse_story_text(TEXT), guild_id=None)
    await store.db.write("DELETE FROM stories WHERE id = ?", (added.id,))
    assert await store.db.fetchone("SELECT count(*) FROM passages") == (0,)


async def test_streamed_passages_are_the_live_stories_grouped(store):
    kept = await store.stories.add_story(parse_story_text("Title: Kept\n\n" + TEXT), guild_id=None)
    gone = await store.stories.add_story(parse_story_text("Title: Gone\n\n" + TEXT), guild_id=1)
    await store.stories.remove_story(gone.id, actor_id=7)
    streamed = [(i, tuple(p)) for i, p in await store.stories.live_passages()]
    assert streamed == [(kept.id, await store.stories.get_passages(kept.id))]
    assert streamed == [(i, tuple(p)) for i, p in await store.stories.all_passages()]


async def test_slug_and_id_look_ups_apply_the_scope(store):
    shared = await store.stories.add_story(
        parse_story_text("Title: Shared\n\n" + TEXT), guild_id=None
    )
    ours = await store.stories.add_story(parse_story_text("Title: Ours\n\n" + TEXT), guild_id=1)
    assert await store.stories.visible_story_with_slug(1, "ours") == ours.id
    assert await store.stories.visible_story_with_slug(2, "ours") is None  # another server's
    assert await store.stories.visible_story_with_slug(2, "shared") == shared.id
    assert await store.stories.is_visible(1, ours.id) and not await store.stories.is_visible(
        None, ours.id
    )
    await store.stories.remove_story(ours.id, actor_id=7)
    assert not await store.stories.is_visible(1, ours.id)
    assert await store.stories.visible_story_with_slug(1, "ours") is None
