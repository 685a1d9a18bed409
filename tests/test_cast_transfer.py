"""A cast comes back from the preview worker whole, and without a long stall."""

from __future__ import annotations

import asyncio
import pickle

from bot.app.cast_transfer import FACTS_PER_SLICE, pack_cast, unpack_cast
from bot.core.cast import SUPPORTING, Cast, Character, Fact
from bot.core.characters import extract_cast
from bot.core.parsing import parse_story_text

TEXT = """Title: The Quay

Valérie Ivanov, a brilliant mathematician from Russia, met Tomas Okafor at the quay in
Paris. "We sail at dawn," said Tomas. Valérie laughed.

Mr. Okafor walked to the Seine with Valérie and her brother Ilya. Ilya Ivanov, the banker,
said nothing. They went to the Atelier des Rêves.
"""


async def test_a_cast_packed_and_unpacked_is_the_same_cast() -> None:
    parsed = parse_story_text(TEXT, "test")
    cast = extract_cast(parsed.passages, title=parsed.title)
    assert cast.characters and cast.places
    assert any(getattr(c, "descriptions", ()) or c.meets for c in cast.characters)
    # What crosses the process boundary: plain values only, pickled and back.
    packed = pickle.loads(pickle.dumps(pack_cast(cast)))
    assert await unpack_cast(packed) == cast


async def test_a_huge_cast_is_rebuilt_in_slices_letting_others_run() -> None:
    """A name-heavy text's cast (1,000 characters, 100,000 facts) is not rebuilt in one go."""
    characters = tuple(
        Character(
            name=f"Person {n}",
            aliases=(f"Person {n}",),
            mentions=3,
            first_passage=1,
            role=SUPPORTING,
            meets=tuple(Fact(f"Person {m}", m) for m in range(200)),
        )
        for n in range(60)
    )
    cast = Cast(characters=characters)
    packed = pickle.loads(pickle.dumps(pack_cast(cast)))
    ticks = 0

    async def other_member() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(other_member())
    await asyncio.sleep(0)
    ticks = 0
    assert await unpack_cast(packed) == cast
    other.cancel()
    assert ticks >= 60 * 200 // FACTS_PER_SLICE >= 2


async def test_a_preview_s_cast_names_everyone_without_their_facts() -> None:
    parsed = parse_story_text(TEXT, "test")
    cast = extract_cast(parsed.passages, title=parsed.title)
    named = await unpack_cast(pickle.loads(pickle.dumps(pack_cast(cast, facts=False))))
    assert [(c.name, c.aliases, c.role) for c in named.characters] == [
        (c.name, c.aliases, c.role) for c in cast.characters
    ]
    assert named.places == cast.places
    assert not any(c.descriptions or c.meets or c.lines for c in named.characters)
