"""What a piece's words stand for beyond themselves, and whether its roles fit the question.

- An "it" stands for a thing the pieces just before named: "'I sold it at Christmas …'"
  holds the samovar of the paragraphs before it, as a reader takes it. It holds the thing
  half, as a he/she holds a character of its gender, since "it" may mean something else.
- Who gives to whom: "What did Ann give the stranger?" is not answered by a piece where
  something is given to another person ("… which he gave to Mrs. Lund"): a quotation whose
  roles contradict the question is worse than saying less.

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.core.answer_terms import term_of
from bot.core.answer_units import Names, Unit, word_forms
from bot.core.cast import Character
from bot.core.text import fold

# How far back (pieces, paragraphs) an "it" may look for what it stands for.
_IT_REACH = 6
_IT_PARAGRAPHS = 3
_IT_RE = re.compile(r"\bit\b", re.I)
# A noun as a determiner introduces it: "the samovar", "the old samovar" (either of the
# two words after the determiner, since which is the noun is not known).
_DETERMINED_RE = re.compile(
    r"\b(?:the|a|an|his|her|my|their|its|this|that|your|our)\s+([\w'’-]+)(?:\s+([\w'’-]+))?",
    re.I,
)


@lru_cache(maxsize=16_384)
def _nouns(text: str) -> frozenset[str]:
    """The forms of the words a determiner introduces in `text` (cached: a story's pieces
    are asked about again and again)."""
    return frozenset(
        form
        for match in _DETERMINED_RE.finditer(text)
        for form in word_forms(f"{match.group(1)} {match.group(2) or ''}")
    )


def things_it_holds(terms: Sequence[frozenset[str]], units: Sequence[Unit]) -> list[set[int]]:
    """For each piece, the indices of `terms` its "it" may stand for: a term the piece does
    not hold itself, held as a noun (after a determiner) by one of the few pieces before it
    in the same story. A person's token is never an "it"."""
    wanted = [
        (index, term)
        for index, term in enumerate(terms)
        if not any(form.startswith("@") for form in term)
    ]
    held: list[set[int]] = [set() for _ in units]
    if not wanted:
        return held
    for position, unit in enumerate(units):
        if "it" not in unit.forms or _IT_RE.search(unit.text) is None:
            continue
        for earlier in range(position - 1, max(-1, position - 1 - _IT_REACH), -1):
            before = units[earlier]
            if before.title != unit.title or unit.passage - before.passage > _IT_PARAGRAPHS:
                break
            for index, term in wanted:
                if unit.forms.isdisjoint(term) and not _nouns(before.text).isdisjoint(term):
                    held[position].add(index)
    return held


# Verbs that move a thing from one person to another, in any form.
_GIVING = (
    r"(?:give|gives|gave|given|giving|hand|hands|handed|handing|sell|sells|sold|selling|"
    r"send|sends|sent|sending|lend|lends|lent|lending|offer|offers|offered|pass|passes|passed|"
    r"bring|brings|brought|show|shows|showed|shown|pay|pays|paid|leave|leaves|left)"
)
# "… put it into the stranger's hands": a thing put into someone's hands is given.
_GIVING_RE = re.compile(
    rf"\b{_GIVING}\b|\b(?:put|puts|placed|pressed|thrust)\b[^.;:!?]{{0,40}}?\binto\b", re.I
)
# How close after the verb (or its "to") the receiver is named: "gave the boy",
# "gave to Mrs. Lund", "sold it at Christmas to the Jew".
_RECEIVER_AT = 1
_TO_RE = re.compile(r"^(?:\s+(?!to\b)[\w'’-]+){0,5}?\s+to\s+", re.I)


def receiver_of(question: str, names: Names) -> int | None:
    """The character a question asks something was given, sold, sent … to: "What did Ann
    give the stranger?" → the stranger; None when it names no one there."""
    match = _GIVING_RE.search(question)
    if match is None:
        return None
    return _named_after(question[match.end() :], names)


def given_to(unit: Unit, receiver: int, names: Names) -> int:
    """1 when the piece gives, sells, sends … something to `receiver` ("put it into the
    stranger's hands"); -1 when only to other characters ("… which he gave to Mrs. Lund"
    answers nothing given to the stranger); 0 when it names no one receiving."""
    others = False
    for match in _GIVING_RE.finditer(unit.text):
        taker = _named_after(unit.text[match.end() :], names)
        if taker == receiver:
            return 1
        others = others or taker is not None
    return -1 if others else 0


def _named_after(text: str, names: Names) -> int | None:
    """The character named right after a verb, or right after the "to" that follows it."""
    to = _TO_RE.match(text)
    for start in (0, to.end() if to is not None else -1):
        if start < 0:
            continue
        found = names.find(text[start : start + 60])
        first = min(found.items(), key=lambda item: item[1], default=None)
        if first is not None and first[1] <= _RECEIVER_AT:
            return first[0]
    return None


@dataclass(frozen=True, slots=True)
class Doer:
    """Who the question says does its verb: a character, or only a gender ("why did she
    sell …?"), and the verb's forms."""

    person: int | None
    gender: str | None
    verb: frozenset[str]


