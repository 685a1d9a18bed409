"""The one sentence splitter: whole sentences, abbreviations, quotations."""

from __future__ import annotations

import random
import re

import pytest

from bot.core.pagination import paginate
from bot.core.parsing import split_passages
from bot.core.sentences import (
    _TERMINAL_RE,
    is_abbreviation,
    quotes_balanced,
    sentence_ends,
    split_sentences,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Dubois met Dr. Roux near St. Anne's church. They talked.",
            ["Mr. Dubois met Dr. Roux near St. Anne's church.", "They talked."],
        ),
        ("J. K. Rowling wrote it. Then she slept.", ["J. K. Rowling wrote it.", "Then she slept."]),
        ("She waited... Then she left.", ["She waited...", "Then she left."]),
        ("She waited… and waited.", ["She waited… and waited."]),
        ("What if no one came? What then!", ["What if no one came?", "What then!"]),
        ('"What if it rains?" she asked. It did.', ['"What if it rains?" she asked.', "It did."]),
        (
            '"Bonjour! Welcome to my studio." She smiled.',
            ['"Bonjour! Welcome to my studio."', "She smiled."],
        ),
        (
            "“Léa Roux? I’ve heard of you.” They laughed.",
            ["“Léa Roux? I’ve heard of you.”", "They laughed."],
        ),
        ('"I thought—" She stopped.', ['"I thought—"', "She stopped."]),
        (
            "Her art – a fusion of dreams – sold well. Prices rose to 3.5 million.",
            ["Her art – a fusion of dreams – sold well.", "Prices rose to 3.5 million."],
        ),
        ("No full stop at the end", ["No full stop at the end"]),
    ],
)
def test_sentences_are_split_whole(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_quotes_balanced_knows_straight_and_curly_quotes() -> None:
    assert quotes_balanced('"Yes," she said. “No.”')
    assert not quotes_balanced("“I went home.")
    assert not quotes_balanced('She said "stop.')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mme. Loisel sighed. Then she left.", ["Mme. Loisel sighed.", "Then she left."]),
        (
            "He lived at No. 5 Rue Lepic. No. He moved.",
            ["He lived at No. 5 Rue Lepic.", "No.", "He moved."],
        ),
        ("Sgt. Major Morris came. It rained.", ["Sgt. Major Morris came.", "It rained."]),
    ],
)
def test_one_abbreviation_list_for_titles_and_numbers(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_no_is_an_abbreviation_only_before_a_number() -> None:
    text = "No. 5 is here. No."
    assert is_abbreviation(text, text.index("."))
    assert not is_abbreviation(text, len(text) - 1)


def test_sentence_ends_see_inside_quotations_but_not_after_titles() -> None:
    text = '"Bonjour! Come in." Mr. Roux smiled.'
    ends = sentence_ends(text)
    assert text.index("!") + 1 in ends
    assert text.index("Mr.") + 3 not in ends


def test_pagination_cuts_a_long_paragraph_between_sentences_only() -> None:
    sentence = "Mr. Roux walked along the river for a long time without a word. "
    passages = split_passages(sentence * 60)
    pages = paginate(passages, page_chars=500)
    assert len(pages) > 1
    for page in pages:
        assert page.text.startswith("Mr. Roux") and page.text.endswith("word.")


def test_the_terminal_pattern_matches_as_its_plain_form():
    plain = re.compile(r"(?:[.!?…]+|[—–]+(?=[\"”]))[\"”’')\]]*")
    rng = random.Random(7)
    alphabet = "ab .!?…—–\"”’')]x\n"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(300))
        assert [m.span() for m in _TERMINAL_RE.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ]
