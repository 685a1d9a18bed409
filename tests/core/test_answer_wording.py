"""/story ask when the reader words the question differently from the text (bot/core/
wordforms.py, question_shape.py): each rule on a short invented story, the question, and
the sentence that must be quoted."""

from __future__ import annotations

import pytest

from bot.core.wordforms import base_form, word_root
from tests.core.answer_helpers import answers, person


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


def test_what_someone_the_cast_does_not_know_says_is_not_looked_for_in_another_s_lines() -> None:
    tom = person("Tom", gender="m")
    text = "\n\n".join(
        [
            '"I shall be quite well by Sunday," said Tom from his bed.',
            '"He was bitten by an adder down in the long meadow," the nurse told the '
            'doctor, "and he would not let me look at it."',
            "The doctor nodded and opened his bag.",
        ]
    )
    found = answers(text, "Where does the nurse say Tom was bitten?", (tom,))
    # The nurse is no one the cast knows: the question is not about Tom's own words.
    assert found and "bitten by an adder down in the long meadow" in found[0]


def test_someones_first_wish_is_the_wish_they_make_first() -> None:
    pell = person("Mr. Pell", "the old man", gender="m")
    text = "\n\n".join(
        [
            '"The first man had his three wishes," said the captain, "and the last of them '
            'was for death."',
            "The old man turned the ring over in his fingers for a long time.",
            '"I wish for a hundred pounds," said the old man distinctly.',
        ]
    )
    found = answers(text, "What is Mr. Pell's first wish?", (pell,))
    assert found and found[0] == '"I wish for a hundred pounds," said the old man distinctly.'
    # After a thing the ordinal stays a word the answer must hold.
    found = answers(text, "What was the last wish of the ring's first man?", (pell,))
    assert found and "the last of them" in found[0]


def test_what_someone_is_proud_of_is_what_he_prides_himself_on() -> None:
    olaf = person("Olaf", gender="m")
    text = "\n\n".join(
        [
            "Olaf was a big man, feared on the quays and respected in the guild.",
            "He prided himself on his knowledge of knots.",
            "The new boat was launched in May.",
        ]
    )
    found = answers(text, "What is Olaf proud of?", (olaf,))
    assert found and found[0] == "He prided himself on his knowledge of knots."


ADA_AT_THE_FAIR = "\n\n".join(
    [
        "Ada asked me whether I was going to the fair. It would be a grand fair, Ada "
        "said; she would love to go to the fair.",
        "I forgot whether I answered yes or no. The lamp over the door lit the curve of her neck.",
        "She could not go, she said, because her aunt was ill that week.",
    ]
)


@pytest.mark.parametrize(
    "question", ["Why can't Ada go to the fair?", "Why is Ada unable to go to the fair?"]
)
def test_why_cant_she_is_answered_by_a_sentence_that_says_she_cannot(question: str) -> None:
    found = answers(ADA_AT_THE_FAIR, question, (person("Ada", gender="f"),))
    assert found[0] == "She could not go, she said, because her aunt was ill that week."
    # "She would love to go" holds more of the question's words and says the opposite.
    assert not any("love to go" in quote for quote in found)


def test_the_girl_the_story_never_calls_a_girl_is_any_she() -> None:
    narrator = person("the narrator", gender="m")
    text = "\n\n".join(
        [
            "At last she spoke to me, and asked whether I was going to the fair.",
            '"If I go," I said, "I will bring you something."',
            "What innumerable follies laid waste my waking and sleeping thoughts after that "
            "evening!",
        ]
    )
    found = answers(text, "What did the narrator promise the girl?", (narrator,))
    assert '"If I go," I said, "I will bring you something."' in found


def test_a_name_asked_for_an_unnamed_sister_is_not_any_she_s() -> None:
    text = "\n\n".join(
        [
            "Her name was like a summons to me. I never spoke it.",
            "Her brother was a clerk named Tom Byrne. Tom Byrne was kind.",
        ]
    )
    assert answers(text, "What is her sister's name?") == []


def test_one_frames_the_question() -> None:
    olaf = person("Olaf", gender="m")
    text = "\n\n".join(
        [
            "Olaf was a big man, feared on the quays.",
            "He had a weak point, this Olaf, though in other things he was a man to be "
            "respected. He could never refuse a wager.",
            "The boat was launched in May.",
        ]
    )
    # "one" is no word the answer holds: the piece that restates the question is followed
    # by what the weak point was.
    found = answers(text, "What was Olaf's one weak point?", (olaf,))
    assert "He could never refuse a wager." in found


def test_what_is_the_age_of_asks_for_an_age() -> None:
    text = "\n\n".join(
        [
            "The niece had lived with her aunt at the manor since the war.",
            "She was a very self-possessed young lady of fifteen.",
            "The aunt had kept the house for twenty-two years.",
        ]
    )
    found = answers(text, "What is the age of the niece?")
    assert "She was a very self-possessed young lady of fifteen." in found


def test_a_question_in_american_spelling_finds_the_british_text() -> None:
    text = "\n\n".join(
        [
            "The house stood at the end of the lane, and its door was never opened.",
            "Nobody came down the lane for weeks at a time.",
            "Its door was painted the colour of old blood, and nobody knew why.",
        ]
    )
    found = answers(text, "What color was the door?")
    assert (
        found and found[0] == "Its door was painted the colour of old blood, and nobody knew why."
    )


def test_an_age_given_as_a_bare_number_answers_how_old() -> None:
    narrator = person("the narrator")
    text = "\n\n".join(
        [
            "On the first of February my aunt went up Rook Lane to see the Colonel.",
            "I went with her, because I was nine and nobody had thought to stop me.",
            "The Colonel was ten minutes late, and he was one of the old kind.",
        ]
    )
    found = answers(text, "How old was the narrator?", (narrator,))
    assert "I went with her, because I was nine and nobody had thought to stop me." in found
    assert not any("ten minutes" in quote for quote in found)
