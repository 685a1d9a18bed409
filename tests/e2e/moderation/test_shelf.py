"""Remove, restore, hide and unhide: what leaves and comes back, here only."""

from __future__ import annotations

import re
from typing import Any

from bot.errors import InvalidInput, NotAllowed, NotFound
from tests.e2e.conftest import raised
from tests.e2e.moderation.helpers import (
    VALERIE,
    add_and_publish,
    counts,
    error_embed,
    labels,
    visible_slugs,
    words_text,
)

# ------------------------------------------------------------ remove, restore


async def where_members_see(world: Any, title: str, query: str) -> set[str]:
    """The places a member of the first server meets the story `title`."""
    store, library = world.env.bot.store, world.env.bot.library
    (story_id,) = await store.db.fetchone("SELECT id FROM stories WHERE title = ?", (title,))
    places = set()
    found = await world.member.slash(world.channel, "search", query=query)
    hit = re.compile(rf"\d+\. {re.escape(title)} · ")
    if any(hit.match(f.name) for f in found.response.embeds[0].fields):
        places.add("search")
    choices = await world.member.autocomplete(world.channel, "story read", "story", title)
    if title in [c["name"].split(" — ")[0] for c in choices]:
        places.add("autocomplete")
    listed = await world.member.slash(world.channel, "story list")
    if f"**{title}**" in listed.response.embeds[0].description:
        places.add("list")
    read = await world.member.slash(world.channel, "story read", story=title)
    if read.response.embeds[0].title == title:
        places.add("read")
    if story_id in await library.visible_ids(world.guild.id):  # the daily rotation's pool
        places.add("rotation")
    return places


EVERYWHERE = {"search", "autocomplete", "list", "read", "rotation"}


async def test_remove_asks_first_then_the_story_vanishes_at_once_and_restore_brings_it_back(
    world,
):
    body = "Seventeen violet gulls circled the lighthouse of Brume.\n\n" + words_text(9)
    await add_and_publish(world.moderator, world.channel, "The Gulls", body)
    query = "seventeen violet gulls"
    assert await where_members_see(world, "The Gulls", query) == EVERYWHERE

    asked = await world.moderator.slash(world.channel, "story remove", story="the gulls")
    assert asked.ephemeral
    assert asked.response.content.startswith("Remove “The Gulls”? It leaves search")
    assert labels(asked.response) == ["Remove it", "Keep it"]
    assert await where_members_see(world, "The Gulls", query) == EVERYWHERE  # not yet
    removed = await world.moderator.click(asked.response.message, label="Remove it")
    assert removed.response.content == (
        "Removed “The Gulls”. `/story restore` brings it back within 30 days."
    )
    assert labels(removed.response) == []
    assert await where_members_see(world, "The Gulls", query) == set()
    assert raised(world.env) == [NotFound]  # the member's /story read of it
    offered = await world.moderator.autocomplete(world.channel, "story restore", "story", "gulls")
    assert offered == [{"name": "The Gulls", "value": "the-gulls"}]
    # Removed stories are for moderators' eyes only.
    assert await world.member.autocomplete(world.channel, "story restore", "story", "gulls") == []

    restored = await world.moderator.slash(world.channel, "story restore", story="the-gulls")
    assert restored.ephemeral
    assert restored.response.content == "Restored “The Gulls”."
    assert await where_members_see(world, "The Gulls", query) == EVERYWHERE
    assert await world.moderator.autocomplete(world.channel, "story restore", "story", "") == []
    entries = await world.env.bot.store.audit.for_story(
        (await world.env.bot.store.db.fetchone("SELECT id FROM stories WHERE slug = 'the-gulls'"))[
            0
        ]
    )
    assert [(e.action, e.actor_id) for e in entries] == [
        ("add", world.moderator.id),
        ("remove", world.moderator.id),
        ("restore", world.moderator.id),
    ]
    assert entries[1].hash_before == entries[0].hash_after == entries[2].hash_after


async def test_a_removal_can_be_called_off(world):
    await add_and_publish(world.moderator, world.channel, "The Gulls", words_text(9))
    asked = await world.moderator.slash(world.channel, "story remove", story="the-gulls")
    before = await counts(world.env.bot.store)
    kept = await world.moderator.click(asked.response.message, label="Keep it")
    assert kept.response.content == "Kept: nothing was removed."
    assert labels(kept.response) == []
    assert await counts(world.env.bot.store) == before
    assert "the-gulls" in await visible_slugs(world)


async def test_restore_refuses_when_the_same_text_is_here_again(world):
    body = words_text(10)
    await add_and_publish(world.moderator, world.channel, "The Gulls", body)
    asked = await world.moderator.slash(world.channel, "story remove", story="the-gulls")
    await world.moderator.click(asked.response.message, label="Remove it")
    await add_and_publish(world.moderator, world.channel, "Gulls Again", body)
    before = (await visible_slugs(world), await counts(world.env.bot.store))
    result = await world.moderator.slash(world.channel, "story restore", story="the-gulls")
    embed = error_embed(result)
    assert embed.title == "Invalid input"
    assert embed.description == "“Gulls Again” here now has exactly the text of “The Gulls”."
    assert embed.fields[0].value == "Remove that one first if this one should come back instead."
    assert raised(world.env) == [InvalidInput]
    assert (await visible_slugs(world), await counts(world.env.bot.store)) == before


