"""What one server's lookups see: the shared built-in library's layer, minus what the
server hides, then the server's own stories.

Every server saw its own copy of the built-in library's catalogue: at 10,000 built-in
stories, 65 MB on the first server's first lookups, 16 MB more on each other's. A
layer (`StoryLayer`, `CharacterLayer`) is a set of stories or characters with what
finds them; the built-in one is built once and shared, and a server's view
(`StoryCatalogue`, `CharacterCatalogue`) adds only its own layer and the numbers of
the built-in entries it hides. A view numbers its entries
as its layers do: the built-in layer's numbers (a hidden one is never answered), then
the own layer's after them; `at` gives the entry of a number `rank` answers.

A layer keeps what a lookup returns (summaries, characters without facts) and its
indexes, not each entry's match keys: those are recomputed when a layer is built (half
a second of CPU at 10,000 stories, in a worker thread), which costs less than holding
27,000 tuples for a rebuild that only a change to a built-in story causes, once for
every server.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar, overload

from bot.core.cast import Character
from bot.core.matching import key_words
from bot.core.models import StorySummary
from bot.core.text import fold
from bot.core.word_index import IndexView, WordIndex

T = TypeVar("T")
CHOICE_VALUE_LIMIT = 100  # Discord's limit for an autocomplete choice's value


def story_key(story: StorySummary) -> tuple[str, ...]:
    """A story's match keys (title, slug, protagonist, author), as autocomplete ranks."""
    return tuple(key_words(story.title, story.slug, story.protagonist, story.author))


def story_order(story: StorySummary) -> tuple[bool, str, int]:
    """The story list's order: built-ins first, then the server's own, by title."""
    return (story.guild_id is not None, fold(story.title), story.id)


def character_names(character: Character) -> tuple[str, ...]:
    """A character's match keys as a typed name is resolved: its aliases' words."""
    return tuple(key_words(*character.aliases))


def character_key(story: StorySummary, character: Character) -> tuple[str, ...]:
    """As autocomplete ranks a character: its aliases' and its story's title's words."""
    return tuple(key_words(*character.aliases, story.title))


def character_value(story: StorySummary, character: Character) -> str:
    """What autocomplete sends for a character: `slug/Name`, naming one exactly."""
    return f"{story.slug}/{character.name}"[:CHOICE_VALUE_LIMIT]


def slim(character: Character) -> Character:
    """The character as catalogues keep it: names only (its facts are read from its
    story's cast when it is shown), its strings interned: each row read gives new ones,
    and names repeat (the name is its first alias; a first name is in many stories;
    "supporting" is in nearly every row), so each is then one object, not one a row."""
    return Character(
        name=sys.intern(character.name),
        aliases=tuple(sys.intern(alias) for alias in character.aliases),
        mentions=character.mentions,
        first_passage=character.first_passage,
        role=sys.intern(character.role),
        gender=sys.intern(character.gender) if character.gender else None,
    )


class _Keys(Sequence[tuple[str, ...]]):
    """A layer's keys computed on demand (a view with hidden entries asks for a few)."""

    def __init__(self, count: int, key: Callable[[int], tuple[str, ...]]) -> None:
        self._count, self._key = count, key

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> tuple[str, ...]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[str, ...]]: ...
    def __getitem__(self, index: int | slice) -> tuple[str, ...] | Sequence[tuple[str, ...]]:
        if isinstance(index, slice):
            return [self._key(i) for i in range(*index.indices(self._count))]
        return self._key(index)


class Shown(Sequence[T]):
    """A base list minus some of its positions, then another list: what a view lists,
    without copying the 10,000 entries it shares."""

    def __init__(self, base: Sequence[T], hidden: tuple[int, ...], extra: Sequence[T]) -> None:
        self._base, self._hidden, self._extra = base, hidden, extra

    def __len__(self) -> int:
        return len(self._base) - len(self._hidden) + len(self._extra)

    def _one(self, index: int) -> T:
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        shown = len(self._base) - len(self._hidden)
        if index >= shown:
            return self._extra[index - shown]
        for hidden in self._hidden:  # ascending: each one before it shifts it by one
            if hidden > index:
                break
            index += 1
        return self._base[index]

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return [self._one(i) for i in range(*index.indices(len(self)))]
        return self._one(index)

    def __iter__(self) -> Iterator[T]:
        if not self._hidden:
            yield from self._base
        else:
            hidden = set(self._hidden)
            yield from (item for index, item in enumerate(self._base) if index not in hidden)
        yield from self._extra


