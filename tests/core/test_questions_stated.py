"""Discussion questions and comparison lines say only what the narration states: a gift
someone gives, a meeting the text tells, an occasion the protagonist is at, relations
that are not kin, and no question asking again about someone another already asks
about. Casts are built by hand, so these tests do not depend on the extractor."""

from __future__ import annotations

from bot.core.cast import PROTAGONIST, SUPPORTING, Cast, Character, Fact, Place
from bot.core.compare import Side, compare_characters
from bot.core.models import Passage
from bot.core.parsing import split_passages
from bot.core.questions import discussion_questions
from bot.core.stated import at_with, gives, introduced, one_person, present_at


def person(
    name: str,
    *aliases: str,
    gender: str | None = None,
    first: int = 1,
    role: str = SUPPORTING,
    meets: tuple[Fact, ...] = (),
    lines: tuple[Fact, ...] = (),
) -> Character:
    return Character(
        name,
        (name, *aliases),
        mentions=4,
        first_passage=first,
        role=role,
        gender=gender,
        meets=meets,
        lines=lines,
    )


def passages(*paragraphs: str) -> tuple[Passage, ...]:
    return split_passages("\n\n".join(paragraphs))


NELL = person("Nell Ashby", "Nell", gender="f", role=PROTAGONIST, meets=(Fact("Tobias", 2),))
TOBIAS = person("Tobias", gender="m", first=2, meets=(Fact("Nell Ashby", 2),))


# --- gifts ----------------------------------------------------------------------------------


def test_a_gift_is_a_sentence_where_the_giver_gives_the_protagonist_something() -> None:
    text = passages(
        "Nell Ashby kept the lighthouse alone.",
        "Tobias climbed the stairs. Tobias gave her a brass telescope.",
    )
    assert gives(text, TOBIAS, NELL)
    cast = Cast((NELL, TOBIAS))
    questions = discussion_questions(text, cast, title="The Light")
    assert "What does Tobias's gift mean to Nell?" in questions


def test_hands_speech_or_a_handing_over_are_no_gift() -> None:
    hands = passages(
        "Nell Ashby kept the lighthouse alone.",
        "Tobias wiped his hands on his coat while Nell watched the sea.",
    )
    said = passages(
        "Nell Ashby kept the lighthouse alone.",
        "“Tobias gave her nothing but trouble,” the postman told Nell.",
    )
    handing = passages(
        "Nell Ashby kept the lighthouse alone.",
        "Tobias handed her the logbook, and Nell signed it.",
    )
    for text in (hands, said, handing):
        assert not gives(text, TOBIAS, NELL)
        questions = discussion_questions(text, Cast((NELL, TOBIAS)), title="The Light")
        assert not any("gift" in question for question in questions)
    # A handing-over the text calls a gift is one.
    gift = passages(
        "Nell Ashby kept the lighthouse alone.",
        "Tobias handed her a small parcel.",
        "Nell opened the gift at dawn.",
    )
    assert gives(gift, TOBIAS, NELL)


def test_a_narrator_is_given_things_as_me() -> None:
    narrator = person("Pip", "the narrator", role=PROTAGONIST)
    keeper = person("the keeper", gender="m")
    text = passages("I went home in the spring. The keeper gave me his old compass.")
    assert gives(text, keeper, narrator)


# --- meetings -------------------------------------------------------------------------------


def test_a_meeting_is_a_newcomer_introduced_with_the_protagonist_there() -> None:
    text = passages(
        "Nell Ashby kept the lighthouse alone.",
        "One evening a fisherman named Tobias knocked at her door.",
    )
    assert introduced(text[1], TOBIAS, NELL)
    questions = discussion_questions(text, Cast((NELL, TOBIAS)), title="The Light")
    assert "What changes for Nell after meeting Tobias?" in questions


def test_someone_there_from_the_start_or_named_in_passing_is_not_met() -> None:
    from_the_start = passages(
        "Nell Ashby kept the lighthouse alone.",
        "Her brother's friend Tobias was there too, mending the nets with her.",
    )
    in_passing = passages(
        "Nell Ashby kept the lighthouse alone.",
        "The boat belonged to a rich merchant named Tobias, far away in the city.",
    )
    for text in (from_the_start, in_passing):
        assert not introduced(text[1], TOBIAS, NELL)
        questions = discussion_questions(text, Cast((NELL, TOBIAS)), title="The Light")
        assert not any("meeting" in question for question in questions)


