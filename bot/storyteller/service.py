"""The storyteller: a language model that retells and answers, checked against the text.

Used only when the bot owner configured a model (CONTEUR_MODEL_URL) and the server's
admins opted in. Every reply is checked (`grounding`) before it is shown; a reply that
fails is asked for once more with the reason, and if that fails too, or the model is
slow, down, or the server's daily allowance is spent, the caller posts the extractive
answer instead, with the `note` saying why. Nothing here raises to the user.

The model is only ever given the one story a command resolved for the asking server
(through the same visibility rules as /story read), so it never sees another server's
private stories.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import bot.storyteller.prompts as prompts
from bot.config import ModelSettings
from bot.core.cast import Cast
from bot.core.models import Passage, Story
from bot.core.text import fold, words
from bot.storage import Store
from bot.storyteller.client import Message, ModelClient, ModelError, ModelTimeout, Usage
from bot.storyteller.grounding import (
    StoryFacts,
    Verdict,
    check_reply,
    check_sentences,
    cited_paragraphs,
    complete_prefix,
    says_not_in_text,
)
from bot.storyteller.pacing import Clock, Pacer, Sleep

log = logging.getLogger(__name__)

Progress = Callable[[str], Awaitable[None]]

# A story longer than this (characters) is retold section by section, then merged; a
# question about it sees only its most relevant paragraphs, up to the same budget.
CONTEXT_CHARS = 16_000
SECTION_WORDS = 120
ANSWER_TOKENS = 250
RETELL_TOKENS = 800
# About one reply in three in a discussion ends with a question to the group.
FOLLOW_UP_SHARE = 1 / 3

NOT_SAID = "The story doesn't say."
SPENT = "this server's storyteller allowance for today is used up"
FROM_THE_TEXT = "From the text"


@dataclass(frozen=True, slots=True)
class Told:
    """What the storyteller has to post, or None: post the extractive answer, with `note`."""

    text: str | None
    note: str
    not_in_text: bool = False
    # (story title, ¶) for each paragraph the reply cites, as the extractive answer's refs
    refs: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Allowance:
    """What a server may still use today; None where the owner set no cap."""

    requests_left: int | None
    tokens_left: int | None

    @property
    def spent(self) -> bool:
        return self.requests_left == 0 or self.tokens_left == 0


class Storyteller:
    def __init__(
        self,
        settings: ModelSettings,
        store: Store,
        *,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        client: ModelClient | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock
        self.sleep = sleep
        self.random = rng or random.Random()
        self.client = client or ModelClient(settings)

    @property
    def model_name(self) -> str:
        return self.settings.name

    async def close(self) -> None:
        await self.client.close()

    async def is_on(self, guild_id: int | None) -> bool:
        """The model is used in servers whose admins opted in; never in DMs."""
        return guild_id is not None and await self.store.storyteller.enabled(guild_id)

    async def allowance(self, guild_id: int) -> Allowance:
        used = await self.store.storyteller.usage(guild_id, self.clock().date())
        caps = self.settings
        return Allowance(
            max(0, caps.daily_requests - used.requests) if caps.daily_requests else None,
            max(0, caps.daily_tokens - used.tokens) if caps.daily_tokens else None,
        )

    # --- what the commands ask for -----------------------------------------------------

    async def retell(
        self, story: Story, cast: Cast, style: str, *, guild_id: int, progress: Progress | None
    ) -> Told:
        key = (story.content_hash, style, self.model_name, prompts.PROMPT_VERSION)
        kept = await self.store.storyteller.cached_retelling(*key)
        if kept is not None:
            return Told(kept.text, self._told_note("kept from an earlier telling"))
        facts = _facts(story, cast)
        target = max(80, min(350, story.summary.word_count // 10))
        spent: list[Usage] = []

        async def messages() -> list[Message]:
            text = prompts.StoryText(story.title, story.passages)
            if _length(story.passages) <= CONTEXT_CHARS:
                return prompts.retell_messages(text, style, target)
            sections = split_sections(story.passages, CONTEXT_CHARS)
            summaries = []
            for number, section in enumerate(sections, 1):
                part = prompts.section_messages(
                    prompts.StoryText(story.title, section), number, len(sections), SECTION_WORDS
                )
                summary, usage = await self.client.complete(part, max_tokens=SECTION_WORDS * 3)
                spent.append(usage)
                summaries.append(summary)
            return prompts.merge_messages(story.title, summaries, style, target)

        told = await self._grounded(
            messages,
            facts,
            guild_id=guild_id,
            must_cite=False,
            max_tokens=RETELL_TOKENS,
            progress=progress,
            spent=spent,
        )
        if told.text is not None and not told.not_in_text:
            tokens = sum(usage.total for usage in spent)
            await self.store.storyteller.keep_retelling(*key, told.text, tokens)
        return told

    async def answer(
        self,
        story: Story,
        cast: Cast,
        question: str,
        *,
        guild_id: int,
        progress: Progress | None,
    ) -> Told:
        shown = prompts.StoryText(story.title, select_passages(story.passages, question))

        async def messages() -> list[Message]:
            return prompts.ask_messages([shown], question)

        return await self._grounded(
            messages,
            _facts(story, cast),
            guild_id=guild_id,
            must_cite=True,
            max_tokens=ANSWER_TOKENS,
            progress=progress,
        )

    async def converse(
        self, story: Story, cast: Cast, turns: Sequence[prompts.Turn], *, guild_id: int
    ) -> Told:
        """A reply to the last of `turns` in a discussion thread (not streamed: a new
        message in a conversation, posted once whole)."""
        question = " ".join(turn.text for turn in turns[-3:] if not turn.by_bot)
        shown = prompts.StoryText(story.title, select_passages(story.passages, question))
        follow_up = self.random.random() < FOLLOW_UP_SHARE

        async def messages() -> list[Message]:
            return prompts.discuss_messages(shown, turns, follow_up=follow_up)

        return await self._grounded(
            messages,
            _facts(story, cast),
            guild_id=guild_id,
            must_cite=False,
            max_tokens=ANSWER_TOKENS,
            progress=None,
        )

    # --- one checked reply -------------------------------------------------------------

    async def _grounded(
        self,
        build: Callable[[], Awaitable[list[Message]]],
        facts: StoryFacts,
        *,
        guild_id: int,
        must_cite: bool,
        max_tokens: int,
        progress: Progress | None,
        spent: list[Usage] | None = None,
    ) -> Told:
        spent = [] if spent is None else spent
        pacer = Pacer(self.clock, self.sleep)
        try:
            return await self._checked(
                build, facts, guild_id, must_cite, max_tokens, progress, pacer, spent
            )
        finally:
            await self._count(guild_id, spent)
            # Whatever is posted next (the reply or the fallback) is one more edit.
            if progress is not None:
                await pacer.wait()

    async def _checked(
        self,
        build: Callable[[], Awaitable[list[Message]]],
        facts: StoryFacts,
        guild_id: int,
        must_cite: bool,
        max_tokens: int,
        progress: Progress | None,
        pacer: Pacer,
        spent: list[Usage],
    ) -> Told:
        # The deadline is kept on the bot's clock, checked as the reply arrives; the loop
        # timeout around it ends a silent connection (the clock cannot be read then).
        deadline = self.clock() + timedelta(seconds=self.settings.timeout)
        stream = partial(self._stream, deadline=deadline, pacer=pacer, spent=spent)
        try:
            if (await self.allowance(guild_id)).spent:
                return Told(None, f"{FROM_THE_TEXT}: {SPENT}")
            async with asyncio.timeout(self.settings.timeout):
                messages = await build()
                reply = await stream(messages, facts, max_tokens, progress)
                verdict = check_reply(reply, facts, must_cite=must_cite)
                if not verdict.ok:
                    log.info("Storyteller reply rejected, asking again: %s", _reason(verdict))
                    again = prompts.retry_messages(messages, reply, _reason(verdict))
                    reply = await stream(again, facts, max_tokens, progress)
                    verdict = check_reply(reply, facts, must_cite=must_cite)
        except (TimeoutError, ModelTimeout):
            log.warning("Storyteller: no reply within %g s", self.settings.timeout)
            return Told(None, f"{FROM_THE_TEXT}: the storyteller took too long")
        except ModelError as error:
            log.warning("Storyteller unavailable: %s", error)
            return Told(None, f"{FROM_THE_TEXT}: the storyteller is unavailable right now")
        if not verdict.ok:
            log.info("Storyteller reply rejected twice: %s", _reason(verdict))
            return Told(None, f"{FROM_THE_TEXT}: the storyteller's answer did not match the story")
        if verdict.not_in_text:
            return Told(NOT_SAID, self._told_note("checked against the text"), not_in_text=True)
        refs = tuple((facts.title, number) for number in cited_paragraphs(reply))
        return Told(reply.strip(), self._told_note("checked against the text"), refs=refs)

    async def _stream(
        self,
        messages: list[Message],
        facts: StoryFacts,
        max_tokens: int,
        progress: Progress | None,
        *,
        deadline: datetime,
        pacer: Pacer,
        spent: list[Usage],
    ) -> str:
        """The whole reply; meanwhile, at the pacer's rate, its checked finished sentences."""
        text = ""
        shown = ""
        async for piece in self.client.stream(messages, max_tokens=max_tokens, usage=spent):
            if self.clock() >= deadline:
                raise ModelTimeout(f"no whole reply within {self.settings.timeout:g} s")
            text += piece
            if progress is None or not pacer.due():
                continue
            prefix = complete_prefix(text)
            checked = bool(prefix) and not says_not_in_text(prefix)
            if checked and prefix != shown and not check_sentences(prefix, facts):
                shown = prefix
                pacer.mark()
                await progress(f"{prefix} …")
        return text

    async def _count(self, guild_id: int, spent: Sequence[Usage]) -> None:
        if spent:
            await self.store.storyteller.add_usage(
                guild_id, self.clock().date(), len(spent), sum(u.total for u in spent)
            )

    def _told_note(self, how: str) -> str:
        return f"Told by the storyteller ({self.model_name}), {how}"