@dataclass(frozen=True, slots=True)
class StoryLayer:
    """Stories in the story list's order, with what finds one fast.

    `/story read` by a typed title folded every title of the library to compare it
    (7 ms at 10,000 stories, a seventh of a burst's time); `/story list` sorted and
    counted the library in SQLite (40 ms). Both are look-ups here.
    """

    stories: list[StorySummary]
    index: WordIndex
    by_slug: dict[str, int]  # slug → position
    by_title: dict[str, int]  # folded title → first position

    @classmethod
    def of(cls, stories: Iterable[StorySummary]) -> StoryLayer:
        ordered = sorted(stories, key=story_order)
        by_slug: dict[str, int] = {}
        by_title: dict[str, int] = {}
        for position, story in enumerate(ordered):
            by_slug.setdefault(story.slug, position)
            by_title.setdefault(fold(story.title), position)
        return cls(ordered, WordIndex([story_key(s) for s in ordered]), by_slug, by_title)

    def keys(self) -> Sequence[tuple[str, ...]]:
        return _Keys(len(self.stories), lambda position: story_key(self.stories[position]))

    def exact(self, text: str, skip: frozenset[int] = frozenset()) -> int | None:
        """The first position (not skipped) with this slug or folded title."""
        found = [
            position
            for position in (self.by_slug.get(text), self.by_title.get(fold(text)))
            if position is not None
        ]
        if found and min(found) not in skip:
            return min(found)
        if not found or not skip:
            return None
        # The first is hidden here: a later namesake may not be (rare; a scan).
        folded = fold(text)
        return next(
            (
                position
                for position, story in enumerate(self.stories)
                if position not in skip and (story.slug == text or fold(story.title) == folded)
            ),
            None,
        )


EMPTY_STORIES = StoryLayer([], WordIndex([]), {}, {})


@dataclass(frozen=True, slots=True)
class StoryCatalogue:
    """One server's stories: the built-in layer minus what it hides, then its own."""

    base: StoryLayer
    own: StoryLayer
    hidden: tuple[int, ...]  # positions in the built-in layer
    index: IndexView
    stories: Sequence[StorySummary]  # built-ins first, then the server's own; by title

    @classmethod
    def of(
        cls, base: StoryLayer, own: StoryLayer = EMPTY_STORIES, hidden: Iterable[int] = ()
    ) -> StoryCatalogue:
        hidden = tuple(sorted(set(hidden)))
        index = IndexView(
            base.index,
            hidden,
            own.index if own.stories else None,
            base_keys=base.keys() if hidden else (),
            extra_keys=own.keys(),
        )
        shown: Sequence[StorySummary] = (
            base.stories
            if not hidden and not own.stories
            else Shown(base.stories, hidden, own.stories)
        )
        return cls(base, own, hidden, index, shown)

    def at(self, number: int) -> StorySummary:
        """The story of a number `index.rank` answers."""
        base = len(self.base.stories)
        return self.base.stories[number] if number < base else self.own.stories[number - base]

    def exact(self, value: str) -> StorySummary | None:
        """As `bot.core.matching.exact_story`: the first story with this slug or title."""
        text = value.strip()
        position = self.base.exact(text, frozenset(self.hidden))
        if position is not None:
            return self.base.stories[position]
        position = self.own.exact(text)
        return self.own.stories[position] if position is not None else None


