"""What the text itself says about one character, for comparison lines: where they go,
who else is there, which lines are theirs. The extracted facts come from whole
paragraphs ("the Christian State" is in a paragraph about the banker, "Walter Scott" in
one with the narrator); a comparison line says only what a sentence of the text backs.

Without the text (a comparison of facts only) the facts are all there is.

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.answer_units import narration
from bot.core.cast import Character, Fact
from bot.core.models import Passage
from bot.core.stated import SAYS, goes_to, renamed_as, spoken_by

_TITLE_WORDS = frozenset({"the", "Mr.", "Mrs.", "Miss", "Mr", "Mrs"})


def goes_to_place(passages: Sequence[Passage], character: Character, place: str) -> bool:
    """Whether the narration has the character go to or be at the place: "I strode down
    Buckingham Street" does; "unfitted to a Christian State", in a sentence about the
    guests, puts no one there, and "the Amontillado" is only ever proceeded to in talk."""
    if not passages:
        return True
    name = place.removeprefix("the ").removeprefix("The ")
    return goes_to(passages, character, name)


def someone_else(passages: Sequence[Passage], character: Character, name: str) -> bool:
    """Whether `name`, in the character's story, is someone besides them who is there:
    named in two paragraphs at least (not "a book by Walter Scott"), and not the
    character under another name ("registered as Ralph D. Spencer", "Dandy Jim
    Valentine" for Jimmy Valentine: a cast may list those as people)."""
    if not passages:
        return True
    own = {word for alias in character.aliases for word in alias.split()}
    if set(name.split()) & (own - _TITLE_WORDS):
        return False
    if renamed_as(passages, character, name):
        return False
    form = "[Tt]he " + re.escape(name[4:]) if name.startswith("the ") else re.escape(name)
    pattern = re.compile(rf"(?<![\w'’]){form}(?!\w)")  # "Mangan's" names Mangan too
    return sum(1 for passage in passages if pattern.search(passage.text)) >= 2


def line_is_theirs(passages: Sequence[Passage], character: Character, line: Fact) -> bool:
    """Whether the paragraph of a line names the character as its speaker."""
    if not passages:
        return True
    passage = next((p for p in passages if p.number == line.passage), None)
    return passage is not None and spoken_by(passage, character)


def near_talk(passages: Sequence[Passage], character: Character) -> bool:
    """Whether the character is named in a paragraph where someone speaks: then "has no
    lines of dialogue" would be a guess (a "she said" there may be theirs)."""
    if not passages:
        return False
    forms = (re.sub(r"['’]", "['’]", re.escape(alias)) for alias in character.aliases)
    pattern = re.compile("|".join(rf"(?<![\w'’]){form}(?![\w'’])" for form in forms))
    # Anyone's "she said" may be theirs too, when they may be a "she".
    pronoun = {"f": "she", "m": "he"}.get(character.gender or "", "s?he")
    tagged = re.compile(rf"\b(?:{pronoun})\s+(?:{SAYS})\b|\b(?:{SAYS})\s+(?:{pronoun})\b")
    return any(
        pattern.search(passage.text) or tagged.search(passage.text)
        for passage in passages
        if any(mark in passage.text for mark in '"“”')
    )


def elsewhere(passages: Sequence[Passage], character: Character, place: str) -> bool:
    """Whether the character is named in a paragraph that names the place, or may be its
    he or she: then "only the other goes there" would be a guess ("as fat as Bill was …
    out of Summit"; "She stood among the crowd at the North Wall" in a story that calls
    its heroine "she" far more than by her name)."""
    names = "|".join(re.escape(alias) for alias in character.aliases)
    pronoun = {"f": "[Ss]he", "m": "[Hh]e"}.get(character.gender or "", "[Ss]?[Hh]e")
    where = re.escape(place.removeprefix("the ").removeprefix("The "))
    them = re.compile(rf"(?<![\w'’])(?:{names}|{pronoun})(?![\w'’])")
    return any(
        re.search(rf"\b(?:{where})\b", passage.text) and them.search(narration(passage.text))
        for passage in passages
    )
