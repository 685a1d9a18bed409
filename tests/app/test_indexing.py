"""The running bot's search index: background build, progress, catching up with writes
made by another process."""

import asyncio
import marshal
import threading
from pathlib import Path

import pytest

import bot.app.indexing as indexing
from bot.app.library import Library
from bot.config import DEFAULT_STORIES_DIR
from bot.core.parsing import parse_story_text
from bot.core.search import snapshot
from bot.errors import Busy
from bot.storage import Store


async def started_library(store: Store) -> Library:
    library = Library(store)
    await library.start(DEFAULT_STORIES_DIR)
    return library


async def test_a_story_loaded_by_another_process_becomes_searchable(store, tmp_path):
    library = await started_library(store)
    assert await library.search("lighthouse keeper gull", guild_id=None) == []
    (tmp_path / "gull.txt").write_text(
        "Title: The Gull\n\nOla Brandt kept the lighthouse and fed the gull every dawn."
    )
    # `conteur load` beside the running bot: its own connection, its own Library.
    async with await Store.open(store.path) as other:
        report = await Library(other).load_paths([tmp_path], index=False)
    assert report.added == ["The Gull"]
    (hit,) = await library.search("lighthouse keeper gull", guild_id=None)
    assert (await store.stories.get_summary(hit.story_id)).title == "The Gull"
    assert hit.story_id in await library.visible_ids(None)


async def test_edits_and_removals_by_another_process_reach_the_index(store, tmp_path):
    library = await started_library(store)
    async with await Store.open(store.path) as other:
        first = await Library(other).add_story(
            parse_story_text("Title: Moth\n\nA grey moth circled the lantern by the well."),
            guild_id=None,
        )
    assert await library.search("moth lantern", guild_id=None)
    async with await Store.open(store.path) as other:
        await Library(other).replace_story(
            first.id, parse_story_text("Title: Moth\n\nA white owl sat on the cold chimney.")
        )
    assert await library.search("moth lantern", guild_id=None) == []
    assert await library.search("owl chimney", guild_id=None)
    async with await Store.open(store.path) as other:
        await Library(other).remove_story(first.id, actor_id=7)
    assert await library.search("owl chimney", guild_id=None) == []
    assert await library.suggest("owel", guild_id=None) == []


async def test_a_big_catch_up_runs_in_the_background_and_completes(store, monkeypatch):
    monkeypatch.setattr(indexing, "CATCH_UP_INLINE", 1)
    library = await started_library(store)
    async with await Store.open(store.path) as other:
        for name in ("Ada Quill", "Bo Tern"):
            await Library(other).add_story(
                parse_story_text(f"{name} rowed across the fjord at night."), guild_id=None
            )
    await library.search("fjord", guild_id=None)  # starts catching up, may answer without
    await library.live_index.wait_idle()
    assert len(await library.search("rowed fjord night", guild_id=None)) == 2


async def test_a_search_during_the_build_says_how_far_indexing_has_got(store, monkeypatch):
    release, begun = threading.Event(), threading.Event()
    build = indexing._build_index

    def slow_build(stories):
        stories = iter(stories)
        first = [next(stories)]  # some progress, then wait
        begun.set()
        release.wait(10)
        return build([*first, *stories])

    monkeypatch.setattr(indexing, "_build_index", slow_build)
    monkeypatch.setattr(indexing, "INLINE_BUILD_PASSAGES", 0)  # as for a big library
    library = Library(store)
    await library.start(DEFAULT_STORIES_DIR, index_in_background=True)
    await asyncio.to_thread(begun.wait, 10)
    with pytest.raises(Busy) as raised:  # at once: no waiting for the build
        await library.search("eiffel tower", guild_id=None)
    assert "the library is being indexed" in raised.value.message.lower()
    percent = int(raised.value.message.split("(")[1].split(" %")[0])
    assert 0 < percent < 100
    release.set()
    await library.live_index.wait_idle()
    assert await library.search("eiffel tower", guild_id=None)


async def test_searching_runs_off_the_event_loop(store, monkeypatch):
    library = await started_library(store)
    searching_thread: list[int] = []
    search = library.index.search

    def recording_search(*args, **kwargs):
        searching_thread.append(threading.get_ident())
        return search(*args, **kwargs)

    monkeypatch.setattr(library.index, "search", recording_search)
    assert await library.search("eiffel tower", guild_id=None)
    assert searching_thread and searching_thread[0] != threading.get_ident()
    assert asyncio.get_running_loop().is_running()


@pytest.mark.sqlite_only  # the index is saved beside a database file
async def test_a_restart_opens_the_saved_index_and_catches_up(store, tmp_path):
    first = await started_library(store)
    await first.live_index.wait_idle()
    assert first.live_index.origin == "indexed"
    assert first.live_index.snapshot_path is not None and first.live_index.snapshot_path.exists()
    # While "the bot is down": another process adds a story and removes one.
    async with await Store.open(store.path) as other:
        await Library(other).add_story(
            parse_story_text("Title: Wren\n\nA small wren nested in the old postbox."),
            guild_id=None,
        )
        (zoe,) = [s for s in await other.stories.visible_stories(None) if "Zoe" in s.title]
        await Library(other).remove_story(zoe.id, actor_id=3)
    second = Library(store)
    await second.start(DEFAULT_STORIES_DIR, index_in_background=True)
    await second.live_index.wait_idle()
    assert second.live_index.origin == "opened"
    assert await second.search("wren postbox", guild_id=None)
    assert await second.search("ballerina bolshoi", guild_id=None) == []
    assert await second.search("eiffel tower", guild_id=None)


