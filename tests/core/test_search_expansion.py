"""What a query word may stand for, and what it is worth (bot/core/search/planning.py)."""

from __future__ import annotations

from bot.core.search import SearchIndex
from tests.core.test_search import story


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
