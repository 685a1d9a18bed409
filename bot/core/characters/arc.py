"""A character's arc: how the text first and last shows them, quoted as written."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from bot.core.cast import Character, Fact
from bot.core.characters.aliases import (
    Group,
)
from bot.core.characters.analysis import (
    Analysis,
    analyse,
    resolve_pronoun,
)
from bot.core.characters.labels import display_name
from bot.core.characters.paragraph import Paragraph
from bot.core.characters.patterns import (
    RELATION_NOUNS,
    WORD_RE,
)
from bot.core.lexicon import FUNCTION_WORDS, PERSON_ROLE_NOUNS
from bot.core.models import Passage
from bot.core.parsing import readable_passages

# Words that say how someone is, or has become: the sentences an arc is built from.
_STATE_WORDS = frozenset(
    "was were is felt feel feels been became become becomes realised realized longer".split()
)


_ARC_PRONOUN_RE = re.compile(r"\b(?:she|he|her|his)\b", re.IGNORECASE)


# After "her"/"his", a noun for a person: "her husband" is someone else, who the clause is
# about.
_OTHER_PERSON_AFTER_RE = re.compile(
    r"\s+(?:own\s+)?(?:" + "|".join(sorted(PERSON_ROLE_NOUNS | RELATION_NOUNS)) + r")s?\b",
    re.IGNORECASE,
)


# After "her", what she has ("her true sanctuary"); anything else ("with her, because")
# makes "her" the object of someone else's clause.
_OWNED_AFTER_RE = re.compile(r"\s+(?!(?:" + "|".join(sorted(FUNCTION_WORDS)) + r")\b)[a-z][\w'’-]*")


_MIN_ARC_WORDS = 4


_CLAUSE_SPLIT_RE = re.compile(r",\s+|;\s+|:\s+|\s+[–—-]\s+")


# A piece that stops inside a noun phrase ("She was a small", "his old"), then an
# adjective in lower case: the comma separates adjectives ("a small, grey woman"), not
# clauses ("the city, but today felt different").
_OPEN_NOUN_PHRASE_RE = re.compile(
    r"\b(?:a|an|the|his|her|their|my|our|its|this|that|your)(?:\s+[\w'’-]+)?$", re.IGNORECASE
)


_NEXT_WORD_RE = re.compile(r"[a-z][\w'’-]*")


_LEADING_CONJUNCTION_RE = re.compile(r"^(?:and|but|yet|so|or)\s+", re.IGNORECASE)


_MAX_ARC_CLAUSE = 120


def character_arc(passages: Sequence[Passage], character: Character) -> tuple[Fact, ...]:
    """How the text first and last shows the character: (start, end) clauses, quoted as
    written, from the first and last narrative sentences about them that say how they are.

    Empty when the character is not found; one fact when only one sentence qualifies.
    """
    analysis = analyse(readable_passages(passages))
    group = _group_for(analysis, character)
    if group is None:
        return ()
    clauses = [
        clause
        for paragraph in analysis.paragraphs.values()
        for clause in _state_clauses(analysis, paragraph, group)
    ]
    if not clauses:
        return ()
    first, last = clauses[0], clauses[-1]
    return (first,) if first == last else (first, last)


def _group_for(analysis: Analysis, character: Character) -> Group | None:
    names = set(character.aliases) | {character.name}
    for person in analysis.people:
        if display_name(person) == character.name:
            return person
    for person in analysis.people:
        if names & {m.surface for m in person.mentions}:
            return person
    return None


def _state_clauses(analysis: Analysis, paragraph: Paragraph, group: Group) -> list[Fact]:
    """One clause per narrative sentence that refers to the person and says how they are."""
    text = paragraph.text
    number = paragraph.passage.number
    bounds = [*paragraph.sentence_starts, len(text)]
    found: list[Fact] = []
    for start, end in itertools.pairwise(bounds):
        sentence = text[start:end]
        if paragraph.quoted(start) or any(q in sentence for q in '"“”«»'):
            continue  # dialogue says how others see them; the arc keeps to the narration
        references = _reference_spans(analysis, paragraph, group, start, end)
        if not references:
            continue
        clause = _best_clause(sentence, start, references)
        if clause is not None:
            found.append(Fact(clause, number))
    return found


def _reference_spans(
    analysis: Analysis, paragraph: Paragraph, group: Group, start: int, end: int
) -> list[int]:
    """Offsets in the sentence where it names the person or uses a pronoun for them."""
    positions = [
        m.start
        for m in analysis.person_mentions(paragraph.passage.number)
        if m.group == group.id and start <= m.start < end and not m.possessive
    ]
    for match in _ARC_PRONOUN_RE.finditer(paragraph.text, start, end):
        if _OTHER_PERSON_AFTER_RE.match(paragraph.text, match.end()):
            continue  # "Her husband turned the gull over": his clause, not hers
        if match.group().lower() == "her" and not _OWNED_AFTER_RE.match(
            paragraph.text, match.end()
        ):
            continue  # "I went with her, because I was nine": the clause is about me
        resolved = resolve_pronoun(analysis, paragraph.passage.number, match.start(), match.group())
        if resolved is not None and resolved.id == group.id:
            positions.append(match.start())
    return positions


def _clause_spans(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each clause, split at commas, semicolons, colons and dashes."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _CLAUSE_SPLIT_RE.finditer(sentence):
        after = _NEXT_WORD_RE.match(sentence, match.end())
        inside_a_noun_phrase = (
            match.group().startswith(",")
            and after is not None
            and after.group().lower() not in FUNCTION_WORDS
            and _OPEN_NOUN_PHRASE_RE.search(sentence, start, match.start()) is not None
        )
        if not inside_a_noun_phrase:
            spans.append((start, match.start()))
            start = match.end()
    spans.append((start, len(sentence)))
    return spans


def _best_clause(sentence: str, offset: int, references: list[int]) -> str | None:
    """The sentence's clause that both refers to the person and states something; failing
    that, one that refers to them, if the sentence states something at all."""
    pieces = [(offset + start, sentence[start:end]) for start, end in _clause_spans(sentence)]
    states = [_STATE_WORDS.intersection(w.lower() for w in WORD_RE.findall(p)) for _, p in pieces]
    if not any(states):
        return None
    refers = [any(s <= r < s + len(p) for r in references) for s, p in pieces]
    long_enough = [len(p.split()) >= _MIN_ARC_WORDS for _, p in pieces]
    ranked = [i for i in range(len(pieces)) if refers[i] and states[i] and long_enough[i]]
    ranked += [i for i in range(len(pieces)) if refers[i] and long_enough[i]]
    if not ranked:
        return None
    clause = _LEADING_CONJUNCTION_RE.sub("", pieces[ranked[0]][1].strip()).rstrip(".!?…,;")
    if len(clause) > _MAX_ARC_CLAUSE:
        clause = clause[:_MAX_ARC_CLAUSE].rsplit(" ", 1)[0] + "…"
    return clause
