"""Searching passages: the one pipeline behind /search and `conteur search`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.app.library import Library
from bot.app.lookup import CharacterRef
from bot.core.models import Story, StorySummary
from bot.core.search import validate_query
from bot.core.snippets import make_snippet

MAX_RESULTS = 25
SNIPPET_WIDTH = 220


@dataclass(frozen=True, slots=True)
class PassageResult:
    story: StorySummary
    passage: int
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...]  # offsets of matched words in `snippet`


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    query: str  # as searched: whitespace tidied
    results: list[PassageResult]
    # When nothing matched: words from the library close to the query's, and the
    # filters it ran under ("in “Title”", "where Sophie appears").
    suggestions: list[str]
    within: str | None


async def search_passages(
    library: Library,
    query: str,
    *,
    guild_id: int | None,
    story: Story | None = None,
    character: CharacterRef | None = None,
    limit: int = MAX_RESULTS,
    snippet_width: int = SNIPPET_WIDTH,
) -> SearchOutcome:
    """Passages matching `query` among the stories visible here, best first."""
    cleaned = validate_query(query)
    story_ids: list[int] | None = None
    aliases: tuple[str, ...] = ()
    filters: list[str] = []
    if story is not None:
        story_ids = [story.id]
        filters.append(f"in “{story.title}”")
    if character is not None:
        story_ids = [s for s in (story_ids or [character.story.id]) if s == character.story.id]
        aliases = character.character.aliases
        filters.append(f"where {character.character.name} appears")
    hits = await library.search(cleaned, guild_id=guild_id, story_ids=story_ids, limit=limit * 2)
    if aliases:
        # Whole names only: "Zoe" must not pick up "Zoey".
        named = re.compile(r"\b(?:" + "|".join(map(re.escape, aliases)) + r")\b")
        hits = [hit for hit in hits if named.search(hit.text)]
    hits = hits[:limit]
    within = " ".join(filters) or None
    if not hits:
        suggestions = await library.suggest(cleaned, guild_id=guild_id)
        return SearchOutcome(cleaned, [], suggestions, within)
    # Only the stories on this page of results: a big library has thousands.
    stories = await library.store.stories.summaries([hit.story_id for hit in hits])
    results = []
    for hit in hits:
        snippet, offsets = make_snippet(hit.text, hit.highlights, snippet_width)
        results.append(
            PassageResult(stories[hit.story_id], hit.passage_number, hit.score, snippet, offsets)
        )
    return SearchOutcome(cleaned, results, [], within)
