"""Answering a reader's question from the stories, for /story ask and @mentions."""

from __future__ import annotations

from bot.core.discussion import (
    UNANSWERABLE,
    Answer,
    answer_from_cast,
    parse_question,
    quote_passages,
)
from bot.library import Library

# How many passages a quoted answer draws on.
QUOTED_PASSAGES = 2
# Below this a passage shares only a word or two with the question: say so instead.
ANSWER_RELEVANCE = 25.0


async def answer_question(
    library: Library, question: str, *, guild_id: int | None, story_id: int | None = None
) -> Answer:
    """Who/where/meet questions from character data; anything else quoted from the text."""
    store = library.store
    characters = await store.visible_characters(guild_id)
    if story_id is not None:
        characters = [(s, c) for s, c in characters if s.id == story_id]
    names = {alias for _story, character in characters for alias in character.aliases}
    parsed = parse_question(question, names)
    if parsed.kind != "other" and parsed.subject:
        titles = {story.id: story.title for story, _character in characters}
        casts = [(titles[sid], await store.get_cast(sid)) for sid in sorted(titles)]
        answer = answer_from_cast(parsed, casts)
        if answer is not None:
            return answer
    hits = await library.search(
        question,
        guild_id=guild_id,
        story_ids=[story_id] if story_id else None,
        limit=QUOTED_PASSAGES,
    )
    good = [hit for hit in hits if hit.score >= ANSWER_RELEVANCE]
    if not good:
        return Answer(UNANSWERABLE, ())
    stories = await store.summaries([hit.story_id for hit in good])
    return quote_passages(
        [(stories[hit.story_id].title, hit.passage_number, hit.text) for hit in good], question
    )
