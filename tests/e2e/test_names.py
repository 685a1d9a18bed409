"""What a typed name opens, as a new user meets it: the named story or none, never a guess.

Issue 15: a hidden story's name opened another story, `\\` hid a story, "🎭" was
"more than one character", ids opened stories, restore said "not found" for a
story that was simply not removed.
"""

from __future__ import annotations

import weakref
from typing import Any

import discord
import pytest

from bot.core.parsing import parse_story_text
from bot.errors import InvalidInput, NotFound
from tests.e2e.conftest import unwrapped

LEA = "The Story of Léa Roux"
VALERIE = "The Story of Valérie Ivanov"
ZOE = "The Story of Zoe Kuznetsova"

_seen: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()


def raised(env: Any) -> list[type[BaseException]]:
    """The errors the bot reported since the last look (so acknowledged)."""
    errors = env.errors
    start, _seen[env] = _seen.get(env, 0), len(errors)
    return [type(unwrapped(e)) for e in errors[start:]]


def error_of(result: Any) -> discord.Embed:
    assert result.ephemeral
    embed: discord.Embed = result.response.embeds[0]
    assert embed.colour == discord.Colour.red()
    return embed


def said(embed: discord.Embed) -> str:
    return " ".join([embed.description or "", *(f.value or "" for f in embed.fields)])


async def add_story(world: Any, title: str, body: str) -> Any:
    parsed = parse_story_text(body, title=title)
    return await world.env.bot.library.add_story(parsed, guild_id=world.guild.id)


async def hide(world: Any, title: str) -> None:
    store = world.env.bot.store.stories
    story = next(s for s in await store.visible_stories(None) if s.title == title)
    await world.env.bot.library.set_hidden(world.guild.id, story.id, world.moderator.id, True)


async def visible_titles(world: Any) -> list[str]:
    return [s.title for s in await world.env.bot.store.stories.visible_stories(world.guild.id)]


CAFE = (
    "Lena Petit opened Le Petit Café at six. Lena wiped the counter and waited.\n\n"
    "The first customer was late, and Lena smiled anyway."
)


async def test_a_hidden_storys_name_says_it_is_hidden_and_opens_nothing_else(world):
    await add_story(world, "Le Petit Café", CAFE)
    await hide(world, LEA)
    for command, options in (
        ("story read", {"story": "lea"}),
        ("story read", {"story": "the-story-of-lea-roux"}),
        ("story info", {"story": "Léa Roux"}),
    ):
        result = await world.member.slash(world.channel, command, **options)
        embed = error_of(result)
        assert embed.description == f"“{LEA}” is hidden in this server.", (command, options)
        assert "Petit" not in said(embed)
    character = await world.member.slash(world.channel, "character show", name="lea")
    embed = error_of(character)
    assert embed.description == f"Léa Roux is in “{LEA}”, which is hidden in this server."
    again = await world.moderator.slash(world.channel, "story hide", story=LEA)
    assert error_of(again).description == f"“{LEA}” is already hidden in this server."
    assert raised(world.env) == [NotFound] * 4 + [InvalidInput]


@pytest.mark.parametrize("junk", ["\\", "…", "🎭", "“”", "\u200b", "<@>", "  --  "])
async def test_input_without_letters_or_digits_names_no_story(world, junk):
    before = await visible_titles(world)
    read = await world.member.slash(world.channel, "story read", story=junk)
    assert error_of(read).title == "Not found"
    assert "doesn't name a story" in (error_of(read).description or "")
    for command in ("story hide", "story remove", "story edit"):
        refused = await world.moderator.slash(world.channel, command, story=junk)
        assert error_of(refused).title == "Not found", command
        assert not refused.response.components, command  # nothing to confirm
    assert await visible_titles(world) == before
    assert raised(world.env) == [NotFound] * 4


async def test_hide_and_remove_act_only_on_an_exact_name(world):
    await add_story(world, "The Lantern", "A lantern burned violet over the harbour.")
    before = await visible_titles(world)
    for command, typed in (
        ("story hide", "valerie"),
        ("story hide", "valrie ivanov"),
        ("story remove", "lantern"),
        ("story edit", "lantern"),
    ):
        result = await world.moderator.slash(world.channel, command, story=typed)
        embed = error_of(result)
        assert embed.description == f"No story here is called exactly “{typed}”.", command
        assert "Pick it from the list as you type" in said(embed)
    assert await visible_titles(world) == before
    asked = await world.moderator.slash(world.channel, "story hide", story=VALERIE)
    assert asked.response.content.startswith(f"Hide “{VALERIE}” in this server?")
    assert await visible_titles(world) == before  # asking changes nothing
    kept = await world.moderator.click(asked.response.message, label="Cancel")
    assert kept.response.content == "Cancelled: nothing changed."
    assert await visible_titles(world) == before
    asked = await world.moderator.slash(world.channel, "story remove", story="the lantern")
    assert asked.response.content.startswith("Remove “The Lantern”?")
    assert raised(world.env) == [NotFound] * 4


@pytest.mark.parametrize(
    "typed", ["🎭", "\\", '"', "''", ZOE, "\u200b", "\u200b\u200d", "@everyone"]
)
async def test_a_name_that_fits_nobody_says_no_character_called(world, typed):
    result = await world.member.slash(world.channel, "character show", name=typed)
    embed = error_of(result)
    assert embed.title == "Not found", embed.description
    assert (embed.description or "").startswith("There is no character called “")
    assert "More than one" not in said(embed)
    assert "@everyone" not in said(embed)
    assert raised(world.env) == [NotFound]


async def test_restore_and_unhide_say_what_is_wrong_with_a_story_that_is_fine(world):
    await add_story(world, "The Lantern", "A lantern burned violet over the harbour.")
    restore = await world.moderator.slash(world.channel, "story restore", story="the-lantern")
    embed = error_of(restore)
    assert embed.description == "“The Lantern” isn't removed: it is in the library."
    unhide = await world.moderator.slash(world.channel, "story unhide", story=ZOE)
    embed = error_of(unhide)
    assert embed.description == f"“{ZOE}” is not hidden in this server."
    assert raised(world.env) == [InvalidInput, InvalidInput]


async def test_an_internal_id_is_not_a_name(world):
    store = world.env.bot.store.stories
    stories = await store.visible_stories(world.guild.id)
    for story in stories:
        result = await world.member.slash(world.channel, "story read", story=str(story.id))
        embed = error_of(result)
        assert embed.description == f"I couldn't find a story called “{story.id}”."
    assert raised(world.env) == [NotFound] * len(stories)


async def test_a_title_in_another_script_gets_a_readable_slug_never_a_generic_word(world):
    for title, slug in (("Война и мир", "voina-i-mir"), ("東京物語", "dongjingwuyu")):
        story = await add_story(world, title, "Two herons crossed the river at dawn.")
        assert story.slug == slug
        read = await world.member.slash(world.channel, "story read", story=slug)
        assert read.response.embeds[0].title == title
    untransliterable = await add_story(world, "✦ ✦ ✦", "A star, a star, a star.")
    assert len(untransliterable.slug) == 8 and untransliterable.slug != "story"
    again = await add_story(world, "✧ ✧", "Two more stars, and then a third one.")
    assert again.slug not in ("story", "story-2", untransliterable.slug)
