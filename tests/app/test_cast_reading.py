"""A big load stores stories first and reads their characters after (bot.app.cast_reading)."""

from pathlib import Path

import pytest

from bench.corpus import story_texts
from bot.app import reading
from bot.app.analysis import analyse
from bot.app.cast_reading import read_pending_casts
from bot.app.library import Library
from bot.app.lookup import character_choices, find_visible_character, find_visible_story
from bot.core.cast import Cast
from bot.core.characters import extract_cast
from bot.core.parsing import parse_story
from bot.errors import StillReading
from bot.storage import Store
from bot.storage.casts import PendingStory
from tests.conftest import SEED_STORIES

FERRY = (
    "Title: The Ferry\n\n"
    "Marta Solberg crossed the fjord at dawn. Marta waved to Erik Dahl on the pier.\n\n"
    "Erik smiled at Marta. Marta went home to Bergen before the rain."
)


def write_mixed_folder(folder: Path) -> None:
    """Titled and untitled files, a duplicate, a taken title, two untitled namesakes."""
    folder.mkdir()
    for number, (title, text) in enumerate(story_texts(12)):
        (folder / f"{number:03d}.txt").write_text(f"Title: {title}\n\n{text}\n")
    for number, seed in enumerate(SEED_STORIES):  # untitled: named after their protagonist
        (folder / f"1{number:02d}-untitled.txt").write_text(seed.read_text())
    # The same protagonist untitled twice: the second becomes "… (2)", in file order.
    (folder / "110-again.txt").write_text(SEED_STORIES[0].read_text() + "\n\nThe end.\n")
    (folder / "200-copy.txt").write_text((folder / "003.txt").read_text())
    (folder / "201-taken.txt").write_text((folder / "004.txt").read_text() + "\nMore.\n")


def analysed(path: Path) -> Cast:
    """The cast the loader stored for a file before casts could be read later."""
    return analyse(parse_story(path.read_bytes(), path.name))[1]


async def stored_library(store: Store) -> list[tuple[object, ...]]:
    """Everything a load decides, story by story: title, slug, protagonist, cast."""
    stories = sorted(await store.stories.visible_stories(None), key=lambda s: s.slug)
    return [
        (s.title, s.slug, s.author, s.word_count, s.protagonist, await store.casts.get_cast(s.id))
        for s in stories
    ]


async def test_a_deferred_load_decides_and_stores_what_reading_at_once_stores(
    store, tmp_path, clock
):
    folder = tmp_path / "stories"
    write_mixed_folder(folder)
    library = Library(store)
    report = await library.load_paths([folder], defer_casts=True)
    assert await store.casts.pending_total() == 12  # the titled ones; untitled were read
    assert await library.read_casts() == 12
    async with await Store.open(tmp_path / "at-once.sqlite3", clock=clock) as reference:
        expected = await Library(reference).load_paths([folder], defer_casts=False)
        assert await reference.casts.pending_total() == 0
        assert await stored_library(store) == await stored_library(reference)
    assert (report.added, report.rejected) == (expected.added, expected.rejected)
    assert "The Story of Valérie Ivanov (2)" in report.added
    reasons = sorted(reason.split(" “")[0] for _path, reason in report.rejected)
    assert reasons == ["a story titled", "same text as the story"]
    # And what the bot stored is what analysing each file finds.
    for title, source in report.sources.items():
        summary = (await find_visible_story(store, None, title)).summary
        assert await store.casts.get_cast(summary.id) == analysed(Path(source)), title


async def test_a_freshly_loaded_story_is_still_being_read_then_shows_its_cast(store, tmp_path):
    (tmp_path / "ferry.txt").write_text(FERRY)
    library = Library(store)
    await library.load_paths([tmp_path], defer_casts=True)
    story = await find_visible_story(store, None, "The Ferry")
    assert await reading.story_cast(library, story) is None
    with pytest.raises(StillReading, match="still reading “The Ferry”"):
        await find_visible_character(store, None, "Marta", story_id=story.id)
    with pytest.raises(StillReading, match="still reading a new story"):
        await find_visible_character(store, None, "Marta")
    assert await character_choices(store, None, "marta") == []

    library.cast_reading.start()  # as the running bot does after a load
    try:
        await library.cast_reading.finished()
    finally:
        await library.cast_reading.stop()
        library.analyser.close()
    cast = await reading.story_cast(library, story)
    assert cast is not None and cast.protagonist is not None
    assert cast.protagonist.name == "Marta Solberg"
    ref = await find_visible_character(store, None, "Marta")
    assert (ref.story.id, ref.character.name) == (story.id, "Marta Solberg")
    choices = await character_choices(store, None, "marta")
    assert choices and choices[0][1] == "the-ferry/Marta Solberg"


async def test_a_load_stopped_before_its_casts_were_read_is_completed_at_the_next_start(
    database, tmp_path, clock
):
    folder = tmp_path / "stories"
    folder.mkdir()
    for number, (title, text) in enumerate(story_texts(5)):
        (folder / f"{number}.txt").write_text(f"Title: {title}\n\n{text}\n")
    async with await Store.open(database, clock=clock) as store:
        await Library(store).load_paths([folder], defer_casts=True)
    # The process ended here (a crash, Ctrl-C): every story is whole, casts pending.
    async with await Store.open(database, clock=clock) as store:
        assert await store.casts.pending_total() == 5
        library = Library(store)
        empty = tmp_path / "no-new-stories"
        empty.mkdir()
        await library.start(empty, read_casts_in_background=True)  # as `conteur run` does
        try:
            await library.cast_reading.finished()
        finally:
            await library.cast_reading.stop()
            library.analyser.close()
        assert await store.casts.pending_total() == 0
        for summary in await store.stories.visible_stories(None):
            passages = tuple(await store.stories.get_passages(summary.id))
            expected = extract_cast(passages, title=summary.title)
            assert await store.casts.get_cast(summary.id) == expected


async def test_a_story_whose_reading_fails_is_left_pending_and_the_others_are_stored(
    store, tmp_path
):
    for number, (title, text) in enumerate(story_texts(3)):
        (tmp_path / f"{number}.txt").write_text(f"Title: {title}\n\n{text}\n")
    report = await Library(store).load_paths([tmp_path], defer_casts=True)
    failing = report.added[1]

    async def read(story: PendingStory) -> Cast:
        if story.title == failing:
            raise RuntimeError("the worker died")
        return extract_cast(story.passages, title=story.title)

    assert await read_pending_casts(store, read, in_flight=2) == 2
    (left,) = await store.casts.pending_stories(10)
    assert left.title == failing
    assert await Library(store).read_casts() == 1  # the next reader finishes it
    assert await store.casts.pending_total() == 0


async def test_a_batch_where_every_reading_fails_ends_the_pass(store, tmp_path, caplog):
    from bot.app.cast_reading import BATCH_SIZE

    for number, (title, text) in enumerate(story_texts(BATCH_SIZE + 3)):
        (tmp_path / f"{number:03d}.txt").write_text(f"Title: {title}\n\n{text}\n")
    await Library(store).load_paths([tmp_path], defer_casts=True)
    attempts = 0

    async def broken(story: PendingStory) -> Cast:
        nonlocal attempts
        attempts += 1
        raise RuntimeError("the workers cannot start")

    assert await read_pending_casts(store, broken, in_flight=4) == 0
    assert attempts == BATCH_SIZE  # not once per story of the library
    assert await store.casts.pending_total() == BATCH_SIZE + 3
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1
    assert f"{BATCH_SIZE} stories; they stay pending" in caplog.text
