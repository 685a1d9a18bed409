"""Stories stored before their characters are read (a big load), on both backends."""

import pytest

from bot.core.characters import extract_cast
from bot.core.parsing import parse_story_text
from bot.errors import StillReading
from bot.storage.casts import ReadCast

TEXT = (
    "Title: The Ferry\n\n"
    "Marta Solberg crossed the fjord at dawn. Marta waved to Erik Dahl on the pier.\n\n"
    "Erik smiled at Marta. Marta went home to Bergen before the rain."
)


async def test_a_pending_cast_says_so_until_it_is_stored(store):
    parsed = parse_story_text(TEXT)
    summary = await store.stories.add_story(parsed, guild_id=None, cast_pending=True)
    assert summary.protagonist is None
    with pytest.raises(StillReading, match="still reading “The Ferry”"):
        await store.casts.get_cast(summary.id)
    assert await store.casts.ready_cast(summary.id) is None
    assert (await store.casts.pending_total(), await store.casts.pending_count(None)) == (1, 1)
    (pending,) = await store.casts.pending_stories(10)
    assert (pending.id, pending.title, pending.content_hash, pending.passages) == (
        summary.id,
        "The Ferry",
        parsed.content_hash,
        parsed.passages,
    )
    cast = extract_cast(pending.passages, title=pending.title)
    assert cast.protagonist is not None and cast.protagonist.name == "Marta Solberg"
    audited = await store.audit.latest_id()
    read = ReadCast(summary.id, parsed.content_hash, cast)
    assert await store.casts.store_read_casts([read]) == 1
    assert await store.casts.get_cast(summary.id) == cast
    assert await store.casts.ready_cast(summary.id) == cast
    summaries = await store.stories.summaries([summary.id])
    assert summaries[summary.id].protagonist == "Marta Solberg"
    assert await store.casts.pending_total() == 0
    assert await store.casts.pending_stories(10) == []
    # The catalogues of every process notice the new characters by the audit log.
    assert await store.audit.latest_id() > audited
    assert await store.casts.store_read_casts([read]) == 0  # stored once, not twice


async def test_a_cast_read_from_text_since_replaced_is_not_stored(store):
    old = parse_story_text(TEXT)
    summary = await store.stories.add_story(old, guild_id=None, cast_pending=True)
    new = parse_story_text(TEXT.replace("Bergen", "Oslo"))
    await store.stories.replace_story(summary.id, new, cast_pending=True)
    stale = ReadCast(summary.id, old.content_hash, extract_cast(old.passages, title="The Ferry"))
    assert await store.casts.store_read_casts([stale]) == 0
    (pending,) = await store.casts.pending_stories(10)
    assert pending.content_hash == new.content_hash
    assert "Oslo" in pending.passages[-1].text


async def test_replacing_with_a_pending_cast_drops_the_old_characters(store):
    parsed = parse_story_text(TEXT)
    cast = extract_cast(parsed.passages, title=parsed.title)
    summary = await store.stories.add_story(parsed, guild_id=None, cast=cast)
    assert await store.casts.character_names([summary.id])
    new = parse_story_text(TEXT.replace("Erik Dahl", "Nils Berg"))
    replaced = await store.stories.replace_story(summary.id, new, cast_pending=True)
    assert replaced.protagonist is None
    assert await store.casts.character_names([summary.id]) == {}
    assert await store.casts.visible_characters(None) == []
    with pytest.raises(StillReading):
        await store.casts.get_cast(summary.id)


async def test_pending_stories_are_counted_where_they_can_be_seen(store):
    def story(title: str) -> str:
        return TEXT.replace("The Ferry", title)

    await store.stories.add_story(parse_story_text(story("A")), guild_id=None, cast_pending=True)
    await store.stories.add_story(parse_story_text(story("B")), guild_id=1, cast_pending=True)
    removed = await store.stories.add_story(
        parse_story_text(story("C") + " Gone."), guild_id=None, cast_pending=True
    )
    await store.stories.remove_story(removed.id, actor_id=9)
    assert await store.casts.pending_count(1) == 2
    assert await store.casts.pending_count(2) == 1
    # A removed story may be restored: its cast is read all the same.
    assert await store.casts.pending_total() == 3
    after_first = await store.casts.pending_stories(1)
    rest = await store.casts.pending_stories(10, after_id=after_first[0].id)
    assert [s.title for s in after_first + rest] == ["A", "B", "C"]
