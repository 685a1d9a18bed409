"""Moderation as moderators and members experience it, through simcord's simulated Discord.

/story add, edit, remove, restore, hide, unhide, history and export; the preview's
Publish / Cancel buttons and the Remove confirmation; who may do what; what another
server can reach; every rejected submission; the rate limit in virtual time.
"""

from __future__ import annotations

import random
import re
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import discord
import pytest
from simcord import SetupError

from bot.app.moderation import ADD_WINDOW, DRAFT_LIFETIME, draft_stamp, prepare
from bot.core.clock import utc_text
from bot.core.parsing import MAX_STORY_BYTES, parse_story_text
from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.ui.moderation import DraftButton, RemoveButton
from bot.discord_adapter.ui.reading import OpenPassageButton, PageButton
from bot.errors import InvalidInput, NotAllowed, NotFound, RateLimited, StoryRejected
from bot.storage import Draft
from tests.e2e.conftest import unwrapped

VALERIE = "The Story of Valérie Ivanov"
ZOE = "The Story of Zoe Kuznetsova"
MODERATORS_ONLY = (
    "Only this server's moderators can do that: members with Manage Server, or "
    "the moderator role set with `/settings moderator-role`."
)

HERON = (
    "Title: The Heron\nAuthor: Ann Vale\n\n"
    "The grey heron waited by the reeds of the river, patient as a stone.\n\n"
    "Marta Lind watched the heron every morning from the old bridge. "
    "Marta smiled each time it rose over the water.\n\n"
    "One winter the heron did not come, and Marta Lind walked the bank until dusk."
)

# Distinct texts: random words, so no two of them are near-duplicates of each other.
WORDS = (
    "amber birch cedar dune ember fjord grove harbour islet jasmine kelp lagoon meadow "
    "nettle orchard pebble quarry reed saffron thistle umber valley willow yarrow zephyr "
    "lantern copper velvet thunder marble"
).split()


def words_text(seed: int, paragraphs: int = 3) -> str:
    rng = random.Random(seed)
    return "\n\n".join(
        " ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + "." for _ in range(paragraphs)
    )


def story_file(title: str, body: str) -> bytes:
    return f"Title: {title}\n\n{body}\n".encode()


def labels(message: Any) -> list[str]:
    return [c["label"] for row in message.components for c in row["components"]]


def draft_button(result: Any, action: str) -> DraftButton:
    """A copy of one of a preview's buttons (a second client, a replay): same draft, same stamp."""
    custom_id = result.response.components[0]["components"][0]["custom_id"]
    _conteur, _draft, draft_id, _action, stamp = custom_id.split(":")
    return DraftButton(int(draft_id), action, int(stamp))


def modal_values(modal: dict[str, Any]) -> dict[str, str | None]:
    return {
        c["custom_id"]: c.get("value") for row in modal["components"] for c in row["components"]
    }


def error_embed(result: Any) -> Any:
    """The error a user sees: privately, in red."""
    assert result.ephemeral
    embed = result.response.embeds[0]
    assert embed.colour == discord.Colour.red()
    return embed


_errors_seen: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()


def raised(env: Any) -> list[type[BaseException]]:
    """The errors the bot reported since the last look, unwrapped (and so acknowledged)."""
    errors = env.errors
    start, _errors_seen[env] = _errors_seen.get(env, 0), len(errors)
    return [type(unwrapped(e)) for e in errors[start:]]


async def forge(world: Any, channel: Any, item: discord.ui.Item[Any]) -> Any:
    """A message in `channel` that carries `item`'s custom_id.

    Discord only delivers clicks on components a message really carries, and
    simcord only clicks those; a modified client can still send any custom_id.
    So the bot posts a message carrying it, and what then reaches the bot is
    exactly what a forged interaction carries.
    """
    view = discord.ui.View(timeout=None)
    view.add_item(item)
    view.stop()  # nothing registered for it: the bot routes the click like any other
    await world.env.bot.get_partial_messageable(channel.id).send("…", view=view)
    return channel.last_message


async def visible_slugs(world: Any, guild_id: int | None = None) -> list[str]:
    gid = world.guild.id if guild_id is None else guild_id
    return [s.slug for s in await world.env.bot.store.stories.visible_stories(gid)]


async def counts(store: Any) -> tuple[int, int, int]:
    """(stories, drafts, audit entries): what 'nothing was saved' is checked against."""
    row = await store.db.fetchone(
        "SELECT (SELECT count(*) FROM stories), (SELECT count(*) FROM drafts),"
        " (SELECT count(*) FROM audit_log)"
    )
    return tuple(row)


async def preview_file(actor: Any, channel: Any, name: str, data: bytes) -> Any:
    result = await actor.slash(channel, "story add", file=(name, data))
    assert result.ephemeral
    return result


async def add_and_publish(actor: Any, channel: Any, title: str, body: str) -> Any:
    shown = await preview_file(actor, channel, "story.txt", story_file(title, body))
    assert shown.response.embeds[0].title == f"Preview: {title}", shown.response.embeds[0].title
    published = await actor.click(shown.response.message, label="Publish")
    assert published.response.content.startswith(f"Published “{title}”")
    return published


# ------------------------------------------------------------ the modal path


