"""Which pieces around the one that answers complete the answer: the neighbour the
question echoes or whose content the question's kind asks for, the next piece about the
question's subject, a speaker's later turn of the same exchange, and the piece of a speech
that names who says it. Used by `answering.find_answer`.

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.core.answer_units import Unit, narration, person_token
from bot.core.cast import Character
from bot.core.question_shape import Shape
from bot.core.search import STOP_WORDS
from bot.core.text import fold

# A piece holding this much of the question restates it; its answer is what follows.
_ECHO = 0.9
# A speaker's reply may come this many of their turns later in an unbroken exchange.
_LATER_TURNS = 4
# A piece that ends by asking: "His dry lips shaped the words, "How much?""
_QUESTION_END_RE = re.compile(r"\?[\s\"'”’]*$")
# A reply opens with a quotation: '"Two hundred pounds," was the answer.'
_REPLY_RE = re.compile(r"\s*[\"“]")
# "That is why …", "This was why …": the reason is what was just said.
_POINTS_BACK_RE = re.compile(
    r"^[\s\"'“‘]*(?:and\s+)?(?:that|this|which)(?:['’]s|\s+is|\s+was)\s+(?:just\s+)?why\b",
    re.IGNORECASE,
)
# A place a piece is in, at, of … by a common noun: "guarding the mouth of the cave".
_SETTING_RE = re.compile(
    r"\b(?:in|into|inside|at|to|from|near|of|on|outside|towards?|through|under|beneath|"
    r"behind|within)\s+the\s+([a-z][a-z-]+)\b"
)
# A noun the story puts "the" before this often is one of its settings.
_SETTING_USES = 3


def with_context(
    best: int,
    units: Sequence[Unit],
    coverage: Sequence[float],
    feature: Callable[[Unit], bool] | None,
    person: bool = False,
) -> list[int]:
    """The answering piece, with the neighbour that completes it. `person`: the question
    asks who, and a piece that names no one says it with a "he" or "she", whom the piece
    before names ("The sergeant-major shook hands …" / "… this visitor from distant
    parts, as he squared his broad shoulders …")."""
    chosen = [best]
    options = neighbours(best, units)
    neighbour = max(options, key=lambda i: coverage[i]) if options else None
    lacking = feature is not None and not feature(units[best])
    # A neighbour that only echoes the question, when this piece holds what is asked
    # (the sum, the time …) and it does not, would be read first and answers nothing.
    echo_only = (
        neighbour is not None
        and feature is not None
        and not lacking
        and not feature(units[neighbour])
    )
    if neighbour is not None and coverage[neighbour] >= coverage[best] and not echo_only:
        chosen.append(neighbour)  # the piece the question echoes, then its answer
    elif person and lacking and feature is not None:
        chosen += [i for i in sorted(options) if feature(units[i])][:1]
    elif coverage[best] >= _ECHO and best + 1 in options and (feature is None or lacking):
        chosen.append(best + 1)  # "He had a weak point." Then: what it was.
    elif lacking and feature is not None:
        # The time, place or words asked for are next door (after, first).
        chosen += [i for i in sorted(options, reverse=True) if feature(units[i])][:1]
    return chosen


def later_turn(
    best: int,
    chosen: Sequence[int],
    units: Sequence[Unit],
    feature: Callable[[Unit], bool] | None,
) -> list[int]:
    """A line of dialogue that holds the question but not what it asks for (the person,
    place, time …) is continued by its speaker's next lines of the same exchange, past
    the other's interjections: "I was silly enough to pay without consulting you." /
    "Amontillado!" / "I have my doubts." / "Amontillado!" / "As you are engaged, I am on my
    way to Luchesi." A paragraph of narration ends the exchange."""
    here = units[best]
    if feature is None or not here.speakers or any(feature(units[i]) for i in chosen):
        return []
    turns = 0
    paragraph = here.passage
    for index in range(best + 1, len(units)):
        unit = units[index]
        if unit.title != here.title or not unit.speakers:
            break
        if unit.passage != paragraph:
            paragraph = unit.passage
            turns += unit.speakers == here.speakers
            if turns > _LATER_TURNS:
                break
        if unit.speakers == here.speakers and index not in chosen and feature(unit):
            return [index]
    return []


def attribution(
    best: int,
    chosen: Sequence[int],
    units: Sequence[Unit],
    feature: Callable[[Unit], bool] | None,
) -> list[int]:
    """ "Who said that capital punishment is more humane?" answered by a line of a speech
    ("I myself have experienced neither …") is answered by who says it: the piece of the
    speech that names its speaker ("'I don't agree with you,' said the host."), nearest
    first, the one before it when two are as near."""
    here = units[best]
    if not here.speakers or (feature is not None and feature(here)):
        return []
    if any(narration(units[i].text) and here.speakers <= units[i].speakers for i in chosen):
        return []  # the answer already says who speaks
    paragraph = [
        i
        for i, unit in enumerate(units)
        if (unit.title, unit.passage) == (here.title, here.passage)
        and i not in chosen
        and here.speakers <= unit.speakers
        and narration(unit.text)
    ]
    return sorted(paragraph, key=lambda i: (abs(i - best), i))[:1]


def subject_next_door(
    best: int, chosen: Sequence[int], units: Sequence[Unit], shape: Shape, subject: str | None
) -> list[int]:
    """ "How does he make sure no one is home?" answered by "There was no one at home"
    (which restates it) is completed by the next piece about him ("I had told them …"):
    what the subject does is the answer, in a piece about the subject."""
    if shape.kind in ("who", "where", "number") or subject is None:
        return []
    if any(subject in units[i].forms for i in chosen):
        return []
    for other in sorted(neighbours(best, units), reverse=True):
        if subject in units[other].forms and other not in chosen:
            return [other]
    return []


def neighbours(index: int, units: Sequence[Unit]) -> list[int]:
    here = units[index]
    found = []
    for other in (index - 1, index + 1):
        if 0 <= other < len(units):
            there = units[other]
            if there.title == here.title and abs(there.passage - here.passage) <= 1:
                found.append(other)
    return found


def introduction(chosen: Sequence[int], units: Sequence[Unit]) -> list[int]:
    """For a where-question answered by pieces that put someone in "the cave", a setting
    the story keeps coming back to: the earlier piece that set it down ("On the rear
    elevation of this mountain was a cave."), which says where it is."""
    title = units[chosen[0]].title
    first = min(chosen)
    before = [i for i in range(first) if units[i].title == title]
    story = [i for i, unit in enumerate(units) if unit.title == title]
    for index in sorted(chosen):
        for match in _SETTING_RE.finditer(units[index].text):
            noun = re.escape(match.group(1))
            definite = re.compile(rf"\bthe\s+{noun}\b", re.IGNORECASE)
            if sum(1 for i in story if definite.search(units[i].text)) < _SETTING_USES:
                continue
            # "was a cave", "stood a little hut": where the story first sets it down ("for
            # a ransom" brings in no place).
            indefinite = re.compile(
                rf"\b(?:was|were|is|are|stood|stands|lay|lies|rose|rises)\s+an?\s+"
                rf"(?:[a-z-]+\s+)?{noun}\b",
                re.IGNORECASE,
            )
            introduced = next((i for i in before if indefinite.search(units[i].text)), None)
            if introduced is not None:
                return [] if introduced in chosen else [introduced]
    return []


def introduced_person(
    chosen: Sequence[int],
    units: Sequence[Unit],
    characters: Sequence[Character],
    asked: frozenset[str],
    quoted: Sequence[int] = (),
) -> list[int]:
    """For a who-question whose answer calls someone by a short name ("… about a monkey's
    paw or something, Morris?"): the earlier piece where the story first named them, when
    it names them more fully there ("'Sergeant-Major Morris,' he said, introducing him."),
    which tells the reader who they are. A fuller form that is someone else's name ("Mr.
    White" for "White") is not theirs. `chosen` is the piece that answers: a neighbour
    quoted with it ("'I sold the shop,' said Arthur." before "'Dunstan bought it'") names
    no one asked for; `quoted` are the pieces already in the answer."""
    title = units[chosen[0]].title
    before = [i for i in range(min(chosen)) if units[i].title == title]
    everyone = {alias for character in characters for alias in character.aliases}
    for index in sorted(chosen):
        for number, character in enumerate(characters):
            if person_token(number) in asked:
                continue
            for alias in sorted(character.aliases, key=len):
                if not alias[:1].isupper() or not _names(alias).search(units[index].text):
                    continue
                first = next((i for i in before if _names(alias).search(units[i].text)), None)
                if first is None or first in chosen or first in quoted:
                    break
                # A title or a first name before it: "Sergeant-Major Morris", not "She's
                # Annabel" or "There the warden".
                fuller = re.search(
                    rf"(?<![\w'’])([A-Z][\w'’.-]*)\s+{re.escape(alias)}(?![\w'’])",
                    units[first].text,
                )
                if (
                    fuller is not None
                    and re.sub(r"['’]s$", "", fold(fuller.group(1))) not in STOP_WORDS
                    and fuller.group() not in everyone
                ):
                    return [first]
                break
    return []


def _names(alias: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w'’]){re.escape(alias)}(?![\w'’])")


