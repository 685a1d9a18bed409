"""Answering a reader's question from the stories, for /story ask and @mentions."""

from __future__ import annotations

from bot.app.library import Library
from bot.core.discussion import (
    UNANSWERABLE,
    Answer,
    answer_from_cast,
    is_named,
    parse_question,
    question_terms,
    quote_passages,
)
from bot.core.search import MAX_QUERY_LENGTH, MAX_QUERY_WORDS, PHRASE_FLOOR

# How many passages a quoted answer draws on.
QUOTED_PASSAGES = 2
# A second passage is quoted only when it is nearly as good as the best one.
RELATIVE_RELEVANCE = 0.6


def relevance_floor(term_count: int) -> float:
    """The search score a passage needs to be quoted for a question of `term_count` words.

    A score is 100 x (share of the query's word weight the passage holds) x (PHRASE_FLOOR
    to 1, for how close together the words are). A passage must hold most of what the
    question is about: three quarters of a one-word question (room for a typo), a
    smaller share of a longer one, never less than half; the phrase factor is taken
    halfway. So "capital of Peru" is not answered by a passage that only says "capital".
    """
    share = 0.5 + 0.25 / max(1, term_count)
    return 100.0 * share * (1 + PHRASE_FLOOR) / 2


def search_query(terms: list[str]) -> str:
    """The terms as one query within the search engine's limits."""
    query = ""
    for term in terms[:MAX_QUERY_WORDS]:
        if len(query) + len(term) + 1 > MAX_QUERY_LENGTH:
            break
        query = f"{query} {term}".strip()
    return query


async def answer_question(
    library: Library, question: str, *, guild_id: int | None, story_id: int | None = None
) -> Answer:
    """Who/where/meet questions from character data; anything else quoted from the text."""
    store = library.store
    characters = await store.casts.visible_characters(guild_id)
    if story_id is not None:
        characters = [(s, c) for s, c in characters if s.id == story_id]
    names = {alias for _story, character in characters for alias in character.aliases}
    parsed = parse_question(question, names)
    if parsed.kind != "other" and parsed.subject:
        # Only the stories with a character the question may name: one query each.
        subject = parsed.subject
        titles = {story.id: story.title for story, c in characters if is_named(subject, c)}
        casts = [(titles[sid], await store.casts.get_cast(sid)) for sid in sorted(titles)]
        answer = answer_from_cast(parsed, casts)
        if answer is not None:
            return answer
    terms = question_terms(question)
    query = search_query(terms)
    if not query:
        return Answer(UNANSWERABLE, ())
    hits = await library.search(
        query,
        guild_id=guild_id,
        story_ids=[story_id] if story_id else None,
        limit=QUOTED_PASSAGES,
    )
    if not hits:
        return Answer(UNANSWERABLE, ())
    floor = max(relevance_floor(len(query.split())), hits[0].score * RELATIVE_RELEVANCE)
    good = [hit for hit in hits if hit.score >= floor]
    if not good:
        return Answer(UNANSWERABLE, ())
    stories = await store.stories.summaries([hit.story_id for hit in good])
    return quote_passages(
        [(stories[hit.story_id].title, hit.passage_number, hit.text) for hit in good], question
    )
