"""People a question names by a description the cast does not know: "Why did the rider
need to cross?" in a story whose cast has no rider, because he is never named.

The cast finds most unnamed people who act ("the narrator", "the banker"), not all; a
reader's question says whom it means. When the story writes "a rider" / "the rider" and
has them do what people do ("the rider sat down"), they are someone for this question:
their pieces hold the question's person, and a "he" after them is theirs, not the story's
main man's ("'I must get across tonight,' he said" is the rider's line).

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from bot.core.cast import SUPPORTING, Character
from bot.core.lexicon import (
    FEMALE_NOUNS,
    MALE_NOUNS,
    PERSON_ROLE_NOUNS,
    PERSON_VERBS,
    SPEECH_VERBS,
    TIME_WORDS,
)
from bot.core.models import Passage
from bot.core.text import fold

# "the rider", "the old woman": the word after "the", or the one after that.
_DESCRIBED_RE = re.compile(r"\bthe\s+(?P<first>[a-z][a-z-]+)(?:\s+(?P<second>[a-z][a-z-]+))?")
# What people do, besides the cast's verbs of people: came, went, rode …
_ACTS = PERSON_VERBS | SPEECH_VERBS | frozenset("came went rode drove pressed put".split())
# A he or she soon after the first "a rider" is the rider's gender.
_PRONOUN_RE = re.compile(r"\b(?P<m>he|him|his)\b|\b(?P<f>she|her|hers)\b", re.I)
_GENDER_REACH = 200
_AFTER_ARTICLE_RE = re.compile(r"\b(?:[Tt]he|[Aa]n?)\s+([\w-]+)")
_CACHED_STORIES = 8
_MIN_MENTIONS = 2


def described_people(
    question: str, sources: Sequence[tuple[str, Sequence[Passage]]], characters: Sequence[Character]
) -> tuple[Character, ...]:
    """The people `question` names as "the <noun>" that no character is known by, when
    the stories write "a/the <noun>" at least twice and once have them act or speak."""
    known = {word for c in characters for alias in c.aliases for word in fold(alias).split()}
    found: list[Character] = []
    for match in _DESCRIBED_RE.finditer(fold(question)):
        for noun in (match["first"], match["second"]):
            if noun is None or noun in known or len(noun) < 3 or noun in TIME_WORDS:
                continue
            if noun.endswith("s") and not noun.endswith("ss"):
                continue  # "the kidnappers": more than one person
            person = _described(noun, sources)
            if person is not None:
                found.append(person)
                known.add(noun)
                break
    return tuple(found)


@lru_cache(maxsize=_CACHED_STORIES)
def _article_nouns(passages: tuple[Passage, ...]) -> frozenset[str]:
    """Every word a story writes after a/an/the (worked out once for the questions a
    reader asks about one story): a noun not among them describes no one there."""
    return frozenset(
        match.group(1).casefold()
        for passage in passages
        for match in _AFTER_ARTICLE_RE.finditer(passage.text)
    )


def _described(noun: str, sources: Sequence[tuple[str, Sequence[Passage]]]) -> Character | None:
    if all(noun not in _article_nouns(tuple(passages)) for _title, passages in sources):
        return None
    mention = re.compile(rf"\b(?:[Tt]he|[Aa]n?)\s+{re.escape(noun)}\b")
    acts = re.compile(
        rf"\b(?:[Tt]he|[Aa]n?)\s+{re.escape(noun)}\s+(?:\w+ly\s+)?(?P<verb>[a-z]+)\b"
        rf"|\b(?:said|asked|cried|replied|answered)\s+the\s+{re.escape(noun)}\b"
    )
    mentions = 0
    first: tuple[int, str, int] | None = None  # passage number, its text, where named
    acting = False
    for _title, passages in sources:
        for passage in passages:
            for hit in mention.finditer(passage.text):
                mentions += 1
                if first is None:
                    first = (passage.number, passage.text, hit.end())
            for hit in acts.finditer(passage.text):
                verb = hit["verb"]
                acting = acting or verb is None or verb in _ACTS
    if first is None or mentions < _MIN_MENTIONS or not acting:
        return None
    number, text, end = first
    gender = "f" if noun in FEMALE_NOUNS else "m" if noun in MALE_NOUNS else None
    if gender is None:
        pronoun = _PRONOUN_RE.search(text[end : end + _GENDER_REACH])
        if pronoun is not None:
            gender = "m" if pronoun["m"] else "f"
    # A thing can be "agreed" or "passed" too: a person is a he or she, or a word for one.
    if gender is None and noun not in PERSON_ROLE_NOUNS:
        return None
    name = f"the {noun}"
    return Character(
        name=name,
        aliases=(name,),
        mentions=mentions,
        first_passage=number,
        role=SUPPORTING,
        gender=gender,
    )
