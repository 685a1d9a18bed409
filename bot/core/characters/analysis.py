"""One pass over a story: paragraphs scanned, mentions grouped and classified, places
collected; what the facts, the cast and the arc are read from."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.core.characters.aliases import (
    Group,
    gender_votes,
    group_mentions,
    majority,
    noun_votes,
)
from bot.core.characters.evidence import (
    PlaceInfo,
    classify,
    collect_places,
    people_by_surname,
)
from bot.core.characters.gender_cues import narration_gender
from bot.core.characters.letters import sign_letters
from bot.core.characters.paragraph import Paragraph, quote_spans
from bot.core.characters.scan import Mention, build_vocabulary, mentions_in
from bot.core.characters.unnamed import NARRATING_I, add_unnamed_people
from bot.core.lexicon import (
    PRONOUN_GENDER,
)
from bot.core.models import Passage
from bot.core.text import fold


@dataclass(slots=True)
class Analysis:
    paragraphs: dict[int, Paragraph]
    mentions: list[Mention]
    groups: dict[int, Group]
    people: list[Group]
    places: dict[str, PlaceInfo]
    by_passage: dict[int, list[Mention]] = field(default_factory=dict)  # all, in order
    people_by_passage: dict[int, list[Mention]] = field(default_factory=dict)
    # Folded names, each folded once per story: names and places repeat.
    folds: dict[str, str] = field(default_factory=dict)
    # The place each name's words name, if any, looked up once per name.
    places_by_words: dict[tuple[str, ...], PlaceInfo | None] = field(default_factory=dict)
    # Per paragraph, its capitalised nationalities ("Russian"), in order.
    nationalities: dict[int, list[re.Match[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for mention in self.mentions:  # scanned paragraph by paragraph, left to right
            self.by_passage.setdefault(mention.passage, []).append(mention)
            if mention.group >= 0 and self.groups[mention.group].kind == "person":
                self.people_by_passage.setdefault(mention.passage, []).append(mention)

    def person_mentions(self, passage: int) -> list[Mention]:
        return self.people_by_passage.get(passage, [])

    def fold(self, text: str) -> str:
        folded = self.folds.get(text)
        if folded is None:
            folded = self.folds[text] = fold(text)
        return folded


def analyse(passages: Sequence[Passage]) -> Analysis:
    paragraphs: dict[int, Paragraph] = {}
    for passage in passages:
        quotes = quote_spans(passage.text)
        paragraphs[passage.number] = Paragraph(passage, quotes)
    vocabulary = build_vocabulary(list(paragraphs.values()))
    mentions = [m for p in paragraphs.values() for m in mentions_in(p, vocabulary)]
    groups = group_mentions(mentions, paragraphs)
    evidence = {g.id: classify(g, paragraphs, vocabulary) for g in groups.values()}
    people_by_surname(groups.values(), vocabulary)
    background = narration_gender(paragraphs)
    # Where people whose title gives their gender are named: a pronoun of that gender
    # after one of them is more likely theirs than an earlier name's.
    titled: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for group in groups.values():
        if group.kind == "person" and group.gender is not None and group.titles:
            for mention in group.mentions:
                titled[mention.passage].append((mention.start, group.gender))
    for person in [g for g in groups.values() if g.kind == "person"]:
        person.gender = person.gender or majority(
            gender_votes(person.mentions, paragraphs, None, background, titled)
            + noun_votes(person.mentions, paragraphs)
        )
    add_unnamed_people(paragraphs, mentions, groups)
    sign_letters(paragraphs, groups, mentions)
    people = [g for g in groups.values() if g.kind == "person" and g.mentions]
    places = collect_places(mentions, groups, evidence)
    analysis = Analysis(paragraphs, mentions, groups, people, places)
    analysis.nationalities = vocabulary.nationalities
    return analysis


def resolve_pronoun(analysis: Analysis, passage: int, position: int, pronoun: str) -> Group | None:
    """The person a he/she refers to: the latest named before it, of a fitting gender."""
    mention = pronoun_antecedent(analysis, passage, position, pronoun)
    return None if mention is None else analysis.groups[mention.group]


def pronoun_antecedent(
    analysis: Analysis, passage: int, position: int, pronoun: str
) -> Mention | None:
    """The mention resolve_pronoun reads the person from."""
    gender = PRONOUN_GENDER.get(pronoun.lower())
    for number in (passage, passage - 1, passage - 2):
        earlier = [
            m
            for m in analysis.person_mentions(number)
            if (number < passage or m.start < position)
            and not m.quoted
            # The narrating "I" is never the "he" or "she" of its own narration.
            and m.surface != NARRATING_I
        ]
        for mention in sorted(earlier, key=lambda m: -m.start):
            group = analysis.groups[mention.group]
            if gender is None or group.gender in (None, gender):
                return mention
    return None
