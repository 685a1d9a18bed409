"""A Project Gutenberg download read as the story it holds (bot/core/gutenberg.py)."""

from __future__ import annotations

from bot.core.gutenberg import unwrap_gutenberg
from bot.core.parsing import parse_story_text

STORY = (
    "Mr. and Mrs. Tregarthen kept the light on Gull Rock for nineteen\n"
    "years, and in all that time they quarrelled only about the stranger.\n\n"
    "He came ashore in the autumn of the great gale."
)
DOWNLOAD = (
    "The Project Gutenberg eBook of The Keeper's Wife\n\n"
    "This ebook is for the use of anyone anywhere at no cost.\n\n"
    "Title: The Keeper's Wife\n\nAuthor: M. Hale\n\nRelease date: June 1, 2001 [eBook #2776]\n\n"
    "*** START OF THE PROJECT GUTENBERG EBOOK THE KEEPER'S WIFE ***\n\n"
    "Produced by Jo March and the Online Distributed Proofreading Team\n\n\n\n"
    "THE KEEPER'S WIFE\n\nBy M. Hale\n\n\n" + STORY + "\n\n"
    "*** END OF THE PROJECT GUTENBERG EBOOK THE KEEPER'S WIFE ***\n\n"
    "Updated editions will replace the previous one--the old editions will be renamed.\n"
)


def test_a_download_is_the_story_between_its_start_and_end_lines():
    parsed = parse_story_text(DOWNLOAD)
    assert (parsed.title, parsed.author) == ("The Keeper's Wife", "M. Hale")
    assert parsed.body == STORY
    assert not parsed.title_was_derived


def test_an_older_end_line_ends_the_story_too():
    older = DOWNLOAD.replace(
        "*** END OF THE PROJECT GUTENBERG EBOOK THE KEEPER'S WIFE ***",
        "End of the Project Gutenberg EBook of The Keeper's Wife, by M. Hale",
    )
    assert parse_story_text(older).body == STORY


def test_a_text_without_the_markers_is_left_as_it_is():
    text = "Title: Gutenberg Days\n\nThe Project Gutenberg volunteers met on Fridays."
    assert unwrap_gutenberg(text).text == text
    assert parse_story_text(text).title == "Gutenberg Days"
