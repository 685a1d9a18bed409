"""Turning pages as readers meet it (issue 15.6 and the reading "Rough" items).

A reader's copy is theirs: nobody else moves their page. The line saying where a
resumed read picked up goes with the first page shown; a story of one page has no
page buttons; a page past the end says where it landed.
"""

from __future__ import annotations

from typing import Any

from bot.core.parsing import parse_story_text

VALERIE = "The Story of Valérie Ivanov"


def labels(message: Any) -> list[str]:
    return [c.get("label") for row in message.components for c in row["components"]]


async def test_a_page_turn_clears_the_continuing_line(world):
    opened = await world.member.slash(world.channel, "story read", story="valerie", page=2)
    resumed = await world.member.slash(world.channel, "story read", story="valerie")
    assert resumed.response.content == "Continuing where you left off: page 2."
    first = await world.member.click(resumed.response.message, label="First")
    assert first.response.embeds[0].footer.text.startswith("Page 1 of 2")
    assert first.response.content == ""
    assert opened.response.content == ""


async def test_a_story_of_one_page_has_no_page_buttons(world):
    text = "Title: The Note\n\nA heron read the note twice and flew away."
    await world.env.bot.library.add_story(parse_story_text(text), guild_id=world.guild.id)
    shown = await world.member.slash(world.channel, "story read", story="the-note")
    assert shown.response.embeds[0].footer.text.startswith("Page 1 of 1")
    assert shown.response.components == []


async def test_a_page_past_the_end_says_it_was_moved(world):
    shown = await world.member.slash(world.channel, "story read", story="valerie", page=40)
    assert shown.response.embeds[0].footer.text.startswith("Page 2 of 2")
    assert shown.response.content == (
        "There is no page 40: this story has 2 pages, so here is page 2."
    )


async def test_only_the_reader_turns_their_copy_others_get_their_own(world):
    mine = await world.member.slash(world.channel, "story read", story="valerie")
    assert not mine.ephemeral
    theirs = await world.moderator.click(mine.response.message, label="Next")
    assert theirs.ephemeral
    assert "only they turn its pages" in theirs.response.content
    assert labels(theirs.response) == ["Open my own copy"]
    # The reader's copy did not move, and neither did their place.
    store = world.env.bot.store
    story = next(s for s in await store.stories.visible_stories(None) if s.title == VALERIE)
    assert await store.reading.reading_position(world.member.id, story.id) == 1
    unchanged = world.env.backend.get_message(world.channel.id, mine.response.id)
    assert unchanged.embeds[0]["footer"]["text"].startswith("Page 1 of 2")
    copy = await world.moderator.click(theirs.response.message, label="Open my own copy")
    assert copy.ephemeral
    assert copy.response.embeds[0].title == VALERIE
    assert copy.response.embeds[0].footer.text.startswith("Page 2 of 2")
    assert await store.reading.reading_position(world.moderator.id, story.id) == 2
    turned = await world.member.click(mine.response.message, label="Next")
    assert not turned.ephemeral
    assert turned.response.embeds[0].footer.text.startswith("Page 2 of 2")


async def test_a_title_is_escaped_the_same_in_the_list_the_reading_view_and_the_preview(world):
    title = "Stars *and* Bars"
    shown = "Stars \\*and\\* Bars"
    text = f"Title: {title}\n\nA heron counted the stars and the bars of the gate."
    await world.env.bot.library.add_story(parse_story_text(text), guild_id=world.guild.id)
    listed = await world.member.slash(world.channel, "story list")
    assert f"**{shown}**" in listed.response.embeds[0].description
    read = await world.member.slash(world.channel, "story read", story="stars-and-bars")
    assert read.response.embeds[0].title == shown
    info = await world.member.slash(world.channel, "story info", story="stars-and-bars")
    assert info.response.embeds[0].title == shown
    again = f"Title: {title} again\n\nSomething else entirely about gulls, bells and rain."
    preview = await world.moderator.slash(
        world.channel, "story add", file=("s.txt", again.encode())
    )
    assert preview.response.embeds[0].title == f"Preview: {shown} again"


async def test_mentions_appear_only_where_discord_resolves_them(world):
    text = "Title: The Bell\nAuthor: <@123> <@&456>\n\nA bell rang twice over the harbour at noon."
    await world.env.bot.library.add_story(parse_story_text(text), guild_id=world.guild.id)
    read = await world.member.slash(world.channel, "story read", story="the-bell")
    footer = read.response.embeds[0].footer.text
    assert "<@" not in footer and "by @someone @role" in footer
    subscribed = await world.moderator.slash(world.channel, "daily subscribe")
    assert subscribed.response.content.startswith("Subscribed")
    status = await world.moderator.slash(world.channel, "daily status")
    field = status.response.embeds[0].fields[0]
    assert field.name == "#reading-room"
    assert field.value.startswith(f"In <#{world.channel.id}>")
