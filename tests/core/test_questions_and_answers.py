"""Discussion questions and answers, with casts built by hand to mirror the seed stories
(the character extractor is tested on its own; these tests must not depend on it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.answers import (
    Answer,
    Question,
    QuestionKind,
    answer_from_cast,
    match_name,
    parse_question,
    question_terms,
)
from bot.core.cast import PROTAGONIST, SUPPORTING, Cast, Character, Fact, Place
from bot.core.characters import extract_cast
from bot.core.models import Passage
from bot.core.parsing import parse_story, split_passages
from bot.core.questions import discussion_questions
from bot.core.relations import related

# The seed stories, read directly: these tests need neither the bot nor the database.
SEED_STORIES = sorted((Path(__file__).resolve().parents[2] / "data" / "stories").glob("*.txt"))
VALERIE_TITLE = "The Story of Valérie Ivanov"
ZOE_TITLE = "The Story of Zoe Kuznetsova"
LEA_TITLE = "The Story of Léa Roux"

VALERIE_CAST = Cast(
    characters=(
        Character(
            name="Valérie Ivanov",
            aliases=("Valérie Ivanov", "Valérie"),
            mentions=17,
            first_passage=1,
            role=PROTAGONIST,
            descriptions=(Fact("a brilliant mathematician", 2),),
            origins=(Fact("Russian", 2), Fact("Russia", 3)),
            meets=(Fact("Sophie", 6),),
            places=(Fact("Paris", 1), Fact("France", 3)),
        ),
        Character(
            name="Sophie",
            aliases=("Sophie",),
            mentions=6,
            first_passage=6,
            role=SUPPORTING,
            descriptions=(Fact("the gallery owner", 6), Fact("a warm-eyed woman", 6)),
            lines=(
                Fact("Bonjour, mademoiselle! Welcome to my humble abode.", 6),
                Fact("Ah, this is one of mine,", 8),
                Fact(
                    "I was inspired by your own story – a Russian girl chasing her dreams "
                    "in Paris.",
                    8,
                ),
            ),
            meets=(Fact("Valérie Ivanov", 6),),
        ),
    ),
    places=(
        Place("Paris", "city", 3, 1),
        Place("Russia", "country", 1, 3),
        Place("France", "country", 1, 3),
        Place("Eiffel Tower", "landmark", 1, 7),
    ),
)

ZOE_CAST = Cast(
    characters=(
        Character(
            name="Zoe Kuznetsova",
            aliases=("Zoe Kuznetsova", "Zoe"),
            mentions=14,
            first_passage=1,
            role=PROTAGONIST,
            descriptions=(Fact("a Russian ballerina", 1), Fact("a world-renowned ballerina", 7)),
            origins=(Fact("Russian", 1),),
            meets=(Fact("Sophie", 5),),
            places=(
                Fact("Paris", 1),
                Fact("Bolshoi Theatre", 1),
                Fact("the Seine", 3),
                Fact("Montmartre", 3),
                Fact("Atelier des Rêves", 3),
            ),
        ),
        Character(
            name="Sophie",
            aliases=("Sophie",),
            mentions=4,
            first_passage=5,
            role=SUPPORTING,
            descriptions=(Fact("the artist", 5),),
            lines=(
                Fact("Take this with you,", 6),
                Fact(
                    "Remember that art is a form of self-expression, not just for others, "
                    "but for yourself too.",
                    6,
                ),
            ),
            meets=(Fact("Zoe Kuznetsova", 5),),
        ),
    ),
    places=(
        Place("Paris", "city", 4, 1),
        Place("Bolshoi Theatre", "venue", 2, 1),
        Place("the Seine", "river", 1, 3),
        Place("Montmartre", "district", 1, 3),
        Place("Atelier des Rêves", "venue", 2, 3),
    ),
)

LEA_CAST = Cast(
    characters=(
        Character(
            name="Léa Roux",
            aliases=("Léa Roux",),
            mentions=13,
            first_passage=1,
            role=PROTAGONIST,
            descriptions=(Fact("a struggling artist", 1),),
            lines=(Fact("Bonjour,", 6), Fact("I'm Léa Roux.", 6)),
            places=(Fact("Montmartre", 1),),
        ),
    ),
    places=(Place("Montmartre", "district", 1, 1),),
)

SEEDS = {
    VALERIE_TITLE: VALERIE_CAST,
    ZOE_TITLE: ZOE_CAST,
    LEA_TITLE: LEA_CAST,
}
CASTS = [(VALERIE_TITLE, VALERIE_CAST), (ZOE_TITLE, ZOE_CAST), (LEA_TITLE, LEA_CAST)]
ALL_NAMES = {alias for _, cast in CASTS for c in cast.characters for alias in c.aliases}


def seed_passages() -> dict[str, tuple[Passage, ...]]:
    stories = [parse_story(path.read_bytes(), path.name) for path in SEED_STORIES]
    return {story.title: story.passages for story in stories}


# --- names in questions -------------------------------------------------------------------

_NAME_RE = re.compile(r"[^\W\d_a-z][\w'’-]*")
_FIRST_PERSON = {"I", "I'm", "I’m", "I've", "I’ve", "I'll", "I’ll"}


def cast_words(cast: Cast) -> set[str]:
    """Every word of every character name, alias, first name and place of the cast."""
    names = [
        *(n for c in cast.characters for n in (c.name, c.first_name, *c.aliases)),
        *(place.name for place in cast.places),
    ]
    return {word for name in names for word in name.split()}


def foreign_names(question: str, cast: Cast) -> list[str]:
    """Capitalised words of `question` that are neither a sentence's first word (in the
    question or inside its quotation) nor "I", and that the cast does not name."""
    allowed = cast_words(cast)
    foreign = []
    for match in _NAME_RE.finditer(question):
        before = question[: match.start()].rstrip()
        if not before or before[-1] in '.!?…“"':
            continue
        word = re.sub(r"['’]s$", "", match.group())
        if word not in allowed and match.group() not in _FIRST_PERSON:
            foreign.append(match.group())
    return foreign


def test_the_name_checker_catches_a_foreign_name() -> None:
    assert foreign_names("Why does Valérie leave Moscow?", VALERIE_CAST) == ["Moscow"]
    assert foreign_names("What does Sophie's gift mean to Zoe?", ZOE_CAST) == []


# --- discussion questions -----------------------------------------------------------------


@pytest.mark.parametrize("title", list(SEEDS))
def test_three_or_four_questions_naming_only_the_storys_people_and_places(title: str) -> None:
    cast = SEEDS[title]
    questions = discussion_questions(seed_passages()[title], cast, title=title)
    assert 3 <= len(questions) <= 4
    assert len(set(questions)) == len(questions)
    for question in questions:
        assert question.endswith("?")
        assert foreign_names(question, cast) == [], question


def test_questions_come_from_the_story() -> None:
    passages = seed_passages()
    valerie = discussion_questions(passages[VALERIE_TITLE], VALERIE_CAST, title=VALERIE_TITLE)
    zoe = discussion_questions(passages[ZOE_TITLE], ZOE_CAST, title=ZOE_TITLE)
    lea = discussion_questions(passages[LEA_TITLE], LEA_CAST, title=LEA_TITLE)
    assert valerie == [
        "Why does Valérie leave Russia?",
        "What does Sophie mean by “I was inspired by your own story…”?",
        "How does Paris change Valérie?",
        "What changes for Valérie after meeting Sophie?",
    ]
    assert zoe == [
        "What does Sophie's gift mean to Zoe?",
        "What does Sophie mean by “Remember that art is a form of self-expression…”?",
        "How does Paris change Zoe?",
        "What changes for Zoe after meeting Sophie?",
    ]
    assert lea[:3] == [
        "What changes for Léa Roux at the show?",
        "What part does Montmartre play in Léa Roux's story?",
        "How has Léa Roux changed by the end of the story?",
    ]


@pytest.mark.parametrize("title", list(SEEDS))
def test_questions_are_deterministic(title: str) -> None:
    passages = seed_passages()[title]
    first = discussion_questions(passages, SEEDS[title], title=title)
    assert discussion_questions(passages, SEEDS[title], title=title) == first


def test_limit_is_respected() -> None:
    passages = seed_passages()[ZOE_TITLE]
    assert len(discussion_questions(passages, ZOE_CAST, title=ZOE_TITLE, limit=3)) == 3


def test_a_story_without_a_cast_still_gets_questions_naming_no_one() -> None:
    passages = seed_passages()[LEA_TITLE]
    questions = discussion_questions(passages, Cast(), title=LEA_TITLE)
    assert 3 <= len(questions) <= 4
    assert all(foreign_names(q, Cast()) == [] for q in questions)


def test_a_quoted_line_is_cut_before_a_word_that_is_not_a_name() -> None:
    line = Fact("You will love the light of Marseille more than anything else here.", 2)
    hero = Character("Anna", ("Anna",), 5, 1, PROTAGONIST)
    friend = Character("Paul", ("Paul",), 2, 2, SUPPORTING, lines=(line,))
    cast = Cast((hero, friend), (Place("Lyon", "city", 3, 1),))
    passages = split_passages("Anna came to Lyon.\n\nPaul spoke to Anna.\n\nAnna stayed.")
    questions = discussion_questions(passages, cast, title="Lyon")
    assert "What does Paul mean by “You will love the light of…”?" in questions
    assert all(foreign_names(q, cast) == [] for q in questions)


# --- readers' questions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kind", "subject"),
    [
        ("Who is Valérie?", "who", "Valérie"),
        ("who is valrie", "who", "Valérie"),
        ("who's sophie?", "who", "Sophie"),
        ("Who’s Sophia", "who", "Sophie"),
        ("tell me about lea roux", "who", "Léa Roux"),
        ("Tell me about LEA", "who", "Léa Roux"),
        ("who is kuznetsova in the story?", "who", "Zoe Kuznetsova"),
        ("where does zoé go?", "where", "Zoe"),
        ("Where is Valerie?", "where", "Valérie"),
        ("where did valerie ivanov go", "where", "Valérie Ivanov"),
        ("who did valerie meet?", "meet", "Valérie"),
        ("Who does Zoe meet in Paris?", "meet", "Zoe"),
        ("who is the stranger?", "who", "the stranger"),
        ("why does Zoe paint?", "other", None),
        ("what is the Atelier des Rêves?", "other", None),
    ],
)
def test_parse_question(typed: str, kind: QuestionKind, subject: str | None) -> None:
    assert parse_question(typed, ALL_NAMES) == Question(kind, subject, typed)


def test_match_name_prefers_a_whole_alias_and_rejects_strangers() -> None:
    assert match_name("valerie", ALL_NAMES) == "Valérie"
    assert match_name("ivanov", ALL_NAMES) == "Valérie Ivanov"
    assert match_name("Marcel", ALL_NAMES) is None


def test_who_answer_is_built_from_facts_with_their_passages() -> None:
    answer = answer_from_cast(parse_question("who is valrie?", ALL_NAMES), CASTS)
    assert answer is not None
    assert "Valérie Ivanov" in answer.text and VALERIE_TITLE in answer.text
    assert "a brilliant mathematician (¶2)" in answer.text
    assert "first appearing in ¶1" in answer.text
    assert "Russian (¶2)" in answer.text and "Russia (¶3)" in answer.text
    assert set(answer.refs) == {(VALERIE_TITLE, 1), (VALERIE_TITLE, 2), (VALERIE_TITLE, 3)}


def test_sophie_is_answered_for_both_stories() -> None:
    answer = answer_from_cast(parse_question("Who is Sophie?", ALL_NAMES), CASTS)
    assert answer is not None
    assert VALERIE_TITLE in answer.text and ZOE_TITLE in answer.text
    assert "the gallery owner (¶6)" in answer.text and "the artist (¶5)" in answer.text
    assert {title for title, _ in answer.refs} == {VALERIE_TITLE, ZOE_TITLE}


def test_where_answer_lists_the_places() -> None:
    answer = answer_from_cast(parse_question("where does zoe go?", ALL_NAMES), CASTS)
    assert answer is not None
    assert "Paris (¶1)" in answer.text and "Montmartre (¶3)" in answer.text
    assert (ZOE_TITLE, 3) in answer.refs
    assert VALERIE_TITLE not in answer.text


def test_where_from_answers_with_origins() -> None:
    answer = answer_from_cast(parse_question("Where is Valérie from?", ALL_NAMES), CASTS)
    assert answer == Answer(
        f"In “{VALERIE_TITLE}”, Valérie Ivanov is Russian (¶2) and comes from Russia (¶3).",
        ((VALERIE_TITLE, 2), (VALERIE_TITLE, 3)),
    )


def test_meet_answer() -> None:
    answer = answer_from_cast(parse_question("who did valérie meet", ALL_NAMES), CASTS)
    assert answer == Answer(
        f"In “{VALERIE_TITLE}”, Valérie Ivanov meets Sophie (¶6).", ((VALERIE_TITLE, 6),)
    )


@pytest.mark.parametrize(
    "typed",
    [
        "who is Marcel?",  # no such person
        "who is the stranger?",  # not a named character
        "why does Zoe paint?",  # for the search engine
    ],
)
def test_no_answer_without_a_character(typed: str) -> None:
    assert answer_from_cast(parse_question(typed, ALL_NAMES), CASTS) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            "where does Sophie come from?",
            f"“{VALERIE_TITLE}” and “{ZOE_TITLE}” don't say where Sophie comes from.",
        ),
        (
            "where is Sophie?",
            f"“{VALERIE_TITLE}” and “{ZOE_TITLE}” don't say where Sophie is.",
        ),
        ("where is Léa Roux from?", f"“{LEA_TITLE}” doesn't say where Léa Roux comes from."),
        ("who did Léa Roux meet?", f"“{LEA_TITLE}” doesn't name anyone Léa Roux meets."),
    ],
)
def test_a_known_character_without_the_fact_is_plainly_not_said(typed: str, expected: str) -> None:
    assert answer_from_cast(parse_question(typed, ALL_NAMES), CASTS) == Answer(expected, ())


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("who are you?", []),
        ("Tell me about the gallery", ["gallery"]),
        ("Can you tell me what happens at the show?", ["show"]),
        ("What did Sophie give Zoe?", ["sophie", "give", "zoe"]),
        ("Why does Valérie leave Russia?", ["valerie", "leave", "russia"]),
        ("what is the Bolshoi in the story?", ["bolshoi"]),
    ],
)
def test_question_terms_drop_the_scaffolding(question: str, terms: list[str]) -> None:
    assert question_terms(question) == terms


def test_a_departure_towards_a_place_is_not_leaving_it() -> None:
    passages = split_passages(
        "Marie lived in Paris, and Paris was all she knew.\n\n"
        "One winter Marie left for Berlin with a single bag.\n\n"
        "Years later Marie headed back towards Paris."
    )
    marie = Character("Marie", ("Marie",), 3, 1, PROTAGONIST)
    places = (Place("Paris", "city", 2, 1), Place("Berlin", "city", 1, 2))
    cast = Cast(characters=(marie,), places=places)
    questions = discussion_questions(passages, cast, title="Marie")
    assert "Why does Marie leave Berlin?" not in questions
    early = split_passages("Paris again.\n\nParis.\n\nMarie fled to Berlin, then left Berlin.")
    assert discussion_questions(early, cast, title="Marie")[0] == "Why does Marie leave Berlin?"


# --- quoted answers -----------------------------------------------------------------------


def test_kin_do_not_meet():
    text = (
        "Anna Berg lived by the harbour.\n\n"
        "Her father, Karl Berg, mended nets. Anna Berg helped him every morning.\n\n"
        "One day Anna Berg left for the city. Karl Berg waved from the quay."
    )
    passages = split_passages(text)
    cast = extract_cast(passages)
    anna, karl = cast.find("Anna Berg"), cast.find("Karl Berg")
    assert anna is not None and karl is not None
    assert related(passages, anna, karl)
    questions = discussion_questions(passages, cast, title="The Harbour")
    assert not any("meeting" in question for question in questions)


def test_her_brother_in_a_story_told_of_her_is_her_kin_not_someone_she_meets() -> None:
    nora = Character("Nora", ("Nora",), 5, 1, PROTAGONIST, gender="f")
    michael = Character("Michael", ("Michael",), 2, 1, SUPPORTING, gender="m")
    kitty = Character("Kitty", ("Kitty",), 2, 1, SUPPORTING, gender="f")
    passages = split_passages(
        "Then a man bought the field. Her brother Michael was dead now, and Kitty had gone.\n\n"
        "Nora sat by the window."
    )
    assert related(passages, nora, michael, (nora, michael, kitty))
    assert not related(passages, nora, michael)  # without the cast, the "her" is no one's
    # Named before the "her", another woman may be whose brother he is.
    earlier = split_passages("Kitty wept. Her brother Michael was dead now.\n\nNora sat.")
    assert not related(earlier, nora, michael, (nora, michael, kitty))
