"""Find a story from what a user typed: an autocomplete value, a slug, a half-remembered title."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.models import StorySummary
from bot.core.text import echo, fold, words
from bot.errors import NotFound

AUTOCOMPLETE_LIMIT = 25  # Discord's maximum number of choices
# A typed name is accepted without autocomplete when it matches this well and
# clearly better than the runner-up; otherwise the user is shown the candidates.
_CONFIDENT_SCORE = 80.0
_CONFIDENT_MARGIN = 8.0
_MINIMUM_SCORE = 55.0


@dataclass(frozen=True, slots=True)
class StoryMatch:
    story: StorySummary
    score: float


def _vocabulary_scores(query_word: str, vocabulary: list[str], *, typing: bool) -> dict[str, float]:
    """How well `query_word` matches each vocabulary word (only the plausible ones)."""
    scores = {
        word: score
        for word, score, _index in process.extract(
            query_word, vocabulary, scorer=fuzz.ratio, score_cutoff=60, limit=None
        )
    }
    if typing and len(query_word) >= 2:  # the word being typed is a prefix of what is meant
        for word in vocabulary:
            if word.startswith(query_word):
                scores[word] = 100.0
    return scores


def rank_by_words(
    query: str, keys: Sequence[set[str]], limit: int = AUTOCOMPLETE_LIMIT
) -> list[tuple[int, float]]:
    """(index, score) of the keys best matching `query`, best first.

    Each typed word is matched (typos forgiven) against each key's words and
    weighted by how rare the word it matches is, so "the story of valrie" is
    decided by "valrie", not by the words every title shares.
    """
    query_words = words(fold(query).replace("-", " "))
    if not query_words:
        return [(index, 100.0) for index in range(min(limit, len(keys)))]
    frequency = Counter(word for key in keys for word in key)
    vocabulary = list(frequency)
    total_weight = 0.0
    totals = [0.0] * len(keys)
    for position, query_word in enumerate(query_words):
        scores = _vocabulary_scores(query_word, vocabulary, typing=position == len(query_words) - 1)
        meant = max(scores, key=scores.__getitem__, default=None)
        weight = math.log(1 + len(keys) / frequency[meant]) if meant else math.log(2)
        total_weight += weight
        for index, key in enumerate(keys):
            totals[index] += weight * max((scores.get(word, 0.0) for word in key), default=0.0)
    ranked = sorted(
        ((index, total / total_weight) for index, total in enumerate(totals)),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return [pair for pair in ranked if pair[1] >= _MINIMUM_SCORE][:limit]


def key_words(*texts: str | None) -> set[str]:
    return set(words(fold(" ".join(filter(None, texts))).replace("-", " ")))


def rank_stories(
    query: str, stories: Sequence[StorySummary], limit: int = AUTOCOMPLETE_LIMIT
) -> list[StoryMatch]:
    """Stories best matching `query` by title, slug, protagonist or author."""
    keys = [key_words(s.title, s.slug, s.protagonist, s.author) for s in stories]
    return [StoryMatch(stories[index], score) for index, score in rank_by_words(query, keys, limit)]


def names_anything(value: str) -> bool:
    """Whether `value` holds a letter or digit: what a name needs before we guess at it.

    Every story scores alike against `\\` or "🎭", so a fuzzy pick there would
    be chance, not a match.
    """
    return any(ch.isalnum() for ch in value)


def exact_story(value: str, stories: Sequence[StorySummary]) -> StorySummary | None:
    """The story whose slug (what autocomplete sends) or title `value` is, exactly."""
    text = value.strip()
    folded = fold(text)
    for story in stories:
        if text == story.slug or folded == fold(story.title):
            return story
    return None


def resolve_story(
    value: str, stories: Sequence[StorySummary], *, hidden: Sequence[StorySummary] = ()
) -> StorySummary:
    """The one story `value` names, or NotFound listing the closest titles.

    `value` may be what autocomplete sent (a slug) or anything a user typed; an
    internal id is not a name. `hidden` are stories the reader may not see: one of
    them may be returned, so the caller can say it is hidden rather than open the
    next best match; they are never suggested.
    """
    text = value.strip()
    if not names_anything(text):
        raise NotFound(
            f"{echo(text)} doesn't name a story.",
            hint="Type part of a title or a character's name, or try `/story list`.",
        )
    everything = [*stories, *hidden]
    found = exact_story(text, everything)
    if found is not None:
        return found
    return confident_story(text, rank_stories(text, everything, limit=5), hidden=hidden)


def confident_story(
    text: str, ranked: Sequence[StoryMatch], *, hidden: Sequence[StorySummary] = ()
) -> StorySummary:
    """The best of `ranked` (best first) if clearly the one meant, else NotFound with the
    closest titles: what `resolve_story` decides when nothing is named exactly."""
    if ranked and ranked[0].score >= _CONFIDENT_SCORE:
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if ranked[0].score - runner_up >= _CONFIDENT_MARGIN:
            return ranked[0].story
    hidden_ids = {story.id for story in hidden}
    suggestions = [m.story.title for m in ranked if m.story.id not in hidden_ids][:3]
    raise NotFound(f"I couldn't find a story called {echo(text)}.", hint=suggest(suggestions))


def suggest(titles: Sequence[str]) -> str:
    if not titles:
        return "Try `/story list` to see every story."
    return "Did you mean " + ", ".join(f"“{title}”" for title in titles) + "?"
