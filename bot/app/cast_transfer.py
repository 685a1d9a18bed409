"""A cast as plain tuples, to come back from a worker process without stalling the loop.

A name-heavy 152 KB text has ~1,000 characters and ~100,000 facts. Returned as the
dataclasses themselves, unpickling them (one `__setstate__` call per object, in the
process pool's result thread) held the interpreter lock for 0.2-1.5 s at a stretch:
the event loop, and every member's interaction, waited. Tuples of strings and ints
unpickle in C in a few milliseconds, and the dataclasses are rebuilt on the loop a
slice at a time.
"""

from __future__ import annotations

import asyncio
from dataclasses import fields
from typing import Any

from bot.core.cast import Cast, Character, Fact, Place

# Facts rebuilt between two yields to the loop: a few milliseconds' work.
FACTS_PER_SLICE = 4_000

_FACT_FIELDS = tuple(f.name for f in fields(Character) if f.type == "tuple[Fact, ...]")
_PLAIN_FIELDS = tuple(f.name for f in fields(Character) if f.name not in _FACT_FIELDS)
_FACT_PARTS = tuple(f.name for f in fields(Fact))
_PLACE_PARTS = tuple(f.name for f in fields(Place))

PackedCast = tuple[tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...]]


def pack_cast(cast: Cast, *, facts: bool = True) -> PackedCast:
    """In the worker: every character and place as nested tuples of plain values.

    Without `facts`, each character's facts are left out (a preview shows who is in the
    story, not what the text says of them: the facts are extracted again at Publish).
    """
    characters = tuple(
        (
            *(getattr(character, name) for name in _PLAIN_FIELDS),
            *(
                tuple(tuple(getattr(fact, part) for part in _FACT_PARTS) for fact in group)
                if facts
                else ()
                for group in (getattr(character, name) for name in _FACT_FIELDS)
            ),
        )
        for character in cast.characters
    )
    places = tuple(tuple(getattr(place, part) for part in _PLACE_PARTS) for place in cast.places)
    return characters, places


def _character(packed: tuple[Any, ...]) -> tuple[Character, int]:
    plain, facts = packed[: len(_PLAIN_FIELDS)], packed[len(_PLAIN_FIELDS) :]
    values: dict[str, Any] = dict(zip(_PLAIN_FIELDS, plain, strict=True))
    for name, group in zip(_FACT_FIELDS, facts, strict=True):
        values[name] = tuple(Fact(*fact) for fact in group)
    character = Character(**values)
    return character, sum(len(group) for group in facts)


async def unpack_cast(packed: PackedCast) -> Cast:
    """On the loop: the cast again, yielding to other tasks every few thousand facts."""
    characters: list[Character] = []
    since_yield = 0
    for item in packed[0]:
        character, facts = _character(item)
        characters.append(character)
        since_yield += facts + 1
        if since_yield >= FACTS_PER_SLICE:
            since_yield = 0
            await asyncio.sleep(0)
    places = tuple(Place(*place) for place in packed[1])
    return Cast(characters=tuple(characters), places=places)