_ASKED_DOER_RE = re.compile(
    r"\b(?:did|does|do|will|would|had|has|could|can|should|must)\s+(?P<rest>.+)$", re.I
)
_GENDERS = {"he": "m", "she": "f"}
# Between a doer and its verb: "he had sold", "she had at last sold", "I then gave".
_BETWEEN = frozenset(
    "had has have was were would could did do does then also never not at last once first "
    "finally already just only soon had'd".split()
)
_BETWEEN_WORDS = 3
_WORD_RE = re.compile(r"[\w'’-]+")


def asked_doer(question: str, names: Names, characters: Sequence[Character]) -> Doer | None:
    """The doer of "did <he / she / a character> <verb>", or None when the question has
    no such shape ("Who sold the samovar?")."""
    match = _ASKED_DOER_RE.search(question)
    if match is None:
        return None
    rest = match["rest"]
    head = _WORD_RE.match(rest.lstrip())
    person: int | None
    gender: str | None
    if head is not None and fold(head.group()) in _GENDERS:
        person, gender, after = None, _GENDERS[fold(head.group())], rest.lstrip()[head.end() :]
    else:
        opened = names.opening(rest)
        if opened is None:
            return None
        person, gender, after = opened[0], characters[opened[0]].gender, rest[opened[1] :]
    verb = _WORD_RE.search(after)
    if verb is None or (person is None and gender is None):
        return None
    return Doer(person, gender, term_of(verb.group()))


@dataclass(frozen=True, slots=True)
class Seen:
    """Who a piece shows doing a verb: the word before it ("he", "I", a name), the
    character it is when the piece tells (a name; a quotation's "I" is its speaker, the
    narration's the narrator) and their gender."""

    word: str
    person: int | None
    gender: str | None


def doers_in(
    unit: Unit,
    verb: frozenset[str],
    names: Names,
    characters: Sequence[Character],
    narrator: int | None,
) -> list[Seen | None]:
    """For each time the piece says `verb`, who does it, or None when the piece does not
    show a doer right before it (a "which", a "who", a passive)."""
    if unit.forms.isdisjoint(verb):
        return []  # most pieces: the verb is not there at all
    text = unit.text
    tokens = list(_WORD_RE.finditer(text))
    seen: list[Seen | None] = []
    for position, token in enumerate(tokens):
        if term_of(token.group()).isdisjoint(verb):
            continue
        before = position - 1
        while (
            before >= 0
            and position - before <= _BETWEEN_WORDS
            and (fold(tokens[before].group()) in _BETWEEN or tokens[before].group().endswith("ly"))
        ):
            before -= 1
        if before < 0:
            seen.append(None)
            continue
        word = tokens[before]
        person: int | None = None
        gender: str | None = None
        folded = fold(word.group())
        if folded in _GENDERS:
            gender = _GENDERS[folded]
        elif word.group() == "I":
            opened = text[: word.start()]
            inside = opened.count("“") > opened.count("”") or opened.count('"') % 2 == 1
            # A piece with a speaker and no quote mark is a letter: its "I" is the writer.
            letter = not ("“" in text or '"' in text)
            if (inside or letter) and len(unit.speakers) == 1:
                person = int(next(iter(unit.speakers)).removeprefix("@"))
            elif not inside:
                person = narrator
        else:
            person = names.ending_at(text[: word.end()])
        if person is not None:
            gender = characters[person].gender
        seen.append(Seen(folded, person, gender))
    return seen


def doer_contradicts(
    unit: Unit,
    doer: Doer,
    names: Names,
    characters: Sequence[Character],
    narrator: int | None,
) -> bool:
    """Whether every time the piece says the question's verb, its doer is someone else: a
    he where the question asks about a she ("The dealer … he had sold it again" for "Why
    did she sell the samovar?"), or another character by name, or an "I" who is another
    (a quotation's "I" is its speaker, the narration's the narrator). A doer the piece
    does not show (a "which", a "who", a passive) contradicts nothing."""
    seen = doers_in(unit, doer.verb, names, characters, narrator)
    for one in seen:
        if one is None:
            return False
        other = (
            doer.person is not None and one.person is not None and one.person != doer.person
        ) or (doer.gender is not None and one.gender is not None and one.gender != doer.gender)
        if not other:
            return False
    return bool(seen)


# "Who sold it?": the verb right after "who", when it is no auxiliary ("Who did he
# meet?" asks for the one met, "Who was she?" for a description).
_WHO_VERB_RE = re.compile(r"^\s*who\s+(?P<verb>[\w'’-]+)", re.I)
_AUXILIARIES = frozenset(
    "did does do was were is are will would has had have can could shall should may might "
    "must".split()
)


def who_verb(question: str) -> frozenset[str] | None:
    """The forms of the verb a who-question asks the doer of, or None."""
    match = _WHO_VERB_RE.match(question)
    if match is None or fold(match["verb"]) in _AUXILIARIES:
        return None
    return term_of(match["verb"])


def only_a_pronoun_does(
    unit: Unit,
    verb: frozenset[str],
    names: Names,
    characters: Sequence[Character],
    narrator: int | None,
) -> bool:
    """Whether every time the piece says the verb a who-question asks about, its doer is a
    bare he or she: the piece does not say who ("he had sold it again"), however many
    other people it names."""
    seen = doers_in(unit, verb, names, characters, narrator)
    return bool(seen) and all(
        one is not None and one.word in _GENDERS and one.person is None for one in seen
    )
