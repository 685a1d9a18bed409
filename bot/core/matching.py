"""Find a story from what a user typed: an autocomplete value, a slug, a half-remembered title."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from bot.core.models import StorySummary
from bot.core.text import fold
from bot.errors import NotFound

AUTOCOMPLETE_LIMIT = 25  # Discord's maximum number of choices
# A typed name is accepted without autocomplete when it matches this well and
# clearly better than the runner-up; otherwise the user is shown the candidates.
_CONFIDENT_SCORE = 80.0
_CONFIDENT_MARGIN = 8.0


@dataclass(frozen=True, slots=True)
class StoryMatch:
    story: StorySummary
    score: float


def _keys(story: StorySummary) -> str:
    return fold(" ".join(filter(None, [story.title, story.slug, story.protagonist, story.author])))


def _score(query: str, key: str, **_: object) -> float:
    # partial_ratio forgives a fragment (`valerie`); token_set_ratio forgives
    # word order and extra words. Take whichever is kinder.
    return max(fuzz.partial_ratio(query, key), fuzz.token_set_ratio(query, key))


def rank_stories(
    query: str, stories: Sequence[StorySummary], limit: int = AUTOCOMPLETE_LIMIT
) -> list[StoryMatch]:
    """Stories best matching `query`, best first; an empty query lists them in order."""
    folded = utils.default_process(fold(query))
    if not folded:
        return [StoryMatch(story, 100.0) for story in stories[:limit]]
    keys = [_keys(story) for story in stories]
    results = process.extract(folded, keys, scorer=_score, limit=limit, score_cutoff=55)
    return [StoryMatch(stories[index], score) for _key, score, index in results]


def resolve_story(value: str, stories: Sequence[StorySummary]) -> StorySummary:
    """The one story `value` names, or NotFound listing the closest titles.

    `value` may be what autocomplete sent (a slug) or anything a user typed.
    """
    text = value.strip()
    folded = fold(text)
    for story in stories:
        if text == story.slug or folded == fold(story.title) or text == str(story.id):
            return story
    ranked = rank_stories(text, stories, limit=5)
    if ranked and ranked[0].score >= _CONFIDENT_SCORE:
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if ranked[0].score - runner_up >= _CONFIDENT_MARGIN:
            return ranked[0].story
    suggestions = [match.story.title for match in ranked[:3]]
    hint = (
        "Did you mean " + ", ".join(f"“{title}”" for title in suggestions) + "?"
        if suggestions
        else "Try `/story list` to see every story."
    )
    raise NotFound(f"I couldn't find a story called “{text}”.", hint=hint)
