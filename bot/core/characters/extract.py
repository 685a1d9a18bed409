"""The cast: characters (protagonist first) and places, assembled from the analysis."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

from bot.core.cast import PROTAGONIST, SUPPORTING, Cast, Character, Fact, Place
from bot.core.characters.aliases import (
    Group,
)
from bot.core.characters.analysis import (
    Analysis,
    analyse,
)
from bot.core.characters.facts import (
    FactSet,
    attribute_lines,
    descriptions_at,
    find_origins,
    gender_from_descriptions,
    pronoun_descriptions,
)
from bot.core.characters.labels import alias_forms, display_name
from bot.core.characters.paragraph import previous_words
from bot.core.characters.patterns import (
    PRONOUN_RE,
    WORD_RE,
)
from bot.core.characters.scan import Mention
from bot.core.gc_pause import gc_paused
from bot.core.lexicon import (
    GENDERED_NOUNS,
    NATIONALITIES,
    PLACE_HEADS,
    PRONOUN_GENDER,
)
from bot.core.models import Passage
from bot.core.parsing import italic_names, readable_passages


def _meets(
    analysis: Analysis, spoken_in: dict[int, set[int]], names: dict[int, str]
) -> dict[int, list[Fact]]:
    present: dict[int, set[int]] = defaultdict(set)
    for mention in analysis.mentions:
        if mention.group < 0:
            continue
        if mention.quoted and not _called(analysis.paragraphs[mention.passage].text, mention):
            continue  # named in someone's speech ("You are Nikolai's boy"): not there
        if analysis.groups[mention.group].kind == "person":
            present[mention.passage].add(mention.group)
    for group_id, numbers in spoken_in.items():
        for number in numbers:
            present[number].add(group_id)
    meets: dict[int, dict[int, int]] = defaultdict(dict)
    for number in sorted(present):
        for one in present[number]:
            for other in present[number] - {one}:
                meets[one].setdefault(other, number)
    return {
        one: [
            Fact(names[other], number) for other, number in sorted(met.items(), key=lambda i: i[1])
        ]
        for one, met in meets.items()
    }


def _called(text: str, mention: Mention) -> bool:
    """Whether a name in speech is called ("Hold the lamp, Pip!"): whoever is called is there."""
    before = text[: mention.start].rstrip()
    return before.endswith((",", '"', "“")) and text[mention.end : mention.end + 1] in ",!?."


def _first_mentions(analysis: Analysis) -> dict[int, list[tuple[str, int, Mention]]]:
    """Per paragraph, each place's first mention there, with its order in the place's list:
    a person's places are read from their paragraphs, not from every place's mentions."""
    firsts: dict[int, dict[str, tuple[str, int, Mention]]] = defaultdict(dict)
    for key, place in analysis.places.items():
        for order, mention in enumerate(place.mentions):
            firsts[mention.passage].setdefault(key, (key, order, mention))
    return {number: list(found.values()) for number, found in firsts.items()}


def _places_of(
    analysis: Analysis,
    group: Group,
    spoken_in: set[int],
    origins: Sequence[Fact],
    firsts: dict[int, list[tuple[str, int, Mention]]],
) -> tuple[Fact, ...]:
    """Places named in the paragraphs where the person is, first time each; not origins."""
    numbers = {m.passage for m in group.mentions} | spoken_in
    origin_keys = {analysis.fold(f.text) for f in origins}
    # Each place's earliest-listed mention in the person's paragraphs.
    earliest: dict[str, tuple[int, Mention]] = {}
    for number in numbers:
        for key, order, mention in firsts.get(number, ()):
            known = earliest.get(key)
            if known is None or order < known[0]:
                earliest[key] = (order, mention)
    located: list[tuple[int, int, str]] = []
    for key, (_, first) in earliest.items():
        place = analysis.places[key]
        if origin_keys and (key in origin_keys or analysis.fold(place.name) in origin_keys):
            continue
        located.append((first.passage, first.start, place.name))
    return tuple(Fact(name, passage) for passage, _, name in sorted(located))


def _centrality(character: Character, paragraphs_present: int, total: int) -> float:
    # Mentions weigh most; being there early and often breaks near-ties.
    earliness = 1 - (character.first_passage - 1) / max(1, total)
    return character.mentions + paragraphs_present + 3 * earliness


def extract_cast(passages: Sequence[Passage], *, title: str | None = None) -> Cast:
    """Characters (protagonist first, then by mentions) and places (by first appearance).

    A story is about whom the narration keeps referring to: mentions, and the he/she
    that refers back to them. A `title` naming a character makes them the protagonist
    ("Araby" names no one; "The Story of Léa" does)."""
    with gc_paused():
        return _extract_cast(passages, title)


def _extract_cast(passages: Sequence[Passage], title: str | None) -> Cast:
    in_italics = italic_names(passages)  # read before the markers are dropped
    passages = readable_passages(passages)
    if not passages:
        return Cast()
    analysis = analyse(passages)
    descriptions: dict[int, FactSet] = defaultdict(FactSet)
    for mention in analysis.mentions:
        group = analysis.groups.get(mention.group)
        if group is not None and group.kind == "person" and not mention.quoted:
            text = analysis.paragraphs[mention.passage].np_text
            descriptions_at(mention, text, descriptions[group.id])
    for person in analysis.people:
        gender_from_descriptions(person, descriptions[person.id].facts())
    pronoun_descriptions(analysis, descriptions)
    origins: dict[int, FactSet] = defaultdict(FactSet)
    find_origins(analysis, origins)
    for group_id, described in descriptions.items():
        for fact in described.facts():
            for word in WORD_RE.findall(fact.text):
                if word.lower() in NATIONALITIES and word[0].isupper():
                    origins[group_id].add(fact.passage, 0, word)
    lines: dict[int, FactSet] = defaultdict(FactSet)
    spoken_in = attribute_lines(analysis, lines)
    names = {person.id: display_name(person) for person in analysis.people}
    meets = _meets(analysis, spoken_in, names)
    referred = _pronoun_references(analysis)
    titled = _named_in_title(analysis, title)
    characters: list[tuple[float, Character]] = []
    firsts = _first_mentions(analysis)
    for person in analysis.people:
        if names[person.id] in in_italics:
            continue  # "the *Hollow Bell*": a ship, a book, an opera; no one, and nowhere
        origin_facts = origins[person.id].facts()
        character = Character(
            name=names[person.id],
            aliases=alias_forms(person, names[person.id]),
            mentions=len(person.mentions),
            first_passage=person.first.passage,
            role=SUPPORTING,
            gender=person.gender,
            descriptions=descriptions[person.id].facts(),
            origins=origin_facts,
            lines=lines[person.id].facts(),
            meets=tuple(fact for fact in meets.get(person.id, ()) if fact.text not in in_italics),
            places=tuple(
                fact
                for fact in _places_of(analysis, person, spoken_in[person.id], origin_facts, firsts)
                if fact.text not in in_italics
            ),
        )
        paragraphs_present = len({m.passage for m in person.mentions})
        centrality = _centrality(character, paragraphs_present, len(passages))
        centrality += _REFERENCE_WEIGHT * referred[person.id]
        if person is titled:
            centrality += _TITLE_WEIGHT
        characters.append((centrality, character))
    places = tuple(place for place in _place_list(analysis) if place.name not in in_italics)
    return Cast(characters=_rank(characters), places=places)


# A he/she in the narration that refers back to someone counts for half a mention; being
# named in the title outweighs anything the text can say.
_REFERENCE_WEIGHT = 0.5
_TITLE_WEIGHT = 10_000.0
_NARRATION_PRONOUN_RE = PRONOUN_RE


def _pronoun_references(analysis: Analysis) -> Counter[int]:
    """How often the narration's he/she points back to each person: the last one named
    of that gender, however far back (a story's "she" stays its heroine for pages)."""
    counts: Counter[int] = Counter()
    last: dict[str, int] = {}
    groups = analysis.groups
    for number, paragraph in analysis.paragraphs.items():
        # The names and the pronouns in text order, a pronoun before a name at the same
        # place; names at one place by group (two mentions can start at one place).
        named = sorted(
            (m.start, m.group)
            for m in analysis.person_mentions(number)
            if not m.quoted and not _introduced_as_kin(paragraph.text, m.start)
        )
        index = 0
        for match in paragraph.pronouns():
            start = match.start()
            while index < len(named) and named[index][0] < start:
                _named_here(groups[named[index][1]], last)
                index += 1
            if paragraph.quoted(start):
                continue
            gender = PRONOUN_GENDER.get(match.group().lower())
            if gender is not None and gender in last:
                counts[last[gender]] += 1
        for _, group_id in named[index:]:
            _named_here(groups[group_id], last)
    return counts


def _named_here(group: Group, last: dict[str, int]) -> None:
    if group.gender is not None:
        last[group.gender] = group.id


def _introduced_as_kin(text: str, start: int) -> bool:
    """ "It was her sister Josephine who told her": named as someone's relative, she does
    not take over the story's "she" from the woman the "her" is."""
    before = previous_words(text[max(0, start - 30) : start], 2)
    return (
        len(before) == 2
        and before[0].lower() in _POSSESSIVES
        and before[1].lower() in GENDERED_NOUNS
    )


_POSSESSIVES = frozenset({"her", "his", "their", "my", "our", "your"})


def _named_in_title(analysis: Analysis, title: str | None) -> Group | None:
    if not title:
        return None
    words = {re.sub(r"['’]s$", "", word) for word in WORD_RE.findall(title)}
    named = [p for p in analysis.people if p.mentions and set(p.words) <= words]
    return max(named, key=lambda p: len(p.mentions)) if named else None


def _rank(scored: list[tuple[float, Character]]) -> tuple[Character, ...]:
    if not scored:
        return ()
    ordered = sorted(scored, key=lambda s: (-s[0], s[1].first_passage, s[1].name))
    protagonist = ordered[0][1]
    others = sorted(
        (c for _, c in ordered[1:]), key=lambda c: (-c.mentions, c.first_passage, c.name)
    )
    return (replace(protagonist, role=PROTAGONIST), *others)


def _place_list(analysis: Analysis) -> tuple[Place, ...]:
    places = [
        (p.mentions[0].passage, p.mentions[0].start, p)
        for p in analysis.places.values()
        if p.mentions
    ]
    return tuple(
        Place(p.name, p.kind, len(p.mentions), passage)
        for passage, _, p in sorted(places, key=lambda item: (item[0], item[1]))
    )


def place_in_sentence(name: str) -> str:
    """How a place reads inside a sentence: "the Eiffel Tower", "Paris", "the Seine"."""
    words = name.split()
    if len(words) < 2 or words[0].lower() == "the":
        return name
    lowered = [w.lower() for w in words]
    head = lowered[lowered.index("of") - 1] if "of" in lowered[1:] else lowered[-1]
    return f"the {name}" if head in PLACE_HEADS and head not in _BARE_HEADS else name


# Names with these heads take no article: "Fore Street", "Hyde Park", "Times Square".
_BARE_HEADS = frozenset(
    """street st road rd avenue ave lane square park boulevard row terrace drive way crescent
    gardens hill close court alley station""".split()
)


def is_nationality(word: str) -> bool:
    """ "Russian", "French", "Parisian": a nationality, language or demonym."""
    return word.lower() in NATIONALITIES