def test_a_comparison_says_two_people_meet_only_when_the_text_tells_it() -> None:
    met = passages(
        "Nell Ashby kept the lighthouse alone.",
        "One evening a fisherman named Tobias knocked at her door. Nell let Tobias in.",
    )
    together = passages(
        "Nell Ashby kept the lighthouse alone.",
        "Nell and Tobias had mended the nets together since they were children.",
    )
    shared = [
        p.text for p in compare_characters(Side("L", NELL, met), Side("L", TOBIAS, met)).shared
    ]
    assert "Nell Ashby and Tobias meet" in shared
    sides = (Side("L", NELL, together), Side("L", TOBIAS, together))
    assert not any(p.text.endswith(" meet") for p in compare_characters(*sides).shared)


def test_people_both_share_paragraphs_with_are_not_said_to_be_met() -> None:
    sam = person("Sam", gender="m", role=PROTAGONIST, meets=(Fact("the boy", 2),))
    bill = person("Bill", gender="m", meets=(Fact("the boy", 2),))
    text = passages(
        "Sam and Bill rode out.",
        "Sam and Bill took the boy up the mountain.",
        "The boy threw stones at the cave.",
    )
    cast_sides = (Side("R", sam, text), Side("R", bill, text))
    lines = [p.text for p in compare_characters(*cast_sides).shared]
    assert "Both share a scene with the boy" in lines
    assert not any(line.startswith("Both meet") for line in lines)


def test_comparison_lines_say_only_what_the_text_puts_with_the_character() -> None:
    host = person("the host", gender="m", role=PROTAGONIST, meets=(Fact("Ivo Lind", 2),))
    host = Character(
        host.name,
        host.aliases,
        mentions=4,
        first_passage=1,
        role=PROTAGONIST,
        gender="m",
        places=(Fact("Christian State", 1), Fact("Vienna", 3)),
        meets=(Fact("Ivo Lind", 2), Fact("Walter Scott", 3)),
        lines=(Fact("Execution kills instantly", 2),),
    )
    guest = Character(
        "Ivo Lind",
        ("Ivo Lind", "Ivo"),
        mentions=4,
        first_passage=2,
        role=SUPPORTING,
        gender="m",
        meets=(Fact("the host", 2),),
    )
    text = passages(
        "The host gave a party. The guests found the death penalty unfitted to a Christian State.",
        "“Execution kills instantly,” said Ivo Lind. “Not so,” the host replied.",
        "In spring the host travelled to Vienna with a novel by Walter Scott.",
    )
    comparison = compare_characters(Side("B", host, text), Side("B", guest, text))
    lines = [p.text for p in (*comparison.shared, *comparison.differences)]
    # Vienna is where he goes; the Christian State is in a sentence about the guests.
    assert "Only the host goes to Vienna" in lines
    assert not any("Christian State" in line for line in lines)
    # One story: who is "only" met, or met by no one, would be a guess (pronouns).
    assert not any("meets" in line or "Walter Scott" in line for line in lines)
    # The line is Ivo's by the text, and Ivo is named where people talk: no voice claim.
    assert not any("speaks" in line or "no lines" in line for line in lines)


def test_only_one_goes_somewhere_only_when_the_text_never_puts_the_other_there() -> None:
    sam = Character(
        "Sam",
        ("Sam",),
        mentions=4,
        first_passage=1,
        role=PROTAGONIST,
        gender="m",
        places=(Fact("Summit", 1), Fact("Elmore", 2), Fact("Dover", 3)),
    )
    bill = Character("Bill", ("Bill",), mentions=4, first_passage=1, role=SUPPORTING, gender="m")
    text = passages(
        "Sam walked into Summit at noon, and Bill ran a mile out of Summit before dark.",
        "Sam was going to Elmore the next day to buy a ring.",
        "Sam rode to Dover with the letter.",
    )
    lines = [
        p.text for p in compare_characters(Side("R", sam, text), Side("R", bill, text)).differences
    ]
    assert "Only Sam goes to Dover" in lines  # Bill is never named with Dover
    assert not any("Summit" in line or "Elmore" in line for line in lines)


# --- occasions and venues -------------------------------------------------------------------


