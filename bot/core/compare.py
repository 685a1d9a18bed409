"""Two characters side by side: what they share and how they differ.

Every point names the paragraphs it rests on, (story title, paragraph number), so a
reader can check it. Nothing is inferred beyond the extracted facts, except themes and
the arc, which quote the story text when the caller passes it (Side.passages).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.core.cast import Character, Fact
from bot.core.characters import (
    character_arc,
    extract_cast,
    is_nationality,
    place_in_sentence,
)
from bot.core.compare_evidence import (
    elsewhere,
    goes_to_place,
    line_is_theirs,
    near_talk,
    someone_else,
)
from bot.core.lexicon import (
    PERSON_ROLE_NOUNS,
)
from bot.core.models import Passage
from bot.core.places import surely_a_place
from bot.core.relations import related
from bot.core.stated import introduced
from bot.core.text import fold

ASPECTS = ("Origins", "Who they are", "Places", "People met", "Arc")

# Role nouns that say who someone is to others, not what they do.
_NOT_OCCUPATIONS = frozenset(
    """woman man girl boy lady gentleman friend stranger mother father sister brother wife
    husband daughter son aunt uncle cousin child widow widower neighbour neighbor dreamer
    queen king prince princess""".split()
)
OCCUPATIONS = PERSON_ROLE_NOUNS - _NOT_OCCUPATIONS
# Occupations named by two words: "gallery owner", "map seller".
_COMPOUND_HEADS = frozenset("owner seller vendor keeper maker".split())
# Words whose presence in a description puts someone in the art world.
_ART_WORDS = frozenset(
    "art artist painter gallery gallerist sculptor illustrator curator studio".split()
)
# Pursuits a story can turn on; one counts when it recurs where the character is.
THEMES = (
    "art",
    "music",
    "ballet",
    "dance",
    "painting",
    "poetry",
    "writing",
    "mathematics",
    "science",
    "theatre",
    "photography",
    "cooking",
    "medicine",
)
_MAX_LISTED = 4
Refs = tuple[tuple[str, int], ...]
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class Side:
    """One character in one story. With the story's passages the comparison can also
    quote the text (arc) and find shared themes; without them it uses the facts only."""

    story_title: str
    character: Character
    passages: tuple[Passage, ...] = ()


@dataclass(frozen=True, slots=True)
class Point:
    text: str  # "Both come to Paris"
    refs: Refs  # (story title, paragraph) for every claim


@dataclass(frozen=True, slots=True)
class Comparison:
    rows: tuple[tuple[str, str, str], ...]  # (aspect, first's value, second's value)
    shared: tuple[Point, ...]
    differences: tuple[Point, ...]
    same_character: bool  # a character compared with itself


def compare_characters(first: Side, second: Side) -> Comparison:
    same = _same_character(first, second)
    rows = tuple(
        (aspect, _row_value(first, aspect), _row_value(second, aspect)) for aspect in ASPECTS
    )
    if same:
        # Every "both" would be a tautology; the rows alone describe them.
        return Comparison(rows=rows, shared=(), differences=(), same_character=True)
    names = _short_names(first, second)
    shared = (
        *_shared_origins(first, second),
        *_shared_places(first, second),
        *_shared_people(first, second),
        *_shared_occupations(first, second),
        *_shared_art_world(first, second),
        *_shared_themes(first, second),
    )
    differences = (
        *_occupation_difference(first, second, names),
        *_origin_difference(first, second, names),
        *_place_differences(first, second, names),
        *_people_difference(first, second, names),
        *_voice_difference(first, second, names),
    )
    return Comparison(rows=rows, shared=shared, differences=differences, same_character=False)


def _same_character(first: Side, second: Side) -> bool:
    return (
        fold(first.story_title) == fold(second.story_title)
        and first.character.name == second.character.name
    )


# --------------------------------------------------------------------------- rows
def _facts_value(facts: Sequence[Fact], limit: int = 6) -> str:
    return ", ".join(f"{fact.text} (¶ {fact.passage})" for fact in facts[:limit])


def _arc(side: Side) -> tuple[Fact, ...]:
    """From the text when we have it; else how the descriptions start and end."""
    if side.passages:
        return character_arc(side.passages, side.character)
    described = side.character.descriptions
    if len(described) >= 2 and described[0].passage != described[-1].passage:
        return (described[0], described[-1])
    return ()


def _row_value(side: Side, aspect: str) -> str:
    character = side.character
    if aspect == "Origins":
        return _facts_value(character.origins)
    if aspect == "Who they are":
        return "; ".join(f"{f.text} (¶ {f.passage})" for f in character.descriptions[:6])
    if aspect == "Places":  # only what the "goes to" lines below may also say
        return _facts_value(_sure_places(side))
    if aspect == "People met":
        return _facts_value(character.meets)
    return " → ".join(f"“{fact.text}” (¶ {fact.passage})" for fact in _arc(side))


# --------------------------------------------------------------------------- shared
def _matching(
    first: Iterable[Fact], second: Iterable[Fact], exclude: Iterable[str] = ()
) -> list[tuple[Fact, Fact]]:
    """Facts both sides have (accent- and case-blind), in the first side's order."""
    excluded = {fold(name) for name in exclude}
    seconds: dict[str, Fact] = {}
    for fact in second:
        seconds.setdefault(fold(fact.text), fact)
    return [
        (fact, seconds[fold(fact.text)])
        for fact in first
        if fold(fact.text) in seconds and fold(fact.text) not in excluded
    ]


