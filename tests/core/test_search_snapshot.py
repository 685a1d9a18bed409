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
