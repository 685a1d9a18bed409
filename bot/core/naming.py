"""Who a retold sentence's pronoun means, and putting the protagonist's name in its place.

A retelling leaves sentences out, so a "She" may end up after a sentence about someone
else. A pronoun becomes a name only when the character, the gender and the nearest
antecedent agree; these are the tests, and the one edit allowed.

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.lexicon import FUNCTION_WORDS


@dataclass(frozen=True, slots=True)
class StorySentence:
    passage: int
    text: str


_GENDERED_PRONOUNS = {"she": "f", "her": "f", "he": "m", "his": "m"}
_PRONOUN_WORD_RE = re.compile(r"\b(?:she|he|her|his)\b", re.IGNORECASE)


def refers_to(
    sentence: str, name: str, sentences: Sequence[StorySentence], gender: str | None
) -> bool:
    """Whether the opening pronoun of `sentence` can only mean the protagonist: its
    gender is theirs, and they are named soon (the first paragraphs), before anyone
    else could be meant."""
    pronoun = _PRONOUN_WORD_RE.search(sentence)
    if pronoun is None:
        return False  # "They": too often a group
    wanted = _GENDERED_PRONOUNS[pronoun.group().lower()]
    known = gender or pronoun_gender(sentences, name)
    if known != wanted:
        return False
    naming = first_naming(sentences, name)
    if naming is None or sentences[naming].passage > sentences[0].passage + 2:
        return False
    # Nobody else may be named before them: "She" could then be that other woman. Any
    # capitalised word that is not a function word counts ("Mrs. Hale came in"), so a
    # place may keep the pronoun too; keeping it is always faithful.
    named = _naming_re(name).search(sentences[naming].text)
    lead = sentences[naming].text[: named.start() if named else 0]
    before = " ".join([*(s.text for s in sentences[:naming]), lead])
    own = set(name.split())
    return not any(
        word not in own and word.lower() not in FUNCTION_WORDS
        for word in _CAPITALISED_RE.findall(before)
    )


_CAPITALISED_RE = re.compile(r"\b[^\W\d_a-z][\w'’-]*")


def first_naming(sentences: Sequence[StorySentence], name: str) -> int | None:
    pattern = _naming_re(name)
    return next((i for i, s in enumerate(sentences) if pattern.search(s.text)), None)


def _naming_re(name: str) -> re.Pattern[str]:
    """How the text names someone: by their first name ("Léa" for "Léa Roux"), or by the
    whole description for someone it never names ("the old man", never "the" alone)."""
    if name[:4].lower() == "the ":
        return re.compile(rf"\b{re.escape(name[4:])}\b", re.IGNORECASE)
    return re.compile(rf"(?<!\w){re.escape(name.split()[0])}(?!\w)")


def pronoun_gender(sentences: Sequence[StorySentence], name: str) -> str | None:
    """The gender of the pronouns the text uses right after the name, when they agree
    two to one: "Léa Roux walked in. She smiled." is a woman."""
    naming = _naming_re(name)
    votes: Counter[str] = Counter()
    for index, sentence in enumerate(sentences):
        found = naming.search(sentence.text)
        if found is None:
            continue
        following = sentence.text[found.end() :]
        if index + 1 < len(sentences):
            following += " " + sentences[index + 1].text
        pronoun = _PRONOUN_WORD_RE.search(following)
        if pronoun is not None:
            votes[_GENDERED_PRONOUNS[pronoun.group().lower()]] += 1
    if not votes:
        return None
    (top, count), *rest = votes.most_common()
    return top if not rest or count >= 2 * rest[0][1] else None


def opening_pronoun(text: str) -> str | None:
    """The gender of the he/she/his/her that is a sentence's subject, or None."""
    match = LEADING_PRONOUN_RE.match(text)
    pronoun = match["pronoun"] if match else None
    if pronoun is None:
        clause = next((m for m in (p.match(text) for p in CLAUSE_PRONOUN_RES) if m), None)
        pronoun = clause["pronoun"] if clause else None
    return _GENDERED_PRONOUNS.get(pronoun.lower()) if pronoun else None


