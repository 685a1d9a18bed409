"""Editing a story: the prefilled form, a file, two moderators at once, export."""

from __future__ import annotations

from datetime import datetime

from bot.errors import InvalidInput
from tests.e2e.conftest import raised
from tests.e2e.moderation.helpers import (
    add_and_publish,
    body_of,
    draft_button,
    error_embed,
    forge,
    labels,
    make_librarian,
    modal_values,
    preview_file,
    story_file,
    visible_slugs,
    words_text,
)

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
