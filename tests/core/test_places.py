"""Whether the text treats a name as a place (bot/core/places.py)."""

from __future__ import annotations

import pytest

from bot.core.places import surely_a_place

TEXT = (
    "She stepped into the streets of Montmartre. A pipe of Amontillado waited. "
    "She rose like the goddess of Victory. They sailed to Lisbon. "
    "He lived on Quay Street, far from India."
)


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("Montmartre", True),  # the streets of it
        ("Lisbon", True),  # gone to
        ("Quay Street", True),  # its own words say so
        ("India", True),  # a country
        ("Amontillado", False),  # a wine
        ("Victory", False),  # a personification
    ],
)
def test_a_place_is_one_the_text_names_or_goes_to(name, place):
    assert surely_a_place(name, TEXT) is place


@pytest.mark.parametrize(
    ("name", "text", "place"),
    [
        # only ever "a …": a kind of state, not one anybody goes to
        ("Christian State", "They found it unfitted to a Christian State.", False),
        ("Imperial State", "Such a law belongs in an Imperial State.", False),
        # once with "a", once as a place one goes to: a place
        ("Orange State", "A Orange State man. They drove to the Orange State.", True),
        ("Maple Street", "She lived on Maple Street, a street like any other.", True),
    ],
)
def test_a_name_only_ever_after_a_or_an_is_not_a_place(name, text, place):
    assert surely_a_place(name, text) is place
