"""/admin: the bot owners' health check and reload, refused to everyone else."""

from __future__ import annotations

from dataclasses import replace

import discord
import pytest

from bot.discord_adapter.bot import ConteurBot
from bot.errors import NotAllowed
from tests.e2e.conftest import raised


@pytest.fixture
async def owned(world, settings, store, tmp_path):
    """The bot restarted with an owner (an admin of the server) and a stories folder of its own.

    /admin is hidden from members without Administrator, so the owner is one here.
    """
    # A folder of its own, so the test can add files: the seeds stay loaded from theirs.
    stories = tmp_path / "stories"
    stories.mkdir()
    admins = world.guild.create_role("Admins", permissions=discord.Permissions(administrator=True))
    owner = world.guild.add_member(world.env.create_user("olive"), roles=[admins])
    world.admin = world.guild.add_member(world.env.create_user("adam"), roles=[admins])
    owned_settings = replace(settings, owner_ids=frozenset({owner.id}), stories_dir=stories)
    await world.env.restart_bot(ConteurBot(owned_settings, store, sync_globally=True))
    return owner, stories


async def test_an_owner_sees_the_library_index_and_subscriptions(world, owned):
    owner, _stories = owned
    await world.moderator.slash(world.channel, "daily subscribe", time="09:00", timezone="UTC")
    result = await owner.slash(world.channel, "admin health")
    assert result.ephemeral
    fields = {field.name: field.value for field in result.response.embeds[0].fields}
    assert fields["Library"] == "3 built in, 0 added by servers, 0 removed (restorable)"
    assert fields["Search index"].endswith(" passages")
    assert fields["Story of the day"] == "1 channels, 0 DMs"


async def test_health_counts_the_stories_whose_characters_are_still_being_read(
    world, owned, tmp_path
):
    owner, _stories = owned
    loaded = tmp_path / "bulk"
    loaded.mkdir()
    (loaded / "ferry.txt").write_text("Title: The Ferry\n\nMarta Solberg crossed the fjord.")
    library = world.env.bot.library
    await library.load_paths([loaded], defer_casts=True)
    result = await owner.slash(world.channel, "admin health")
    fields = {field.name: field.value for field in result.response.embeds[0].fields}
    assert fields["Characters"] == "still being read for 1 story loaded in bulk"
    library.cast_reading.start()
    await library.cast_reading.finished()
    result = await owner.slash(world.channel, "admin health")
    assert "Characters" not in {field.name for field in result.response.embeds[0].fields}


async def test_reload_makes_a_new_file_readable_and_searchable_without_a_restart(world, owned):
    owner, stories = owned
    (stories / "heron.txt").write_text(
        "Title: The Heron\n\nA grey heron waited in the reeds of the millpond.", encoding="utf-8"
    )
    result = await owner.slash(world.channel, "admin reload")
    assert result.ephemeral
    assert result.response.content.startswith(
        "Reloaded the built-in stories: 1 added, 0 updated, 0 unchanged, 0 rejected."
    )
    assert "The Heron" in result.response.content
    found = await world.moderator.slash(world.channel, "search", query="heron millpond")
    assert found.response.embeds[0].fields[0].name.startswith("1. The Heron")


async def test_a_server_admin_who_is_not_an_owner_is_refused(world, owned):
    result = await world.admin.slash(world.channel, "admin reload")
    embed = result.response.embeds[0]
    assert result.ephemeral and embed.title == "Not allowed"
    assert embed.description == "Only the bot's owners can do that."
    assert raised(world.env) == [NotAllowed]
