"""What a story's text and another server can reach: no pings, nothing across servers."""

from __future__ import annotations

import discord

from bot.discord_adapter.ui.moderation import DraftButton, RemoveButton
from bot.discord_adapter.ui.reading import OpenPassageButton, PageButton
from bot.errors import NotFound
from tests.e2e.conftest import raised
from tests.e2e.moderation.helpers import (
    add_and_publish,
    counts,
    draft_button,
    error_embed,
    forge,
    other_moderator,
    preview_file,
    story_file,
    visible_slugs,
    words_text,
)

# -------------------------------------------------------------------- mentions


async def test_mentions_in_a_story_never_ping_and_show_literally(world):
    role = world.guild.roles["Mods"]
    text = (
        f"@everyone and @here, listen: <@{world.member.id}> and <@&{role.id}> met Marta Lind "
        "by the river. Marta Lind laughed.\n\nThen the **heron** came back, as it always did. "
        "The ~~ice~~ was ||gone||."
    )
    shown = await world.moderator.slash(world.channel, "story add")
    preview = await world.moderator.submit_modal(
        shown, {"title": "@everyone at the river", "author": f"<@&{role.id}>", "text": text}
    )
    embed = preview.response.embeds[0]
    for raw in ("@everyone", "@here", f"<@{world.member.id}>", f"<@&{role.id}>"):
        assert raw not in embed.description
    assert embed.description.startswith("@\u200beveryone and @\u200bhere, listen: <@\u200b")
    assert {f.name: f.value for f in embed.fields}["Author"] == f"<@\u200b&{role.id}>"
    published = await world.moderator.click(preview.response.message, label="Publish")
    assert published.response.content.startswith("Published “@\u200beveryone at the river”")
    read = await world.member.slash(world.channel, "story read", story="everyone at the river")
    page = read.response.embeds[0].description
    assert "@everyone" not in page and f"<@{world.member.id}>" not in page
    # The story's own emphasis reads as emphasis; any other markdown is shown as typed.
    assert "**heron**" in page
    assert "\\~\\~ice\\~\\~" in page and "\\|\\|gone\\|\\|" in page
    # And whatever the bot sends allows no mention at all.
    sent = [
        r.json.get("data", r.json)
        for r in world.env.http_requests
        if r.method in ("POST", "PATCH") and isinstance(r.json, dict)
    ]
    with_text = [
        body
        for body in sent
        if isinstance(body, dict) and (body.get("content") or body.get("embeds"))
    ]
    assert with_text and all(body.get("allowed_mentions") == {"parse": []} for body in with_text)


# ------------------------------------------------------------ another server


async def test_a_moderator_elsewhere_finds_nothing_of_this_servers_library(world):
    lantern_text = "The lantern of Brume burned violet all night.\n\n" + words_text(12)
    await add_and_publish(world.moderator, world.channel, "The Lantern", lantern_text)
    await add_and_publish(world.moderator, world.channel, "The Gulls", words_text(13))
    asked = await world.moderator.slash(world.channel, "story remove", story="the-gulls")
    await world.moderator.click(asked.response.message, label="Remove it")
    store = world.env.bot.store
    lantern, gulls = [
        (await store.db.fetchone("SELECT id FROM stories WHERE slug = ?", (slug,)))[0]
        for slug in ("the-lantern", "the-gulls")
    ]
    otto, channel = other_moderator(world)
    before = (await visible_slugs(world), await counts(store))

    def unseen(embed: discord.Embed, typed: str) -> None:
        """Nothing of this server's stories beyond what was typed, not even a suggestion."""
        text = " ".join([embed.description or ""] + [f.value or "" for f in embed.fields])
        text = text.replace(f"“{typed}”", "")
        assert "Lantern" not in text and "Gulls" not in text, text

    addresses = {
        "story edit": [str(lantern), "the-lantern", "The Lantern"],
        "story remove": [str(lantern), "the-lantern", "the lantern"],
        "story history": [str(lantern), "the-lantern"],
        "story export": [str(lantern), "the-lantern"],
        "story read": [str(lantern), "the-lantern"],
        "story hide": [str(lantern), "the-lantern"],
        "story restore": [str(gulls), "the-gulls", "The Gulls"],
    }
    exact_only = {"story edit", "story remove", "story hide", "story restore"}
    for command, values in addresses.items():
        for value in [*values, "9999999"]:  # the last one never existed anywhere
            result = await otto.slash(channel, command, story=value)
            embed = error_embed(result)
            assert embed.title == "Not found", (command, value)
            said = (
                f"No story here is called exactly “{value}”."
                if command in exact_only
                else f"I couldn't find a story called “{value}”."
            )
            assert embed.description == said, (command, value)
            unseen(embed, value)
            assert raised(world.env) == [NotFound]
    for command, typed in (("story remove", "lantern"), ("story edit", "the-lantern")):
        choices = await otto.autocomplete(channel, command, "story", typed)
        assert "the-lantern" not in [c["value"] for c in choices]
    assert await otto.autocomplete(channel, "story restore", "story", "gulls") == []
    found = await otto.slash(channel, "search", query="lantern of brume burned violet")
    assert not any("Lantern" in f.name for f in found.response.embeds[0].fields)
    assert (await visible_slugs(world), await counts(store)) == before


async def test_forged_buttons_from_another_server_find_nothing(world):
    await add_and_publish(world.moderator, world.channel, "The Lantern", words_text(12))
    shown = await preview_file(
        world.moderator, world.channel, "p.txt", story_file("Pond", words_text(14))
    )
    store = world.env.bot.store
    (lantern,) = await store.db.fetchone("SELECT id FROM stories WHERE slug = 'the-lantern'")
    otto, channel = other_moderator(world)
    before = (await visible_slugs(world), await counts(store))
    nowhere = 987654321987
    stamp = draft_button(shown, "publish").stamp
    forgeries = [
        (RemoveButton(lantern), RemoveButton(nowhere)),  # conteur:remove:<id>
        *(
            (draft_button(shown, action), DraftButton(nowhere, action, stamp))
            for action in ("publish", "confirm", "cancel")
        ),
        (PageButton(lantern, 1, "next"), PageButton(nowhere, 1, "next")),  # conteur:read:…
        (OpenPassageButton(lantern, 1), OpenPassageButton(nowhere, 1)),
    ]
    for real, missing in forgeries:
        theirs = await otto.click(await forge(world, channel, real), custom_id=real.custom_id)
        never = await otto.click(await forge(world, channel, missing), custom_id=missing.custom_id)
        embed = error_embed(theirs)
        assert embed.title == "Not found", real.custom_id
        assert embed.to_dict() == error_embed(never).to_dict(), (
            real.custom_id
        )  # as if it did not exist
    assert (await visible_slugs(world), await counts(store)) == before
    # The preview is still there for the moderator who made it.
    published = await world.moderator.click(shown.response.message, label="Publish")
    assert published.response.content.startswith("Published “Pond”")
