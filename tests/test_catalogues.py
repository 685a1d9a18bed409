"""The precomputed ranking ranks as the plain one; catalogues follow every change."""

from __future__ import annotations

import random
from pathlib import Path

from bot.app.catalogues import catalogues_of
from bot.app.lookup import character_choices, story_choices
from bot.core.characters import extract_cast
from bot.core.matching import key_words, rank_by_words
from bot.core.parsing import parse_story_text
from bot.core.word_index import WordIndex
from bot.storage import Store

SYLLABLES = ["va", "le", "rie", "mo", "ran", "ka", "thi", "su", "no", "él", "bri", "dge"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))


def test_the_word_index_ranks_exactly_as_rank_by_words() -> None:
    rng = random.Random(16)
    for _ in range(40):
        keys = [key_words(*(_word(rng) for _ in range(rng.randint(1, 4)))) for _ in range(60)]
        index = WordIndex(keys)
        for _ in range(10):
            typed = " ".join(_word(rng)[: rng.randint(1, 6)] for _ in range(rng.randint(0, 3)))
            assert index.rank(typed, 25) == rank_by_words(typed, keys, 25), typed


def _story(title: str, name: str) -> str:
    return f"Title: {title}\n\n{name} Varga walked to the quay.\n\n{name} Varga came home at dusk."


async def test_autocomplete_sees_what_another_process_adds(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    async with await Store.open(path) as store, await Store.open(path) as other:
        await store.stories.add_story(parse_story_text(_story("Harbour", "Orla")), guild_id=None)
        assert [v for _, v in await story_choices(store, 1, "harb")] == ["harbour"]
        built = catalogues_of(store).version
        # Another process (conteur load) adds a story: the next keystroke knows it.
        lights = parse_story_text(_story("Harbour Lights", "Ines"))
        await other.stories.add_story(lights, guild_id=None, cast=extract_cast(lights.passages))
        values = [v for _, v in await story_choices(store, 1, "harb")]
        assert sorted(values) == ["harbour", "harbour-lights"]
        assert catalogues_of(store).version != built
        assert any("Ines" in label for label, _ in await character_choices(store, 1, "ines"))


async def test_a_catalogue_is_built_once_for_many_keystrokes(tmp_path: Path) -> None:
    async with await Store.open(tmp_path / "db.sqlite3") as store:
        await store.stories.add_story(parse_story_text(_story("Harbour", "Orla")), guild_id=None)
        await story_choices(store, 1, "h")
        first = await catalogues_of(store).stories(1)
        await story_choices(store, 1, "ha")
        assert await catalogues_of(store).stories(1) is first


def test_every_text_close_enough_to_be_a_near_duplicate_is_a_candidate() -> None:
    """The word-count window never drops a text that could score 95 %."""
    from rapidfuzz import fuzz

    from bot.app.moderation import _comparable_word_counts
    from bot.core.duplicates import NEAR_DUPLICATE_SCORE

    rng = random.Random(5)
    for _ in range(200):
        text = " ".join(_word(rng) for _ in range(rng.randint(5, 400)))
        chars = list(text)
        for _ in range(rng.randint(0, len(chars) // 20)):  # up to 5 % of characters
            position = rng.randrange(len(chars))
            chars[position] = rng.choice([" ", "a", ""])
        other = "".join(chars)
        if fuzz.ratio(text, other) < NEAR_DUPLICATE_SCORE:
            continue
        low, high = _comparable_word_counts(len(text.split()))
        assert low <= len(other.split()) <= high, (len(text.split()), len(other.split()))


def _shape(catalogue: object) -> object:
    """What a catalogue answers with, comparable between two catalogues."""
    from bot.app.catalogues import CharacterCatalogue, StoryCatalogue

    if isinstance(catalogue, StoryCatalogue):
        index = catalogue.index
        return (
            catalogue.stories,
            catalogue.by_slug,
            catalogue.by_title,
            index.frequency,
            dict(index.postings),
        )
    assert isinstance(catalogue, CharacterCatalogue)
    return (
        catalogue.entries,
        catalogue.by_value,
        catalogue.by_alias,
        dict(catalogue.index.postings),
        dict(catalogue.names.postings),
    )


async def test_a_catalogue_amended_after_changes_is_the_one_built_afresh(tmp_path: Path) -> None:
    """Adds, edits, hides, removals and restores by two processes: the catalogue amended
    story by story answers exactly as one built from scratch, and the parts of stories
    that did not change are reused, not recomputed."""
    from bot.app.catalogues import Catalogues

    path = tmp_path / "db.sqlite3"
    rng = random.Random(3)
    async with await Store.open(path) as store, await Store.open(path) as other:
        ids = []
        for number in range(12):
            name = _word(rng).title()
            parsed = parse_story_text(_story(f"{_word(rng).title()} {number}", name))
            added = await store.stories.add_story(
                parsed, guild_id=None if number % 3 else 1, cast=extract_cast(parsed.passages)
            )
            ids.append(added.id)
        kept = Catalogues(store)
        for guild_id in (1, 2):
            await kept.characters(guild_id)
        untouched = kept._casts[ids[1]]
        edited = parse_story_text(_story("Renamed Harbour", "Ines"))
        await other.stories.replace_story(
            ids[4], edited, actor_id=9, cast=extract_cast(edited.passages)
        )
        await store.stories.set_hidden(1, ids[2], actor_id=9, hidden=True)
        await other.stories.remove_story(ids[3], actor_id=9)
        await store.stories.remove_story(ids[5], actor_id=9)
        await store.stories.restore_story(ids[5], actor_id=9)
        late = parse_story_text(_story("Aaron's Quay", "Orla"))
        await other.stories.add_story(late, guild_id=2, cast=extract_cast(late.passages))
        for guild_id in (1, 2):
            fresh = Catalogues(store)
            assert _shape(await kept.stories(guild_id)) == _shape(await fresh.stories(guild_id))
            assert _shape(await kept.characters(guild_id)) == _shape(
                await fresh.characters(guild_id)
            )
        assert kept._casts[ids[1]] is untouched
        assert ids[3] not in kept._casts