def _refs(first: Side, first_fact: Fact, second: Side, second_fact: Fact) -> Refs:
    return ((first.story_title, first_fact.passage), (second.story_title, second_fact.passage))


def _shared_origins(first: Side, second: Side) -> list[Point]:
    points = []
    for one, other in _matching(first.character.origins, second.character.origins):
        text = (
            f"Both have {one.text} origins"
            if is_nationality(one.text)
            else f"Both have roots in {one.text}"
        )
        points.append(Point(text, _refs(first, one, second, other)))
    return points


def _shared_places(first: Side, second: Side) -> list[Point]:
    return [
        Point(f"Both come to {place_in_sentence(one.text)}", _refs(first, one, second, other))
        for one, other in _matching(_sure_places(first), _sure_places(second))
    ]


def _sure_places(side: Side) -> tuple[Fact, ...]:
    return places_gone_to(side.character, side.passages)


def places_gone_to(character: Character, passages: Sequence[Passage]) -> tuple[Fact, ...]:
    """The places one may say someone goes to: with the text at hand, those it names as
    places ("Street", "India") or goes to ("came to Paris"), and where a sentence has
    them go or be, so that a wine or a book the extractor took for a place ("a pipe of
    Amontillado") or a place in a paragraph about others is left out."""
    if not passages:
        return character.places
    text = " ".join(passage.text for passage in passages)
    return tuple(
        fact
        for fact in character.places
        if surely_a_place(fact.text, text) and goes_to_place(passages, character, fact.text)
    )


def _shared_people(first: Side, second: Side) -> list[Point]:
    """People both meet; in two stories a shared name is two people who share it."""
    one_char, other_char = first.character, second.character
    points = []
    same_story = fold(first.story_title) == fold(second.story_title)
    meeting = _meeting(first, second) if same_story else None
    if meeting is not None and not related(first.passages, one_char, other_char):
        where = ((first.story_title, meeting),)
        points.append(Point(f"{one_char.name} and {other_char.name} meet", where))
    exclude = (one_char.name, other_char.name)
    for one, other in _matching(one_char.meets, other_char.meets, exclude):
        if not (
            someone_else(first.passages, one_char, one.text)
            and someone_else(second.passages, other_char, other.text)
        ):
            continue
        refs: Refs = _refs(first, one, second, other)
        if same_story:
            # Sharing a paragraph with someone is what the text shows; a meeting it
            # seldom tells of both (two kidnappers do not "meet" the boy they took).
            points.append(Point(f"Both share a scene with {one.text}", refs))
            continue
        text = f"Both meet someone named {one.text}"
        art = _art_world_descriptions(first, one.text, second, other.text)
        if art is not None:
            one_desc, other_desc = art
            text += f"; both {one.text}s work with art ({one_desc.text}; {other_desc.text})"
            refs += _refs(first, one_desc, second, other_desc)
        points.append(Point(text, refs))
    return points