@dataclass(frozen=True, slots=True)
class CharacterLayer:
    """The characters of a story layer's stories, in its order (then each cast's)."""

    stories: StoryLayer
    entries: list[tuple[StorySummary, Character]]
    starts: array[int]  # a story's first entry, by its position (and the end)
    index: WordIndex  # keys: each character's aliases and story title (as autocomplete ranks)
    names: WordIndex  # keys: each character's aliases only (as a typed name is resolved)
    by_alias: dict[str, tuple[int, ...]]  # folded alias → entries, in order

    @classmethod
    def of(cls, stories: StoryLayer, casts: dict[int, tuple[Character, ...]]) -> CharacterLayer:
        entries: list[tuple[StorySummary, Character]] = []
        starts = array("i")
        for story in stories.stories:
            starts.append(len(entries))
            entries.extend((story, character) for character in casts[story.id])
        starts.append(len(entries))
        by_alias: dict[str, list[int]] = {}
        for position, (_story, character) in enumerate(entries):
            for alias in {fold(alias): None for alias in character.aliases}:
                by_alias.setdefault(sys.intern(alias), []).append(position)
        return cls(
            stories,
            entries,
            starts,
            WordIndex([character_key(s, c) for s, c in entries]),
            WordIndex([character_names(c) for _s, c in entries]),
            {alias: tuple(positions) for alias, positions in by_alias.items()},
        )

    def keys(self) -> Sequence[tuple[str, ...]]:
        return _Keys(len(self.entries), lambda position: character_key(*self.entries[position]))

    def name_keys(self) -> Sequence[tuple[str, ...]]:
        return _Keys(len(self.entries), lambda position: character_names(self.entries[position][1]))

    def of_stories(self, positions: Iterable[int]) -> Iterator[int]:
        """The entries of the stories at these positions."""
        for position in positions:
            yield from range(self.starts[position], self.starts[position + 1])

    def with_value(self, value: str) -> int | None:
        """The entry autocomplete's value names (`slug/Name`)."""
        position = self.stories.by_slug.get(value.split("/", 1)[0])
        if position is None:
            return None
        return next(
            (e for e in self.of_stories([position]) if character_value(*self.entries[e]) == value),
            None,
        )


EMPTY_CHARACTERS = CharacterLayer.of(EMPTY_STORIES, {})


@dataclass(frozen=True, slots=True)
class CharacterCatalogue:
    """One server's characters: the built-in layer's minus those of stories it hides,
    then those of its own stories."""

    base: CharacterLayer
    own: CharacterLayer
    hidden: tuple[int, ...]  # entries of the built-in layer
    index: IndexView
    names: IndexView
    entries: Sequence[tuple[StorySummary, Character]]

    @classmethod
    def of(
        cls,
        base: CharacterLayer,
        own: CharacterLayer = EMPTY_CHARACTERS,
        hidden_stories: Iterable[int] = (),
    ) -> CharacterCatalogue:
        hidden = tuple(base.of_stories(sorted(set(hidden_stories))))
        extra = bool(own.entries)
        index = IndexView(
            base.index,
            hidden,
            own.index if extra else None,
            base_keys=base.keys() if hidden else (),
            extra_keys=own.keys(),
        )
        names = IndexView(
            base.names,
            hidden,
            own.names if extra else None,
            base_keys=base.name_keys() if hidden else (),
            extra_keys=own.name_keys(),
        )
        shown: Sequence[tuple[StorySummary, Character]] = (
            base.entries if not hidden and not extra else Shown(base.entries, hidden, own.entries)
        )
        return cls(base, own, hidden, index, names, shown)

    def at(self, number: int) -> tuple[StorySummary, Character]:
        """The entry of a number `index.rank` or `names.rank` answers."""
        base = len(self.base.entries)
        return self.base.entries[number] if number < base else self.own.entries[number - base]

    def with_alias(self, folded: str) -> list[int]:
        """The entries (numbers, as `at` takes them) with this folded alias, in order."""
        hidden = set(self.hidden)
        base = len(self.base.entries)
        return [n for n in self.base.by_alias.get(folded, ()) if n not in hidden] + [
            base + n for n in self.own.by_alias.get(folded, ())
        ]

    def with_value(self, value: str) -> int | None:
        """The entry (number) autocomplete's value (`slug/Name`) names, if shown here."""
        found = self.base.with_value(value)
        if found is not None and found not in self.hidden:
            return found
        found = self.own.with_value(value)
        return len(self.base.entries) + found if found is not None else None
