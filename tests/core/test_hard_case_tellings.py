"""The two hard cases written for issue 10, told and discussed as the bot would: a
first-person narrator named only by another's call (lantern) and a married couple under
their titles with their son (bellamy). Their casts are checked in test_characters.py;
here the retellings say only what the text says, introduce people before they act, and
the questions state only the gifts and relations the text states."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.cast import Cast
from bot.core.characters import extract_cast
from bot.core.models import Passage
from bot.core.parsing import parse_story
from bot.core.questions import allowed_names, discussion_questions, names_allowed
from bot.core.retelling import Length, Retelling, retell, story_sentences

HARD = Path(__file__).resolve().parents[1] / "data" / "characters"


def load(stem: str) -> tuple[tuple[Passage, ...], Cast, str]:
    path = HARD / f"{stem}.txt"
    story = parse_story(path.read_bytes(), path.name)
    return story.passages, extract_cast(story.passages), story.title


def told(stem: str, length: Length) -> tuple[Retelling, tuple[Passage, ...]]:
    passages, cast, _ = load(stem)
    hero = cast.protagonist
    assert hero is not None
    retelling = retell(passages, length=length, protagonist=hero.name, gender=hero.gender)
    return retelling, passages


@pytest.mark.parametrize("stem", ["lantern", "bellamy"])
@pytest.mark.parametrize("length", ["short", "medium", "long"])
def test_every_retold_sentence_is_the_storys_own(stem: str, length: Length) -> None:
    # Neither story opens on a pronoun, so no sentence may differ from the text at all.
    retelling, passages = told(stem, length)
    sentences = story_sentences(passages)
    for retold in retelling.sentences:
        assert (retold.passage, retold.text) in sentences, retold.text
    order = [sentences.index((s.passage, s.text)) for s in retelling.sentences]
    assert order == sorted(order)


def test_the_narrators_story_introduces_the_keeper_before_he_acts() -> None:
    retelling, _ = told("lantern", "short")
    kept = [s.text for s in retelling.sentences]
    assert kept[0] == ("I was eleven the winter my father sent me to the lighthouse on Gull Point.")
    assert kept[-1] == "The keeper gave me his old brass compass, and I have it still."
    assert "The keeper met me at the foot of the tower." in kept
    # A line is kept with its speaker, not as a voice from nowhere.
    assert "“Hold it steady, Pip, or the Marguerite goes on the rocks!”" not in kept
    assert '"Hold it steady, Pip, or the Marguerite goes on the rocks!"' not in kept


def test_the_couples_story_keeps_its_setup_and_its_ending() -> None:
    retelling, _ = told("bellamy", "short")
    kept = [s.text for s in retelling.sentences]
    assert kept[0] == "Mr. and Mrs. Bellamy had kept the bakery on Quay Street for thirty years."
    assert kept[-1] == (
        "Arthur kissed his mother, then his father, and asked whether there was any bread left."
    )
    # The son's return pays off his going to sea: both are told.
    assert any("Arthur" in text and "Christmas" in text for text in kept)
    assert any("saw his son" in text for text in kept)


def test_the_narrator_is_asked_about_the_gift_the_text_gives_and_nothing_made_up() -> None:
    passages, cast, title = load("lantern")
    questions = discussion_questions(passages, cast, title=title)
    assert "What does the keeper's gift mean to Pip?" in questions
    assert not any("called" in q for q in questions)  # the title is the opening words
    assert not any("see in" in q for q in questions)  # the keeper is asked about already
    assert all(names_allowed(q, allowed_names(cast)) for q in questions)


def test_the_couple_are_asked_nothing_their_kinship_or_her_hands_would_make_false() -> None:
    passages, cast, title = load("bellamy")
    questions = discussion_questions(passages, cast, title=title)
    # "Bellamy" alone is all three Bellamys' name: the husband is asked about by title.
    assert "What does Mr. Bellamy mean by “He'll come back when the herring do”?" in questions
    assert not any("gift" in q for q in questions)  # "she dusted her hands" gives nothing
    assert not any("meeting" in q or "see in" in q for q in questions)  # spouses and son
    assert all(names_allowed(q, allowed_names(cast)) for q in questions)
    assert len(set(questions)) == len(questions)
