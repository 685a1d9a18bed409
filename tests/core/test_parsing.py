import pytest

from bot.core.parsing import (
    MAX_STORY_BYTES,
    content_hash,
    derive_title,
    is_section_break,
    italic_names,
    parse_story,
    parse_story_text,
    readable_passages,
    split_passages,
    without_emphasis,
)
from bot.errors import StoryRejected
from tests.conftest import SEED_STORIES

BODY = "Anna Karlsson walked to the harbour.\n\nAnna saw the boats.\n\nAnna smiled at them all."


def test_seed_stories_get_titles_from_their_protagonists():
    titles = [parse_story(p.read_bytes(), p.name).title for p in SEED_STORIES]
    assert titles == [
        "The Story of Valérie Ivanov",
        "The Story of Zoe Kuznetsova",
        "The Story of Léa Roux",
    ]


def test_passages_are_numbered_paragraphs_with_offsets_into_the_body():
    parsed = parse_story_text(BODY)
    assert [p.number for p in parsed.passages] == [1, 2, 3]
    for passage in parsed.passages:
        assert parsed.body[passage.start : passage.end] == passage.text
    assert parsed.passages[1].text == "Anna saw the boats."


def test_bom_crlf_and_decomposed_accents_are_normalised():
    decomposed = (
        "Title: Cafe\u0301 Noir\r\n\r\nVale\u0301rie drank coffee in the rain.\r\n\r\nThen left."
    )
    parsed = parse_story(b"\xef\xbb\xbf" + decomposed.encode())
    assert parsed.title == "Café Noir"
    assert "\r" not in parsed.body
    assert parsed.passages[0].text == "Valérie drank coffee in the rain."


def test_title_and_author_headers_in_any_order():
    parsed = parse_story_text("Author: Jo March\nTitle: Little Stories\n\n" + BODY)
    assert (parsed.title, parsed.author) == ("Little Stories", "Jo March")
    assert parsed.body.startswith("Anna Karlsson")
    assert not parsed.title_was_derived


def test_markdown_heading_is_the_title():
    parsed = parse_story_text("# The Harbour\n\n" + BODY)
    assert parsed.title == "The Harbour"
    assert len(parsed.passages) == 3


@pytest.mark.parametrize(
    ("opening", "title", "author"),
    [
        ("The Harbour\n\n", "The Harbour", None),
        ("THE GIFT OF THE HARBOUR\n\nby O. Writer\n\n", "The Gift of the Harbour", "O. Writer"),
        ("\n\nThe Harbour\n\n\nBy Jo March\n\n", "The Harbour", "Jo March"),
    ],
)
def test_a_first_line_that_reads_as_a_title_is_the_title(opening, title, author):
    parsed = parse_story_text(opening + BODY)
    assert (parsed.title, parsed.author) == (title, author)
    assert parsed.body == BODY
    assert not parsed.title_was_derived


@pytest.mark.parametrize(
    "opening",
    [
        "It was late.\n\n",
        '"Wait," she said\n\n',
        "II\n\n",
        "Chapter One\n\n",
        "Prologue\n\n",
        "London, 1888\n\n",
        "Paris, March 3\n\n",
    ],
)
def test_a_first_line_that_is_story_or_heading_stays_in_the_story(opening):
    parsed = parse_story_text(opening + BODY)
    assert parsed.body == opening + BODY
    assert parsed.title_was_derived


def test_a_title_line_is_taken_out_only_when_it_is_the_given_title():
    kept = parse_story_text("The Harbour\n\n" + BODY, title="Boats")
    assert (kept.title, kept.body) == ("Boats", "The Harbour\n\n" + BODY)
    same = parse_story_text("The Harbour\n\n" + BODY, title="the harbour")
    assert same.body == BODY


def test_a_title_line_needs_a_story_after_it():
    parsed = parse_story_text("The Harbour\n\nby Jo March\n\nThe end, at last.")
    assert parsed.body.startswith("The Harbour")


def test_derived_title_skips_a_section_number():
    assert derive_title("I\n\nit was raining on the quiet town that night, again.") == (
        "it was raining on the quiet town that"
    )


def test_untitled_story_gets_a_derived_title():
    parsed = parse_story_text(BODY)
    assert parsed.title == "The Story of Anna Karlsson"
    assert parsed.title_was_derived


