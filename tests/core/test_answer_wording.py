"""/story ask when the reader words the question differently from the text (bot/core/
wordforms.py, question_shape.py): each rule on a short invented story, the question, and
the sentence that must be quoted."""

from __future__ import annotations

from bot.core.answering import find_answer
from bot.core.cast import SUPPORTING, Character
from bot.core.parsing import split_passages
from bot.core.wordforms import base_form, word_root


def person(name: str, *aliases: str, gender: str | None = None) -> Character:
    return Character(
        name=name, aliases=(name, *aliases), mentions=3, first_passage=1, role=SUPPORTING,
        gender=gender,
    )  # fmt: skip


def answers(text: str, question: str, characters: tuple[Character, ...] = ()) -> list[str]:
    found = find_answer(question, [("Tale", split_passages(text))], characters)
    return [item.text for item in found]


def test_a_word_in_ss_or_news_is_no_plural() -> None:
    assert word_root(base_form("weakness")) == "weak"
    assert base_form("address") == "address"
    assert base_form("glasses") == "glass"
    assert base_form("news") != base_form("new")


def test_his_weakness_is_his_weak_point() -> None:
    olaf = person("Olaf", gender="m")
    text = "\n\n".join(
        [
            "Olaf was a big man, feared on the quays and respected in the guild.",
            "He had a weak point, this Olaf: he could never refuse a wager.",
            "The new boat was launched in May.",
        ]
    )
    found = answers(text, "What is Olaf's weakness?", (olaf,))
    assert found[0] == "He had a weak point, this Olaf: he could never refuse a wager."


def test_how_did_she_hear_the_news_is_not_about_anything_new() -> None:
    ada = person("Ada", gender="f")
    text = "\n\n".join(
        [
            "Ada bought a new hat and a new pair of gloves for the fair.",
            "The news reached Ada by a letter from her brother.",
            "She wore the new gloves all winter.",
        ]
    )
    found = answers(text, "How did Ada get the news?", (ada,))
    assert found and found[0] == "The news reached Ada by a letter from her brother."


def test_what_someone_calls_another_is_a_name_given_not_the_word_call() -> None:
    sam = person("Sam", "the narrator", gender="m")
    boy = person("the boy", gender="m")
    text = "\n\n".join(
        [
            "There was a village down there, flat as a plate, and called Hollow Cross.",
            "The boy looked me over for a long time. He christened me Old Crow on the spot, "
            "and said I was to be his prisoner till sundown.",
            "I let him have his way.",
        ]
    )
    found = answers(text, "What does the boy call Sam?", (sam, boy))
    assert found and "He christened me Old Crow on the spot" in found[0]
    assert not any("Hollow Cross" in quote for quote in found)


def test_at_the_time_of_locates_the_moment_like_a_when_clause() -> None:
    clerk = person("the clerk", gender="m")
    text = "\n\n".join(
        [
            "The wager was made at the inn on a wet night in March.",
            "Among the company was a clerk, a thin young man of about twenty.",
            "Everyone laughed at the wager, and the clerk laughed loudest.",
            "Twelve years after the wager the clerk was forty years old in the face.",
        ]
    )
    # "the wager", in three places, is a moment all the same: an age narrows it down.
    found = answers(text, "How old was the clerk at the time of the wager?", (clerk,))
    assert found and found[0] == "Among the company was a clerk, a thin young man of about twenty."


def test_an_offer_is_made_by_saying_it() -> None:
    tom = person("Tom", gender="m")
    miller = person("the miller", gender="m")
    text = "\n\n".join(
        [
            "The offer of the miller's field had come to nothing that spring.",
            "Tom looked at the dog a long while and scratched his chin.",
            '"I\'ll give you ten shillings for him and a sack of oats," said Tom.',
        ]
    )
    found = answers(text, "What does Tom offer?", (tom, miller))
    assert '"I\'ll give you ten shillings for him and a sack of oats," said Tom.' in found
    assert not any("miller" in quote for quote in found)
