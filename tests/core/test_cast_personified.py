"""An O. Henry-shaped story (tests/data/characters/leaf.txt): an illness personified with
a title, Art as "his Mistress", a painter named as a kind of beard, a doctor described
and never named, two women whose talk the narration tags with "she said"."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.cast import Cast
from bot.core.characters import extract_cast
from bot.core.parsing import parse_story, split_passages

LEAF = Path(__file__).resolve().parents[1] / "data" / "characters" / "leaf.txt"


def _cast() -> Cast:
    return extract_cast(parse_story(LEAF.read_bytes(), LEAF.name).passages)


def test_the_people_a_reader_would_list_are_there():
    assert {"Johnsy", "Sue", "Behrman", "the doctor"} <= {c.name for c in _cast().characters}


@pytest.mark.parametrize("name", ["Pneumonia", "Mr. Pneumonia", "Mistress", "Michael Angelo"])
def test_an_illness_art_and_a_kind_of_beard_are_no_one(name):
    assert all(name not in c.aliases for c in _cast().characters)


def test_a_he_after_a_titled_man_named_later_says_nothing_of_her():
    # "Sue found Behrman … in his dimly lighted den": the his is Mr. Behrman's.
    sue = _cast().find("Sue")
    assert sue is not None and sue.gender != "m"


def test_the_doctor_s_lines_are_not_put_in_her_mouth():
    sue = _cast().find("Sue")
    assert sue is not None
    assert not any("one chance" in line.text for line in sue.lines)


def test_a_described_doctor_s_he_said_is_the_doctor_s():
    text = (
        "The doctor came at noon. The doctor frowned.\n\n"
        "One morning the busy doctor invited Sue into the hallway.\n\n"
        '"She has one chance in ten," he said.'
    )
    cast = {
        c.name: [line.text for line in c.lines]
        for c in extract_cast(split_passages(text)).characters
    }
    assert cast.get("the doctor") == ["She has one chance in ten"]
    assert "She has one chance in ten" not in cast.get("Sue", [])


DESIREE = LEAF.with_name("desiree.txt")


def _lines_of(path: Path) -> dict[str, list[str]]:
    cast = extract_cast(parse_story(path.read_bytes(), path.name).passages)
    return {c.name: [line.text for line in c.lines] for c in cast.characters}


def test_she_exclaimed_after_she_kissed_her_is_the_subject_s():
    # "Madame Valmondé bent her portly figure over Hélène and kissed her." /
    # "This is not the baby!" she exclaimed.
    lines = _lines_of(DESIREE)
    assert "This is not the baby!" in lines["Madame Valmondé"]
    assert "This is not the baby!" not in lines["Hélène"]


def test_a_letter_to_someone_is_not_in_their_mouth():
    # "She wrote to Madame Valmondé." / "My mother, they tell me I am not white."
    lines = _lines_of(DESIREE)
    assert not any(line.startswith("My mother") for line in lines["Madame Valmondé"])
    # "…not from Hélène; … an old letter from his mother": not Hélène's words either.
    assert not any("night and day" in line for line in lines["Hélène"])


def test_her_gender_survives_a_he_after_another_name_and_an_object_place():
    genders = {
        c.name: c.gender
        for c in extract_cast(parse_story(DESIREE.read_bytes(), DESIREE.name).passages).characters
    }
    assert genders["Hélène"] == "f"