async def test_the_form_previews_and_publish_adds_the_story_everywhere_at_once(world):
    shown = await world.moderator.slash(world.channel, "story add")
    assert shown.modal["title"] == "Add a story"
    assert modal_values(shown.modal) == {
        "title": None,
        "author": None,
        "text": None,
    }
    before = await counts(world.env.bot.store)
    body = HERON.split("\n\n", 1)[1]
    preview = await world.moderator.submit_modal(
        shown, {"title": "The Heron", "author": "Ann Vale", "text": body}
    )
    assert preview.ephemeral
    embed = preview.response.embeds[0]
    assert embed.title == "Preview: The Heron"
    assert (
        embed.description == "The grey heron waited by the reeds of the river, patient as a stone."
    )
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Author"] == "Ann Vale"
    assert fields["Length"] == f"{len(body.split())} words · 3 paragraphs"
    assert "Marta Lind" in fields["Characters found"]
    assert embed.footer.text == "Nothing is saved yet. Publish to add it; Cancel to drop it."
    assert labels(preview.response) == ["Publish", "Cancel"]
    stories, drafts, audits = await counts(world.env.bot.store)
    assert (stories, audits) == (before[0], before[2]) and drafts == before[1] + 1
    assert "the-heron" not in await visible_slugs(world)

    published = await world.moderator.click(preview.response.message, label="Publish")
    assert published.response.content == (
        "Published “The Heron”. Read it with `/story read story:the-heron`."
    )
    assert published.response.ephemeral and labels(published.response) == []
    # Readable, searchable, listed, offered as you type, in the daily rotation: at once.
    read = await world.member.slash(world.channel, "story read", story="the-heron")
    assert read.response.embeds[0].title == "The Heron"
    found = await world.member.slash(world.channel, "search", query="heron reeds river")
    assert found.response.embeds[0].fields[0].name.startswith("1. The Heron")
    choices = await world.member.autocomplete(world.channel, "story read", "story", "heron")
    assert choices[0]["value"] == "the-heron"
    characters = await world.member.autocomplete(world.channel, "search", "character", "marta")
    assert characters[0]["name"] == "Marta Lind — The Heron"
    listed = await world.member.slash(world.channel, "story list")
    assert "**The Heron**" in listed.response.embeds[0].description
    story = next(
        s
        for s in await world.env.bot.store.stories.visible_stories(world.guild.id)
        if s.title == "The Heron"
    )
    assert story.guild_id == world.guild.id
    assert story.id in await world.env.bot.library.visible_ids(world.guild.id)
    (entry,) = await world.env.bot.store.audit.for_story(story.id)
    assert (entry.action, entry.actor_id, entry.hash_before) == ("add", world.moderator.id, None)
    assert entry.hash_after == parse_story_text(body).content_hash
    assert entry.created_at == utc_text(world.env.now())  # the bot's clock, not the host's


async def test_the_form_waits_as_long_as_the_writer_needs(world):
    """A long story takes a while to write: the form never expires under the writer."""
    await add_and_publish(world.moderator, world.channel, "The Lantern", words_text(7))
    adding = await world.moderator.slash(world.channel, "story add")
    editing = await world.moderator.slash(world.channel, "story edit", story="the-lantern")
    await world.env.advance_time(3 * 60 * 60)
    body = HERON.split("\n\n", 1)[1]
    added = await world.moderator.submit_modal(adding, {"title": "The Heron", "text": body})
    assert added.acknowledged and added.response.embeds[0].title == "Preview: The Heron"
    edited = await world.moderator.submit_modal(
        editing, {"title": "The Lantern", "text": words_text(8)}
    )
    assert edited.acknowledged and edited.response.embeds[0].title == "Preview: The Lantern"


async def test_a_one_paragraph_story_is_counted_in_the_singular(world):
    shown = await world.moderator.slash(world.channel, "story add")
    text = "The grey heron waited by the reeds of the river, patient as a stone."
    preview = await world.moderator.submit_modal(shown, {"title": "The Heron", "text": text})
    fields = {f.name: f.value for f in preview.response.embeds[0].fields}
    assert fields["Length"] == "14 words · 1 paragraph"


# ------------------------------------------------------- the attachment path


GOOD_FILES = {
    "heron.txt": HERON.encode(),
    "heron.md": b"# The Heron\n\n" + HERON.split("\n\n", 1)[1].encode(),
    "HERON.TXT": b"\xef\xbb\xbf" + HERON.replace("\n", "\r\n").encode(),  # BOM, CRLF
}


async def test_a_text_or_markdown_file_previews_then_publishes(world):
    body = HERON.split("\n\n", 1)[1]
    untitled = await preview_file(world.moderator, world.channel, "untitled.txt", body.encode())
    assert untitled.response.embeds[0].title == "Preview: The Story of Marta Lind"
    await world.moderator.click(untitled.response.message, label="Cancel")
    for name, data in GOOD_FILES.items():
        shown = await preview_file(world.moderator, world.channel, name, data)
        embed = shown.response.embeds[0]
        assert embed.title == "Preview: The Heron", name
        assert embed.description.startswith("The grey heron waited"), name
        assert "Marta Lind" in {f.name: f.value for f in embed.fields}["Characters found"], name
        assert labels(shown.response) == ["Publish", "Cancel"], name
        last = shown
        if name != "HERON.TXT":
            await world.moderator.click(shown.response.message, label="Cancel")
    assert "the-heron" not in await visible_slugs(world)
    published = await world.moderator.click(last.response.message, label="Publish")
    assert published.response.content.startswith("Published “The Heron”")
    read = await world.member.slash(world.channel, "story read", story="the heron")
    assert read.response.embeds[0].description.startswith("The grey heron waited")


# ------------------------------------------------------ the preview's buttons


async def test_cancel_saves_nothing_and_a_preview_acts_only_once(world):
    before = await counts(world.env.bot.store)
    shown = await preview_file(world.moderator, world.channel, "heron.txt", HERON.encode())
    # A copy of the Publish button (a second client, a replay) is no second chance.
    copy = await forge(world, world.channel, draft_button(shown, "publish"))
    cancelled = await world.moderator.click(shown.response.message, label="Cancel")
    assert cancelled.response.content == "Cancelled: nothing was saved."
    assert cancelled.response.embeds == [] and labels(cancelled.response) == []
    assert await counts(world.env.bot.store) == before
    late = await world.moderator.click(copy, label="Publish")
    assert error_embed(late).title == "Not found"
    assert await counts(world.env.bot.store) == before

    shown = await preview_file(world.moderator, world.channel, "heron.txt", HERON.encode())
    copy = await forge(world, world.channel, draft_button(shown, "publish"))
    await world.moderator.click(shown.response.message, label="Publish")
    again = await world.moderator.click(copy, label="Publish")
    assert error_embed(again).title == "Not found"
    assert [s for s in await visible_slugs(world) if s.startswith("the-heron")] == ["the-heron"]


