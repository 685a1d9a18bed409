"""What the moderation end-to-end tests share: texts, buttons, forged clicks, counts."""

from __future__ import annotations

import random
from typing import Any

import discord

from bot.discord_adapter.ui.moderation import DraftButton

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


async def builtin_body(world: Any, title: str) -> str:
    store = world.env.bot.store
    summary = next(s for s in await store.stories.visible_stories(None) if s.title == title)
    story = await store.stories.get_story(summary.id)
    body: str = story.body
    return body


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


async def body_of(world: Any, slug: str) -> str:
    store = world.env.bot.store
    (story_id,) = await store.db.fetchone("SELECT id FROM stories WHERE slug = ?", (slug,))
    body: str = (await store.stories.get_story(story_id)).body
    return body