def _meeting(first: Side, second: Side) -> int | None:
    """The first paragraph naming both of two characters of a story, when the text tells
    one meeting the other (the newcomer introduced with the other there), not merely
    that they share a paragraph."""
    for host, newcomer in (
        (first.character, second.character),
        (second.character, first.character),
    ):
        shared = next((f for f in host.meets if f.text == newcomer.name), None)
        if shared is None:
            continue
        passage = next((p for p in first.passages if p.number == newcomer.first_passage), None)
        if passage is not None and introduced(passage, newcomer, host):
            return shared.passage  # where both are named, the meeting told just before
        if not first.passages:
            return shared.passage  # without the text, the extracted fact is all there is
    return None


def _description_of(side: Side, name: str, wanted: Callable[[Fact], bool]) -> Fact | None:
    """The first description of someone else in the side's story that `wanted` accepts."""
    if not side.passages:
        return None
    other = extract_cast(side.passages).find(name)
    if other is None:
        return None
    return next((fact for fact in other.descriptions if wanted(fact)), None)


def _is_art_world(fact: Fact) -> bool:
    return bool(_ART_WORDS.intersection(_words(fact.text)))


def _art_world_descriptions(
    first: Side, first_name: str, second: Side, second_name: str
) -> tuple[Fact, Fact] | None:
    """ "the gallery owner" and "the artist": both namesakes work with art."""
    one = _description_of(first, first_name, _is_art_world)
    other = _description_of(second, second_name, _is_art_world)
    if one is None or other is None:
        return None
    return one, other


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text)]


def _occupations(character: Character) -> list[tuple[str, Fact]]:
    """("mathematician", its description), in text order: "a brilliant mathematician"."""
    found = []
    for fact in character.descriptions:
        words = _words(fact.text)
        for index, word in enumerate(words):
            if word in OCCUPATIONS:
                if word in _COMPOUND_HEADS and index > 0:
                    word = f"{words[index - 1]} {word}"
                found.append((word, fact))
                break
    return found


def _plural(noun: str) -> str:
    return noun + ("es" if noun.endswith(("s", "sh", "ch", "x")) else "s")


def _with_article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _shared_occupations(first: Side, second: Side) -> list[Point]:
    seconds = dict(reversed(_occupations(second.character)))
    points = []
    seen: set[str] = set()
    for occupation, fact in _occupations(first.character):
        if occupation in seconds and occupation not in seen:
            seen.add(occupation)
            refs = _refs(first, fact, second, seconds[occupation])
            points.append(Point(f"Both are described as {_plural(occupation)}", refs))
    return points


