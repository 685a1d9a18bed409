"""Who may do what: every moderation command and button, as every kind of member."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import discord
import pytest

from bot.app.moderation import draft_stamp, prepare
from bot.core.parsing import parse_story_text
from bot.discord_adapter.ui.moderation import DraftButton, HideButton, RemoveButton
from bot.errors import NotAllowed
from bot.storage import Draft
from tests.e2e.conftest import raised
from tests.e2e.moderation.helpers import (
    MODERATORS_ONLY,
    VALERIE,
    ZOE,
    counts,
    error_embed,
    forge,
    labels,
    make_librarian,
    modal_values,
    other_moderator,
    story_file,
    visible_slugs,
    words_text,
)

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
    builtins: dict[str, int] = field(default_factory=dict)

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
    cast.builtins = {s.title: s.id for s in await bot.store.stories.visible_stories(None)}
    await bot.library.set_hidden(world.guild.id, cast.builtins[ZOE], earlier, True)
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


async def _hiding_asked(cast, who, result):
    assert result.response.content.startswith(f"Hide “{VALERIE}” in this server?")
    assert labels(result.response) == ["Hide it", "Cancel"]


async def _showing_asked(cast, who, result):
    assert result.response.content == f"Show “{ZOE}” in this server again?"
    assert labels(result.response) == ["Show it", "Cancel"]


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
        lambda c, who: c.slash(who, "story hide", story="the-story-of-valerie-ivanov"),
        _hiding_asked,
    ),
    "/story unhide": Row(
        lambda c, who: c.slash(who, "story unhide", story="the-story-of-zoe-kuznetsova"),
        _showing_asked,
    ),
    "Hide it": Row(
        lambda c, who: c.click(who, HideButton(c.builtins[VALERIE], True)),
        _hidden,
        _unhide_valerie,
    ),
    "Show it": Row(
        lambda c, who: c.click(who, HideButton(c.builtins[ZOE], False)), _unhidden, _hide_zoe
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
