"""`make eval`'s "referent" column: a retold pronoun that now means someone else.

A retelling leaves sentences out, so a "he" kept word for word can follow a sentence about
another man: "The banker … was beside himself with rapture. Everything necessary … he
could receive" reads as the banker's, where the text means the lawyer. The check uses the
truth's people (names, aliases and genders), not the cast, and reads a pronoun the way a
reader does when nothing else decides: it means the first person of its gender named in
the nearest earlier sentence that names one (the subject, usually); a sentence whose first
such word is itself a pronoun passes the question further back. Possessives ("the
banker's house") name no subject, and quotations are someone speaking, so neither is
looked at. The referent is worked out once over the text and once over the retelling;
the sentence counts when both find someone and they differ.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.sentences import split_sentences

_PRONOUNS = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
_PRONOUN_RE = re.compile(r"(?<![\w'’])(?:he|him|his|she|her)(?![\w'’])", re.IGNORECASE)
# A quotation, open to the end of the sentence when it does not close there.
_QUOTED_RE = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
# How far back a reader looks for whom a pronoun means, in sentences.
_WINDOW = 12


@dataclass(frozen=True)
class Someone:
    name: str
    forms: frozenset[str]  # folded name and aliases
    gender: str


def _fold(text: str) -> str:
    return " ".join(text.replace("’", "'").casefold().split())


def _narration(text: str) -> str:
    """The sentence with its quotations blanked (same length, so positions hold)."""
    return _QUOTED_RE.sub(lambda m: " " * len(m.group()), _fold(text))


def _items(text: str, people: Sequence[Someone], gender: str) -> list[tuple[int, str | None]]:
    """The people of `gender` the narration names (not as a possessive) and its pronouns
    of that gender that can be a sentence's subject, in order: (position, name), None for
    a pronoun, "" for someone new ("a man", "May, the girl"; "the man" is most often
    someone already there). A possessive or object pronoun
    ("Together with his servants the banker went") and one in an opening clause ("When
    he had read, the banker put …") say nothing of whom the sentence is about."""
    narration = _narration(text)
    found: list[tuple[int, str | None]] = []
    taken: set[int] = set()  # "Ben Price's" is not "Ben": longer forms first
    forms = sorted(
        ((form, person) for person in people for form in person.forms),
        key=lambda pair: -len(pair[0]),
    )
    for form, person in forms:
        for match in re.finditer(rf"(?<![\w']){re.escape(form)}(?![\w])", narration):
            if match.start() in taken:
                continue
            taken.update(range(match.start(), match.end()))
            if person.gender != gender or narration.startswith("'s", match.end()):
                continue
            # "her sister Josephine": the pronoun's person is the topic, not Josephine.
            holder = (
                None if form.startswith("the ") else _HOLDER_RE.search(narration, 0, match.start())
            )
            found.append((holder.start(), None) if holder else (match.start(), person.name))
    nouns = _GENERIC_NOUNS[gender]
    for match in re.finditer(
        rf"(?:\b(?:a|an)|(?<=[a-z]{{3}}, )the)\s+(?:[a-z-]+\s+)?(?:{nouns})\b", narration
    ):
        if not any(start == match.start() for start, _ in found):
            found.append((match.start(), ""))
    for match in _PRONOUN_RE.finditer(narration):
        word = match.group().lower()
        opening = match.start() == len(narration) - len(narration.lstrip())
        subject = word in ("he", "she") or opening
        ahead = _OPENING_CLAUSE_RE.match(narration[: match.start()])
        if _PRONOUNS[word] == gender and subject and not ahead:
            found.append((match.start(), None))
    return sorted(found, key=lambda item: (item[0], item[1] is None))


_HOLDER_RE = re.compile(r"\b(?:his|her)\s+(?:(?!(?:the|a|an)\b)[\w'-]+\s+){1,2}$")
# Someone the text has not named yet: a pronoun after this means them, not anyone known.
_GENERIC_NOUNS = {
    "m": "man|boy|gentleman|fellow|stranger|youth",
    "f": "woman|girl|lady|stranger",
}
# A subordinate clause opening the sentence: its pronoun looks ahead to the subject.
_OPENING_CLAUSE_RE = re.compile(
    r"^\W*(?:when|as|after|before|while|once|although|though|because|since|until|if)\b[^,;]*$"
)


def first_pronoun(text: str, people: Sequence[Someone]) -> tuple[int, str] | None:
    """The first he/she/his/her/him of the narration whose person the sentence itself
    does not name: (position, gender). Named before it ("The banker tapped on the window
    with his finger") or after it in the same clause ("Together with his servants the
    banker went"), the sentence says whom it means."""
    narration = _narration(text)
    for match in _PRONOUN_RE.finditer(narration):
        gender = _PRONOUNS[match.group().lower()]
        named = [start for start, name in _items(text, people, gender) if name]
        if any(start < match.start() for start in named) or _owner_before(
            narration[: match.start()], people, gender
        ):
            return None
        after = [start for start in named if start > match.start()]
        # Only a possessive or an opening clause looks ahead; "He had not expected the
        # lawyer…" is about someone before.
        ahead = match.group().lower() not in ("he", "she") or bool(
            _OPENING_CLAUSE_RE.match(narration[: match.start()])
        )
        clause = narration[match.start() : after[0]] if after else ""
        if after and ahead and not re.search(r"[;:]|, (?:and|but)\b", clause):
            return None
        return match.start(), gender
    return None


def _owner_before(lead: str, people: Sequence[Someone], gender: str) -> bool:
    """ "Herbert's hand grasped the paw, and … he wiped his hand": a possessive name of
    the pronoun's gender before it says whom it means."""
    return any(
        re.search(rf"(?<![\w']){re.escape(form)}'s\b", lead)
        for person in people
        if person.gender == gender
        for form in person.forms
    )


def referent(earlier: Sequence[str], people: Sequence[Someone], gender: str) -> str | None:
    """Whom a pronoun of `gender` means after the sentences `earlier` (nearest last); None
    when a reader cannot tell: someone new ("a man") or a line of dialogue alone (its
    speaker is whoever's turn it is) comes first."""
    for text in reversed(earlier[-_WINDOW:]):
        if not _narration(text).strip(" .,;:!?-—"):
            return None
        items = _items(text, people, gender)
        if items and items[0][1] is not None:
            return items[0][1] or None
    return None


def referents_moved(
    retold: Sequence[tuple[str, int]],
    paragraphs: Sequence[tuple[int, str]],
    people: Sequence[Someone],
) -> list[str]:
    """The retold sentences (text, passage number) whose pronoun means someone else in
    the retelling than in the text; `paragraphs` are (passage number, text)."""
    story: list[tuple[int, str]] = [
        (number, sentence)
        for number, paragraph in paragraphs
        for sentence in split_sentences(paragraph)
    ]
    moved = []
    for position, (text, paragraph) in enumerate(retold):
        found = first_pronoun(text, people)
        if found is None:
            continue
        source = _source_index(text, paragraph, story)
        if source is None:
            continue
        gender = found[1]
        in_text = referent([s for _, s in story[:source]], people, gender)
        in_retelling = referent([t for t, _ in retold[:position]], people, gender)
        if in_text is not None and in_retelling is not None and in_text != in_retelling:
            moved.append(f"{text[:90]!r}: the text means {in_text}, the retelling {in_retelling}")
    return moved


def _source_index(text: str, paragraph: int, story: Sequence[tuple[int, str]]) -> int | None:
    """Where the retold sentence stands in the text: the sentence of its paragraph it is."""
    words = set(_fold(text).split())
    best: tuple[float, int] | None = None
    for index, (where, sentence) in enumerate(story):
        if where != paragraph:
            continue
        theirs = set(_fold(sentence).split())
        overlap = len(words & theirs) / max(1, len(words | theirs))
        if best is None or overlap > best[0]:
            best = (overlap, index)
    return best[1] if best and best[0] >= 0.5 else None
