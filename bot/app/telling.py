"""Conteur as a storyteller: retelling a story, a discussion, and who may ask how often.

Answering a question is `bot.app.answers.answer_question`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.app.library import Library
from bot.core.cast import Cast
from bot.core.clock import Clock
from bot.core.cooldown import Cooldown
from bot.core.models import Story
from bot.core.questions import discussion_questions
from bot.core.retelling import Retelling, retell
from bot.errors import InvalidInput, RateLimited

Length = Literal["short", "medium", "long"]
Measure = Callable[[str], int]  # a text's length as it will be shown
MAX_QUESTION_LENGTH = 300


async def retell_story(story: Story, length: Length, measure: Measure) -> Retelling:
    """A faithful shorter version; `measure` counts characters as they will be shown."""
    # Ranking the sentences of a very long story takes a while: off the event loop.
    return await asyncio.to_thread(
        retell,
        story.passages,
        length=length,
        protagonist=story.summary.protagonist,
        measure=measure,
    )


@dataclass(frozen=True, slots=True)
class Discussion:
    retelling: Retelling
    questions: list[str]


async def cast_to_discuss(library: Library, story: Story) -> Cast:
    """The people the questions are about; StillReading for a story loaded a moment ago
    (asked before the reply is deferred, so that message stays the member's alone)."""
    return await library.store.casts.get_cast(story.id)


async def discuss(library: Library, story: Story, cast: Cast, measure: Measure) -> Discussion:
    """A short retelling and questions to talk about, from the story's events and people."""

    def prepare() -> Discussion:
        hero = cast.protagonist
        retelling = retell(
            story.passages,
            length="short",
            protagonist=story.summary.protagonist,
            gender=hero.gender if hero is not None else None,
            measure=measure,
        )
        return Discussion(retelling, discussion_questions(story.passages, cast, title=story.title))

    return await asyncio.to_thread(prepare)


async def remember_thread(
    library: Library, *, thread_id: int, story_id: int, guild_id: int | None
) -> None:
    """A discussion thread: questions asked in it are about its story."""
    await library.store.reading.remember_thread(thread_id, story_id, guild_id)


async def thread_story(library: Library, channel_id: int, guild_id: int | None) -> int | None:
    """The story a discussion thread is about, if it is one and the story is still here."""
    story_id = await library.store.reading.story_of_thread(channel_id)
    if story_id is None or story_id not in await library.visible_ids(guild_id):
        return None
    return story_id


def tidy_question(question: str) -> str:
    text = " ".join(question.split())
    if not text or len(text) > MAX_QUESTION_LENGTH:  # Discord checks too; not every client
        raise InvalidInput(f"Ask a question of 1 to {MAX_QUESTION_LENGTH} characters.")
    return text


class AskLimits:
    """How often questions may be asked: 5 a minute per member, 10 per channel.

    The "slow down" reply to a mention is itself a message: one per member a minute.
    """

    def __init__(self, clock: Clock) -> None:
        def seconds() -> float:
            return clock().timestamp()

        self._per_member = Cooldown(rate=5, per=60.0, clock=seconds)
        self._per_channel = Cooldown(rate=10, per=60.0, clock=seconds)
        self._notices = Cooldown(rate=1, per=60.0, clock=seconds)

    def check(self, user_id: int, channel_id: int | None) -> None:
        """Count a question, or raise a friendly error when someone asks too fast.

        A refused question counts against neither limit, so one member's retries
        cannot use up the channel's share.
        """
        wait = max(self._per_member.peek(user_id), self._per_channel.peek(channel_id))
        if wait > 0:
            raise RateLimited(
                f"I need a breather: ask again in {wait:.0f} seconds.",
                hint="Questions are limited to 5 a minute per member and 10 per channel.",
            )
        self._per_member.consume(user_id)
        self._per_channel.consume(channel_id)

    def may_send_notice(self, user_id: int) -> bool:
        """Whether a member refused by the limit may be told so in the channel."""
        return self._notices.retry_after(user_id) == 0
