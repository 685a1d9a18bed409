"""Comparing two characters: side-by-side rows, shared points, differences, all traceable."""

from __future__ import annotations

import itertools
from functools import cache

import pytest

from bot.core.compare import ASPECTS, Comparison, Side, compare_characters
from bot.core.models import ParsedStory
from bot.core.parsing import parse_story
from bot.core.text import fold, words
from tests.core.test_characters import LEA, SEEDS, VALERIE, ZOE, cast_of, seed


@cache
def story(stem: str) -> ParsedStory:
    path = seed(stem)
    return parse_story(path.read_bytes(), path.name)


def side(stem: str, name: str, with_text: bool = True) -> Side:
    parsed = story(stem)
    character = cast_of(seed(stem)).find(name)
    assert character is not None
    return Side(parsed.title, character, parsed.passages if with_text else ())


def texts(points) -> list[str]:
    return [p.text for p in points]


@pytest.mark.parametrize("with_text", [True, False])
def test_valerie_and_zoe_share_paris_and_a_sophie(with_text):
    comparison = compare_characters(
        side(VALERIE, "Valérie", with_text), side(ZOE, "Zoe", with_text)
    )
    shared = texts(comparison.shared)
    assert "Both come to Paris" in shared
    assert "Both have Russian origins" in shared
    sophie = [t for t in shared if "Sophie" in t]
    # Two stories' Sophies are two people who share a name.
    assert len(sophie) == 1 and sophie[0].startswith("Both meet someone named Sophie")
    assert not comparison.same_character


def test_with_the_text_the_namesakes_and_themes_are_compared():
    comparison = compare_characters(side(VALERIE, "Valérie"), side(ZOE, "Zoe"))
    shared = texts(comparison.shared)
    assert (
        "Both meet someone named Sophie; both Sophies work with art (the gallery owner; the artist)"
    ) in shared
    assert "Both turn to art" in shared
    assert "Valérie is a mathematician; Zoe is a ballerina" in texts(comparison.differences)


def test_valerie_and_lea_differ():
    comparison = compare_characters(side(VALERIE, "Valérie"), side(LEA, "Léa Roux"))
    differences = texts(comparison.differences)
    assert "Valérie is a mathematician; Léa is an artist" in differences
    assert "Valérie's origins: Russian, Russia; the text gives none for Léa" in differences
    # Who the other never meets would be a guess: only who one of them shares a scene with.
    assert "Only Valérie shares a scene with Sophie" in differences
    assert not any("no one the text names" in t for t in differences)
    assert "Only Léa goes to Montmartre" in differences
    # With the text, "Valérie has no lines" is not said: she is named where Sophie talks
    # to her, and a "she said" there could be hers. From the facts alone it is.
    assert not any("no lines" in t for t in differences)
    facts_only = compare_characters(side(VALERIE, "Valérie", False), side(LEA, "Léa Roux", False))
    spoken = texts(facts_only.differences)
    assert any(t.startswith("Léa speaks (“I'm Léa Roux.”)") for t in spoken)
    assert not any("Sophie" in t or "Russian" in t for t in texts(comparison.shared))


def test_rows_are_the_aspects_side_by_side():
    comparison = compare_characters(side(VALERIE, "Valérie"), side(ZOE, "Zoe"))
    assert [row[0] for row in comparison.rows] == list(ASPECTS)
    rows = {aspect: (one, other) for aspect, one, other in comparison.rows}
    assert rows["Origins"] == ("Russian (¶ 2), Russia (¶ 3)", "Russian (¶ 1)")
    assert rows["Who they are"][0] == "a brilliant mathematician (¶ 2)"
    assert rows["People met"] == ("Sophie (¶ 7)", "Sophie (¶ 5)")
    assert rows["Arc"][0] == (
        "“She had been on this journey for months” (¶ 1) → "
        "“art had finally become her true sanctuary” (¶ 10)"
    )


def test_a_character_compared_with_itself():
    comparison = compare_characters(side(VALERIE, "Valérie"), side(VALERIE, "Valérie Ivanov"))
    assert comparison.same_character
    assert comparison.shared == () and comparison.differences == ()
    assert all(one == other and one for _, one, other in comparison.rows)


def test_two_people_of_one_story_meet_rather_than_share_a_namesake():
    comparison = compare_characters(side(VALERIE, "Valérie"), side(VALERIE, "Sophie"))
    shared = texts(comparison.shared)
    assert "Valérie Ivanov and Sophie meet" in shared
    assert not any("someone named" in t or "turn to" in t for t in shared)
    assert not comparison.same_character


