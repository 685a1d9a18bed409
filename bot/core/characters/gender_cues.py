"""Cues to a person's gender beyond the pronoun after their name: the gender the
narration is told in (a story of "her"), a name the narration calls to (not the next he
or she), a letter's sign-off ("Your loving sister,")."""

from __future__ import annotations

import re

from bot.core.characters.gendered_phrases import GENDERED_PHRASE_RES
from bot.core.characters.paragraph import Paragraph, previous_words
from bot.core.characters.patterns import WORD_RE
from bot.core.characters.scan import Mention
from bot.core.letters import SIGN_OFF_RE
from bot.core.lexicon import FUNCTION_WORDS, GENDERED_NOUNS, PRONOUN_GENDER


def other_gender_after(paragraph: Paragraph, start: int, end: int, background: str) -> str | None:
    """A subject or possessive pronoun not of the `background` gender in text[start:end],
    before any phrase that brings in someone of that gender ("Mathilde learned the
    housework. Her husband worked evenings, and he copied…": the he is the husband) and
    before anyone else is named ("…her peace. Armand's manner had changed. He…")."""
    found = _first_other(paragraph, start, end, background)
    if found is None:
        return None  # most stretches: nothing to check the phrases and names against
    at, gender = found
    text = paragraph.text
    if GENDERED_PHRASE_RES[gender].search(text, start, at):
        return None
    for word in _CAPITALISED_RE.finditer(text, start, at):
        if word.group().lower().rstrip("'’s") not in FUNCTION_WORDS:
            return None
    return gender


def _first_other(
    paragraph: Paragraph, start: int, end: int, background: str
) -> tuple[int, str] | None:
    for match in paragraph.pronouns(start, end):
        gender = PRONOUN_GENDER[match.group().lower()]
        if gender == background or paragraph.quoted(match.start()):
            continue
        pronoun = match.group().lower()
        if pronoun in ("he", "his", "she") or (
            pronoun == "her" and possessive_her(paragraph.text, match.end())
        ):
            return match.start(), gender
    return None


_CAPITALISED_RE = re.compile(r"\b[A-Z][\w'’-]*")


def narration_gender(paragraphs: dict[int, Paragraph]) -> str | None:
    """The gender of most of the narration's he/she pronouns, when it is most by far.
    Read from each paragraph's pronouns, which the later stages read too (counting them
    again with a pattern over the text costs more than the whole walk)."""
    female = male = 0
    for paragraph in paragraphs.values():
        for match in paragraph.pronouns():
            if paragraph.quoted(match.start()):
                continue
            word = match.group()
            if word[0] in "sSſ" or (len(word) == 3 and word[2] in "rR"):
                female += 1
            else:
                male += 1
    top, top_count, other = ("f", female, male) if female >= male else ("m", male, female)
    if top_count >= _BACKGROUND_LEAST and top_count >= _BACKGROUND_RATIO * other:
        return top
    return None


# A story is told of "her" when she has this many of its pronouns, and this many times
# the other gender's.
_BACKGROUND_LEAST = 10
_BACKGROUND_RATIO = 2


def called_in_narration(text: str, mention: Mention) -> bool:
    """A name the narration calls to, as a letter does ("…marry him, Clara."): whoever
    the next he or she is, it is not the one spoken to."""
    start, after = mention.start, mention.after
    return (
        start >= 2
        and after < len(text)
        and text[start - 1] == " "
        and text[start - 2] == ","
        and text[after] in ".!?"
    )


def signed_as(before: str) -> list[str]:
    """A letter signed "Your loving sister,\nMargaret": the noun of the sign-off."""
    if not SIGN_OFF_RE.fullmatch(before):
        return []
    return [word for word in before.lower().replace(",", " ").split() if word in GENDERED_NOUNS][:1]


def possessive_her(text: str, end: int) -> bool:
    following = WORD_RE.match(text, end + 1) if text[end : end + 1] == " " else None
    word = following.group() if following else ""
    return word[:1].islower() and word not in FUNCTION_WORDS


def first_pronoun_gender(paragraph: Paragraph, start: int, end: int) -> str | None:
    """The gender of the first subject or possessive he/she pronoun in text[start:end]."""
    text = paragraph.text
    for match in paragraph.pronouns(start, end):
        pronoun = match.group().lower()
        if paragraph.quoted(match.start()) or pronoun == "him":
            continue  # "laughed at him": someone else
        if pronoun == "her" and not possessive_her(text, match.end()):
            continue  # "smiled at her", "gave her the key"; not "shook her head"
        return PRONOUN_GENDER[pronoun]
    return None


def rival_between(
    rivals: dict[int, list[tuple[int, str]]],
    mention: Mention,
    paragraph: Paragraph,
    limit: int,
    gender: str,
) -> bool:
    """Whether someone of `gender` by their title is named between the mention and the
    first pronoun after it."""
    found = first_pronoun_gender(paragraph, mention.after, limit)
    at = next(
        (
            m.start()
            for m in paragraph.pronouns(mention.after, limit)
            if PRONOUN_GENDER[m.group().lower()] == found
        ),
        limit,
    )
    return any(
        mention.after <= start < at and rival == gender
        for start, rival in rivals.get(mention.passage, ())
    )


def after_preposition(text: str, start: int) -> bool:
    """Whether the word before `start` is a preposition: a name in an object's place."""
    before = previous_words(text[max(0, start - 12) : start], 1)
    return bool(before) and before[0] in _OBJECT_PREPOSITIONS


_OBJECT_PREPOSITIONS = frozenset("to from of with for at by about".split())