def _reason(verdict: Verdict) -> str:
    return "; ".join(verdict.problems[:4])


def _facts(story: Story, cast: Cast) -> StoryFacts:
    names = [alias for c in cast.characters for alias in (c.name, *c.aliases)]
    names += [place.name for place in cast.places]
    return StoryFacts.of(story.passages, names, story.title)


def _length(passages: Sequence[Passage]) -> int:
    return sum(len(p.text) for p in passages)


def split_sections(passages: Sequence[Passage], budget: int) -> list[tuple[Passage, ...]]:
    sections: list[tuple[Passage, ...]] = []
    current: list[Passage] = []
    for passage in passages:
        if current and _length(current) + len(passage.text) > budget:
            sections.append(tuple(current))
            current = []
        current.append(passage)
    if current:
        sections.append(tuple(current))
    return sections


def select_passages(
    passages: Sequence[Passage], question: str, budget: int = CONTEXT_CHARS
) -> tuple[Passage, ...]:
    """The whole story when it fits `budget`; else the paragraphs sharing most words with
    the question (ties: earlier first), in story order, within the budget."""
    if _length(passages) <= budget:
        return tuple(passages)
    wanted = {fold(word) for word in words(question) if len(word) > 2}

    def shared(passage: Passage) -> int:
        return len(wanted & {fold(word) for word in words(passage.text)})

    chosen: list[Passage] = []
    used = 0
    for passage in sorted(passages, key=lambda p: (-shared(p), p.number)):
        if used + len(passage.text) > budget:
            continue
        chosen.append(passage)
        used += len(passage.text)
    return tuple(sorted(chosen, key=lambda p: p.number))