def test_an_occasion_needs_a_sentence_putting_the_protagonist_at_it() -> None:
    hero = person("Ida Marsh", "Ida", gender="f", role=PROTAGONIST)
    verb = passages(
        "Ida Marsh painted all winter in the attic.",
        "The letters show what the years had done to the house.",
        "Ida Marsh painted until the light went, and then she painted by candle.",
    )
    assert not at_with(verb, hero, r"\b(?:[Aa]|[Tt]he)\s+show\b")
    questions = discussion_questions(verb, Cast((hero,)), title="Attic")
    assert not any("at the show" in question for question in questions)
    noun = passages(
        "Ida Marsh painted all winter in the attic, for she had a show in the spring.",
        "Nobody came at first. Then the room filled, and the show was a success.",
        "Ida Marsh smiled at the crowd at the show.",
    )
    assert at_with(noun, hero, r"\b(?:[Aa]|[Tt]he)\s+show\b")


def test_a_market_in_a_sentence_about_someone_is_not_a_market_they_are_at() -> None:
    # "The … market" here is the stock market a sentence about his ruin mentions: nothing
    # puts him at one, so no question asks what changes for him there.
    hero = person("Hugo Brand", "Hugo", gender="m", role=PROTAGONIST)
    ruin = passages(
        "Hugo Brand counted his debts by the window.",
        "Speculation had brought his business to decay; and the proud man of business had "
        "become an ordinary broker, trembling at every rise and fall in the market.",
        "Hugo Brand closed the ledger and went to bed.",
    )
    assert not present_at(ruin, hero, "market")
    questions = discussion_questions(ruin, Cast((hero,)), title="Ledger")
    assert not any("at the market" in question for question in questions)
    errand = passages(
        "Hugo Brand counted his debts by the window.",
        "In the morning he walked to the market with his last coins.",
        "Hugo Brand closed the ledger and went to bed.",
    )
    assert present_at(errand, hero, "market")


def test_someone_the_text_names_once_is_not_asked_what_they_see() -> None:
    # A cast can take a show's name for a person ("Buffalo Bill's show", merged with
    # "Bill"): the text calls no one that again, so no one of that name sees anything.
    hero = person("Red Fox", "Fox", gender="m", role=PROTAGONIST, meets=(Fact("Wild Jack", 2),))
    show = person("Wild Jack", gender="m", first=2, meets=(Fact("Red Fox", 2),))
    lines = (
        "Red Fox ran about the cave all morning.",
        "Red Fox said the camp looked like Wild Jack's show, and laughed.",
        "Red Fox sang by the fire until late.",
    )
    questions = discussion_questions(passages(*lines), Cast((hero, show)), title="Cave")
    assert not any("see in" in question for question in questions)
    again = passages(*lines, "Wild Jack rode into the camp at dawn and watched Red Fox sing.")
    questions = discussion_questions(again, Cast((hero, show)), title="Cave")
    # The text says "Red Fox" every time, never "Fox" alone: he is Red Fox.
    assert "What does Wild Jack see in Red Fox?" in questions


def test_a_second_name_of_the_protagonist_sees_nothing_in_him() -> None:
    # The cast lists the name he registers under as another person; the text says it is
    # his: no "What does Karl Wendt see in Otto?".
    hero = person("Otto Lamm", "Otto", gender="m", role=PROTAGONIST, meets=(Fact("Karl Wendt", 2),))
    alias = person("Karl Wendt", "Karl", gender="m", first=2, meets=(Fact("Otto Lamm", 2),))
    text = passages(
        "Otto Lamm left the city on the night train.",
        "Otto took a room at the inn, registered as Karl Wendt, and slept till noon.",
        "Karl Wendt opened a bakery and Otto was never seen again.",
    )
    assert one_person(text, alias, hero)
    questions = discussion_questions(text, Cast((hero, alias)), title="Bakery")
    assert not any("see in" in question for question in questions)
    assert not one_person(text, alias, person("Nell Ashby", "Nell", gender="f"))


# --- relations and repetition ---------------------------------------------------------------


def test_kin_are_not_asked_what_they_see_in_each_other() -> None:
    hero = person(
        "Tomas Reyes", "Tomas", gender="m", role=PROTAGONIST, meets=(Fact("Elena Reyes", 1),)
    )
    sister = person("Elena Reyes", "Elena", gender="f", meets=(Fact("Tomas Reyes", 1),))
    text = passages(
        "Tomas Reyes and his sister Elena Reyes ran to the harbour.",
        "Tomas kept watch. Elena rowed beside him.",
    )
    questions = discussion_questions(text, Cast((hero, sister)), title="Storm")
    assert "What does Elena see in Tomas?" not in questions


