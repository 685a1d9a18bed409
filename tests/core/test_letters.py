"""A story told in letters: whoever a letter is to or from is someone, with what the
salutation and the signature say, and no more; a dateline and a signature are lines of
their own in a retelling."""

from __future__ import annotations

import pytest

from bot.core.characters import extract_cast
from bot.core.parsing import split_passages
from bot.core.retelling import Retelling, RetoldSentence, retell
from tests.core.answer_helpers import answers, person

LETTERS = (
    "Thornbury, 3rd March\n\n"
    "My dear Clara,\n\n"
    "I have bought the orchard. Mr. Abernethy signed the papers this morning.\n\n"
    "Your loving sister,\nMargaret\n\n"
    "London, 9th March\n\n"
    "Dearest Meg,\n\n"
    "You are quite mad. Henry says an orchard is a fine thing for a widow.\n\n"
    "Clara\n\n"
    "Thornbury, 30th September\n\n"
    "My dear Clara,\n\n"
    "I am going to marry him, Clara. Tell Henry before he hears it from Mrs. Lowe.\n\n"
    "Your sister,\nMargaret"
)


def _cast() -> dict[str, str | None]:
    return {c.name: c.gender for c in extract_cast(split_passages(LETTERS)).characters}


def test_whoever_a_letter_is_to_or_from_is_in_the_cast():
    assert {"Clara", "Margaret", "Meg"} <= set(_cast())


def test_the_salutation_is_not_part_of_the_name():
    assert not any("Dear" in name for name in _cast())


def test_a_sign_off_says_who_signs_it():
    assert _cast()["Margaret"] == "f"  # "Your loving sister, Margaret"


def test_whoever_the_letter_calls_to_is_not_the_next_he():
    # "…marry him, Clara. Tell Henry before he hears it": the he is not Clara.
    assert _cast()["Clara"] is None


@pytest.mark.parametrize(
    "text",
    [
        "Goodbye, dear old London, said Tom. Tom left London for Paris.",
        "We sailed from dear London. Tom wept.",
    ],
)
def test_dear_in_a_sentence_is_not_a_salutation(text):
    assert "London" not in {c.name for c in extract_cast(split_passages(text)).characters}


def test_a_retelling_keeps_a_dateline_on_its_own_line():
    text = retell(split_passages(LETTERS), length="short").text
    assert "Thornbury, 3rd March\n" in text
    assert "Thornbury, 3rd March I" not in text


def test_a_sentence_with_no_full_stop_inside_a_paragraph_still_runs_on():
    sentences = (
        RetoldSentence("Tom ran.", 1),
        RetoldSentence("Then he stopped and looked back at the long road home", 1),
    )
    assert (
        Retelling(sentences, "short").text
        == "Tom ran. Then he stopped and looked back at the long road home"
    )


def test_a_salutation_is_never_the_answer_the_letter_gives():
    margaret = person("Margaret", gender="f")
    clara = person("Clara")
    quotes = answers(LETTERS, "Who bought the orchard?", (margaret, clara))
    assert quotes and quotes[0].startswith("I have bought the orchard.")
    assert not any(quote.startswith("My dear Clara") for quote in quotes)


def test_the_i_of_each_signed_letter_is_its_writer_not_one_narrator():
    text = LETTERS.replace(
        "You are quite mad.", "You are quite mad, and I envy you. I cannot come."
    )
    cast = {c.name: c for c in extract_cast(split_passages(text)).characters}
    assert "the narrator" not in cast
    assert "the narrator" in cast["Margaret"].aliases  # "I have bought the orchard"
    assert "the narrator" in cast["Clara"].aliases  # "I envy you"
    assert cast["Margaret"].mentions == 2 + 2  # her two signatures and her two "I"s


def test_a_name_called_after_a_comma_signs_no_letter():
    text = "\n\n".join(
        [
            "I walked to the harbour with my brother before the storm came in from the west.",
            "I told him that I would not sail, and I meant it, though I had promised.",
            "Come here, Tom.",
            "I said it twice before Tom turned round and came back up the wet steps.",
        ]
    )
    names = [c.name for c in extract_cast(split_passages(text)).characters]
    assert names[0] == "the narrator"


def test_a_retelling_ends_on_the_letter_not_on_its_signature():
    body = " ".join(f"The {n} tree in the row was pruned on a dry day in March." for n in range(40))
    text = f"My dear Clara,\n\n{body}\n\nI am going to marry him, Clara.\n\nYour sister,\nMargaret"
    retold = retell(split_passages(text), length="short").sentences
    assert retold[-1].text == "I am going to marry him, Clara."
