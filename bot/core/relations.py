"""Who is whose kin, as the text says it: "her father, Karl Berg", "Annabel's father",
"Mr. and Mrs. White", a narrator's "my uncle". Kin do not "meet" in a story, so questions
and comparisons that would say so ask this first.

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.cast import PROTAGONIST, Character
from bot.core.lexicon import TITLES
from bot.core.models import Passage

_KIN_NOUNS = (
    r"father|mother|wife|husband|son|daughter|brother|sister|uncle|aunt|niece|nephew|"
    r"cousin|grandmother|grandfather|grandson|granddaughter|parents?|fianc[ée]e?|"
    r"stepmother|stepfather|twin"
)


def related(
    passages: Sequence[Passage],
    one: Character,
    other: Character,
    cast: Sequence[Character] = (),
) -> bool:
    """Whether the text makes the two kin ("her father, Mr. Adams"; "Mr. and Mrs.
    White"; "Annabel's father"), so that they do not "meet" in the story. The "her" must
    be the one named in its paragraph, or, given the `cast`, the protagonist where no one
    else of her gender is named there ("Her brother Michael was dead now", in a story
    that calls its heroine "she")."""
    if _spouses_by_title(one, other) or _narrators_kin(one, other) or _narrators_kin(other, one):
        return True
    for first, second in ((one, other), (other, one)):
        names = "|".join(re.escape(alias) for alias in sorted(second.aliases, key=len)[::-1])
        owners = "|".join(re.escape(alias) for alias in sorted(first.aliases, key=len)[::-1])
        patterns = (
            rf"(?:\b(?:[Hh]is|[Hh]er|[Tt]heir)|(?:{owners})['’]s)\s+(?:\w+\s+)?(?:{_KIN_NOUNS}),?\s+(?:{names})\b",
            rf"\b(?:{names}),\s+(?:(?:[Hh]is|[Hh]er|[Tt]heir)|(?:{owners})['’]s)\s+(?:\w+\s+)?(?:{_KIN_NOUNS})\b",
        )
        for passage in passages:
            found = next((m for p in patterns if (m := re.search(p, passage.text))), None)
            if found is not None and (
                _mentions(passage.text, first)
                or re.search(rf"\b(?:{owners})['’]s", passage.text) is not None
                or _hers_alone(passage.text[: found.start()], first, second, cast)
            ):
                return True
    return False


def _hers_alone(text: str, first: Character, second: Character, cast: Sequence[Character]) -> bool:
    """Whether `first`, the protagonist, is the only one the his/her after `text` can be:
    no one else of that gender in the cast is named before it in its paragraph."""
    if first.role != PROTAGONIST or first.gender is None or not cast:
        return False
    others = [c for c in cast if c not in (first, second) and c.gender in (None, first.gender)]
    return not any(_mentions(text, c) for c in others)


def _spouses_by_title(one: Character, other: Character) -> bool:
    """ "Mr. White" and "Mrs. White": one surname, a title of each gender."""
    mine, theirs = _titled_surnames(one), _titled_surnames(other)
    return any(g1 != g2 and s1 == s2 for g1, s1 in mine for g2, s2 in theirs)


def _titled_surnames(character: Character) -> set[tuple[str, str]]:
    found = set()
    for alias in character.aliases:
        parts = alias.split()
        gender = TITLES.get(parts[0].rstrip(".").lower()) if len(parts) == 2 else None
        if gender is not None:
            found.add((gender, parts[1]))
    return found


def _narrators_kin(narrator: Character, other: Character) -> bool:
    """ "my uncle" in a first-person story: the narrator's uncle."""
    if "the narrator" not in narrator.aliases:
        return False
    words = other.name.split()
    return len(words) == 2 and words[0] == "the" and re.fullmatch(_KIN_NOUNS, words[1]) is not None


def _mentions(text: str, character: Character) -> bool:
    return any(re.search(rf"\b{re.escape(alias)}\b", text) for alias in character.aliases)
