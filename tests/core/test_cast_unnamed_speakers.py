"""A "he said" whose nearest man the story never names ("her father") is not given to
the last man it did name."""

from __future__ import annotations

from bot.core.characters import extract_cast
from bot.core.parsing import split_passages


def _lines(text: str) -> dict[str, list[str]]:
    cast = extract_cast(split_passages(text))
    return {c.name: [line.text for line in c.lines] for c in cast.characters}


def test_a_line_after_her_father_acts_is_not_her_lover_s():
    text = (
        "Nora loved Owen, who was kind and had tales of distant countries. Owen smiled.\n\n"
        "Of course, her father had found out the affair and had forbidden her to see him.\n\n"
        '"I know these sailor chaps," he said.'
    )
    assert "I know these sailor chaps" not in _lines(text).get("Owen", [])


def test_her_husband_is_the_named_husband_who_speaks():
    text = (
        "Mr. White came in from the garden. Mrs. White looked up as her husband sat down.\n\n"
        '"The wind is rising," he said.'
    )
    assert _lines(text)["Mr. White"] == ["The wind is rising"]


def test_an_epithet_the_cast_already_has_is_no_one_else():
    text = (
        "The old man rose and opened the door. Sergeant Morris came in.\n\n"
        "Morris sat by the fire. The old man poured the whisky.\n\n"
        '"Tell us about India," he said.'
    )
    assert _lines(text)["the old man"] == ["Tell us about India"]