@pytest.mark.sqlite_only  # the index is saved beside a database file
async def test_an_unusable_saved_index_is_rebuilt(store):
    first = await started_library(store)
    await first.live_index.wait_idle()
    path = first.live_index.snapshot_path
    assert path is not None
    path.write_bytes(b"garbage")
    second = await started_library(store)
    assert second.live_index.origin == "indexed"
    assert await second.search("eiffel tower", guild_id=None)
    await second.live_index.wait_idle()
    assert path.read_bytes() != b"garbage"  # saved again


@pytest.mark.sqlite_only  # the index is saved beside a database file
async def test_a_saved_index_damaged_after_opening_is_rebuilt_never_misread(store):
    first = await started_library(store)
    await first.live_index.wait_idle()
    second = await started_library(store)
    assert second.live_index.origin == "opened"
    expected = await second.search("eiffel tower", guild_id=None)
    assert expected
    path = second.live_index.snapshot_path
    assert path is not None
    # A disk error under the running bot: the posting lists and texts it reads on demand
    # are zeros now (written in place: the same file the index has open).
    whole = path.read_bytes()
    table_at, table_size, _ = snapshot._TRAILER.unpack(whole[-snapshot._TRAILER.size :])
    sections = marshal.loads(whole[table_at : table_at + table_size])["sections"]
    with path.open("r+b") as file:
        for name in ("postings", "folded", "originals"):
            offset, length, _ = sections[name]
            file.seek(offset)
            file.write(bytes(length))
    with pytest.raises(Busy) as raised:
        await second.search("eiffel tower", guild_id=None)
    assert "being indexed" in raised.value.message
    await second.live_index.wait_idle()
    assert second.live_index.origin == "indexed"
    assert await second.search("eiffel tower", guild_id=None) == expected
    assert path.exists()  # saved again, whole


@pytest.mark.sqlite_only  # the index is saved beside a database file
async def test_a_saved_index_cut_short_is_rebuilt(store):
    first = await started_library(store)
    await first.live_index.wait_idle()
    expected = await first.search("eiffel tower", guild_id=None)
    path = first.live_index.snapshot_path
    assert path is not None
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # a crash while copying it, a full disk
    second = await started_library(store)
    assert second.live_index.origin == "indexed"
    assert await second.search("eiffel tower", guild_id=None) == expected
    await second.live_index.wait_idle()
    assert path.read_bytes() != whole[: len(whole) // 2]


@pytest.mark.sqlite_only  # the index is saved beside a database file
async def test_after_a_build_the_saved_file_serves(store):
    library = await started_library(store)
    await library.live_index.wait_idle()
    # The built index (texts and posting lists in memory) made way for the saved one.
    assert library.index._folded.in_memory == 0
    assert await library.search("eiffel tower", guild_id=None)


@pytest.mark.sqlite_only  # the index is saved beside a database file
async def test_a_restart_with_nothing_changed_does_not_compare_every_story(store, monkeypatch):
    first = await started_library(store)
    await first.live_index.wait_idle()
    compared: list[int] = []
    stamps = store.search_feed.live_story_stamps

    async def counted_stamps():
        compared.append(1)
        return await stamps()

    monkeypatch.setattr(store.search_feed, "live_story_stamps", counted_stamps)
    second = await started_library(store)
    assert second.live_index.origin == "opened"
    assert await second.search("eiffel tower", guild_id=None)
    await second.live_index.wait_idle()
    assert compared == []  # the fingerprint said the saved index is current
    # Another process's write is still noticed: then the stamps are compared.
    async with await Store.open(store.path) as other:
        await Library(other).add_story(
            parse_story_text("Title: Wren\n\nA small wren nested in the old postbox."),
            guild_id=None,
        )
    assert await second.search("wren postbox", guild_id=None)
    assert compared == [1]


async def test_a_restart_opens_the_index_saved_in_the_index_folder(store, tmp_path):
    # On PostgreSQL too: nothing sits beside a URL, so the index goes to CONTEUR_INDEX_DIR
    # (data/ by default) and a restart opens it instead of indexing everything again.
    folder = tmp_path / "indexes"
    first = Library(store, index_dir=folder)
    await first.start(DEFAULT_STORIES_DIR)
    await first.live_index.wait_idle()
    assert first.live_index.origin == "indexed"
    saved = first.live_index.snapshot_path
    assert saved is not None and saved.parent == folder and saved.exists()
    await first.add_story(
        parse_story_text("Title: Wren\n\nA small wren nested in the old postbox."), guild_id=None
    )
    second = Library(store, index_dir=folder)
    await second.start(DEFAULT_STORIES_DIR)
    await second.live_index.wait_idle()
    assert second.live_index.origin == "opened"
    assert await second.search("wren postbox", guild_id=None)  # caught up after the save
    assert await second.search("eiffel tower", guild_id=None)
    assert [p.name for p in folder.iterdir()] == [saved.name]  # no temporary file left


async def test_without_an_index_folder_a_postgresql_library_saves_nothing(store):
    library = Library(store)
    if store.local_file is None:
        assert library.live_index.snapshot_path is None
    else:
        assert library.live_index.snapshot_path == Path(f"{store.local_file}.search-index")


def test_two_postgresql_libraries_never_share_a_saved_index(tmp_path):
    one = indexing.saved_index_file(None, "postgresql://conteur:***@db1/conteur", tmp_path)
    two = indexing.saved_index_file(None, "postgresql://conteur:***@db2/conteur", tmp_path)
    assert one is not None and two is not None and one != two
    assert one.parent == tmp_path and "***" not in one.name and "db1" not in one.name
    assert indexing.saved_index_file(None, ":memory:", tmp_path) is None
    beside = indexing.saved_index_file(tmp_path / "x.sqlite3", str(tmp_path / "x.sqlite3"))
    assert beside == tmp_path / "x.sqlite3.search-index"
