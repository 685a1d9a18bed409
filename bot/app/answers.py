"""Answering a reader's question from the stories, for /story ask and @mentions."""

from __future__ import annotations

from bot.app.catalogues import catalogues_of
from bot.app.library import Library
from bot.core.answering import find_answer
from bot.core.answers import (
    UNANSWERABLE,
    Answer,
    answer_from_cast,
    is_named,
    parse_question,
    question_terms,
    quote_found,
)
from bot.core.cast import Character
from bot.core.search import MAX_QUERY_LENGTH, MAX_QUERY_WORDS

# Across the library, the answer is looked for in this many passages search finds.
CANDIDATE_PASSAGES = 8


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
    # The server's character catalogue, in memory: not a read of every cast per question.
    characters = (await catalogues_of(store).characters(guild_id)).entries
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
    return await _quoted_answer(library, question, guild_id=guild_id, story_id=story_id)


async def _quoted_answer(
    library: Library, question: str, *, guild_id: int | None, story_id: int | None
) -> Answer:
    """The sentence that answers, from the one story asked about, or from the passages
    search finds across the library (each with its neighbours, where answers often are)."""
    store = library.store
    if story_id is not None:
        story = await store.stories.get_story(story_id)
        if story is None:
            return Answer(UNANSWERABLE, ())
        cast = await store.casts.get_cast(story_id)
        named_places = [place.name for place in cast.places]
        return quote_found(
            find_answer(question, [(story.title, story.passages)], cast.characters, named_places)
        )
    query = search_query(question_terms(question))
    if not query:
        return Answer(UNANSWERABLE, ())
    hits = await library.search(query, guild_id=guild_id, limit=CANDIDATE_PASSAGES)
    near: dict[int, set[int]] = {}
    for hit in hits:
        near.setdefault(hit.story_id, set()).update(
            range(hit.passage_number - 1, hit.passage_number + 2)
        )
    summaries = await store.stories.summaries(list(near))
    sources = []
    characters: list[Character] = []
    places: list[str] = []
    for sid, numbers in near.items():
        passages = await store.stories.get_passages(sid)
        sources.append((summaries[sid].title, [p for p in passages if p.number in numbers]))
        cast = await store.casts.get_cast(sid)
        characters.extend(cast.characters)
        places.extend(place.name for place in cast.places)
    return quote_found(find_answer(question, sources, characters, places))