def test_two_namesakes_are_told_apart():
    comparison = compare_characters(side(VALERIE, "Sophie"), side(ZOE, "Sophie"))
    assert not comparison.same_character
    assert "Both work with art: the gallery owner and the artist" in texts(comparison.shared)
    assert any("Sophie (The Story of Valérie Ivanov)" in t for t in texts(comparison.differences))


# --------------------------------------------------------------------------- traceability
# Words of a point's text that carry no claim of their own.
CONNECTIVES = set(
    """both come to meet meets someone named have origins roots in is a an the and only goes
    shares scene
    work with art's are described as turn speaks has no lines of dialogue text gives none for
    one names more sophies s origins""".split()
)


def claim_words(text: str, comparison_names: set[str]) -> set[str]:
    """Words that must be found in a cited paragraph; "artists" is claimed as "artist"."""
    return {
        fold(w).removesuffix("s")
        for w in words(text.split(" (")[0] if "speaks" not in text else text)
        if fold(w) not in CONNECTIVES and fold(w) not in comparison_names and len(w) > 2
    }


def pairs() -> list[tuple[Side, Side]]:
    people = [(VALERIE, "Valérie"), (VALERIE, "Sophie"), (ZOE, "Zoe"), (ZOE, "Sophie")]
    people.append((LEA, "Léa Roux"))
    return [
        (side(*one), side(*other))
        for one, other in itertools.permutations(people, 2)
        if not (one[1] == other[1] == "Sophie" and one[0] == other[0])
    ]


def check_refs(comparison: Comparison, first: Side, second: Side) -> int:
    """Every ref is a real paragraph whose text holds a word the point claims; a "Both ..."
    point's object ("Paris", "Sophie", "Russian") is in every one of its paragraphs."""
    paragraphs = {
        (s.story_title, p.number): fold(p.text) for s in (first, second) for p in s.passages
    }
    names = {fold(w) for s in (first, second) for a in s.character.aliases for w in words(a)}
    checked = 0
    for point in (*comparison.shared, *comparison.differences):
        assert point.refs, point
        claims = claim_words(point.text, names)
        for ref in point.refs:
            assert ref in paragraphs, (point, ref)
            if claims:
                assert any(claim in paragraphs[ref] for claim in claims), (point, ref, claims)
            else:  # "Valérie Ivanov and Sophie meet": both are named there
                for person in (first.character, second.character):
                    assert any(fold(a) in paragraphs[ref] for a in person.aliases), (point, ref)
            checked += 1
        if point.text.startswith(("Both come to", "Both meet someone named", "Both have")):
            object_words = claim_words(point.text.split(";")[0], names)
            for ref in point.refs[:2]:
                assert all(w in paragraphs[ref] for w in object_words), (point, ref)
    return checked


def test_every_ref_points_at_a_paragraph_that_says_what_is_claimed():
    checked = sum(check_refs(compare_characters(a, b), a, b) for a, b in pairs())
    assert checked > 50  # the check ran over real points, not an empty list


def test_refs_hold_without_the_text_too():
    first, second = side(VALERIE, "Valérie", False), side(ZOE, "Zoe", False)
    comparison = compare_characters(first, second)
    with_text = (side(VALERIE, "Valérie"), side(ZOE, "Zoe"))
    assert check_refs(comparison, *with_text) > 5


def test_seed_paths_are_the_ones_the_bot_ships():
    assert sorted(p.stem for p in SEEDS.glob("*.txt")) == [VALERIE, ZOE, LEA]


def test_kin_are_not_said_to_meet():
    from bot.core.characters import extract_cast
    from bot.core.parsing import split_passages

    passages = split_passages(
        "I waited all evening. I watched the door. I listened for the key. I ate alone.\n\n"
        "At nine my uncle came home. My uncle said he was sorry. I said nothing.\n\n"
        "I went to bed. I slept badly. I dreamed of the bazaar. I woke early."
    )
    cast = extract_cast(passages)
    narrator, uncle = cast.find("the narrator"), cast.find("the uncle")
    assert narrator is not None and uncle is not None
    comparison = compare_characters(
        Side("Home", narrator, passages=passages), Side("Home", uncle, passages=passages)
    )
    assert not any(point.text.endswith(" meet") for point in comparison.shared)
