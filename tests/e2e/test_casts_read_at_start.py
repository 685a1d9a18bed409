"""`conteur run` finishes reading the characters a stopped `conteur load` left pending."""

import pytest

from bot.app.library import Library
from bot.discord_adapter.bot import ConteurBot

FERRY = (
    "Title: The Ferry\n\n"
    "Marta Solberg crossed the fjord at dawn. Marta waved to Erik Dahl on the pier.\n\n"
    "Erik smiled at Marta. Marta went home to Bergen before the rain."
)


@pytest.fixture
async def store_with_pending_casts(store, tmp_path):
    """A load stopped after storing its stories, before reading their characters."""
    folder = tmp_path / "loaded"
    folder.mkdir()
    (folder / "ferry.txt").write_text(FERRY)
    await Library(store).load_paths([folder], defer_casts=True)
    assert await store.casts.pending_total() == 1
    return store


@pytest.fixture
def simcord_bot(settings, store_with_pending_casts):
    return ConteurBot(settings, store_with_pending_casts, sync_globally=True)


async def test_the_bot_reads_pending_characters_when_it_starts(world, store):
    await world.env.bot.library.cast_reading.finished()
    assert await store.casts.pending_total() == 0
    profile = await world.member.slash(world.channel, "character show", name="Marta")
    assert profile.response.embeds[0].title == "Marta Solberg"
    assert "Protagonist of *The Ferry*" in profile.response.embeds[0].description
