"""Searching passages: the one pipeline behind /search and `conteur search`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.app.library import Library
from bot.app.lookup import CharacterRef
from bot.core.models import Story, StorySummary
from bot.core.parsing import without_emphasis
from bot.core.search import SearchHit, validate_query
from bot.core.snippets import make_snippet

MAX_RESULTS = 25
SNIPPET_WIDTH = 220


class PassageResult:
    """One passage found: its story, number and score, and the snippet to show.

    The snippet (and its highlights) is cut when first asked for: /search shows five
    results a page, and reading, highlighting and cutting the 20 a reader may never page
    to was a fifth of the whole call's time at 100,000 passages. Until then the result
    keeps its hit, which reads the text from the index file it was found in (a rebuild
    that replaces the file does not disturb it).
    """

    __slots__ = ("_cut", "_hit", "_width", "passage", "score", "story")

    def __init__(self, story: StorySummary, hit: SearchHit, snippet_width: int) -> None:
        self.story = story
        self.passage = hit.passage_number
        self.score = hit.score
        self._hit = hit
        self._width = snippet_width
        self._cut: tuple[str, tuple[tuple[int, int], ...]] | None = None

    @property
    def snippet(self) -> str:
        return self._snippet()[0]

    @property
    def highlights(self) -> tuple[tuple[int, int], ...]:
        """Offsets of the matched words in `snippet`."""
        return self._snippet()[1]

    def _snippet(self) -> tuple[str, tuple[tuple[int, int], ...]]:
        if self._cut is None:
            text, highlights = without_emphasis(self._hit.text, self._hit.highlights)
            self._cut = make_snippet(text, highlights, self._width)
        return self._cut


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
    # A character filter may drop hits: it gets twice as many to choose from. Without one,
    # asking for more than are shown only costs time (re-ranking must settle the order of
    # 50, not 25: twice the passages read and compared), for the same first 25.
    wanted = limit * 2 if aliases else limit
    hits = await library.search(cleaned, guild_id=guild_id, story_ids=story_ids, limit=wanted)
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
    results = [PassageResult(stories[hit.story_id], hit, snippet_width) for hit in hits]
    return SearchOutcome(cleaned, results, [], within)