# Only a pronoun that starts the sentence: inside a quotation ("She told me," he said)
# a speaker is talking, and the pronoun may be anyone.
LEADING_PRONOUN_RE = re.compile(
    r"^(?P<pronoun>She|He|They|Her|His|Their)"
    r"(?P<contraction>['’](?:s|ll|re|ve))?(?=\s)(?P<rest>\s+(?P<verb>[\w’']+))?"
)
# The subject of a sentence that opens with a clause: "When she woke, …", "In the
# morning, she …". Only she/he/her/his: "they" there is too often a group.
CLAUSE_PRONOUN_RES = (
    re.compile(
        r"^(?P<lead>(?:When|As|After|Before|While|Once|Although|Though|Because|Since|Until)"
        r"\s+)(?P<pronoun>she|he|her|his)\b"
    ),
    # Not after a fronted pronoun: in "Her, he never forgot." he is someone else.
    re.compile(
        r"^(?!(?:Her|Him|His|She|He|They|Them|Their)\b)"
        r"(?P<lead>[A-Z][^,\"“”]{0,60},\s+)(?P<pronoun>she|he|her|his)\b"
    ),
)
_POSSESSIVES = frozenset({"Her", "His", "Their"})
# "They were" becomes "Léa Roux was": a single person takes the singular verb.
_SINGULAR_VERBS = {
    "are": "is",
    "were": "was",
    "have": "has",
    "do": "does",
    "aren't": "isn't",
    "weren't": "wasn't",
    "haven't": "hasn't",
    "don't": "doesn't",
    "aren’t": "isn’t",
    "weren’t": "wasn’t",
    "haven’t": "hasn’t",
    "don’t": "doesn’t",
}
_CONTRACTIONS = {"s": "{a}s", "ll": " will", "re": " is", "ve": " has"}


def name_protagonist(sentence: str, name: str, apostrophe: str = "'") -> str:
    """`sentence` with a leading She/He/They (or Her/His/Their) replaced by `name`.

    "Her paintings were…" → "Léa Roux's paintings were…"; "They were late" → "Léa Roux
    was late". A sentence that already names the protagonist is left as it is.
    """
    if _naming_re(name).search(sentence):
        return sentence
    match = LEADING_PRONOUN_RE.match(sentence)
    if match is None:
        return _name_after_opening_clause(sentence, name, apostrophe)
    pronoun = match["pronoun"]
    contraction = (match["contraction"] or "")[1:]
    if pronoun in _POSSESSIVES:
        replacement = f"{name}{apostrophe}s"
    elif contraction:
        replacement = name + _CONTRACTIONS[contraction].format(a=apostrophe)
    else:
        replacement = name
    rest = match["rest"] or ""
    replacement = replacement[0].upper() + replacement[1:]  # "the old man" opens a sentence
    if pronoun == "They" and not contraction and match["verb"] in _SINGULAR_VERBS:
        verb = match["verb"]
        rest = rest[: len(rest) - len(verb)] + _SINGULAR_VERBS[verb]
    return replacement + rest + sentence[match.end() :]


def _name_after_opening_clause(sentence: str, name: str, apostrophe: str) -> str:
    """ "When she woke, …" → "When Léa Roux woke, …"; "At dawn, his …" → "At dawn, Léa Roux's …"."""
    for pattern in CLAUSE_PRONOUN_RES:
        match = pattern.match(sentence)
        if match is not None:
            # At a clause's start "her" is possessive ("When her mother…"), like "his".
            possessive = match["pronoun"] in ("her", "his")
            replacement = f"{name}{apostrophe}s" if possessive else name
            return match["lead"] + replacement + sentence[match.end() :]
    return sentence