async def test_a_draft_button_without_its_stamp_is_no_button_of_ours(world):
    """Like any unknown button: no answer at all, and the preview is untouched."""
    shown = await preview_file(world.moderator, world.channel, "heron.txt", HERON.encode())
    draft_id = draft_button(shown, "publish").draft_id
    before = await counts(world.env.bot.store)
    for action in ("publish", "confirm", "cancel"):
        custom_id = f"conteur:draft:{draft_id}:{action}"
        forged = await forge(
            world, world.channel, discord.ui.Button(label="x", custom_id=custom_id)
        )
        clicked = await world.moderator.click(forged, custom_id=custom_id)
        assert not clicked.acknowledged, action
    assert await counts(world.env.bot.store) == before
    assert raised(world.env) == []
    published = await world.moderator.click(shown.response.message, label="Publish")
    assert published.response.content.startswith("Published “The Heron”")


async def test_publish_works_after_a_restart(world, settings, store):
    shown = await preview_file(world.moderator, world.channel, "heron.txt", HERON.encode())
    await world.env.restart_bot(ConteurBot(settings, store, sync_globally=True))
    published = await world.moderator.click(shown.response.message, label="Publish")
    assert published.response.content.startswith("Published “The Heron”")
    found = await world.member.slash(world.channel, "search", query="heron reeds")
    assert found.response.embeds[0].fields[0].name.startswith("1. The Heron")


async def test_a_preview_expires_a_day_later_on_the_bots_clock(world, settings, store):
    fresh = await preview_file(world.moderator, world.channel, "a.txt", HERON.encode())
    stale = await preview_file(
        world.moderator, world.channel, "b.txt", story_file("Pond", words_text(2))
    )

    def later(delta: timedelta) -> Callable[[], datetime]:
        return lambda: discord.utils.utcnow() + delta

    almost = DRAFT_LIFETIME - timedelta(minutes=1)
    store.db.clock = later(almost)
    await world.env.restart_bot(ConteurBot(settings, store, sync_globally=True))
    published = await world.moderator.click(fresh.response.message, label="Publish")
    assert published.response.content.startswith("Published “The Heron”")
    past = DRAFT_LIFETIME + timedelta(minutes=1)
    store.db.clock = later(past)
    await world.env.restart_bot(ConteurBot(settings, store, sync_globally=True))
    late = await world.moderator.click(stale.response.message, label="Publish")
    embed = error_embed(late)
    assert embed.title == "Not found"
    assert embed.description == "This preview has expired or was already published or cancelled."
    assert "pond" not in await visible_slugs(world)


async def test_only_the_moderator_who_made_a_preview_can_publish_or_cancel_it(world):
    shown = await preview_file(world.moderator, world.channel, "heron.txt", HERON.encode())
    admins = world.guild.create_role("Admins", permissions=discord.Permissions(administrator=True))
    ada = world.guild.add_member(world.env.create_user("ada"), roles=[admins])
    for action, verb in (("publish", "publish"), ("cancel", "cancel")):
        button = draft_button(shown, action)
        message = await forge(world, world.channel, button)
        clicked = await ada.click(message, custom_id=button.custom_id)
        embed = error_embed(clicked)
        assert embed.title == "Not allowed"
        assert embed.description == f"Only the moderator who made this preview can {verb} it."
    published = await world.moderator.click(shown.response.message, label="Publish")
    assert published.response.content.startswith("Published “The Heron”")


# ------------------------------------------------------------ near-duplicates


async def builtin_body(world: Any, title: str) -> str:
    store = world.env.bot.store
    summary = next(s for s in await store.stories.visible_stories(None) if s.title == title)
    story = await store.stories.get_story(summary.id)
    body: str = story.body
    return body


async def test_the_same_text_is_refused_and_a_near_copy_needs_publish_anyway(world):
    body = await builtin_body(world, VALERIE)
    before = await counts(world.env.bot.store)
    result = await world.moderator.slash(
        world.channel, "story add", file=("same.txt", story_file("Valérie Again", body))
    )
    embed = error_embed(result)
    assert embed.title == "Invalid input"
    assert embed.description == f"This is exactly the text of “{VALERIE}”, already here."
    assert raised(world.env) == [InvalidInput]
    assert await counts(world.env.bot.store) == before

    edited = body.replace("stepped off the train", "stepped off the tram", 1)
    shown = await preview_file(
        world.moderator, world.channel, "copy.txt", story_file("Valérie Again", edited)
    )
    embed = shown.response.embeds[0]
    assert embed.colour == discord.Colour.orange()
    warning = {f.name: f.value for f in embed.fields}["⚠ Almost the same as another story"]
    assert f"the same as “{VALERIE}”" in warning
    assert "Publish anyway only if that is intended." in warning
    assert labels(shown.response) == ["Publish anyway", "Cancel"]
    # A plain Publish (stale or forged) is not a confirmation: the warning comes back.
    plain = await forge(world, world.channel, draft_button(shown, "publish"))
    unconfirmed = await world.moderator.click(plain, label="Publish")
    assert labels(unconfirmed.response) == ["Publish anyway", "Cancel"]
    assert "valerie-again" not in await visible_slugs(world)
    confirmed = await world.moderator.click(shown.response.message, label="Publish anyway")
    assert confirmed.response.content.startswith("Published “Valérie Again”")
    assert "valerie-again" in await visible_slugs(world)


def other_moderator(world: Any) -> tuple[Any, Any]:
    """Otto, who has Manage Server in another server, "Elsewhere", and its channel."""
    guild = world.env.create_guild("Elsewhere")
    channel = guild.create_text_channel("general")
    managers = guild.create_role("Managers", permissions=discord.Permissions(manage_guild=True))
    return guild.add_member(world.env.create_user("otto"), roles=[managers]), channel


async def make_librarian(world: Any, name: str = "lina") -> Any:
    """A member who moderates through the role chosen with /settings moderator-role."""
    role = world.guild.roles.get("Librarians") or world.guild.create_role("Librarians")
    await world.moderator.slash(world.channel, "settings moderator-role", role=role)
    return world.guild.add_member(world.env.create_user(name), roles=[role])


