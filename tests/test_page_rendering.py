"""Reading pages: published texts shown as a reader expects them."""

from __future__ import annotations

from bot.discord_adapter.rendering import SECTION_BREAK, published


def test_a_page_shows_italics_as_italics_and_a_section_number_as_a_break():
    shown = published("II\n\nShe wore a _béret_--and *smiled*.")
    assert shown == f"{SECTION_BREAK}\n\nShe wore a *béret*—and *smiled*."


def test_markdown_emphasis_and_rules_read_as_in_a_book():
    shown = published("The *Meridian* hummed. **Status**, she said.\n\n---\n\n2 * 3 = 6 *sic")
    assert shown == (
        f"The *Meridian* hummed. **Status**, she said.\n\n{SECTION_BREAK}\n\n2 \\* 3 = 6 \\*sic"
    )


def test_a_chapter_heading_keeps_its_words():
    assert published("CHAPTER IV\n\nIt rained.") == "**CHAPTER IV**\n\nIt rained."