def test_no_question_asks_again_about_someone_an_earlier_one_asks_about() -> None:
    line = Fact("You must never leave the lamp unlit, whatever the sea does", 2)
    tobias = person("Tobias", gender="m", first=2, meets=(Fact("Nell Ashby", 2),), lines=(line,))
    mae = person("Mae", gender="f", first=3, meets=(Fact("Nell Ashby", 3),))
    hero = person(
        "Nell Ashby",
        "Nell",
        gender="f",
        role=PROTAGONIST,
        meets=(Fact("Tobias", 2), Fact("Mae", 3)),
    )
    text = passages(
        "Nell Ashby kept the lighthouse alone.",
        "One evening a fisherman named Tobias knocked at her door.",
        "Mae came with the bread on Sundays, and Nell waited for her at the gate.",
        "Mae stayed for supper when the sea was rough.",
    )
    questions = discussion_questions(text, Cast((hero, tobias, mae)), title="The Light")
    assert "What does Tobias see in Nell?" not in questions
    assert "What does Mae see in Nell?" in questions
    about_tobias = [q for q in questions if "Tobias" in q]
    assert len(about_tobias) == 2  # his line and the meeting, each asked once


def test_a_title_made_of_the_opening_words_is_not_asked_about() -> None:
    hero = person("Pip", "the narrator", role=PROTAGONIST)
    text = passages("I was eleven the winter my father sent me away.", "I went home in spring.")
    made_up = discussion_questions(text, Cast((hero,)), title="I was eleven the winter my father")
    assert not any("called" in question for question in made_up)


def test_a_place_is_part_of_the_story_when_the_narration_puts_the_protagonist_there() -> None:
    hero = person("Ida Marsh", "Ida", gender="f", role=PROTAGONIST)
    cast = Cast((hero,), (Place("Kirkby", "place", 3, 1),))
    only_said = passages(
        "Ida Marsh kept the inn at the crossroads all winter.",
        "“Let us proceed to Kirkby,” the drover said. “The road to Kirkby is long.”",
        "“Kirkby is a fine town,” he said again, and Ida Marsh poured his ale.",
    )
    questions = discussion_questions(only_said, cast, title="The Inn")
    assert not any("Kirkby" in question for question in questions)
    went = passages(
        "Ida Marsh kept the inn at the crossroads all winter.",
        "In the spring Ida Marsh walked to Kirkby with her basket of eggs.",
        "The market at Kirkby was loud, and the road to Kirkby was long.",
    )
    questions = discussion_questions(went, cast, title="The Inn")
    assert "What part does Kirkby play in Ida's story?" in questions


def test_a_question_never_names_someone_by_a_word_of_another_persons_name() -> None:
    line = Fact("The idea of our listening to such nonsense at our age", 2)
    mother = person("Mrs. White", "White", gender="f", first=1, lines=(line,))
    father = person("Mr. White", gender="m", role=PROTAGONIST)
    son = person("Herbert White", "Herbert", gender="m")
    text = passages("Mr. White played chess with his son.", "Mrs. White knitted by the fire.")
    questions = discussion_questions(text, Cast((father, mother, son)), title="The Paw")
    assert any(q.startswith("What does Mrs. White mean by “The idea") for q in questions)
    assert not any(q.startswith("What does White ") for q in questions)


def test_a_short_form_the_text_hardly_uses_is_not_the_name_asked_about() -> None:
    # "the Chief" once, "Red Chief" five times: a reader says Red Chief.
    hero = person("Red Chief", "Chief", gender="m", role=PROTAGONIST)
    text = passages(
        "Red Chief sat on Bill's chest. Red Chief yelled.",
        "Red Chief would not eat, and the Chief would not sleep.",
        "At dawn Red Chief ran to Summit. Red Chief laughed at us all.",
    )
    questions = discussion_questions(text, Cast((hero,)), title="Ransom")
    assert "How has Red Chief changed by the end of the story?" in questions


def test_only_one_goes_somewhere_not_where_the_other_may_be_its_she() -> None:
    owen = Character(
        "Owen",
        ("Owen",),
        mentions=3,
        first_passage=1,
        role=SUPPORTING,
        places=(Fact("North Wall", 2),),
    )
    nora = Character("Nora", ("Nora",), mentions=2, first_passage=1, role=PROTAGONIST, gender="f")
    text = passages(
        "Nora loved Owen, and Owen had tales of distant countries.",
        "She stood among the crowd at the North Wall. Owen held her hand.",
    )
    comparison = compare_characters(Side("Q", owen, text), Side("Q", nora, text))
    # The "she" at the North Wall is Nora, whom the paragraph never names.
    assert not any("North Wall" in p.text for p in comparison.differences)
