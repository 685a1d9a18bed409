"""Finding the stories a server may see, shared by every command that takes a story."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.app.catalogue_views import StoryCatalogue, character_value
from bot.app.catalogues import catalogues_of
from bot.core.cast import Cast, Character
from bot.core.matching import (
    AUTOCOMPLETE_LIMIT,
    StoryMatch,
    confident_story,
    exact_story,
    key_words,
    names_anything,
    rank_by_words,
    rank_stories,
    resolve_story,
    suggest,
)
from bot.core.models import Story, StorySummary
from bot.core.text import echo, fold
from bot.errors import Ambiguous, InvalidInput, NotFound, StillReading
from bot.storage import Store

CHOICE_NAME_LIMIT = 100  # Discord's limit for an autocomplete choice's name and value


async def find_visible_story(store: Store, guild_id: int | None, value: str) -> Story:
    """The story `value` names among those visible in `guild_id`, with its passages.

    A story of another server is "not found", exactly as if it did not exist. A
    name that fits a story hidden in this server says so: opening the next best
    match instead would show the reader a story they did not ask for.
    """
    # Autocomplete sends the slug: one indexed look-up, not a ranking of the library.
    story_id = await store.stories.visible_story_with_slug(guild_id, value.strip())
    if story_id is None:
        hidden = await store.stories.hidden_stories(guild_id) if guild_id is not None else []
        found = _resolve(value, await catalogues_of(store).stories(guild_id), hidden)
        if any(story.id == found.id for story in hidden):
            raise NotFound(
                f"“{found.title}” is hidden in this server.",
                hint="A moderator can show it again with `/story unhide`.",
            )
        story_id = found.id
    story = await store.stories.get_story(story_id)
    if story is None:  # removed between the two reads
        raise NotFound(f"I couldn't find a story called {echo(value)}.")
    return story


def _resolve(value: str, catalogue: StoryCatalogue, hidden: Sequence[StorySummary]) -> StorySummary:
    """`resolve_story` over the catalogue: its exact names and ranking precomputed.

    The stories hidden here compete too (see `resolve_story`); they are few, and with
    any the ranking is computed afresh over both, as the catalogue's does not hold them.
    """
    text = value.strip()
    if not names_anything(text):
        return resolve_story(text, catalogue.stories, hidden=hidden)
    found = catalogue.exact(text) or exact_story(text, hidden)
    if found is not None:
        return found
    if hidden:
        return resolve_story(text, catalogue.stories, hidden=hidden)
    ranked = [StoryMatch(catalogue.at(i), score) for i, score in catalogue.index.rank(text, 5)]
    return confident_story(text, ranked)


async def find_exact_story(
    store: Store,
    guild_id: int | None,
    value: str,
    *,
    only: Callable[[StorySummary], bool] | None = None,
    stories: Sequence[StorySummary] | None = None,
) -> StorySummary:
    """For commands that change or remove something: only an exact slug or title.

    A guess is fine for reading; acting on a guess hides or removes the wrong
    story. `stories` overrides where to look (removed or hidden ones).
    """
    if stories is None and only is None:
        catalogue = await catalogues_of(store).stories(guild_id)
        pool: Sequence[StorySummary] = catalogue.stories
        found = catalogue.exact(value)
    else:
        pool = list(stories) if stories is not None else await _visible(store, guild_id)
        if only is not None:
            pool = [story for story in pool if only(story)]
        found = exact_story(value, pool)
    if found is not None:
        return found
    close = [m.story.title for m in rank_stories(value, pool, limit=3)]
    hint = "Pick it from the list as you type, or type its whole title."
    if close and names_anything(value):
        hint += " " + suggest(close)
    raise NotFound(f"No story here is called exactly {echo(value)}.", hint=hint)


async def _visible(store: Store, guild_id: int | None) -> Sequence[StorySummary]:
    return (await catalogues_of(store).stories(guild_id)).stories


async def find_story_to_change(store: Store, guild_id: int | None, value: str) -> Story:
    """A visible story named exactly, with its text; one hidden here says it already is."""
    try:
        summary = await find_exact_story(store, guild_id, value)
    except NotFound:
        hidden = await store.stories.hidden_stories(guild_id) if guild_id is not None else []
        already = exact_story(value, hidden)
        if already is None:
            raise
        raise InvalidInput(f"“{already.title}” is already hidden in this server.") from None
    return await get_visible_story(store, guild_id, summary.id)


async def get_visible_story(store: Store, guild_id: int | None, story_id: int) -> Story:
    """By id (from a button): the same scoping rule as by name."""
    story = await store.stories.get_story(story_id)
    if story is None or not await store.stories.is_visible(guild_id, story_id):
        raise NotFound("That story is no longer in the library.")
    return story


async def story_choices(
    store: Store,
    guild_id: int | None,
    typed: str,
    *,
    only: Callable[[StorySummary], bool] | None = None,
) -> list[tuple[str, str]]:
    """(name, value) pairs for autocomplete: at most 25, value is the story's slug.

    `only` narrows the visible stories to those a command accepts, so it never
    offers what it would refuse.
    """
    catalogue = await catalogues_of(store).stories(guild_id)
    if only is None:  # the usual case: ranked by the shared, precomputed index
        ranked = catalogue.index.rank(typed, AUTOCOMPLETE_LIMIT)
        found = [catalogue.at(number) for number, _score in ranked]
        return [(_choice_name(story), story.slug) for story in found]
    stories = [story for story in catalogue.stories if only(story)]
    return [
        (_choice_name(match.story), match.story.slug)
        for match in rank_stories(typed, stories, limit=AUTOCOMPLETE_LIMIT)
    ]


def _choice_name(story: StorySummary) -> str:
    name = story.title
    if story.protagonist and story.protagonist not in name:
        name = f"{name} — {story.protagonist}"
    return name[:CHOICE_NAME_LIMIT]


@dataclass(frozen=True, slots=True)
class CharacterRef:
    story: StorySummary
    character: Character

    @property
    def choice_value(self) -> str:
        return character_value(self.story, self.character)

    @property
    def label(self) -> str:
        return f"{self.character.name} — {self.story.title}"[:CHOICE_NAME_LIMIT]


async def _visible_character_refs(store: Store, guild_id: int | None) -> list[CharacterRef]:
    catalogue = await catalogues_of(store).characters(guild_id)
    return [CharacterRef(s, c) for s, c in catalogue.entries]


async def _hidden_character_refs(store: Store, guild_id: int | None) -> list[CharacterRef]:
    if guild_id is None:
        return []
    return [
        CharacterRef(story, character)
        for story in await store.stories.hidden_stories(guild_id)
        for character in (await store.casts.ready_cast(story.id) or Cast()).characters
    ]


def rank_characters(
    typed: str, refs: Sequence[CharacterRef], limit: int = AUTOCOMPLETE_LIMIT
) -> list[tuple[CharacterRef, float]]:
    keys = [key_words(*r.character.aliases, r.story.title) for r in refs]
    return [(refs[index], score) for index, score in rank_by_words(typed, keys, limit)]


async def character_choices(
    store: Store, guild_id: int | None, typed: str
) -> list[tuple[str, str]]:
    """Autocomplete: the same name in two stories shows twice, each with its story."""
    catalogue = await catalogues_of(store).characters(guild_id)
    refs = [CharacterRef(*catalogue.at(number)) for number, _score in catalogue.index.rank(typed)]
    return [(ref.label, ref.choice_value) for ref in refs]


async def find_visible_character(
    store: Store, guild_id: int | None, value: str, *, story_id: int | None = None
) -> CharacterRef:
    """The character `value` names: an autocomplete value (`slug/Name`) or a typed name.

    A typed name that fits characters of several stories (two Sophies) asks the
    user to pick one rather than guessing. Only names are compared: a story's
    title is not a character, and input without a letter or digit names no one.
    The character comes whole, facts and all, from its story's cast: the catalogue
    that found it keeps names only.
    """
    ref = await _find_character(store, guild_id, value, story_id=story_id)
    cast = await store.casts.get_cast(ref.story.id)
    whole = next((c for c in cast.characters if c.name == ref.character.name), None)
    # Its story changed between the two reads: the names are right, and that is all.
    return CharacterRef(ref.story, whole) if whole is not None else ref


async def _find_character(
    store: Store, guild_id: int | None, value: str, *, story_id: int | None
) -> CharacterRef:
    catalogue = await catalogues_of(store).characters(guild_id)
    if story_id is None and (number := catalogue.with_value(value)) is not None:
        return CharacterRef(*catalogue.at(number))  # what autocomplete sent
    refs: list[CharacterRef] = []
    if story_id is not None:
        refs = [CharacterRef(s, c) for s, c in catalogue.entries if s.id == story_id]
        for ref in refs:
            if value == ref.choice_value:
                return ref
        if not refs:
            await store.casts.get_cast(story_id)  # StillReading, when it is why none is here
    if not names_anything(value):
        raise NotFound(f"There is no character called {echo(value)} in the stories here.")
    # The characters of stories hidden here compete too, so that their names say
    # "hidden" instead of fuzzily opening someone else.
    hidden = await _hidden_character_refs(store, guild_id) if story_id is None else []
    folded = fold(value.strip())
    if story_id is None and not hidden:  # the usual case: the catalogue's precomputed keys
        at = catalogue.at
        exact = [CharacterRef(*at(number)) for number in catalogue.with_alias(folded)]
        ranked = [
            (CharacterRef(*at(number)), score) for number, score in catalogue.names.rank(value, 5)
        ]
    else:
        if story_id is None:
            refs = [CharacterRef(s, c) for s, c in catalogue.entries]
        everyone = [*refs, *hidden]
        exact = [r for r in everyone if folded in {fold(alias) for alias in r.character.aliases}]
        keys = [key_words(*r.character.aliases) for r in everyone]
        ranked = [(everyone[index], score) for index, score in rank_by_words(value, keys, 5)]
    best = ranked[0][1] if ranked else 0.0
    # Equally good fuzzy matches are as ambiguous as two exact ones.
    candidates = exact or [ref for ref, score in ranked if score >= max(80.0, best - 1)]
    if candidates and all(ref in hidden for ref in candidates):
        ref = candidates[0]
        raise NotFound(
            f"{ref.character.name} is in “{ref.story.title}”, which is hidden in this server.",
            hint="A moderator can show it again with `/story unhide`.",
        )
    candidates = [ref for ref in candidates if ref not in hidden]
    ranked = [(ref, score) for ref, score in ranked if ref not in hidden]
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        shown = candidates[:5]
        listed = "; ".join(r.label for r in shown)
        values = " or ".join(f"`{r.choice_value}`" for r in shown)
        raise Ambiguous(
            f"More than one character is called {echo(value)}: {listed}.",
            hint=f"Pick the one you mean from the list as you type, or type it in full: {values}.",
        )
    if story_id is None and (pending := await store.casts.pending_count(guild_id)):
        # Perhaps in a story loaded a moment ago, whose characters are being read.
        raise StillReading(stories=pending)
    names = [r.label for r, _score in ranked[:3]]
    raise NotFound(
        f"There is no character called {echo(value)} in the stories here.",
        hint=("Did you mean " + ", ".join(names) + "?") if names else None,
    )
