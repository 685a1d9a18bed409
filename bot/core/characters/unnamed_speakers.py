"""Whom a "he said" after a quotation means when the nearest person is one the story
describes rather than names.

"Of course, her father had found out the affair and had forbidden her to see him." /
"I know these sailor chaps," he said. The latest man *named* is the sailor, but the
latest man is her father: the line is his, and he is no one in the cast. "One morning
the busy doctor invited Sue into the hallway." / "She has one chance," he said: the
doctor's, whom the cast has as "the doctor". A he/she is given to a named person only
when no described person of that gender (either, for "the doctor") comes between them.
"""

from __future__ import annotations

import bisect
import re

from bot.core.characters.aliases import Group
from bot.core.characters.analysis import Analysis, pronoun_antecedent
from bot.core.characters.gendered_phrases import UNNAMED_PHRASE_RES
from bot.core.characters.unnamed import DESCRIBED_NOUNS
from bot.core.lexicon import FEMALE_NOUNS, MALE_NOUNS, PRONOUN_GENDER

# How far back a he/she is read: the paragraph and the two before it, as resolve_pronoun.
_PARAGRAPHS_BACK = 3
# Someone described by what they do, of either gender: "the busy doctor", "a clerk".
_ROLE_RE = re.compile(
    r"\b(?:[Tt]he|[Aa]n?)\s+(?:[a-z]+\s+)?(?P<noun>"
    + "|".join(sorted(DESCRIBED_NOUNS - FEMALE_NOUNS - MALE_NOUNS))
    + r")\b"
)
_NOUN_RE = re.compile(r"(?P<noun>[a-z]+)$")


def described_speaker(
    analysis: Analysis, passage: int, position: int, pronoun: str
) -> tuple[bool, Group | None]:
    """Whether the nearest person of the pronoun's gender before `position` is one the
    text only describes ("her father", "the busy doctor"), and if so, the cast's person
    under that description ("the doctor"), when there is exactly one."""
    gender = PRONOUN_GENDER.get(pronoun.lower())
    if gender is None:
        return False, None
    known: set[str] | None = None
    for number in range(passage, passage - _PARAGRAPHS_BACK, -1):
        paragraph = analysis.paragraphs.get(number)
        if paragraph is None:
            continue
        end = position if number == passage else len(paragraph.text)
        named = [
            m.start
            for m in analysis.person_mentions(number)
            if m.start < end and not m.quoted and analysis.groups[m.group].gender in (None, gender)
        ]
        taken = [(m.start, m.end) for m in analysis.person_mentions(number)]
        described = [
            match
            for pattern in (UNNAMED_PHRASE_RES[gender], _ROLE_RE)
            for match in pattern.finditer(paragraph.text, 0, end)
            if not paragraph.quoted(match.start())
            and not any(start <= match.start() < stop for start, stop in taken)
        ]
        if described:
            # "the old woman" again, where the cast has her under that epithet already
            if known is None:
                known = {m.surface.lower() for m in analysis.mentions if m.group >= 0}
            described = [m for m in described if m.group().lower() not in known]
        latest = max(described, key=lambda match: match.start(), default=None)
        last_named = max(named, default=-1)
        if latest is not None and latest.start() > last_named:
            return True, _under(analysis, latest.group())
        if named:
            # "the busy doctor invited Sue into the hallway": the sentence's subject, the
            # doctor, is whom the next paragraph's "he said" means.
            subject = _subject_described(paragraph.sentence_starts, described, last_named)
            if number < passage and subject is not None:
                return True, _under(analysis, subject.group())
            return False, None
    return False, None


def _under(analysis: Analysis, phrase: str) -> Group | None:
    """The one person of the cast called "the <noun>" of the phrase's noun, if any."""
    noun = _NOUN_RE.search(phrase)
    if noun is None:
        return None
    words = ("the", noun["noun"])
    found = [g for g in analysis.people if g.words == words]
    return found[0] if len(found) == 1 else None


def _subject_described(
    starts: list[int], described: list[re.Match[str]], named: int
) -> re.Match[str] | None:
    """A described person opening the sentence of the last name, before it."""
    sentence = bisect.bisect_right(starts, named)
    opening = starts[sentence - 1] if sentence else 0
    for match in described:
        if (
            opening <= match.start() < named
            and bisect.bisect_right(starts, match.start()) == sentence
        ):
            lead = match.start() - opening
            if lead <= _SUBJECT_LEAD:
                return match
    return None


# How far into its sentence a subject may start: "One morning the busy doctor…".
_SUBJECT_LEAD = 20


def said_by(analysis: Analysis, passage: int, position: int, pronoun: str) -> Group | None:
    """Whom a "she said" means among the people named: the latest of a fitting gender,
    unless she is the object of a sentence whose subject also fits ("Madame Valmondé
    bent over Hélène and kissed her." / "This is not the baby!" she exclaimed: Madame
    Valmondé's)."""
    latest = pronoun_antecedent(analysis, passage, position, pronoun)
    if latest is None:
        return None
    paragraph = analysis.paragraphs[latest.passage]
    starts = paragraph.sentence_starts
    sentence = bisect.bisect_right(starts, latest.start)
    opening = starts[sentence - 1] if sentence else 0
    if latest.start - opening <= _SUBJECT_LEAD:
        return analysis.groups[latest.group]  # the sentence's subject itself
    gender = PRONOUN_GENDER.get(pronoun.lower())
    subject = next(
        (
            m
            for m in analysis.person_mentions(latest.passage)
            if opening <= m.start - 0 <= opening + _SUBJECT_LEAD
            and m.start < latest.start
            and not m.quoted
            and m.group != latest.group
            and analysis.groups[m.group].gender == gender
        ),
        None,
    )
    return analysis.groups[(subject or latest).group]
