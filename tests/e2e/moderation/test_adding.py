"""Adding a story: the form, a file, the preview buttons, duplicates, validation, rate limits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import discord
import pytest
from simcord import SetupError

from bot.app.moderation import ADD_WINDOW, DRAFT_LIFETIME
from bot.core.clock import utc_text
from bot.core.parsing import MAX_STORY_BYTES, parse_story_text
from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.ui.restart_safe import EXPIRED
from bot.errors import InvalidInput, RateLimited, StoryRejected
from tests.e2e.conftest import raised
from tests.e2e.moderation.helpers import (
    HERON,
    VALERIE,
    add_and_publish,
    builtin_body,
    counts,
    draft_button,
    error_embed,
    forge,
    labels,
    make_librarian,
    modal_values,
    other_moderator,
    preview_file,
    story_file,
    visible_slugs,
    words_text,
)

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


async def test_the_preview_opens_on_the_first_paragraph_not_a_section_number(world):
    body = "I\n\n" + HERON.split("\n\n", 1)[1]
    shown = await preview_file(
        world.moderator, world.channel, "heron.txt", story_file("The Heron", body)
    )
    opening = HERON.split("\n\n")[1].split()[:4]
    assert shown.response.embeds[0].description.split()[:4] == opening


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
    """Like any unknown button: "expired", ephemeral, and the preview is untouched."""
    shown = await preview_file(world.moderator, world.channel, "heron.txt", HERON.encode())
    draft_id = draft_button(shown, "publish").draft_id
    before = await counts(world.env.bot.store)
    for action in ("publish", "confirm", "cancel"):
        custom_id = f"conteur:draft:{draft_id}:{action}"
        forged = await forge(
            world, world.channel, discord.ui.Button(label="x", custom_id=custom_id)
        )
        clicked = await world.moderator.click(forged, custom_id=custom_id)
        assert clicked.response.content == EXPIRED, action
        assert clicked.response.ephemeral, action
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
