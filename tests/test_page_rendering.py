"""Reading pages: published texts shown as a reader expects them."""

from __future__ import annotations

from bot.discord_adapter.rendering import SECTION_BREAK, published


def test_a_page_shows_italics_as_italics_and_a_section_number_as_a_break():
    shown = published("II\n\nShe wore a _béret_--and *smiled*.")
    assert shown == f"{SECTION_BREAK}\n\nShe wore a *béret*—and \\*smiled\\*."
