"""What the /story ask tests share: a cast member, and the quotes an answer gives."""

from __future__ import annotations

from bot.core.answering import find_answer
from bot.core.cast import SUPPORTING, Character
from bot.core.parsing import split_passages


def person(name: str, *aliases: str, gender: str | None = None, mentions: int = 3) -> Character:
    return Character(
        name=name,
        aliases=(name, *aliases),
        mentions=mentions,
        first_passage=1,
        role=SUPPORTING,
        gender=gender,
    )


def answers(
    text: str,
    question: str,
    characters: tuple[Character, ...] = (),
    places: tuple[str, ...] = (),
) -> list[str]:
    """The quotes answering `question` about `text`, a story titled "Tale"."""
    found = find_answer(question, [("Tale", split_passages(text))], characters, places)
    return [item.text for item in found]
