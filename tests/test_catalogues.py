"""The precomputed ranking ranks as the plain one; catalogues follow every change."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.app.catalogues import catalogues_of
from bot.app.lookup import character_choices, story_choices
from bot.core.characters import extract_cast
from bot.core.matching import key_words, rank_by_words
from bot.core.parsing import parse_story_text
from bot.core.text import fold
from bot.core.word_index import IndexView, WordIndex
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


QUERIES = ("", "harb", "ines varga", "mo", "lerie", "the quay", "orla", "renamed")


def _shape(catalogue: object) -> object:
    """What a catalogue answers with, comparable between two catalogues (by story id
    and character name, so that two builds numbering alike is not assumed)."""
    from bot.app.catalogue_views import CharacterCatalogue, StoryCatalogue, character_value

    if isinstance(catalogue, StoryCatalogue):
        return (
            list(catalogue.stories),
            [catalogue.exact(s.slug) for s in catalogue.stories],
            [catalogue.exact(s.title.upper()) for s in catalogue.stories],
            [
                [(catalogue.at(n).id, score) for n, score in catalogue.index.rank(q)]
                for q in QUERIES
            ],
        )
    assert isinstance(catalogue, CharacterCatalogue)

    def named(number: int) -> tuple[int, str]:
        story, character = catalogue.at(number)
        return story.id, character.name

    entries = list(catalogue.entries)
    return (
        entries,
        [named(n) for s, c in entries if (n := catalogue.with_value(character_value(s, c)))],
        [[named(n) for n in catalogue.with_alias(fold(a))] for _s, c in entries for a in c.aliases],
        [[(named(n), score) for n, score in catalogue.index.rank(q)] for q in QUERIES],
        [[(named(n), score) for n, score in catalogue.names.rank(q)] for q in QUERIES],
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


def test_a_view_ranks_exactly_as_rank_by_words_over_the_keys_it_shows() -> None:
    """The built-in index minus hidden keys, plus a server's own: the same ranking as
    one computed over exactly the keys the server sees (hidden keys' words included,
    which may have been where a word was first seen)."""
    rng = random.Random(12)
    for _ in range(40):
        base = [
            tuple(key_words(*(_word(rng) for _ in range(rng.randint(1, 4))))) for _ in range(50)
        ]
        own = [tuple(key_words(*(_word(rng) for _ in range(rng.randint(1, 4))))) for _ in range(8)]
        own = own[: rng.choice([0, 1, 8])]
        hidden = sorted(rng.sample(range(len(base)), rng.choice([0, 1, 5])))
        view = IndexView(
            WordIndex(base),
            hidden,
            WordIndex(own) if own else None,
            base_keys=base,
            extra_keys=own,
        )
        numbers = [n for n in range(len(base)) if n not in hidden]
        numbers += [len(base) + n for n in range(len(own))]
        shown = [base[n] if n < len(base) else own[n - len(base)] for n in numbers]
        for _ in range(10):
            typed = " ".join(_word(rng)[: rng.randint(1, 6)] for _ in range(rng.randint(0, 3)))
            expected = [(numbers[i], score) for i, score in rank_by_words(typed, shown, 25)]  # type: ignore[arg-type]
            assert view.rank(typed, 25) == expected, (typed, hidden, len(own))


async def test_servers_share_the_built_in_layer_and_see_only_their_own(tmp_path: Path) -> None:
    """A built-in hidden in one server is never suggested or resolved there, and still is
    elsewhere; a server's own story is never in another's; every server's catalogue
    stands on one built-in layer (the same objects), before and after changes."""
    from bot.app.lookup import find_visible_character, find_visible_story
    from bot.errors import NotFound

    async with await Store.open(tmp_path / "db.sqlite3") as store:
        added = {}
        for title, name, guild_id in [
            ("Harbour", "Orla", None),
            ("Harbour Lights", "Ines", None),
            ("Harbour Bells", "Maeve", 2),
        ]:
            parsed = parse_story_text(_story(title, name))
            story = await store.stories.add_story(
                parsed, guild_id=guild_id, cast=extract_cast(parsed.passages)
            )
            added[title] = story.id
        await store.stories.set_hidden(1, added["Harbour Lights"], actor_id=9, hidden=True)
        catalogues = catalogues_of(store)

        async def seen(guild_id: int) -> tuple[list[str], list[str]]:
            stories = [v for _, v in await story_choices(store, guild_id, "harb")]
            names = [
                label
                for typed in ("orla", "ines", "maeve", "varga")
                for label, _ in await character_choices(store, guild_id, typed)
            ]
            return sorted(stories), sorted({label.split()[0] for label in names})

        assert await seen(1) == (["harbour"], ["Orla"])
        assert await seen(2) == (
            ["harbour", "harbour-bells", "harbour-lights"],
            ["Ines", "Maeve", "Orla"],
        )
        assert await seen(3) == (["harbour", "harbour-lights"], ["Ines", "Orla"])
        with pytest.raises(NotFound, match="hidden in this server"):
            await find_visible_story(store, 1, "Harbour Lights")
        assert (await find_visible_story(store, 3, "Harbour Lights")).id == added["Harbour Lights"]
        for guild_id in (1, 3):
            try:
                found = await find_visible_story(store, guild_id, "Harbour Bells")
            except NotFound:
                pass
            else:
                assert found.id != added["Harbour Bells"]
            with pytest.raises(NotFound):
                await find_visible_character(store, guild_id, "Maeve Varga")
            with pytest.raises(NotFound):
                await find_visible_character(store, guild_id, "harbour-bells/Maeve Varga")
        with pytest.raises(NotFound, match="hidden in this server"):
            await find_visible_character(store, 1, "Ines Varga")
        assert (await find_visible_character(store, 2, "Maeve")).story.id == added["Harbour Bells"]

        listed = {g: [s.slug for s in (await catalogues.stories(g)).stories] for g in (1, 2, 3)}
        assert listed == {
            1: ["harbour"],
            2: ["harbour", "harbour-lights", "harbour-bells"],
            3: ["harbour", "harbour-lights"],
        }
        second = (await catalogues.stories(2)).stories
        assert [s.slug for s in second[1:]] == ["harbour-lights", "harbour-bells"]
        assert second[-1].slug == "harbour-bells" and len(second) == 3
        assert [s.slug for s, _c in (await catalogues.characters(1)).entries] == ["harbour"]
        views = [await catalogues.characters(guild_id) for guild_id in (1, 2, 3)]
        assert views[0].base is views[1].base is views[2].base
        assert views[2].entries is views[2].base.entries  # nothing of its own: no copy at all
        # Changes follow: server 1 shows its hidden story again, server 2's is removed.
        await store.stories.set_hidden(1, added["Harbour Lights"], actor_id=9, hidden=False)
        await store.stories.remove_story(added["Harbour Bells"], actor_id=9)
        assert await seen(1) == (["harbour", "harbour-lights"], ["Ines", "Orla"])
        assert await seen(2) == (["harbour", "harbour-lights"], ["Ines", "Orla"])
        assert (await catalogues.stories(1)).base is (await catalogues.stories(2)).base