async def test_duplicates_are_checked_again_at_publish_time(world):
    lina = await make_librarian(world)
    body = HERON.split("\n\n", 1)[1]
    mine = await preview_file(
        world.moderator, world.channel, "a.txt", story_file("The Heron", body)
    )
    theirs = await preview_file(lina, world.channel, "b.txt", story_file("Heron Two", body))
    await world.moderator.click(mine.response.message, label="Publish")
    late = await lina.click(theirs.response.message, label="Publish")
    assert error_embed(late).description == "This is exactly the text of “The Heron”, already here."
    assert "heron-two" not in await visible_slugs(world)

    # A near-duplicate published while a preview was open: shown, then confirmed.
    pond = words_text(1)
    waiting = await preview_file(lina, world.channel, "c.txt", story_file("Quiet Pond", pond))
    assert labels(waiting.response) == ["Publish", "Cancel"]
    almost = pond.replace(".", " reed.", 1)
    await add_and_publish(world.moderator, world.channel, "Quiet Pond Two", almost)
    warned = await lina.click(waiting.response.message, label="Publish")
    assert warned.response.content.startswith("Since this preview was made, a story almost")
    warning = {f.name: f.value for f in warned.response.embeds[0].fields}
    assert "“Quiet Pond Two”" in warning["⚠ Almost the same as another story"]
    assert labels(warned.response) == ["Publish anyway", "Cancel"]
    assert "quiet-pond" not in await visible_slugs(world)
    confirmed = await lina.click(warned.response.message, label="Publish anyway")
    assert confirmed.response.content.startswith("Published “Quiet Pond”")


# ------------------------------------------------------------------ validation


EMPTY_OR_UNREADABLE = {
    "   ": "Your story has no story text (fewer than 5 words).",
    "\n\n \t \n\n": "Your story has no story text (fewer than 5 words).",
    "Too short.": "Your story has no story text (fewer than 5 words).",
    "Bad\x00\x01\x02\x03\x04\x05 bytes " * 3: "the text contains control characters",
}


async def test_the_form_refuses_empty_or_unreadable_text(world):
    before = await counts(world.env.bot.store)
    for text, message in EMPTY_OR_UNREADABLE.items():
        shown = await world.moderator.slash(world.channel, "story add")
        result = await world.moderator.submit_modal(shown, {"title": "Empty", "text": text})
        embed = error_embed(result)
        assert embed.title == "Story rejected", repr(text)
        assert embed.description.startswith(message), repr(text)
        assert raised(world.env) == [StoryRejected]
    assert await counts(world.env.bot.store) == before


async def test_the_form_holds_4000_characters_and_no_more(world):
    shown = await world.moderator.slash(world.channel, "story add")
    (text_input,) = [
        c
        for row in shown.modal["components"]
        for c in row["components"]
        if c["custom_id"] == "text"
    ]
    assert text_input["max_length"] == 4000
    sentence = "The lighthouse keeper counted the gulls again. "
    long_text = (sentence * 100)[:4000]
    with pytest.raises(SetupError, match="max_length"):  # Discord's client refuses more
        await world.moderator.submit_modal(shown, {"title": "Gulls", "text": long_text + "x"})
    full = await world.moderator.submit_modal(shown, {"title": "Gulls", "text": long_text})
    assert full.response.embeds[0].title == "Preview: Gulls"


