"""What the storyteller costs in tokens: a retelling, an answer and a thread reply about a
5,000-word story, counted by the fake OpenAI-compatible server of the test suite.

Run from the repository root:  .venv/bin/python -m bench.storyteller [--words 5000]

The story is bench.retell's generated one (seeded). The model's replies are scripted
(each about as long as the prompt asks for, made of the story's own sentences so they
pass the checks), so the prompt side is exactly what the bot sends and the reply side is
the length the prompt requests. The fake server counts words and punctuation marks, as a
BPE tokenizer roughly does for English; the last column is the client's own estimate
(4 characters a token), used when a server reports no usage.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.retell import generated_story
from bot.app.library import Library
from bot.config import ModelSettings
from bot.core.cast import Cast
from bot.core.clock import system_clock
from bot.core.models import Passage, Story
from bot.core.parsing import parse_story_text
from bot.storage import Store
from bot.storyteller import Storyteller, Turn
from bot.storyteller.service import (
    CONTEXT_CHARS,
    SECTION_WORDS,
    split_sections,
)
from tests.fake_model import FakeModel, reply

GUILD = 1
# what, requests, prompt tokens, reply tokens, the client's estimate
Row = tuple[str, int, int, int, int]


def words_of(passages: Sequence[Passage], count: int) -> str:
    """The story's first sentences, about `count` words: a reply the checks accept."""
    taken: list[str] = []
    for passage in passages:
        for word in passage.text.split():
            taken.append(word)
            if len(taken) >= count and word.endswith("."):
                return " ".join(taken)
    return " ".join(taken)


async def measure(word_count: int) -> list[Row]:
    rows: list[Row] = []
    model = FakeModel()
    await model.start()
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(Path(folder) / "bench.sqlite3", clock=system_clock)
        try:
            library = Library(store)
            body = "\n\n".join(p.text for p in generated_story(word_count))
            summary = await library.add_story(
                parse_story_text(f"Title: The Long Story\n\n{body}"), guild_id=None
            )
            story = await store.stories.get_story(summary.id)
            assert story is not None
            cast = await store.casts.get_cast(story.id)
            await store.storyteller.set_enabled(GUILD, True, None)
            settings = ModelSettings(url=model.url, name="bench", daily_tokens=0)
            storyteller = Storyteller(settings, store, clock=system_clock)
            rows.append(await _retelling(model, storyteller, story, cast))
            rows.append(await _answer(model, storyteller, story, cast))
            rows.append(await _thread(model, storyteller, story, cast))
            await storyteller.close()
        finally:
            await store.close()
    await model.close()
    return rows


async def _retelling(model: FakeModel, teller: Storyteller, story: Story, cast: Cast) -> Row:
    sections = split_sections(story.passages, CONTEXT_CHARS)
    target = max(80, min(350, story.summary.word_count // 10))
    if len(sections) > 1:
        model.script(*[reply(words_of(s, SECTION_WORDS)) for s in sections])
    model.script(reply(words_of(story.passages, target)))
    told = await teller.retell(story, cast, "plain", guild_id=GUILD, progress=None)
    assert told.text is not None, told.note
    how = f"{len(sections)} sections + merge" if len(sections) > 1 else "whole story at once"
    return _row(model, f"/story retell style:plain ({how})")


async def _answer(model: FakeModel, teller: Storyteller, story: Story, cast: Cast) -> Row:
    first = story.passages[0]
    model.script(reply(f"{words_of([first], 25)} (¶{first.number})"))
    question = " ".join(first.text.split()[:8])
    told = await teller.answer(story, cast, question, guild_id=GUILD, progress=None)
    assert told.text is not None, told.note
    return _row(model, "/story ask (best paragraphs within the budget)")


async def _thread(model: FakeModel, teller: Storyteller, story: Story, cast: Cast) -> Row:
    first = story.passages[0]
    model.script(reply(f"{words_of([first], 25)} (¶{first.number})"))
    turns = [Turn("alice", " ".join(first.text.split()[:10]), False) for _ in range(10)]
    told = await teller.converse(story, cast, turns, guild_id=GUILD)
    assert told.text is not None, told.note
    return _row(model, "thread reply (10 recent turns)")


def _row(model: FakeModel, what: str) -> Row:
    prompt, completion = sum(model.prompt_tokens), sum(model.completion_tokens)
    estimate = sum(sum(len(m["content"]) for m in body["messages"]) // 4 for body in model.requests)
    row = (what, len(model.requests), prompt, completion, estimate)
    model.requests.clear()
    model.prompt_tokens.clear()
    model.completion_tokens.clear()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=5_000)
    arguments = parser.parse_args()
    rows = asyncio.run(measure(arguments.words))
    print(f"Tokens for a {arguments.words:,}-word story (fake server's counts)")
    print(f"{'what':52} {'requests':>8} {'prompt':>8} {'reply':>7} {'total':>7} {'chars/4':>8}")
    for what, requests, prompt, completion, estimate in rows:
        total = prompt + completion
        print(f"{what:52} {requests:>8} {prompt:>8,} {completion:>7,} {total:>7,} {estimate:>8,}")


if __name__ == "__main__":
    main()