def _presence(side: Side) -> list[Passage]:
    """The paragraphs that name the character, by any of their names."""
    names = sorted(set(side.character.aliases) | {side.character.name}, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w'’-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])")
    return [p for p in side.passages if pattern.search(p.text)]


def _theme_paragraphs(side: Side) -> dict[str, list[int]]:
    """For each theme word, the paragraphs with the character where it occurs."""
    found: dict[str, list[int]] = {}
    for passage in _presence(side):
        words = set(_words(passage.text))
        for theme in THEMES:
            if theme in words:
                found.setdefault(theme, []).append(passage.number)
    return found


def _shared_art_world(first: Side, second: Side) -> list[Point]:
    """A gallery owner and an artist: different jobs, one world."""
    one = next((f for f in first.character.descriptions if _is_art_world(f)), None)
    other = next((f for f in second.character.descriptions if _is_art_world(f)), None)
    if one is None or other is None:
        return []
    text = f"Both work with art: {one.text} and {other.text}"
    return [Point(text, _refs(first, one, second, other))]


def _shared_themes(first: Side, second: Side) -> list[Point]:
    """ "Both turn to art": the word recurs (twice or more) where each of them is."""
    if not first.passages or not second.passages:
        return []
    if fold(first.story_title) == fold(second.story_title):
        return []  # one story's themes are everyone's in it
    ones, others = _theme_paragraphs(first), _theme_paragraphs(second)
    points = []
    for theme in THEMES:
        one, other = ones.get(theme, []), others.get(theme, [])
        if len(one) >= 2 and len(other) >= 2:
            # The last time is the turn the story ends on.
            refs = ((first.story_title, one[-1]), (second.story_title, other[-1]))
            points.append(Point(f"Both turn to {theme}", refs))
    return points


# --------------------------------------------------------------------------- differences
def _short_names(first: Side, second: Side) -> tuple[str, str]:
    """First names, unless they clash ("Sophie" and "Sophie") or are titles ("Mr.")."""

    def short(character: Character) -> str:
        # "Mangan's sister" is not "Mangan's".
        head = character.first_name
        return character.name if head.endswith((".", "'s", "’s")) else head

    one, other = short(first.character), short(second.character)
    if one != other:
        return one, other
    one, other = first.character.name, second.character.name
    if one != other:
        return one, other
    return f"{one} ({first.story_title})", f"{other} ({second.story_title})"


def _occupation_difference(first: Side, second: Side, names: tuple[str, str]) -> list[Point]:
    ones, others = _occupations(first.character), _occupations(second.character)
    if not ones or not others or {o for o, _ in ones} & {o for o, _ in others}:
        return []
    (one, one_fact), (other, other_fact) = ones[0], others[0]
    text = f"{names[0]} is {_with_article(one)}; {names[1]} is {_with_article(other)}"
    return [Point(text, _refs(first, one_fact, second, other_fact))]


def _only_in(facts: Sequence[Fact], others: Sequence[Fact]) -> list[Fact]:
    keys = {fold(f.text) for f in others}
    return [f for f in facts if fold(f.text) not in keys]


def _listed(facts: Sequence[Fact], places: bool = False) -> str:
    names = [place_in_sentence(f.text) if places else f.text for f in facts[:_MAX_LISTED]]
    more = len(facts) - len(names)
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def _side_refs(side: Side, facts: Sequence[Fact]) -> Refs:
    return tuple((side.story_title, f.passage) for f in facts[:_MAX_LISTED])


def _origin_difference(first: Side, second: Side, names: tuple[str, str]) -> list[Point]:
    one = _only_in(first.character.origins, second.character.origins)
    other = _only_in(second.character.origins, first.character.origins)
    if one and other:
        text = f"{names[0]}'s origins: {_listed(one)}; {names[1]}'s: {_listed(other)}"
        return [Point(text, _side_refs(first, one) + _side_refs(second, other))]
    points = []
    for side, facts, name, other_name in ((first, one, *names), (second, other, *names[::-1])):
        if facts and not (second if side is first else first).character.origins:
            text = f"{name}'s origins: {_listed(facts)}; the text gives none for {other_name}"
            points.append(Point(text, _side_refs(side, facts)))
    return points


def _place_differences(first: Side, second: Side, names: tuple[str, str]) -> list[Point]:
    points = []
    pairs = ((first, second, names[0]), (second, first, names[1]))
    for side, other, name in pairs:
        only = _only_in(_sure_places(side), _sure_places(other))
        # Only where the text never names the other with the place.
        only = [f for f in only if not elsewhere(other.passages, other.character, f.text)]
        if only:
            text = f"Only {name} goes to {_listed(only, places=True)}"
            points.append(Point(text, _side_refs(side, only)))
    return points


def _people_difference(first: Side, second: Side, names: tuple[str, str]) -> list[Point]:
    """Who only one of two characters of different stories shares a scene with. In one
    story nothing is said: the other is often there under a pronoun ("her sister
    Josephine told her"), so "only" and "no one" would be guesses."""
    if fold(first.story_title) == fold(second.story_title):
        return []
    exclude = {first.character.name, second.character.name}
    one = [f for f in first.character.meets if f.text not in exclude]
    other = [f for f in second.character.meets if f.text not in exclude]
    points = []
    for side, mine, theirs, name in ((first, one, other, names[0]), (second, other, one, names[1])):
        only = [
            f for f in _only_in(mine, theirs) if someone_else(side.passages, side.character, f.text)
        ]
        if only:
            text = f"Only {name} shares a scene with {_listed(only)}"
            points.append(Point(text, _side_refs(side, only)))
    return points


def _voice_difference(first: Side, second: Side, names: tuple[str, str]) -> list[Point]:
    """One speaks in the text, the other never does."""
    for side, other, name, other_name in (
        (first, second, *names),
        (second, first, *names[::-1]),
    ):
        # The line must be theirs by the text (the paragraph names them as its speaker),
        # and "no lines" must be plain: the other is never named where anyone speaks
        # ("'How?' said he." in a scene with Fortunato may well be his).
        lines = [
            f for f in side.character.lines if line_is_theirs(side.passages, side.character, f)
        ]
        if lines and not other.character.lines and not near_talk(other.passages, other.character):
            line = max(lines, key=lambda f: (len(f.text.split()), -f.passage))
            text = f"{name} speaks (“{line.text}”); {other_name} has no lines of dialogue"
            return [Point(text, ((side.story_title, line.passage),))]
    return []
