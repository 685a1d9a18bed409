"""Whether the text treats a name as a place, for lines that say someone goes there.

Place extraction also collects what only looks like a place (a wine in "a pipe of
Amontillado", a personification in "the goddess of Victory"); a comparison or a question
that says someone goes to one would say what the story does not. A name counts when its
own words say "place" (a street, a country) or the text goes there ("came to Paris",
"the streets of Montmartre").

Plain Python (no discord import).
"""

from __future__ import annotations

import re

from bot.core.lexicon import CONTINENTS, COUNTRIES, PLACE_HEADS, PLACE_PREFIXES


def surely_a_place(name: str, text: str) -> bool:
    """Whether `name` is a place by its words or by how `text` uses it."""
    if _only_ever_indefinite(name, text):
        return False
    return _named_as_a_place(name) or _gone_to(name, text)


def _only_ever_indefinite(name: str, text: str) -> bool:
    """A name the text only ever writes after "a" or "an" ("unfitted to a Christian
    State") is a kind of thing, not one place anybody goes to."""
    bare = name.removeprefix("the ")
    uses = [m.start() for m in re.finditer(rf"\b{re.escape(bare)}\b", text)]
    return bool(uses) and all(
        _INDEFINITE_BEFORE_RE.search(text[max(0, at - 4) : at]) for at in uses
    )


_INDEFINITE_BEFORE_RE = re.compile(r"(?:^|\W)[Aa]n?\s+$")


_TOWARDS_RE = r"\b(?:in|into|at|to|from|through|near|across|toward|towards|reached|left)\s+"


# "the streets of Montmartre", "the city of Lyon": a place noun, then the place.
_PLACE_OF_RE = (
    r"\b(?:"
    + "|".join(sorted(PLACE_HEADS))
    + r"|streets|heart|outskirts|edge|centre|center)\s+of\s+"
)


def _gone_to(name: str, text: str) -> bool:
    place = r"(?:the\s+)?" + re.escape(name.removeprefix("the ")) + r"\b"
    return re.search(f"(?:{_TOWARDS_RE}|{_PLACE_OF_RE}){place}", text) is not None


def _named_as_a_place(name: str) -> bool:
    words = name.removeprefix("the ").split()
    if not words:
        return False
    first, last = words[0].lower(), words[-1].lower()
    folded = " ".join(words).lower()
    return (
        last in PLACE_HEADS
        or (len(words) > 1 and first in PLACE_PREFIXES)
        or folded in COUNTRIES
        or folded in CONTINENTS
    )
