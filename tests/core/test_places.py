"""Whether the text treats a name as a place (bot/core/places.py)."""

from __future__ import annotations

import pytest

from bot.core.cast import Character
from bot.core.characters import extract_cast
from bot.core.characters.extract import place_in_sentence
from bot.core.parsing import split_passages
from bot.core.places import surely_a_place
from bot.core.stated import goes_to

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


def test_a_narrator_goes_where_the_narration_says_i_go_not_where_he_goes():
    passages = split_passages(
        "On the fourth day I went to Market Street myself. The dealer remembered the "
        "samovar; he had sold it again in January, to a merchant from Tula."
    )
    narrator = Character("the narrator", ("the narrator",), 2, 1, "protagonist")
    assert goes_to(passages, narrator, "Market Street")
    assert not goes_to(passages, narrator, "Tula")


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Eiffel Tower", "the Eiffel Tower"),
        ("Bolshoi Theatre", "the Bolshoi Theatre"),
        ("Fore Street", "Fore Street"),
        ("Hyde Park", "Hyde Park"),
        ("Paris", "Paris"),
        ("the Seine", "the Seine"),
    ],
)
def test_a_place_reads_in_a_sentence_with_the_article_it_takes(name, written):
    assert place_in_sentence(name) == written


def test_a_common_word_capitalised_once_after_the_is_no_place():
    text = (
        "He had the eye of a vulture. Whenever the eye fell upon me, my blood ran cold. "
        "So I made up my mind to rid myself of the Eye for ever."
    )
    assert [p.name for p in extract_cast(split_passages(text)).places] == []


def test_a_common_word_capitalised_as_a_place_the_text_goes_into_stays_one():
    text = "The park was wet. Later Tom walked into the Park and sat down. Tom slept."
    assert [p.name for p in extract_cast(split_passages(text)).places] == ["the Park"]


def test_what_a_ministry_is_of_is_part_of_its_name_not_a_place():
    text = (
        "He was a clerk of the Ministry of Public Instruction. Loisel went to the Ministry "
        "of Public Instruction every day. Loisel danced."
    )
    places = [p.name for p in extract_cast(split_passages(text)).places]
    assert "Public Instruction" not in places
