"""/story ask on what a question's words stand for in the text (bot/core/answer_roles.py,
question_shape.py, answer_kinds.py): an illness the text names without the word, a reason
given as a purpose, an "I" or an "it" in a quotation, who gives to whom. Each rule on a
short invented story, the question, and the sentence that must (or must not) be quoted."""

from __future__ import annotations

from tests.core.answer_helpers import answers, person


def test_what_the_doctor_called_it_names_the_illness() -> None:
    greta = person("Greta Holm", "Greta", "Mrs. Holm", gender="f")
    text = "\n\n".join(
        [
            "Greta Holm kept the ferry inn at Vik with her brother.",
            "In the autumn Mrs. Holm grew pale; the surgeon called it a fever of the blood.",
            "Greta laughed at the surgeon and went on scrubbing the floors.",
        ]
    )
    for question in ("What illness did Greta have?", "What disease did Mrs. Holm suffer from?"):
        found = answers(text, question, (greta,))
        assert any(line.startswith("In the autumn Mrs. Holm grew pale") for line in found), question


def test_a_purpose_after_a_comma_is_a_reason() -> None:
    ivo = person("Ivo", gender="m")
    text = "\n\n".join(
        [
            "Ivo had a silver watch from his grandfather and wore it every day.",
            "Everyone on the farm knew the watch and asked Ivo the time.",
            "Ivo sold the watch to a pedlar with a red cart, who sold watches along the coast.",
            "The snow lay deep on the roads until March.",
            "In the hard winter Ivo sold the watch, to buy seed for the spring.",
        ]
    )
    found = answers(text, "Why did Ivo sell the watch?", (ivo,))
    assert found
    assert found[0] == "In the hard winter Ivo sold the watch, to buy seed for the spring."


def test_an_it_in_a_line_stands_for_the_thing_named_just_before() -> None:
    # "the clock" is rarer than "sold": without the "it", Dora's winding it would win.
    dora = person("Dora", gender="f")
    text = "\n\n".join(
        [
            "The pedlar sold kettles from his cart. He sold pans and brooms too.",
            "The pedlar came to the farm on a Tuesday, and Dora bought a broom.",
            "The old clock had stood in the hall since her grandfather built the house.",
            '"I sold it in the winter," said Dora.',
            "Dora wound the clock every Sunday evening.",
            "Dora baked bread on Mondays and washed on Tuesdays.",
        ]
    )
    found = answers(text, "When did Dora sell the clock?", (dora,))
    assert found and found[0] == '"I sold it in the winter," said Dora.'


def test_a_line_where_a_he_does_it_does_not_answer_what_she_did() -> None:
    dora = person("Dora", gender="f")
    text = "\n\n".join(
        [
            "The clock had stood in the hall since Dora's grandfather built the house.",
            '"I sold it in the winter, to pay the rent," said Dora.',
            "The pedlar remembered the clock; he had sold it again in May, to a farmer.",
        ]
    )
    found = answers(text, "Why did she sell the clock?", (dora,))
    assert found and not any("pedlar" in line for line in found)
    assert found[0] == '"I sold it in the winter, to pay the rent," said Dora.'


def test_who_did_it_is_answered_by_the_speaker_who_says_i_did() -> None:
    dora = person("Dora", gender="f")
    text = "\n\n".join(
        [
            "The clock had stood in the hall since Dora's grandfather built the house.",
            "In May the hall was bare, and the clock was gone from the hall.",
            '"I sold it in the winter," said Dora, "to the man on Bridge Street."',
            "Everyone in the town had known the clock and its loud tick.",
            "In June I walked to Bridge Street myself.",
            "The dealer remembered the clock; he had sold it again in May, to a farmer.",
        ]
    )
    found = answers(text, "Who sold the clock?", (dora, person("the narrator", gender="m")))
    assert any(line.startswith('"I sold it in the winter,"') for line in found)


def test_what_someone_gave_another_is_never_what_a_third_was_given() -> None:
    ann = person("Mrs. Lund", gender="f")
    ole = person("Mr. Lund", gender="m")
    stranger = person("the stranger", gender="m")
    text = "\n\n".join(
        [
            "Mr. Lund and the stranger mended nets all winter, and every evening the"
            " stranger carved a wooden fish, which he gave to Mrs. Lund with a bow.",
            "Mr. Lund watched this and said nothing.",
            "In spring Mr. Lund took down his father's compass and put it into the"
            " stranger's hands.",
        ]
    )
    found = answers(text, "What did Mr. Lund give the stranger?", (ann, ole, stranger))
    assert found[0] == (
        "In spring Mr. Lund took down his father's compass and put it into the stranger's hands."
    )
    assert not any("wooden fish" in line for line in found)
    # The other way round, the fish is the answer.
    found = answers(text, "What did the stranger give Mrs. Lund?", (ann, ole, stranger))
    assert any("wooden fish" in line for line in found)


def test_an_answer_that_holds_what_is_asked_is_not_followed_by_the_next_sentence() -> None:
    # "He had a weak point." is followed by what it was; "Karl mended the net" says who.
    text = "\n\n".join(
        [
            "The storm came in October and the boats stayed in.",
            "Then old Karl mended the big net in three nights by lamplight.",
            "I left the island soon after and took the ferry to Bergen.",
        ]
    )
    found = answers(text, "Who mended the big net?")
    assert found == ["Then old Karl mended the big net in three nights by lamplight."]