BAD_FILES = {
    "story.pdf": (b"%PDF-1.4 a story in a pdf", "story.pdf is not a .txt or .md file."),
    "story.docx": (b"PK\x03\x04 word", "story.docx is not a .txt or .md file."),
    "photo.png": (b"\x89PNG\r\n\x1a\n", "photo.png is not a .txt or .md file."),
    "story": (b"no extension at all, five words", "story is not a .txt or .md file."),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary.txt looks like a binary"),
    "latin1.txt": (
        "Title: Café\n\nUn café très noir, s'il vous plaît, merci.".encode("latin-1"),
        "latin1.txt is not UTF-8 text (invalid byte at position 10)",
    ),
    "empty.txt": (b"", "empty.txt is empty."),
    "blank.md": (b"  \n\n \t\n", "blank.md is empty."),
    "big.txt": (b"word " * (MAX_STORY_BYTES // 5 + 1), "big.txt is 200 KB; the limit is 200 KB"),
    "title.txt": (
        story_file("T" * 121, words_text(6)),
        "the title is 121 characters; the limit is 120.",
    ),
}


async def test_a_bad_file_is_refused_clearly_and_nothing_is_saved(world):
    before = await counts(world.env.bot.store)
    for name, (data, message) in BAD_FILES.items():
        result = await world.moderator.slash(world.channel, "story add", file=(name, data))
        embed = error_embed(result)
        assert embed.title == "Story rejected", name
        assert embed.description.startswith(message), (name, embed.description)
        assert raised(world.env) == [StoryRejected], name
    assert await counts(world.env.bot.store) == before
    # Right at the limit is fine.
    paragraph = " ".join(words_text(n, paragraphs=1) for n in range(8))
    data = b"Title: The Long One\n\n"
    while len(data) + len(paragraph) + 2 <= MAX_STORY_BYTES:
        data += (paragraph + "\n\n").encode()
    data += b"x" * (MAX_STORY_BYTES - len(data))
    assert len(data) == MAX_STORY_BYTES
    shown = await preview_file(world.moderator, world.channel, "long.txt", data)
    assert shown.response.embeds[0].title == "Preview: The Long One"


TAKEN_TITLES = {
    VALERIE: VALERIE,
    "the story of VALERIE ivanov": VALERIE,  # case and accents do not make it another
    "THE LANTERN": "The Lantern",
}


async def test_a_title_already_used_here_is_refused(world):
    await add_and_publish(world.moderator, world.channel, "The Lantern", words_text(3))
    before = await counts(world.env.bot.store)
    for title, owner in TAKEN_TITLES.items():
        shown = await world.moderator.slash(world.channel, "story add")
        result = await world.moderator.submit_modal(shown, {"title": title, "text": words_text(4)})
        embed = error_embed(result)
        assert embed.title == "Invalid input"
        assert embed.description == f"A story titled “{owner}” is already in this server's library."
        assert embed.fields[0].value == "Choose another title."
        by_file = await world.moderator.slash(
            world.channel, "story add", file=("t.txt", story_file(title, words_text(5)))
        )
        assert error_embed(by_file).description == embed.description
        assert raised(world.env) == [InvalidInput, InvalidInput]
    assert await counts(world.env.bot.store) == before
    # An edit cannot take another story's title either, but keeps its own.
    shown = await world.moderator.slash(world.channel, "story edit", story="the-lantern")
    result = await world.moderator.submit_modal(shown, {"title": VALERIE, "text": words_text(3)})
    assert error_embed(result).description == (
        f"A story titled “{VALERIE}” is already in this server's library."
    )
    assert raised(world.env) == [InvalidInput]
    shown = await world.moderator.slash(world.channel, "story edit", story="the-lantern")
    kept = await world.moderator.submit_modal(
        shown, {"title": "The Lantern", "text": words_text(8)}
    )
    assert kept.response.embeds[0].title == "Preview: The Lantern"
    # Another server's titles and texts are no obstacle, there or here.
    otto, channel = other_moderator(world)
    await add_and_publish(otto, channel, "The Lantern", words_text(3))
    theirs = await visible_slugs(world, otto.guild.id)
    ours = await visible_slugs(world)
    assert "the-lantern" in ours and "the-lantern" not in theirs
    assert "the-lantern-2" in theirs and "the-lantern-2" not in ours


# ------------------------------------------------------------------------ edit


async def test_edit_prefills_the_form_and_keeps_the_old_version(world):
    first = words_text(7)
    await add_and_publish(world.moderator, world.channel, "The Lantern", first)
    shown = await world.moderator.slash(world.channel, "story edit", story="the-lantern")
    assert shown.modal["title"] == "Edit the story"
    assert modal_values(shown.modal) == {"title": "The Lantern", "author": None, "text": first}
    second = "Ottilie Brandt watched the sea. Ottilie Brandt lit the lantern at nine.\n\n" + first
    preview = await world.moderator.submit_modal(
        shown, {"title": "The Lantern", "author": "Ida Moss", "text": second}
    )
    embed = preview.response.embeds[0]
    assert embed.title == "Preview: The Lantern"
    assert embed.footer.text == (
        "Nothing is saved yet. Publish to replace the current version "
        "(which is kept in the history); Cancel to drop it."
    )
    read = await world.member.slash(world.channel, "story read", story="the-lantern")
    assert "Ottilie" not in read.response.embeds[0].description  # nothing changed yet
    updated = await world.moderator.click(preview.response.message, label="Publish")
    assert updated.response.content == (
        "Updated “The Lantern”. Read it with `/story read story:the-lantern`."
    )
    read = await world.member.slash(world.channel, "story read", story="the-lantern")
    assert read.response.embeds[0].description.startswith("Ottilie Brandt watched the sea")
    found = await world.member.slash(world.channel, "search", query="ottilie watched the sea")
    assert found.response.embeds[0].fields[0].name.startswith("1. The Lantern")
    who = await world.member.autocomplete(world.channel, "search", "character", "ottilie")
    assert who[0]["name"] == "Ottilie Brandt — The Lantern"

    history = await world.member.slash(world.channel, "story history", story="the-lantern")
    assert history.ephemeral
    lines = history.response.embeds[0].description.split("\n")
    assert history.response.embeds[0].title == "History of The Lantern"
    assert [line.split(" · ")[0] for line in lines] == ["**v2**", "**v1**"]
    assert all(f"<@{world.moderator.id}>" in line for line in lines)
    store = world.env.bot.store
    lantern = next(
        s for s in await store.stories.visible_stories(world.guild.id) if s.title == "The Lantern"
    )
    versions = await store.stories.story_versions(lantern.id)
    assert [v.body for v in versions] == [second, first]
    for line, version in zip(lines, versions, strict=True):
        when = int(datetime.fromisoformat(version.created_at).timestamp())
        assert f"<t:{when}:f>" in line and f"`{version.content_hash[:10]}`" in line
    entries = await world.env.bot.store.audit.for_story(versions[0].story_id)
    assert [(e.action, e.hash_before, e.hash_after) for e in entries] == [
        ("add", None, versions[1].content_hash),
        ("edit", versions[1].content_hash, versions[0].content_hash),
    ]


async def test_edit_with_a_file_and_the_export_round_trip(world):
    await add_and_publish(world.moderator, world.channel, "The Lantern", words_text(7))
    exported = await world.member.slash(world.channel, "story export", story="the lantern")
    assert exported.ephemeral
    assert exported.response.content == "“The Lantern”"
    (attachment,) = exported.response.attachments
    assert attachment.filename == "the-lantern.txt"
    data = await attachment.read()
    assert data.decode() == f"Title: The Lantern\n\n{words_text(7)}\n"
    changed = data.replace(b"Title: The Lantern", b"Title: The Old Lantern")
    shown = await world.moderator.slash(
        world.channel, "story edit", story="the-lantern", file=("the-lantern.txt", changed)
    )
    assert shown.response.embeds[0].title == "Preview: The Old Lantern"
    assert labels(shown.response) == ["Publish", "Cancel"]  # not a duplicate of itself
    updated = await world.moderator.click(shown.response.message, label="Publish")
    assert updated.response.content.startswith("Updated “The Old Lantern”")
    # The slug stays, so links and bookmarks keep working.
    read = await world.member.slash(world.channel, "story read", story="the-lantern")
    assert read.response.embeds[0].title == "The Old Lantern"


async def body_of(world: Any, slug: str) -> str:
    store = world.env.bot.store
    (story_id,) = await store.db.fetchone("SELECT id FROM stories WHERE slug = ?", (slug,))
    body: str = (await store.stories.get_story(story_id)).body
    return body


async def test_two_moderators_editing_the_same_story_never_overwrite_each_other_silently(world):
    lina = await make_librarian(world)
    await add_and_publish(world.moderator, world.channel, "The Lantern", words_text(7))
    form = await world.moderator.slash(world.channel, "story edit", story="the-lantern")
    mine = await world.moderator.slash(
        world.channel, "story edit", story="the-lantern", file=("m.txt", words_text(8).encode())
    )
    theirs = await lina.slash(
        world.channel, "story edit", story="the-lantern", file=("l.txt", words_text(9).encode())
    )
    await lina.click(theirs.response.message, label="Publish")

    warned = await world.moderator.click(mine.response.message, label="Publish")
    assert warned.response.content == (
        "Since this preview was made, someone else changed this story: publishing now "
        "replaces their version (it stays in the history). "
        "Check, then Publish anyway if that is intended."
    )
    warning = {f.name: f.value for f in warned.response.embeds[0].fields}
    assert "Publishing replaces their version" in warning["⚠ Someone else changed this story"]
    assert labels(warned.response) == ["Publish anyway", "Cancel"]
    assert await body_of(world, "the-lantern") == words_text(9)  # Lina's edit stands
    # A plain Publish (stale or forged) is not a confirmation: the warning comes back.
    plain = await forge(world, world.channel, draft_button(mine, "publish"))
    again = await world.moderator.click(plain, label="Publish")
    assert labels(again.response) == ["Publish anyway", "Cancel"]
    assert await body_of(world, "the-lantern") == words_text(9)
    confirmed = await world.moderator.click(warned.response.message, label="Publish anyway")
    assert confirmed.response.content.startswith("Updated “The Lantern”")
    assert await body_of(world, "the-lantern") == words_text(8)

    # A form opened before those edits warns as soon as it is submitted.
    late = await world.moderator.submit_modal(
        form, {"title": "The Lantern", "text": words_text(10)}
    )
    assert "⚠ Someone else changed this story" in [f.name for f in late.response.embeds[0].fields]
    assert labels(late.response) == ["Publish anyway", "Cancel"]
    published = await world.moderator.click(late.response.message, label="Publish anyway")
    assert published.response.content.startswith("Updated “The Lantern”")
    store = world.env.bot.store
    (story_id,) = await store.db.fetchone("SELECT id FROM stories WHERE slug = 'the-lantern'")
    versions = await store.stories.story_versions(story_id)
    assert [(v.created_by, v.body) for v in versions] == [
        (world.moderator.id, words_text(10)),
        (world.moderator.id, words_text(8)),
        (lina.id, words_text(9)),
        (world.moderator.id, words_text(7)),
    ]


async def test_export_shows_the_title_literally(world):
    shown = await preview_file(
        world.moderator, world.channel, "b.txt", story_file("The *Bold* Heron", words_text(7))
    )
    await world.moderator.click(shown.response.message, label="Publish")
    exported = await world.member.slash(world.channel, "story export", story="the bold heron")
    assert exported.response.content == "“The \\*Bold\\* Heron”"
    (attachment,) = exported.response.attachments
    assert (await attachment.read()).startswith(b"Title: The *Bold* Heron\n")  # the file as is


async def test_a_story_too_long_for_the_form_is_edited_with_a_file(world):
    long_body = "\n\n".join(words_text(n, paragraphs=4) for n in range(20))
    assert len(long_body) > 4000
    await add_and_publish(world.moderator, world.channel, "The Long One", long_body)
    result = await world.moderator.slash(world.channel, "story edit", story="the-long-one")
    embed = error_embed(result)
    assert embed.title == "Invalid input"
    assert "longer than a form can hold (4,000 characters)" in embed.description
    assert "`/story edit story:… file:…`" in embed.fields[0].value
    assert raised(world.env) == [InvalidInput]


async def test_publishing_an_edit_of_a_story_removed_meanwhile_saves_nothing(world):
    await add_and_publish(world.moderator, world.channel, "The Lantern", words_text(7))
    shown = await world.moderator.slash(
        world.channel,
        "story edit",
        story="the-lantern",
        file=("l.txt", story_file("The Lantern", words_text(8))),
    )
    confirm = await world.moderator.slash(world.channel, "story remove", story="the-lantern")
    await world.moderator.click(confirm.response.message, label="Remove it")
    late = await world.moderator.click(shown.response.message, label="Publish")
    embed = error_embed(late)
    assert embed.title == "Not found"
    assert embed.description == "The story this preview edits is no longer in the library."
    assert "the-lantern" not in await visible_slugs(world)


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


async def test_built_ins_are_hidden_here_only_never_edited(world):
    for command in ("story edit", "story remove"):
        result = await world.moderator.slash(world.channel, command, story="valerie")
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
    hidden = await world.moderator.slash(world.channel, "story hide", story="valerie")
    assert hidden.ephemeral
    assert hidden.response.content == f"“{VALERIE}” is now hidden in this server."
    assert await where_members_see(world, VALERIE, query) == set()
    assert raised(world.env) == [NotFound]
    channel, stranger = world.other_server()
    elsewhere = await stranger.slash(channel, "story read", story="valerie")
    assert elsewhere.response.embeds[0].title == VALERIE  # other servers are untouched
    offered = await world.moderator.autocomplete(world.channel, "story unhide", "story", "val")
    assert [c["name"] for c in offered] == [VALERIE]
    shown = await world.moderator.slash(world.channel, "story unhide", story=offered[0]["value"])
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
    await world.moderator.slash(world.channel, "story hide", story="valerie")
    offered = await world.moderator.autocomplete(world.channel, "story hide", "story", "")
    assert {c["value"] for c in offered} == builtins - {valerie}


# ------------------------------------------------------------------ rate limit


async def test_ten_adds_per_ten_minutes_per_moderator_in_virtual_time(world):
    for n in range(9):
        await add_and_publish(world.moderator, world.channel, f"Note {n}", words_text(100 + n))
        await world.env.advance_time(10)
    # Two previews open at nine adds: the first Publish makes ten, the second waits.
    tenth = await preview_file(
        world.moderator, world.channel, "a.txt", story_file("Note 9", words_text(109))
    )
    extra = await preview_file(
        world.moderator, world.channel, "b.txt", story_file("Extra", words_text(110))
    )
    await world.moderator.click(tenth.response.message, label="Publish")
    before = await counts(world.env.bot.store)
    late = await world.moderator.click(extra.response.message, label="Publish")
    embed = error_embed(late)
    assert embed.title == "Slow down"
    assert embed.description == (
        "You've added 10 stories in the last 10 minutes, "
        "the most a moderator can add at a time (10)."
    )
    assert embed.fields[0].value == "Take a short break: you can add another in 9 minutes."
    assert await counts(world.env.bot.store) == before

    blocked = await world.moderator.slash(world.channel, "story add")
    assert blocked.modal is None and error_embed(blocked).title == "Slow down"
    assert raised(world.env) == [RateLimited]
    # Another moderator has an allowance of their own.
    lina = await make_librarian(world)
    await add_and_publish(lina, world.channel, "Lina's", words_text(111))

    await world.env.advance_time(ADD_WINDOW.total_seconds() - 89)  # the first add: 10 min 1 s ago
    again = await world.moderator.slash(world.channel, "story add")
    assert again.modal["title"] == "Add a story"
    retried = await world.moderator.click(extra.response.message, label="Publish")
    assert retried.response.content.startswith("Published “Extra”")
    still = await world.moderator.slash(world.channel, "story add")
    assert (
        error_embed(still).fields[0].value == "Take a short break: you can add another in 1 minute."
    )
    assert raised(world.env) == [RateLimited]


# -------------------------------------------------------------------- mentions


async def test_mentions_in_a_story_never_ping_and_show_literally(world):
    role = world.guild.roles["Mods"]
    text = (
        f"@everyone and @here, listen: <@{world.member.id}> and <@&{role.id}> met Marta Lind "
        "by the river. Marta Lind laughed.\n\nThen the **heron** came back, as it always did."
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
    assert "\\*\\*heron\\*\\*" in page  # markdown shown as typed, not as formatting
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
    for command, values in addresses.items():
        for value in [*values, "9999999"]:  # the last one never existed anywhere
            result = await otto.slash(channel, command, story=value)
            embed = error_embed(result)
            assert embed.title == "Not found", (command, value)
            assert embed.description == f"I couldn't find a story called “{value}”.", (
                command,
                value,
            )
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


# ------------------------------------------------------------ who may do what

# The columns: a plain member; a member with the moderator role; Manage Server;
# an administrator; someone who moderates another server (a plain member here);
# a user in DMs with the bot.
ACTORS = ("member", "librarian", "manager", "admin", "moderator elsewhere", "dm")
MODERATORS = {"librarian", "manager", "admin"}


@dataclass
class Cast:
    """Everyone in the matrix, and for each of them a story, a removed story and a draft."""

    world: Any
    people: dict[str, Any]
    stories: dict[str, Any] = field(default_factory=dict)
    removed: dict[str, Any] = field(default_factory=dict)
    drafts: dict[str, Draft] = field(default_factory=dict)

    async def slash(self, who: str, name: str, **options: Any) -> Any:
        if who == "dm":
            return await self.people[who].slash(name, **options)
        return await self.people[who].slash(self.world.channel, name, **options)

    async def click(self, who: str, item: Any) -> Any:
        person = self.people[who]
        channel = person.dm_channel if who == "dm" else self.world.channel
        return await person.click(await forge(self.world, channel, item), custom_id=item.custom_id)

    async def state(self) -> Any:
        store = self.world.env.bot.store
        hidden = await self.world.env.bot.library.visible_ids(self.world.guild.id)
        return await visible_slugs(self.world), await counts(store), sorted(hidden)


async def cast_of(world: Any) -> Cast:
    otto, _channel = other_moderator(world)
    admins = world.guild.create_role("Admins", permissions=discord.Permissions(administrator=True))
    people = {
        "member": world.member,
        "librarian": await make_librarian(world),
        "manager": world.moderator,
        "admin": world.guild.add_member(world.env.create_user("ada"), roles=[admins]),
        "moderator elsewhere": world.guild.add_member(otto.user),
        "dm": world.env.create_user("dora"),
    }
    cast = Cast(world, people)
    bot = world.env.bot
    earlier = 1  # a moderator of old, so nobody here has used up their adds
    for n, who in enumerate(ACTORS):
        lantern = parse_story_text(words_text(200 + n), title=f"Lantern of the {who}")
        gulls = parse_story_text(words_text(300 + n), title=f"Gulls of the {who}")
        cast.stories[who] = await bot.library.add_story(
            lantern, guild_id=world.guild.id, actor_id=earlier
        )
        gone = await bot.library.add_story(gulls, guild_id=world.guild.id, actor_id=earlier)
        await bot.library.remove_story(gone.id, earlier)
        cast.removed[who] = gone
        draft = await prepare(
            bot.library,
            guild_id=world.guild.id,
            user_id=people[who].id,
            text=words_text(400 + n),
            title=f"Draft of the {who}",
        )
        cast.drafts[who] = draft.draft
    zoe = next(s for s in await bot.store.stories.visible_stories(None) if s.title == ZOE)
    await bot.library.set_hidden(world.guild.id, zoe.id, earlier, True)
    return cast


def draft_of(cast: Cast, who: str, action: str) -> DraftButton:
    draft = cast.drafts[who]
    return DraftButton(draft.id, action, draft_stamp(draft))


async def builtin(cast: Cast, title: str) -> Any:
    return next(
        s for s in await cast.world.env.bot.store.stories.visible_stories(None) if s.title == title
    )


@dataclass(frozen=True)
class Row:
    act: Callable[[Cast, str], Awaitable[Any]]
    allowed: Callable[[Cast, str, Any], Awaitable[None]]
    undo: Callable[[Cast], Awaitable[None]] | None = None


async def _form_shown(cast, who, result):
    assert result.modal["title"] == "Add a story"


async def _preview_shown(cast, who, result):
    assert result.response.embeds[0].title == f"Preview: Heron of the {who}"
    assert labels(result.response) == ["Publish", "Cancel"]


async def _edit_form_shown(cast, who, result):
    assert result.modal["title"] == "Edit the story"
    assert modal_values(result.modal)["title"] == f"Lantern of the {who}"


async def _edit_previewed(cast, who, result):
    assert result.response.embeds[0].title == f"Preview: Lantern of the {who}"
    assert labels(result.response) == ["Publish", "Cancel"]


async def _submit_form(cast, who, command, options, values):
    """A form opened as a moderator and submitted after losing the role, unless in MODERATORS.

    Those outside MODERATORS hold the moderator role only while the form opens,
    as if a server admin took it back while they were writing.
    """
    if who == "dm":  # no form opens in DMs
        return await cast.slash(who, command, **options)
    world, person = cast.world, cast.people[who]
    role = world.guild.roles["Librarians"]
    lost = who not in MODERATORS
    if lost:
        world.env.backend.add_member_role(world.guild.id, person.id, role.id)
    shown = await cast.slash(who, command, **options)
    assert shown.modal is not None, who
    if lost:
        world.env.backend.remove_member_role(world.guild.id, person.id, role.id)
    return await person.submit_modal(shown, values)


async def _removal_asked(cast, who, result):
    assert result.response.content.startswith(f"Remove “Lantern of the {who}”?")
    assert labels(result.response) == ["Remove it", "Keep it"]


async def _restored(cast, who, result):
    assert result.response.content == f"Restored “Gulls of the {who}”."
    assert cast.removed[who].slug in await visible_slugs(cast.world)


async def _hidden(cast, who, result):
    assert result.response.content == f"“{VALERIE}” is now hidden in this server."
    assert "the-story-of-valerie-ivanov" not in await visible_slugs(cast.world)


async def _unhide_valerie(cast):
    valerie = await builtin(cast, VALERIE)
    await cast.world.env.bot.library.set_hidden(cast.world.guild.id, valerie.id, 0, False)


async def _unhidden(cast, who, result):
    assert result.response.content == f"“{ZOE}” is now visible in this server again."
    assert "the-story-of-zoe-kuznetsova" in await visible_slugs(cast.world)


async def _hide_zoe(cast):
    zoe = await builtin(cast, ZOE)
    await cast.world.env.bot.library.set_hidden(cast.world.guild.id, zoe.id, 0, True)


async def _published(cast, who, result):
    assert result.response.content.startswith(f"Published “Draft of the {who}”")
    assert f"draft-of-the-{who.replace(' ', '-')}" in await visible_slugs(cast.world)


async def _cancelled(cast, who, result):
    assert result.response.content == "Cancelled: nothing was saved."
    assert await cast.world.env.bot.store.drafts.get_draft(cast.drafts[who].id) is None


async def _removed(cast, who, result):
    assert result.response.content.startswith(f"Removed “Lantern of the {who}”.")
    assert cast.stories[who].slug not in await visible_slugs(cast.world)


MATRIX = {
    "/story add (form)": Row(lambda c, who: c.slash(who, "story add"), _form_shown),
    "/story add (file)": Row(
        lambda c, who: c.slash(
            who,
            "story add",
            file=("h.txt", story_file(f"Heron of the {who}", words_text(500 + ACTORS.index(who)))),
        ),
        _preview_shown,
    ),
    "/story edit": Row(
        lambda c, who: c.slash(who, "story edit", story=c.stories[who].slug), _edit_form_shown
    ),
    "/story edit (file)": Row(
        lambda c, who: c.slash(
            who,
            "story edit",
            story=c.stories[who].slug,
            file=("l.txt", words_text(600 + ACTORS.index(who)).encode()),
        ),
        _edit_previewed,
    ),
    "/story add (form submitted after losing the role)": Row(
        lambda c, who: _submit_form(
            c,
            who,
            "story add",
            {},
            {"title": f"Heron of the {who}", "text": words_text(500 + ACTORS.index(who))},
        ),
        _preview_shown,
    ),
    "/story edit (form submitted after losing the role)": Row(
        lambda c, who: _submit_form(
            c,
            who,
            "story edit",
            {"story": c.stories[who].slug},
            {"title": f"Lantern of the {who}", "text": words_text(700 + ACTORS.index(who))},
        ),
        _edit_previewed,
    ),
    "/story remove": Row(
        lambda c, who: c.slash(who, "story remove", story=c.stories[who].slug), _removal_asked
    ),
    "/story restore": Row(
        lambda c, who: c.slash(who, "story restore", story=c.removed[who].slug), _restored
    ),
    "/story hide": Row(
        lambda c, who: c.slash(who, "story hide", story="valerie"), _hidden, _unhide_valerie
    ),
    "/story unhide": Row(
        lambda c, who: c.slash(who, "story unhide", story="the-story-of-zoe-kuznetsova"),
        _unhidden,
        _hide_zoe,
    ),
    "Publish": Row(lambda c, who: c.click(who, draft_of(c, who, "publish")), _published),
    "Publish anyway": Row(lambda c, who: c.click(who, draft_of(c, who, "confirm")), _published),
    "Cancel": Row(lambda c, who: c.click(who, draft_of(c, who, "cancel")), _cancelled),
    "Remove it": Row(lambda c, who: c.click(who, RemoveButton(c.stories[who].id)), _removed),
}


@pytest.mark.parametrize("command", list(MATRIX))
async def test_permission_matrix(world, command):
    """Each mutating command by each kind of user: moderators may, nobody else may."""
    row = MATRIX[command]
    cast = await cast_of(world)
    raised(world.env)
    outcome = {}
    for who in ACTORS:
        before = await cast.state()
        result = await row.act(cast, who)
        if who in MODERATORS:
            await row.allowed(cast, who, result)
            assert raised(world.env) == [], who
            outcome[who] = "allowed"
            if row.undo is not None:
                await row.undo(cast)
            continue
        embed = error_embed(result)
        assert embed.title == "Not allowed", who
        expected = "This only works in a server." if who == "dm" else MODERATORS_ONLY
        assert embed.description == expected, who
        assert await cast.state() == before, f"{who}: something changed"
        # Commands report through the tree's error handler; buttons answer by themselves.
        assert raised(world.env) == ([NotAllowed] if command.startswith("/") else []), who
        outcome[who] = "denied"
    assert outcome == {who: "allowed" if who in MODERATORS else "denied" for who in ACTORS}
