"""Who and where a story is about: the data character extraction produces.

Every fact carries the paragraph (passage number) it comes from, so anything the
bot says about a character can be traced back to the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.lexicon import TITLES

PROTAGONIST = "protagonist"
SUPPORTING = "supporting"


@dataclass(frozen=True, slots=True)
class Fact:
    """A phrase the text says, and where: "a brilliant mathematician" (¶2)."""

    text: str
    passage: int


@dataclass(frozen=True, slots=True)
class Character:
    name: str  # the fullest form the text uses: "Valérie Ivanov"
    aliases: tuple[str, ...]  # every form, fullest first: ("Valérie Ivanov", "Valérie")
    mentions: int
    first_passage: int
    role: str  # PROTAGONIST or SUPPORTING
    # "f" or "m" from titles, nouns ("his sister Elena") and pronouns; None when the text
    # does not tell. Retelling, questions and comparison read it before saying "she".
    gender: str | None = None
    descriptions: tuple[Fact, ...] = ()  # appositions and descriptions, in text order
    origins: tuple[Fact, ...] = ()  # nationalities / home countries: "Russian", "Russia"
    lines: tuple[Fact, ...] = ()  # what they say, in quotes
    meets: tuple[Fact, ...] = ()  # other characters' names, where they first share a paragraph
    places: tuple[Fact, ...] = ()  # places they go or are at, first occurrence each

    @property
    def first_name(self) -> str:
        """What the text calls them for short: "Valérie"; "Pyotr Ilyich" when it never says
        "Pyotr" alone; "Mr. Okafor", "Madame Roux" and "the banker" stay whole."""
        first = self.name.split()[0]
        # "Madame Voronova" is not "Madame": a title alone names no one.
        titled = first.endswith(".") or first.lower() in TITLES
        if titled or first.islower():
            return self.name
        if first in self.aliases or len(self.aliases) < 2:
            return first
        # The text never says "Pyotr" alone: the shortest form it does use.
        return min(self.aliases, key=lambda alias: (len(alias.split()), self.aliases.index(alias)))


@dataclass(frozen=True, slots=True)
class Place:
    name: str  # "Paris", "the Seine", "Atelier des Rêves"
    kind: str  # "city" | "country" | "district" | "landmark" | "venue" | "river" | "place"
    mentions: int
    first_passage: int


@dataclass(frozen=True, slots=True)
class Cast:
    characters: tuple[Character, ...] = ()  # protagonist first, then by mentions
    places: tuple[Place, ...] = field(default_factory=tuple)  # by first appearance

    @property
    def protagonist(self) -> Character | None:
        return next((c for c in self.characters if c.role == PROTAGONIST), None)

    def find(self, name: str) -> Character | None:
        """The character a name or alias refers to (exact, case-sensitive)."""
        return next((c for c in self.characters if name in c.aliases), None)
