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
