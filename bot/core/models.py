"""Dataclasses the domain core and the storage layer exchange."""

from __future__ import annotations

from dataclasses import dataclass, field

# A story with no guild id is built in: shipped in data/stories/ and visible everywhere.
BUILTIN_SCOPE = None


@dataclass(frozen=True, slots=True)
class Passage:
    """One paragraph of a story; `number` starts at 1 as readers count."""

    number: int
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ParsedStory:
    """A story read from text, before it has a database id."""

    title: str
    author: str | None
    body: str
    passages: tuple[Passage, ...]
    content_hash: str
    title_was_derived: bool = False

    @property
    def word_count(self) -> int:
        return sum(len(p.text.split()) for p in self.passages)


@dataclass(frozen=True, slots=True)
class StorySummary:
    """What lists and autocomplete need, without the full text."""

    id: int
    slug: str
    title: str
    author: str | None
    guild_id: int | None
    word_count: int
    passage_count: int
    protagonist: str | None = None

    @property
    def is_builtin(self) -> bool:
        return self.guild_id is BUILTIN_SCOPE

    @property
    def reading_minutes(self) -> int:
        # 230 words a minute is the usual adult silent-reading estimate.
        return max(1, round(self.word_count / 230))


@dataclass(frozen=True, slots=True)
class Story:
    """A stored story with its passages."""

    summary: StorySummary
    body: str
    content_hash: str
    source_path: str | None
    passages: tuple[Passage, ...] = field(default_factory=tuple)
    removed: bool = False

    @property
    def id(self) -> int:
        return self.summary.id

    @property
    def title(self) -> str:
        return self.summary.title

    @property
    def slug(self) -> str:
        return self.summary.slug


@dataclass(frozen=True, slots=True)
class StoryVersion:
    story_id: int
    version: int
    title: str
    author: str | None
    body: str
    content_hash: str
    created_by: int | None  # None: loaded from a file on the host
    created_at: str


@dataclass(frozen=True, slots=True)
class RemovedStory:
    summary: StorySummary
    deleted_at: str
    deleted_by: int | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    guild_id: int | None
    actor_id: int | None
    action: str
    story_id: int | None
    hash_before: str | None
    hash_after: str | None
    detail: str | None
    created_at: str
