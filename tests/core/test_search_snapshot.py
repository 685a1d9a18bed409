"""A saved search index opens as the same index: same hits, suggestions and updates."""

import io

import pytest

from bot.core.search import SearchIndex
from bot.core.search.snapshot import SnapshotUnusable, load, save
from tests.core.test_search import LEA, VALERIE, ZOE, seed_stories, story

QUERIES = [
    "eifel tower at sunst",
    "valerie mathemat",
    "atelier des reves",
    "colours of the gallery",
    "the of",
    "ballerina bolshoi",
]


def reopened(index: SearchIndex, meta: object = None) -> tuple[SearchIndex, object]:
    file = io.BytesIO()
    save(index, file, meta)
    file.seek(0)
    return load(file)


def answers(index: SearchIndex) -> list[object]:
    found: list[object] = []
    for query in QUERIES:
        hits = index.search(query, limit=20)
        found.append([(h.story_id, h.passage_number, h.score, h.text, h.highlights) for h in hits])
        found.append(index.search(query, story_ids=frozenset([ZOE]), limit=5))
    found.append(index.suggest("valerei"))
    found.append(index.suggest("zepelin", story_ids=[VALERIE, ZOE, LEA]))
    return found


@pytest.fixture
def index() -> SearchIndex:
    built = SearchIndex()
    built.add_stories(seed_stories().items())
    built.add_story(*story(7, "A zeppelin drifted over the harbour at dawn."))
    built.add_story(*story(8, "Nobody remembers this lighthouse keeper."))
    built.remove_story(8)  # a dead story in the saved index
    return built


def test_a_reopened_index_answers_exactly_as_the_saved_one(index):
    copy, meta = reopened(index, {"stamps": {7: ["2026-12-01", "abc"]}})
    assert meta == {"stamps": {7: ["2026-12-01", "abc"]}}
    assert (len(copy), copy.story_count, copy.vocabulary_size) == (
        len(index),
        index.story_count,
        index.vocabulary_size,
    )
    assert answers(copy) == answers(index)
    assert not copy.search("lighthouse keeper")


def test_a_reopened_index_takes_updates_like_the_saved_one(index):
    copy, _ = reopened(index)
    for either in (index, copy):
        either.add_story(*story(9, "The lighthouse keeper fed the gulls every morning."))
        either.remove_story(7)
        either.compact()
    assert answers(copy) == answers(index)
    assert copy.search("lighthous keper")[0].story_id == 9


def test_typo_lookups_survive_a_new_process(index):
    # The typo index hashes variants with CRC-32: the same in every process, unlike hash().
    copy, _ = reopened(index)
    assert copy.search("mathematicain")[0].story_id == VALERIE
    assert copy.suggest("angstrum") == index.suggest("angstrum")


@pytest.mark.parametrize("content", [b"", b"not a snapshot", b"\x00" * 64])
def test_a_file_that_is_not_a_snapshot_is_refused(content):
    with pytest.raises(SnapshotUnusable):
        load(io.BytesIO(content))


def test_another_format_is_refused(index, monkeypatch):
    import bot.core.search.snapshot as snapshot

    file = io.BytesIO()
    monkeypatch.setattr(snapshot, "FORMAT", "conteur-search-0")
    save(index, file, None)
    monkeypatch.undo()
    file.seek(0)
    with pytest.raises(SnapshotUnusable):
        load(file)


# --------------------------------------------------------------------------- real files
# A saved index opened from a file leaves its posting lists and texts there and reads them
# by offset: these tests go through that path (io.BytesIO above is read whole).


def saved_to(index: SearchIndex, path, meta: object = None) -> None:
    with path.open("wb") as file:
        save(index, file, meta)


def opened_from(path) -> SearchIndex:
    with path.open("rb") as file:
        copy, _ = load(file)
    return copy


def test_an_index_opened_from_a_file_answers_as_the_saved_one(index, tmp_path):
    path = tmp_path / "index"
    saved_to(index, path)
    copy = opened_from(path)  # the file object is closed: the index keeps its own
    assert answers(copy) == answers(index)
    # Nothing bulky was read into memory: the texts and postings stay in the file.
    assert copy._folded.in_memory == copy._originals.in_memory == 0
    assert copy._postings._flat.in_memory == 0


def test_changes_after_opening_live_beside_the_file_and_save_again(index, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    saved_to(index, first)
    copy = opened_from(first)
    for either in (index, copy):
        either.add_story(*story(9, "The lighthouse keeper fed the gulls every morning."))
        either.add_story(*story(7, "A zeppelin landed in the harbour at noon."))  # an edit
        either.remove_story(LEA)
    assert answers(copy) == answers(index)
    saved_to(copy, second)  # the file's part and the memory's part, in one new file
    first.unlink()  # and the first file may go: the new one stands alone
    again = opened_from(second)
    assert answers(again) == answers(index)
    assert again.search("lighthous keper")[0].story_id == 9
    for either in (again, index):
        either.compact()  # (a compaction changes scores: dead passages leave the counts)
    assert answers(again) == answers(index)


def test_replacing_the_file_does_not_disturb_an_index_that_opened_it(index, tmp_path):
    path = tmp_path / "index"
    saved_to(index, path)
    copy = opened_from(path)
    other = SearchIndex()
    other.add_story(*story(1, "Something else entirely about a quiet orchard."))
    temporary = tmp_path / "index.tmp"
    saved_to(other, temporary)
    temporary.replace(path)  # as the bot saves: a new file renamed over the old
    assert answers(copy) == answers(index)
    assert opened_from(path).search("quiet orchard")[0].story_id == 1


def test_a_file_cut_short_anywhere_is_refused(index, tmp_path):
    path = tmp_path / "index"
    saved_to(index, path)
    whole = path.read_bytes()
    for cut in sorted({1, 16, len(whole) // 3, len(whole) // 2, len(whole) - 30, len(whole) - 1}):
        path.write_bytes(whole[:cut])
        with pytest.raises(SnapshotUnusable):
            opened_from(path)


def test_a_damaged_section_read_at_open_is_refused(index, tmp_path):
    path = tmp_path / "index"
    saved_to(index, path)
    whole = bytearray(path.read_bytes())
    # The vocabulary: a flipped byte would make a word search for another.
    at = whole.index("\n".join(index._terms[:3]).encode())
    whole[at] ^= 0x20
    path.write_bytes(bytes(whole))
    with pytest.raises(SnapshotUnusable, match="damaged"):
        opened_from(path)


def test_an_emptied_and_compacted_index_saves_and_opens(tmp_path):
    index = SearchIndex()
    index.add_stories(seed_stories().items())
    for story_id in seed_stories():
        index.remove_story(story_id)
    index.compact()
    path = tmp_path / "index"
    saved_to(index, path)
    copy = opened_from(path)
    assert (len(copy), copy.story_count, copy.vocabulary_size) == (0, 0, 0)
    assert copy.search("eiffel tower") == []
    copy.add_story(*story(9, "The lighthouse keeper fed the gulls every morning."))
    assert copy.search("lighthous keper")[0].story_id == 9