async def test_restore_refuses_when_the_title_was_taken_meanwhile(world):
    await add_and_publish(world.moderator, world.channel, "The Gulls", words_text(10))
    asked = await world.moderator.slash(world.channel, "story remove", story="the-gulls")
    await world.moderator.click(asked.response.message, label="Remove it")
    await add_and_publish(world.moderator, world.channel, "The Gulls", words_text(11))
    result = await world.moderator.slash(world.channel, "story restore", story="the-gulls")
    embed = error_embed(result)
    assert embed.description == "Another story here is now titled “The Gulls”."
    assert embed.fields[0].value == "Rename or remove that one first."
    missing = await world.moderator.slash(world.channel, "story restore", story="never there")
    assert error_embed(missing).title == "Not found"
    assert raised(world.env) == [InvalidInput, NotFound]


# ---------------------------------------------------------------- hide, unhide


async def confirm_hiding(world: Any, story: str, *, hide: bool = True) -> Any:
    """/story hide (or unhide), then the confirmation's button; returns what it answered."""
    command = "story hide" if hide else "story unhide"
    button = "Hide it" if hide else "Show it"
    asked = await world.moderator.slash(world.channel, command, story=story)
    assert asked.ephemeral and labels(asked.response) == [button, "Cancel"]
    return await world.moderator.click(asked.response.message, label=button)


async def test_built_ins_are_hidden_here_only_never_edited(world):
    for command in ("story edit", "story remove"):
        result = await world.moderator.slash(
            world.channel, command, story="the-story-of-valerie-ivanov"
        )
        embed = error_embed(result)
        assert embed.title == "Not allowed"
        assert embed.description == f"“{VALERIE}” is built in: it can't be changed from a server."
        assert embed.fields[0].value == "Hide it here with `/story hide` instead."
    assert raised(world.env) == [NotAllowed, NotAllowed]
    await add_and_publish(world.moderator, world.channel, "The Lantern", words_text(7))
    result = await world.moderator.slash(world.channel, "story hide", story="the-lantern")
    embed = error_embed(result)
    assert embed.title == "Not allowed"
    assert embed.description == (
        "“The Lantern” belongs to this server; remove it with `/story remove` instead."
    )
    assert raised(world.env) == [NotAllowed]

    query = "eiffel tower at sunset"
    assert await where_members_see(world, VALERIE, query) == EVERYWHERE
    hidden = await confirm_hiding(world, "the-story-of-valerie-ivanov")
    assert hidden.response.content == f"“{VALERIE}” is now hidden in this server."
    assert await where_members_see(world, VALERIE, query) == set()
    assert raised(world.env) == [NotFound]
    channel, stranger = world.other_server()
    elsewhere = await stranger.slash(channel, "story read", story="valerie")
    assert elsewhere.response.embeds[0].title == VALERIE  # other servers are untouched
    offered = await world.moderator.autocomplete(world.channel, "story unhide", "story", "val")
    assert [c["name"] for c in offered] == [VALERIE]
    shown = await confirm_hiding(world, offered[0]["value"], hide=False)
    assert shown.response.content == f"“{VALERIE}” is now visible in this server again."
    assert await where_members_see(world, VALERIE, query) == EVERYWHERE
    store = world.env.bot.store
    (valerie,) = await store.db.fetchone("SELECT id FROM stories WHERE title = ?", (VALERIE,))
    audited = [(e.action, e.guild_id, e.actor_id) for e in await store.audit.for_story(valerie)]
    assert audited[-2:] == [
        ("hide", world.guild.id, world.moderator.id),
        ("unhide", world.guild.id, world.moderator.id),
    ]


async def test_edit_and_remove_offer_only_own_stories_and_hide_only_visible_built_ins(world):
    await add_and_publish(world.moderator, world.channel, "The Lantern", words_text(7))
    valerie = "the-story-of-valerie-ivanov"
    for command in ("story edit", "story remove"):
        for typed in ("", "lantern", "valerie"):
            offered = await world.moderator.autocomplete(world.channel, command, "story", typed)
            assert valerie not in [c["value"] for c in offered], (command, typed)
        offered = await world.moderator.autocomplete(world.channel, command, "story", "")
        assert [c["value"] for c in offered] == ["the-lantern"], command
    builtins = {s.slug for s in await world.env.bot.store.stories.visible_stories(None)}
    offered = await world.moderator.autocomplete(world.channel, "story hide", "story", "")
    assert {c["value"] for c in offered} == builtins
    await confirm_hiding(world, valerie)
    offered = await world.moderator.autocomplete(world.channel, "story hide", "story", "")
    assert {c["value"] for c in offered} == builtins - {valerie}
