"""What a query word may stand for, and what it is worth (bot/core/search/planning.py)."""

from __future__ import annotations

import pytest

from bot.core.search import SearchIndex, ranking
from tests.core.test_search import story


@pytest.fixture
def low_walk_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A word read in more than 20 postings is too common to walk (10,000 at least in the
    bot): small libraries show what the limit does."""
    monkeypatch.setattr(ranking, "_MAX_CREATING_FLOOR", 20)


def test_a_rare_form_of_an_unknown_half_typed_word_does_not_set_its_weight() -> None:
    # The library has no "sash", but one passage has "sashes" and a few have rare words
    # starting with "sash". "sashes" used to set the word's cap as if "sash" were a rare
    # word typed in full: every junk completion then outweighed "mine", typed right, and
    # the passage holding "lantern" and "mine" came after five holding "lantern sash…".
    index = SearchIndex()
    junk = ("sashes", "sashu", "sashi", "sasho", "sashex")
    stories = [story(1, "A lantern of mine was lost at sea.")]
    stories += [story(2 + n, f"The {word} by the lantern.") for n, word in enumerate(junk)]
    stories += [story(10 + n, f"They wash the cups in the river, morning {n}.") for n in range(30)]
    stories += [story(50 + n, f"One of mine came back, evening {n}.") for n in range(10)]
    index.add_stories(stories)
    assert index.search("lantern mine sash")[0].story_id == 1
    # Typed in full, the plural is the word: its passage comes first.
    assert index.search("lantern mine sashes")[0].story_id == 2
    # Not the last word, so not half-typed: "sash" is the singular of "sashes".
    assert index.search("lantern sash mine")[0].story_id == 2


def test_a_rare_word_typed_also_stands_for_a_neighbour_as_rare() -> None:
    # "touche" (2 passages) typed for "stouche" (2 passages): a word that rare is no
    # proof the reader meant it. Only neighbours ten times more frequent used to be
    # searched, and the passage with "bustling stouche" came third, after two holding
    # "touche" alone.
    index = SearchIndex()
    stories = [
        story(1, "The bustling stouche of the harbour."),
        story(2, "A touche of red paint."),
        story(3, "A quiet touche at dusk."),
        story(4, "The stouche fell at dawn."),
    ]
    stories += [
        story(10 + n, f"The boats of the harbour came back, evening {n}.") for n in range(20)
    ]
    stories += [story(40 + n, f"A bustling market in the square, morning {n}.") for n in range(3)]
    index.add_stories(stories)
    assert index.search("bustling touche")[0].story_id == 1
    # Typed right, each word still finds its own passages first.
    assert {hit.story_id for hit in index.search("touche")[:2]} == {2, 3}
    assert {hit.story_id for hit in index.search("stouche")[:2]} == {1, 4}


def test_a_rare_word_typed_does_not_stand_for_an_as_rare_word_two_typos_away() -> None:
    # "gulls" (1 passage) is two typos from "walls" (1): a word that exists is seldom
    # two typos from the one meant. A server that cannot see "violet gulls" gets
    # nothing, not the walls.
    index = SearchIndex()
    stories = [
        story(1, "The keeper counted seventeen violet gulls."),
        story(2, "Candles lit the walls."),
    ]
    stories += [story(10 + n, f"The boats came back, evening {n}.") for n in range(40)]
    index.add_stories(stories)
    assert index.search("violet gulls", story_ids={2, *range(10, 50)}) == []


@pytest.mark.usefixtures("low_walk_limit")
def test_a_rare_word_with_common_neighbours_is_not_too_common_to_walk() -> None:
    # A word found in more passages than a limit (10,000 at least, here 20) creates no
    # candidates unless it is the query's rarest. "palon" (3 passages) has the common
    # "salon" one typo away, counted at re-ranking only: walking "palon" reads its own 3
    # postings. It used to be judged by all of its expansions (43 postings) and never
    # walked: only the passages with "zephyrine" were candidates.
    index = SearchIndex()
    stories = [
        story(1, "The palon by the river."),
        story(2, "A zephyrine sat there."),
        story(3, "Zephyrine slept."),
        story(4, "A palon again."),
        story(5, "Palon and more."),
    ]
    stories += [story(10 + n, f"The salon of the town, evening {n}.") for n in range(40)]
    index.add_stories(stories)
    found = [hit.story_id for hit in index.search("zephyrine palon")]
    assert found[:2] == [3, 2]  # the rarest word first
    assert set(found[2:]) == {1, 4, 5}


@pytest.mark.usefixtures("low_walk_limit")
def test_the_common_completions_of_a_rare_last_word_are_walked() -> None:
    # "aga" is a word of the library (2 passages) and the start of "again" (11). Worth
    # far less than the rare word typed, "again" was a weak expansion, counted only for
    # passages other words had found; "world" is too common to walk (the limit lowered
    # from 10,000 postings to 20 here), so the passage holding "world" and "again" was
    # never a candidate.
    index = SearchIndex()
    stories = [
        story(1, "The aga stood still."),
        story(2, "An aga by the door."),
        story(3, "She walked out into the world again."),
    ]
    stories += [story(10 + n, f"The world turned, evening {n}.") for n in range(40)]
    stories += [story(60 + n, f"Again the bells rang, morning {n}.") for n in range(10)]
    index.add_stories(stories)
    found = [hit.story_id for hit in index.search("world aga")]
    assert 3 in found[:3]
    # Typed in full, the rare word still finds its own passages first.
    assert {hit.story_id for hit in index.search("aga")[:2]} == {1, 2}


@pytest.mark.usefixtures("low_walk_limit")
def test_a_rare_last_words_completions_are_walked_only_within_the_limit() -> None:
    # The walk of "aga" may read 20 postings here: "agate" (5 passages) fits, "again"
    # (30) does not, so only the passage with "world" and "agate" becomes a candidate.
    index = SearchIndex()
    stories = [
        story(1, "The aga stood still."),
        story(2, "An aga by the door."),
        story(3, "She walked out into the world again."),
        story(4, "The world shone like an agate."),
    ]
    stories += [story(10 + n, f"The world turned, evening {n}.") for n in range(40)]
    stories += [story(60 + n, f"Again the bells rang, morning {n}.") for n in range(29)]
    stories += [story(100 + n, f"An agate ring, night {n}.") for n in range(4)]
    index.add_stories(stories)
    found = [hit.story_id for hit in index.search("world aga")]
    assert 4 in found
    assert 3 not in found
