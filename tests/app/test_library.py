import shutil

import pytest

from bot.app.library import Library
from bot.config import DEFAULT_STORIES_DIR
from bot.core.parsing import parse_story_text
from bot.errors import Busy
from tests.conftest import SEED_STORIES


async def test_seed_stories_load_then_are_skipped_when_unchanged(store):
    first = await Library(store).load_paths([DEFAULT_STORIES_DIR])
    assert sorted(first.added) == [
        "The Story of Léa Roux",
        "The Story of Valérie Ivanov",
        "The Story of Zoe Kuznetsova",
    ]
    second = await Library(store).load_paths([DEFAULT_STORIES_DIR])
    assert (second.added, second.updated, len(second.unchanged)) == ([], [], 3)
    assert second.ok


async def test_a_changed_file_updates_its_story_in_place(store, tmp_path):
    path = tmp_path / "tale.txt"
    path.write_text("Title: Tale\n\nOnce there was a fox in the wood.")
    await Library(store).load_paths([path])
    path.write_text("Title: Tale\n\nOnce there was a fox in the wood.\n\nThe fox slept.")
    report = await Library(store).load_paths([path])
    assert report.updated == ["Tale"]
    (story,) = await store.stories.visible_stories(None)
    assert story.passage_count == 2


async def test_bad_files_are_rejected_and_do_not_stop_the_others(store, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin1.txt").write_bytes("Élodie arriva à Paris ce matin-là.".encode("latin-1"))
    (tmp_path / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "good.txt").write_text("Title: Good\n\nA good story about a good dog named Rex.")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")  # ignored inside a folder: not a story
    report = await Library(store).load_paths([tmp_path, tmp_path / "missing.txt"])
    reasons = {path.rsplit("/", 1)[-1]: reason for path, reason in report.rejected}
    assert reasons == {
        "empty.txt": "empty.txt is empty.",
        "image.md": "image.md looks like a binary file, not text.",
        "latin1.txt": reasons["latin1.txt"],
        "missing.txt": "no such file or folder",
    }
    assert "not UTF-8" in reasons["latin1.txt"]
    assert report.added == ["Good"] and not report.ok
    assert "  added      Good  (good.txt)" in report.summary_lines()


async def test_a_folder_scan_takes_upper_case_suffixes_too(store, tmp_path):
    (tmp_path / "LOUD.TXT").write_text("Title: Loud\n\nA story written on an old machine.")
    report = await Library(store).load_paths([tmp_path])
    assert report.added == ["Loud"] and report.ok


async def test_a_duplicate_of_another_story_is_rejected(store, tmp_path):
    copy = tmp_path / "copy.txt"
    shutil.copy(SEED_STORIES[0], copy)
    await Library(store).load_paths([DEFAULT_STORIES_DIR])
    report = await Library(store).load_paths([copy])
    assert report.rejected == [
        (str(copy), "same text as the story “The Story of Valérie Ivanov” already in the library.")
    ]


async def test_a_moved_file_is_recognised_not_duplicated(store, tmp_path):
    first = tmp_path / "a" / "tale.txt"
    first.parent.mkdir()
    first.write_text("Title: Tale\n\nOnce there was a fox in the wood.")
    await Library(store).load_paths([first])
    moved = tmp_path / "b.txt"
    first.rename(moved)
    report = await Library(store).load_paths([moved])
    assert report.ok and report.unchanged == [str(moved.resolve())]
    assert len(await store.stories.visible_stories(None)) == 1


async def test_derived_titles_are_made_unique_but_chosen_ones_must_be(store, tmp_path):
    text = "Nadia Petrova ran. Nadia laughed. Nadia sang all night long."
    (tmp_path / "one.txt").write_text(text)
    (tmp_path / "two.txt").write_text(text + " Then Nadia slept.")
    (tmp_path / "three.txt").write_text(
        "Title: The Story of Nadia Petrova\n\nA different tale about a different Nadia."
    )
    report = await Library(store).load_paths(
        [tmp_path / "one.txt", tmp_path / "two.txt", tmp_path / "three.txt"]
    )
    assert report.added == ["The Story of Nadia Petrova", "The Story of Nadia Petrova (2)"]
    assert report.rejected[0][1] == (
        "a story titled “The Story of Nadia Petrova” is already in the library."
    )


async def test_loaded_stories_are_searchable_at_once(store, tmp_path):
    library = Library(store)
    path = tmp_path / "tale.txt"
    path.write_text("Title: Tale\n\nOnce there was a marmalade fox in the wood.")
    await library.load_paths([path])
    (hit,) = await library.search("marmelade fox", guild_id=None)
    assert hit.passage_number == 1
    path.write_text("Title: Tale\n\nOnce there was a silver heron by the lake.")
    await library.load_paths([path])
    assert await library.search("marmalade fox", guild_id=None) == []
    assert len(await library.search("silver heron", guild_id=None)) == 1


async def test_characters_are_extracted_and_name_untitled_stories(store):
    library = Library(store)
    await library.load_paths([DEFAULT_STORIES_DIR])
    stories = {s.title: s for s in await store.stories.visible_stories(None)}
    valerie = stories["The Story of Valérie Ivanov"]
    assert valerie.protagonist == "Valérie Ivanov"
    cast = await store.casts.get_cast(valerie.id)
    assert [c.name for c in cast.characters] == ["Valérie Ivanov", "Sophie"]
    assert "Eiffel Tower" in [p.name for p in cast.places]


async def test_a_servers_own_story_never_blocks_a_built_in(store, tmp_path):
    text = "Title: Fox Again\n\nA fox came back to the wood where it was born."
    library = Library(store)
    await library.add_story(parse_story_text(text), guild_id=42)
    path = tmp_path / "fox.txt"
    path.write_text(text)
    report = await library.load_paths([path])
    assert report.added == ["Fox Again"] and report.ok
    slugs = sorted(s.slug for s in await store.stories.visible_stories(42))
    assert slugs == ["fox-again", "fox-again-2"]  # told apart in that server by slug


async def test_changes_made_while_the_index_builds_are_not_lost(store, monkeypatch):
    """Start-up builds the index in the background; what changes meanwhile reaches it."""
    import threading

    import bot.app.indexing as library_module

    release = threading.Event()
    build = library_module._build_index

    def slow_build(stories):
        release.wait(10)
        return build(stories)

    monkeypatch.setattr(library_module, "_build_index", slow_build)
    monkeypatch.setattr(library_module, "INLINE_BUILD_PASSAGES", 0)  # a big library's start
    library = Library(store)
    await library.start(DEFAULT_STORIES_DIR, index_in_background=True)
    (zoe,) = [s for s in await store.stories.visible_stories(None) if "Zoe" in s.title]
    await library.remove_story(zoe.id, actor_id=1)
    added = await library.add_story(
        parse_story_text("Title: Heron\n\nMarta Lind watched the heron from the old bridge."),
        guild_id=None,
    )
    with pytest.raises(Busy):  # says so at once rather than answering from half an index
        await library.search("heron bridge", guild_id=None)
    release.set()
    await library.live_index.wait_idle()
    assert [hit.story_id for hit in await library.search("heron bridge", guild_id=None)] == [
        added.id
    ]
    assert await library.search("ballerina bolshoi", guild_id=None) == []
    assert await library.search("gallery owner sophie", guild_id=None)


async def test_a_big_load_analyses_in_parallel_and_decides_like_one_by_one(store, tmp_path):
    """Over POOL_THRESHOLD files go through worker processes; order still rules."""
    from bot.app.analysis import POOL_THRESHOLD

    names = ["Anna Berg", "Jonas Lind", "Maja Holm", "Olle Sand"]
    for number in range(POOL_THRESHOLD + 6):
        name = names[number % len(names)]
        (tmp_path / f"{number:03d}.txt").write_text(
            f"{name} walked to the harbour on morning {number}.\n\n"
            f"{name.split()[0]} watched boat number {number} sail away."
        )
    (tmp_path / "999-copy.txt").write_text((tmp_path / "005.txt").read_text())
    report = await Library(store).load_paths([tmp_path])
    assert len(report.added) == POOL_THRESHOLD + 6
    assert report.added[:5] == [
        "The Story of Anna Berg",
        "The Story of Jonas Lind",
        "The Story of Maja Holm",
        "The Story of Olle Sand",
        "The Story of Anna Berg (2)",
    ]
    ((path, reason),) = report.rejected
    assert path.endswith("999-copy.txt") and "same text as the story" in reason
    stories = await store.stories.visible_stories(None)
    assert len(stories) == POOL_THRESHOLD + 6
    assert all(s.protagonist in names for s in stories)