def test_story_without_names_is_titled_by_its_first_words():
    assert derive_title("it was raining on the quiet town that night, again.") == (
        "it was raining on the quiet town that"
    )


def test_hard_wrapped_paragraph_reads_as_one_line():
    (passage,) = split_passages("one line\nwrapped here\n  and here")
    assert passage.text == "one line wrapped here and here"


def test_hash_ignores_headers_and_trailing_spaces():
    plain = parse_story_text(BODY)
    with_header = parse_story_text("Title: Other\n\n" + BODY.replace("boats.", "boats.   "))
    assert plain.content_hash == with_header.content_hash == content_hash(BODY)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "is empty"),
        (b"  \n\n \t", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Valérie est partie.".encode("latin-1"), "not UTF-8"),
        (b"a" * (MAX_STORY_BYTES + 1), "limit is 200 KB"),
        (b"Title: Only a title\n\n", "no story text"),
        (b"\x01\x02\x03\x04\x05 some text with controls \x06\x07", "control characters"),
    ],
)
def test_bad_input_is_rejected_with_a_one_line_reason(raw, reason):
    with pytest.raises(StoryRejected) as caught:
        parse_story(raw, "story.txt")
    assert reason in caught.value.message
    assert "\n" not in caught.value.message


def test_overlong_title_is_rejected():
    with pytest.raises(StoryRejected, match="title"):
        parse_story_text("Title: " + "x" * 200 + "\n\n" + BODY)


GUTENBERG = (
    "Title: The Bet\n\nI\n\nIt was a dark _autumn_ night--the old banker was pacing.\n\n"
    "II.\n\nThe lawyer wore a _béret_ all year."
)


def test_published_conventions_are_read_as_text_and_the_original_is_kept():
    parsed = parse_story_text(GUTENBERG)
    assert parsed.passages[0].text == "I"  # stored as written
    assert "_autumn_" in parsed.body and "--" in parsed.body
    readable = readable_passages(parsed.passages)
    assert [p.number for p in readable] == [2, 4]  # numbers are the reader's
    assert readable[0].text == "It was a dark autumn night—the old banker was pacing."
    assert readable[1].text == "The lawyer wore a béret all year."


@pytest.mark.parametrize(
    ("text", "is_break"),
    [
        ("I", True),
        ("II.", True),
        ("3.", True),
        ("* * *", True),
        ("---", True),
        ("- - -", True),
        ("___", True),
        ("CHAPTER IV", True),
        ("Chapter 2.", True),
        ("Part II", True),
        ("Chapter and verse", False),
        ("I went.", False),
        ("A", False),
        ("--", False),
    ],
)
def test_section_numbers_alone_are_breaks(text, is_break):
    assert is_section_break(text) is is_break


FAN_FICTION = (
    "# Stardust\n\n*A/N: for the winter exchange. Thanks to my beta, Kestrel!*\n\n---\n\n"
    "The bridge of the *Meridian* hummed. Imara read the **report** twice.\n\n"
    "Disclaimer: I own nothing.\n\nThe *Meridian* turned for home, and Imara slept."
)


def test_authors_notes_and_markdown_are_read_as_the_story_they_surround():
    parsed = parse_story_text(FAN_FICTION)
    readable = readable_passages(parsed.passages)
    assert [p.number for p in readable] == [3, 5]
    assert readable[0].text == "The bridge of the Meridian hummed. Imara read the report twice."


def test_names_only_ever_in_italics_are_titles_not_people():
    parsed = parse_story_text(FAN_FICTION)
    assert italic_names(parsed.passages) == {"Meridian"}
    roman = parse_story_text(FAN_FICTION + "\n\nThe Meridian was old.")
    assert italic_names(roman.passages) == set()


def test_a_text_without_its_emphasis_keeps_its_marked_words_marked():
    text = "A freighter, the *Hollow Bell*, drifted; **Status**, _she_ said."
    hollow = text.index("Hollow Bell")
    status = text.index("Status")
    kept, (first, second) = without_emphasis(text, [(hollow, hollow + 11), (status, status + 6)])
    assert kept == "A freighter, the Hollow Bell, drifted; Status, she said."
    assert kept[first[0] : first[1]] == "Hollow Bell"
    assert kept[second[0] : second[1]] == "Status"
    assert without_emphasis("2 * 3 = 6", [(0, 1)]) == ("2 * 3 = 6", ((0, 1),))
