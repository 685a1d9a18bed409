"""The checks a model's reply passes before it is posted, rule by rule."""

import pytest

from bot.core.models import Passage
from bot.storyteller.grounding import StoryFacts, check_reply, complete_prefix

PASSAGES = [
    Passage(1, "Léa Roux woke early in Lyon. She packed her violin and a map.", 0, 0),
    Passage(2, "At the station she met Marc, who said “the train to Paris is late again.”", 0, 0),
    Passage(3, "They waited together, and Léa played a slow waltz for the travellers.", 0, 0),
]
FACTS = StoryFacts.of(PASSAGES, ["Léa Roux", "Léa", "Marc", "Lyon", "Paris"], "Léa's Journey")


def problems(reply, must_cite=False):
    return list(check_reply(reply, FACTS, must_cite=must_cite).problems)


def test_a_faithful_reply_passes():
    reply = "Léa meets Marc at the station (¶2), who says “the train to Paris is late again” (¶2)."
    assert problems(reply, must_cite=True) == []


def test_quotations_are_matched_fuzzily_but_an_invented_one_fails():
    assert problems('Marc says "the train to Paris is late, again".') == []
    assert problems("Marc says “the train to Rome has left”.") == [
        "the quotation “the train to Rome has left” is not in the story"
    ]


def test_a_cited_paragraph_must_exist_and_hold_the_claim():
    assert problems("Léa plays a waltz (¶9).") == ["¶9 does not exist (the story has 3 paragraphs)"]
    assert problems("Léa plays a slow waltz for the travellers (¶1).") == [
        "¶1 does not say what this sentence claims: “Léa plays a slow waltz for the travellers "
        "(¶1).”"
    ]
    assert problems("Léa plays a slow waltz for the travellers (¶3).") == []
    assert problems("Marc says “the train to Paris is late again” (¶1).") == [
        "¶1 does not contain “the train to Paris is late again”"
    ]


def test_names_must_be_in_the_story_but_sentence_openers_and_other_spellings_pass():
    assert problems("Léa and her brother Julien wait in Lyon.") == [
        "Julien is not a name in the story"
    ]
    assert problems("Suddenly the train comes. Léa's waltz ends.") == []
    assert problems("Léa quitte Lyon pour Paris avec Marc.") == []  # French, same names


@pytest.mark.parametrize("reply", ["@everyone look", "hi @here", "ask <@123456789012345678>"])
def test_mentions_are_refused(reply):
    assert "it mentions people" in problems(reply)[0]


def test_not_in_the_text_is_accepted_as_such_and_an_answer_must_cite():
    verdict = check_reply("NOT IN THE TEXT", FACTS, must_cite=True)
    assert verdict.ok and verdict.not_in_text
    assert problems("Léa packs her violin.", must_cite=True) == [
        "it cites no paragraph (write (¶N) after what each one says)"
    ]


def test_a_stream_shows_only_finished_sentences():
    assert complete_prefix("Léa woke early. She pack") == "Léa woke early."
    assert (
        complete_prefix("Léa woke early.\n\nShe packed. Then") == "Léa woke early.\n\nShe packed."
    )
    assert complete_prefix("Léa wo") == ""