def exchange(index: int, units: Sequence[Unit]) -> list[int]:
    """The pieces whose words count for piece `index`: its neighbours and, when it is a
    line of dialogue and the piece before asks a question ("How much?"), what that
    question was asked about: a reply is read with what was asked ("… a certain sum as
    compensation." / "How much?" / "Two hundred pounds," was the answer)."""
    near = neighbours(index, units)
    asked = index - 1
    reply = _REPLY_RE.match(units[index].text) is not None
    if reply and asked in near and _QUESTION_END_RE.search(units[asked].text):
        # What was asked about: the question's paragraph and the end of the one before.
        here = units[asked]
        start = asked
        while start > 0 and (units[start - 1].title, units[start - 1].passage) == (
            here.title,
            here.passage,
        ):
            start -= 1
        near += [i for i in range(max(0, start - 1), asked) if units[i].title == here.title]
    return near


def reason_before(best: int, chosen: Sequence[int], units: Sequence[Unit]) -> list[int]:
    """A why-answer that says "That is why the window is kept open" points back: the
    reason is the piece before it ("Poor aunt always thinks that they will come back some
    day …")."""
    if not _POINTS_BACK_RE.match(units[best].text):
        return []
    before = best - 1
    return [before] if before in neighbours(best, units) and before not in chosen else []


def own_reason_after(
    best: int,
    chosen: Sequence[int],
    units: Sequence[Unit],
    feature: Callable[[Unit], bool] | None,
    subject: str | None,
) -> list[int]:
    """A why-answer that tells the act and no reason ("Tom did not like him.") is
    completed by what the one asked about says right after it, their own account of why
    ('"A man who pays before he is asked has something to hide," Tom said.'): the next
    piece, in the same paragraph or the next, when they speak it."""
    if feature is None or subject is None or any(feature(units[i]) for i in chosen):
        return []
    after = max(chosen) + 1
    near = after < len(units) and after in neighbours(max(chosen), units)
    return [after] if near and subject in units[after].speakers else []
