"""A write cancelled at any point leaves the connection ready for the next one."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.core.parsing import parse_story_text
from bot.storage import Store


async def test_writes_cancelled_at_every_step_never_leave_a_transaction_open(
    tmp_path: Path,
) -> None:
    """An interaction that expires under a backlog has its work cancelled; a cancel
    landing while BEGIN ran in the connection's thread used to leave the transaction
    open, and every later write failed ("cannot start a transaction within a
    transaction")."""
    async with await Store.open(tmp_path / "db.sqlite3") as store:
        story = await store.stories.add_story(
            parse_story_text("Title: Quay\n\nOrla walked to the quay.", "test"), guild_id=None
        )
        for steps in range(8):  # cancelled after 0, 1, … 7 turns of the loop
            for user_id in range(1, 4):
                writing = asyncio.create_task(store.reading.save_position(user_id, story.id, 2))
                for _ in range(steps):
                    await asyncio.sleep(0)
                writing.cancel()
                await asyncio.gather(writing, return_exceptions=True)
            await store.reading.save_position(99, story.id, steps + 1)
            assert await store.reading.reading_position(99, story.id) == steps + 1
