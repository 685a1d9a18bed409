"""Moderators' rough edges a new user met (issue 15.8 and the "Rough" list)."""

from __future__ import annotations

from typing import Any

from bot.discord_adapter.ui.moderation import UnsubscribeButton
from bot.errors import InvalidInput, StoryRejected
from tests.e2e.conftest import raised
from tests.e2e.moderation.helpers import forge

VALERIE = "The Story of Valérie Ivanov"


async def builtin_body(world: Any, title: str) -> str:
    stories = world.env.bot.store.stories
    summary = next(s for s in await stories.visible_stories(None) if s.title == title)
    story = await stories.get_story(summary.id)
    body: str = story.body
    return body


async def test_a_near_duplicate_shows_the_real_similarity_and_what_differs(world):
    body = await builtin_body(world, VALERIE)
    edited = body.replace("stepped off the train", "stepped off the tram", 1)
    text = f"Title: Valérie Again\n\n{edited}"
    shown = await world.moderator.slash(world.channel, "story add", file=("v.txt", text.encode()))
    fields = {f.name: f.value for f in shown.response.embeds[0].fields}
    warning = fields["⚠ Almost the same as another story"]
    assert "100%" not in warning and "100.0%" not in warning
    assert f"% the same as “{VALERIE}”. What differs: “train” → “tram”." in warning
    percent = warning.split("This text is ")[1].split("%")[0]
    assert percent.startswith("99.") and len(percent) == 4
    assert raised(world.env) == []


async def test_discuss_twice_links_the_open_thread_instead_of_a_second_one(world):
    first = await world.member.slash(world.channel, "story discuss", story="zoe")
    assert not first.ephemeral
    (thread,) = world.channel.threads
    again = await world.moderator.slash(world.channel, "story discuss", story="zoe")
    assert again.ephemeral
    assert again.response.content == (
        f"“The Story of Zoe Kuznetsova” is already being discussed here: <#{thread.id}>. "
        "Join in there."
    )
    assert len(world.channel.threads) == 1
    other = await world.member.slash(world.channel, "story discuss", story="valerie")
    assert not other.ephemeral
    assert len(world.channel.threads) == 2  # another story gets its own thread


async def test_discuss_after_the_thread_was_archived_opens_a_new_one(world):
    await world.member.slash(world.channel, "story discuss", story="zoe")
    (thread,) = world.channel.threads
    await world.env.bot.get_channel(thread.id).edit(archived=True)
    again = await world.member.slash(world.channel, "story discuss", story="zoe")
    assert not again.ephemeral
    assert again.response.embeds[0].title == "The Story of Zoe Kuznetsova"


async def test_daily_subscribe_refuses_when_there_is_nothing_to_post(world):
    library = world.env.bot.library
    for story in await world.env.bot.store.stories.visible_stories(world.guild.id):
        await library.set_hidden(world.guild.id, story.id, world.moderator.id, True)
    refused = await world.moderator.slash(world.channel, "daily subscribe")
    assert refused.ephemeral
    embed = refused.response.embeds[0]
    assert embed.description == (
        "There is no story to post: every story here is hidden or removed."
    )
    assert await world.env.bot.store.daily.guild_subscriptions(world.guild.id) == []
    assert raised(world.env) == [InvalidInput]


async def test_a_rejected_form_keeps_what_was_typed_and_offers_it_back(world):
    shown = await world.moderator.slash(world.channel, "story add")
    typed = {"title": "Too Short", "author": "Maud", "text": "Only four words here."}
    rejected = await world.moderator.submit_modal(shown, typed)
    assert rejected.ephemeral
    assert rejected.response.embeds[0].title == "Story rejected"
    buttons = [c for row in rejected.response.components for c in row["components"]]
    assert [b["label"] for b in buttons] == ["Reopen the form"]
    again = await world.moderator.click(rejected.response.message, label="Reopen the form")
    fields = {
        child["custom_id"]: child.get("value")
        for component in again.modal["components"]
        for child in component.get("components", [component.get("component", {})])
    }
    assert fields == {"title": "Too Short", "author": "Maud", "text": "Only four words here."}
    longer = {**typed, "text": "Only four words here, and now many more words to make it a tale."}
    previewed = await world.moderator.submit_modal(again, longer)
    assert previewed.response.embeds[0].title == "Preview: Too Short"
    assert raised(world.env) == [StoryRejected]


async def test_unsubscribe_asks_first_and_only_a_moderator_confirms(world):
    await world.moderator.slash(world.channel, "daily subscribe", time="09:00", timezone="UTC")
    (subscription,) = await world.env.bot.store.daily.guild_subscriptions(world.guild.id)
    asked = await world.moderator.slash(world.channel, "daily unsubscribe")
    assert asked.response.content.startswith(
        "Stop the story of the day for #reading-room 09:00 UTC?"
    )
    kept = await world.moderator.click(asked.response.message, label="Cancel")
    assert kept.response.content == "Cancelled: nothing changed."
    assert len(await world.env.bot.store.daily.guild_subscriptions(world.guild.id)) == 1
    forged = await forge(world, world.channel, UnsubscribeButton(subscription.id))
    denied = await world.member.click(forged, custom_id=f"conteur:unsubscribe:{subscription.id}")
    assert denied.response.embeds[0].title == "Not allowed"
    assert len(await world.env.bot.store.daily.guild_subscriptions(world.guild.id)) == 1
    asked = await world.moderator.slash(world.channel, "daily unsubscribe")
    done = await world.moderator.click(asked.response.message, label="Unsubscribe")
    assert done.response.content == "Unsubscribed: no more stories of the day there."
    assert await world.env.bot.store.daily.guild_subscriptions(world.guild.id) == []
    assert raised(world.env) == []
