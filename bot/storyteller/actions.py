"""The use cases the commands call when a server may use the storyteller.

Each returns what to post: the storyteller's checked reply, or the extractive answer
(the same one the bot gives without a model) with a note saying why. A slash command,
an @mention and the console all go through these.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.app import telling
from bot.app.answers import answer_question, search_query
from bot.app.library import Library
from bot.app.telling import Length, Measure
from bot.core.answers import Answer, question_terms
from bot.core.models import Story, StorySummary
from bot.core.retelling import Retelling
from bot.errors import InvalidInput
from bot.storyteller.prompts import Turn
from bot.storyteller.service import FROM_THE_TEXT, Allowance, Progress, Storyteller, Told

NO_MODEL = "This bot has no storyteller model configured, so there is nothing to turn on."
NOT_ON = (
    "The storyteller is not on in this server (admins: /settings storyteller on), "
    "so this is a retelling in the story's own words"
)
IN_DMS = (
    "The storyteller is only used in servers (their admins turn it on), so this is a "
    "retelling in the story's own words"
)
NOT_CONFIGURED = (
    "This bot has no storyteller model configured, so this is a retelling in the story's own words"
)
# The storyteller is grounded in the story's characters; a story a big load stored a
# moment ago has none yet (bot.app.cast_reading), so the answer from the text stands in.
STILL_READING = f"{FROM_THE_TEXT}: I'm still reading this story's characters"


@dataclass(frozen=True, slots=True)
class Status:
    """The storyteller in one server, for /settings show."""

    on: bool
    model: str
    left: Allowance


async def status(storyteller: Storyteller | None, guild_id: int) -> Status | None:
    """None when the bot has no model: /settings then says nothing about it."""
    if storyteller is None:
        return None
    return Status(
        await storyteller.is_on(guild_id),
        storyteller.model_name,
        await storyteller.allowance(guild_id),
    )


async def switch(storyteller: Storyteller | None, *, guild_id: int, actor_id: int, on: bool) -> str:
    """Turn the storyteller on or off in a server (audited); returns the model's name."""
    if storyteller is None:
        raise InvalidInput(
            NO_MODEL, hint="The bot's owner can set CONTEUR_MODEL_URL (see docs/storyteller.md)."
        )
    await storyteller.store.storyteller.set_enabled(guild_id, on, actor_id)
    return storyteller.model_name


@dataclass(frozen=True, slots=True)
class StyledRetelling:
    story: StorySummary
    told: Told | None  # the storyteller's retelling, when it gave one
    extractive: Retelling | None  # otherwise today's retelling, with `note` saying why
    note: str | None


async def retell_in_style(
    storyteller: Storyteller | None,
    story: Story,
    style: str,
    *,
    guild_id: int | None,
    length: Length,
    measure: Measure,
    progress: Progress | None,
) -> StyledRetelling:
    note = NOT_CONFIGURED if storyteller is None else NOT_ON if guild_id else IN_DMS
    if storyteller is not None and guild_id is not None and await storyteller.is_on(guild_id):
        cast = await storyteller.store.casts.ready_cast(story.id)
        if cast is None:
            note = STILL_READING
        else:
            told = await storyteller.retell(
                story, cast, style, guild_id=guild_id, progress=progress
            )
            if told.text is not None:
                return StyledRetelling(story.summary, told, None, None)
            note = told.note
    extractive = await telling.retell_story(story, length, measure)
    return StyledRetelling(story.summary, None, extractive, note)


@dataclass(frozen=True, slots=True)
class Asked:
    told: Told | None  # the storyteller's answer, when it gave one
    answer: Answer | None  # otherwise the extractive answer
    note: str | None  # why the extractive answer, when the storyteller was asked


async def ask(
    library: Library,
    storyteller: Storyteller | None,
    question: str,
    *,
    guild_id: int | None,
    story_id: int | None,
    progress: Progress | None,
) -> Asked:
    """The storyteller's answer about one story (the one named, the thread's, or the one
    the question's words find first among this server's), else the extractive answer."""
    note = None
    if storyteller is not None and guild_id is not None and await storyteller.is_on(guild_id):
        story = await _story_for(library, question, guild_id, story_id)
        if story is not None:
            cast = await library.store.casts.ready_cast(story.id)
            if cast is None:
                note = STILL_READING
            else:
                told = await storyteller.answer(
                    story, cast, question, guild_id=guild_id, progress=progress
                )
                if told.text is not None:
                    return Asked(told, None, None)
                note = told.note
    answer = await answer_question(library, question, guild_id=guild_id, story_id=story_id)
    return Asked(None, answer, note)


async def thread_reply(
    library: Library,
    storyteller: Storyteller,
    story_id: int,
    turns: list[Turn],
    *,
    guild_id: int,
) -> Asked:
    """A reply in a discussion thread to the last of `turns`."""
    story = await library.store.stories.get_story(story_id)
    note: str | None = None
    if story is not None and story_id in await library.visible_ids(guild_id):
        cast = await library.store.casts.ready_cast(story.id)
        if cast is None:
            note = STILL_READING
        else:
            told = await storyteller.converse(story, cast, turns, guild_id=guild_id)
            if told.text is not None:
                return Asked(told, None, None)
            note = told.note
    question = turns[-1].text
    answer = await answer_question(library, question, guild_id=guild_id, story_id=story_id)
    return Asked(None, answer, note)


async def _story_for(
    library: Library, question: str, guild_id: int, story_id: int | None
) -> Story | None:
    if story_id is None:
        query = search_query(question_terms(question))
        hits = await library.search(query, guild_id=guild_id, limit=1) if query else []
        if not hits:
            return None
        story_id = hits[0].story_id
    if story_id not in await library.visible_ids(guild_id):
        return None
    return await library.store.stories.get_story(story_id)
