"""Finding the sentence that answers a reader's question (bot/core/answering.py)."""

from __future__ import annotations

from bot.core.answering import find_answer, question_kind
from bot.core.cast import SUPPORTING, Character
from bot.core.parsing import split_passages
from bot.core.wordforms import base_form

STORY = split_passages(
    "Old Tom Hale kept the inn at the crossroads. He had one treasure, a silver watch.\n\n"
    "At four o'clock it was still dark as midnight. Two soldiers came to the door "
    "and knocked until Hale let them in.\n\n"
    "Hale was poor that winter. In the end he sold the watch to pay for the roof.\n\n"
    "His daughter Nell married a miller from the valley."
)
HALE = Character(
    name="Tom Hale",
    aliases=("Old Tom Hale", "Tom Hale", "Hale"),
    mentions=3,
    first_passage=1,
    role=SUPPORTING,
    gender="m",
)


def answer(question: str) -> list[str]:
    return [found.text for found in find_answer(question, [("The Inn", STORY)], [HALE])]


def test_the_answer_is_the_next_sentence_when_the_first_only_repeats_the_question():
    assert "Two soldiers came to the door and knocked until Hale let them in." in answer(
        "Who came to the inn at four o'clock?"
    )


def test_word_forms_match_and_a_character_is_any_of_their_names():
    assert "In the end he sold the watch to pay for the roof." in answer("What did Tom Hale sell?")


def test_nothing_answers_so_nothing_is_quoted():
    assert answer("What colour was the miller's horse?") == []
    assert answer("What is Nell's husband's name?") == []


def test_question_kinds_and_word_forms():
    assert question_kind("Who came?") == "who"
    assert question_kind("How many soldiers came?") == "number"
    assert question_kind("Why did he sell it?") == "why"
    assert {base_form(w) for w in ("sold", "sells", "selling")} == {"sell"}
    assert base_form("hid") == base_form("hides") == base_form("hide")


def test_a_name_is_given_only_by_a_sentence_that_gives_one():
    story = split_passages(
        "Her name was like a summons to me. I never spoke it.\n\n"
        "Her brother was a clerk named Tom Byrne. Tom Byrne was kind."
    )
    assert find_answer("What is her name?", [("Araby Street", story)]) == []
    assert find_answer("What is her sister's name?", [("Araby Street", story)]) == []
    found = find_answer("What is the clerk's name?", [("Araby Street", story)])
    assert "Her brother was a clerk named Tom Byrne." in [f.text for f in found]


def test_how_old_is_answered_by_an_age_not_by_any_number():
    story = split_passages(
        "The lawyer made the bet for two millions and fifteen years of his freedom.\n\n"
        "Among the guests was a lawyer, a young man of about twenty-five."
    )
    found = find_answer("How old was the lawyer when he made the bet?", [("The Bet", story)])
    assert "Among the guests was a lawyer, a young man of about twenty-five." in [
        f.text for f in found
    ]
