"""What re-ranking prefers: the query's words in a run, the query's order in a tie, and
a half-typed last word weighed as the words it may be the start of (ranking.py,
proximity.py, planning.py).

Readers type a window of the passage they remember, perturbed: words swapped, one
dropped or added, the last one cut short. The passage they meant holds the words they
typed side by side, in some order.
"""

from __future__ import annotations

from bot.core.models import Passage
from bot.core.search import SearchIndex
from bot.core.search.proximity import query_words_of, words_held_together


def story(story_id: int, text: str) -> tuple[int, list[Passage]]:
    return story_id, [Passage(1, text, 0, len(text))]


def ranked(stories: list[tuple[int, list[Passage]]], query: str) -> list[int]:
    index = SearchIndex()
    index.add_stories(stories)
    return [hit.story_id for hit in index.search(query, limit=10)]


QUERY_WORDS = query_words_of(
    {"and": [(0, 0.3)], "their": [(1, 2.2)], "lanterns": [(2, 3.2)], "lantern": [(2, 2.9)]}
)


def test_a_run_counts_each_query_word_once_in_any_order() -> None:
    assert words_held_together("by the lanterns and their keepers".split(), QUERY_WORDS) == 3
    # Two forms of one query word side by side are still one query word.
    assert words_held_together("their lantern lanterns".split(), QUERY_WORDS) == 2
    # A word that is not the query's ends the run; the longest run is kept.
    assert words_held_together("their dim lanterns and".split(), QUERY_WORDS) == 2
    assert words_held_together("nothing at all".split(), QUERY_WORDS) == 0


def test_what_a_contraction_leaves_does_not_break_a_run() -> None:
    # "her family's sea" is folded "her family s sea": the "s" is a piece of "family".
    words = query_words_of({"her": [(0, 0.3)], "sea": [(1, 5.3)], "family": [(2, 2.1)]})
    assert words_held_together("her family s sea".split(), words) == 3
    assert words_held_together("her family a sea".split(), words) == 2


def test_a_window_typed_in_another_order_finds_the_passage_holding_it_in_a_run() -> None:
    # The reader remembers "the lanterns and their keepers" and types "and their
    # lanterns". Every passage holds the three words; rapidfuzz's phrase score, which
    # follows the letters in the typed order, preferred "their lanterns swayed ... and"
    # (95.0) to the passage holding the three side by side (93.3).
    stories = [
        story(1, "In the soft light their lanterns swayed, blurring into each other and the dusk."),
        story(2, "Through the lanterns and the smoke their faces blurred."),
        story(3, "Late at night the lanterns and their keepers slept by the gate."),
        *[story(100 + n, f"The orchard {n} was quiet and nothing moved.") for n in range(30)],
    ]
    assert ranked(stories, "and their lanterns")[0] == 3


def test_a_run_bridges_a_contraction() -> None:
    stories = [
        *[
            story(n, f"The sea {n} was grey, and her her family sat by the fire.")
            for n in range(12)
        ],
        story(40, "She never forgot her family's sea, grey and wide."),
    ]
    assert ranked(stories, "her sea family")[0] == 40


def test_a_tie_of_runs_puts_the_query_typed_order_first() -> None:
    # All hold the four words in a run, so their phrase scores tie at 100; the one
    # holding them in the order typed is the reader's, though it is the newest.
    stories = [
        *[
            story(n, f"She hummed {n} as she walked, lanes through the winding hills.")
            for n in range(1, 13)
        ],
        story(40, "She went through the winding lanes at dusk, humming."),
    ]
    assert ranked(stories, "through the winding lanes")[0] == 40


def test_a_half_typed_last_word_the_library_has_weighs_as_the_words_it_starts() -> None:
    # "wom" is a rare word of the library (a frog's name, here), and the start of the
    # common "woman". Weighed as typed, it was most of the query's weight: the passages
    # with the frog and the other words scattered came before the one with every
    # word, "woman" included, side by side.
    stories = [
        *[
            story(
                n,
                f"The wom {n} of the marsh croaked while she walked past the smile of"
                " the moon and approached the gate.",
            )
            for n in range(1, 6)
        ],
        *[story(10 + n, f"A woman {n} sold bread at the market.") for n in range(1, 30)],
        story(50, "With a warm smile she approached the woman by the fountain."),
    ]
    assert ranked(stories, "smile she approached the wom")[0] == 50
