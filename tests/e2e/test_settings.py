"""/settings as server admins, moderators and members experience it.

Who moderates (Manage Server, plus the role chosen with /settings moderator-role)
and the server's time zone; only Manage Server may change either.
"""

from __future__ import annotations

from typing import Any

import discord
import pytest
from simcord import SetupError

from bot.discord_adapter.bot import ConteurBot
from bot.errors import InvalidInput, NotAllowed
from tests.e2e.conftest import raised

MANAGE_SERVER_ONLY = "Only members with the Manage Server permission can change settings."
STORY = b"Title: The Heron\n\nThe grey heron waited by the reeds, patient as a stone, all morning."


def error_embed(result: Any) -> Any:
    assert result.ephemeral
    embed = result.response.embeds[0]
    assert embed.colour == discord.Colour.red()
    return embed


async def settings_card(world: Any) -> dict[str, str]:
    shown = await world.moderator.slash(world.channel, "settings show")
    assert shown.ephemeral
    embed = shown.response.embeds[0]
    assert embed.title == "Conteur settings for this server"
    return {f.name: f.value for f in embed.fields}


async def let_everyone_invoke_settings(world: Any) -> None:
    """The server overrides /settings' default permissions (Integrations settings), so
    only the bot's own check stands between a member and the command."""
    commands = await world.env.bot.tree.fetch_commands()
    settings = next(c for c in commands if c.name == "settings")
    world.guild.set_command_permissions(settings, {world.guild.default_role: True})


async def test_the_defaults_are_manage_server_and_utc(world):
    assert await settings_card(world) == {
        "Moderators": "Members with Manage Server, and the role: none",
        "Time zone": "UTC (default)",
    }


async def test_the_moderator_role_makes_its_members_moderators_at_once(world):
    librarians = world.guild.create_role("Librarians")
    lina = world.guild.add_member(world.env.create_user("lina"), roles=[librarians])
    before = await lina.slash(world.channel, "story add", file=("heron.txt", STORY))
    assert error_embed(before).title == "Not allowed"
    assert raised(world.env) == [NotAllowed]

    chosen = await world.moderator.slash(world.channel, "settings moderator-role", role=librarians)
    assert chosen.ephemeral
    assert chosen.response.content == (
        f"Members with <@&{librarians.id}> can now add and change this server's stories."
    )
    card = await settings_card(world)
    assert card["Moderators"] == f"Members with Manage Server, and the role: <@&{librarians.id}>"
    preview = await lina.slash(world.channel, "story add", file=("heron.txt", STORY))
    assert preview.response.embeds[0].title == "Preview: The Heron"
    published = await lina.click(preview.response.message, label="Publish")
    assert published.response.content.startswith("Published “The Heron”")
    # A member without the role is still a reader.
    denied = await world.member.slash(world.channel, "story remove", story="the-heron")
    assert error_embed(denied).title == "Not allowed"
    assert raised(world.env) == [NotAllowed]

    cleared = await world.moderator.slash(world.channel, "settings moderator-role")
    assert cleared.response.content == (
        "No moderator role: only members with Manage Server moderate stories."
    )
    assert (await settings_card(world))["Moderators"].endswith("the role: none")
    after = await lina.slash(world.channel, "story remove", story="the-heron")
    assert error_embed(after).title == "Not allowed"
    assert raised(world.env) == [NotAllowed]


async def test_a_moderator_role_in_one_server_means_nothing_in_another(world):
    librarians = world.guild.create_role("Librarians")
    await world.moderator.slash(world.channel, "settings moderator-role", role=librarians)
    elsewhere = world.env.create_guild("Elsewhere")
    channel = elsewhere.create_text_channel("general")
    lina = world.env.create_user("lina")
    world.guild.add_member(lina, roles=[librarians])
    there = elsewhere.add_member(lina, roles=[elsewhere.create_role("Librarians")])
    result = await there.slash(channel, "story add", file=("heron.txt", STORY))
    assert error_embed(result).title == "Not allowed"
    assert raised(world.env) == [NotAllowed]


async def test_everyone_cannot_be_the_moderator_role(world):
    result = await world.moderator.slash(
        world.channel, "settings moderator-role", role=world.guild.default_role
    )
    embed = error_embed(result)
    assert embed.title == "Invalid input"
    assert embed.description.startswith("@everyone can't be the moderator role")
    assert raised(world.env) == [InvalidInput]
    assert (await settings_card(world))["Moderators"].endswith("the role: none")
    still = await world.member.slash(world.channel, "story add")
    assert still.modal is None and error_embed(still).title == "Not allowed"
    assert raised(world.env) == [NotAllowed]


async def test_the_time_zone_is_the_default_for_the_story_of_the_day(world):
    choices = await world.moderator.autocomplete(
        world.channel, "settings timezone", "zone", "paris"
    )
    assert choices[0] == {"name": "Europe/Paris", "value": "Europe/Paris"}
    chosen = await world.moderator.slash(world.channel, "settings timezone", zone="europe/PARIS")
    assert chosen.ephemeral
    assert chosen.response.content == "This server's time zone is now **Europe/Paris**."
    assert (await settings_card(world))["Time zone"] == "Europe/Paris"
    subscribed = await world.moderator.slash(world.channel, "daily subscribe", time="09:00")
    assert "a story every day at 09:00 (Europe/Paris)" in subscribed.response.content


async def test_an_unknown_time_zone_is_refused_and_nothing_changes(world):
    await world.moderator.slash(world.channel, "settings timezone", zone="Europe/Paris")
    result = await world.moderator.slash(world.channel, "settings timezone", zone="Mars/Olympus")
    embed = error_embed(result)
    assert embed.title == "Invalid input"
    assert embed.description == "“Mars/Olympus” is not a time zone I know."
    assert raised(world.env) == [InvalidInput]
    assert (await settings_card(world))["Time zone"] == "Europe/Paris"


async def test_settings_are_recorded_in_the_audit_log_and_survive_a_restart(world, settings, store):
    librarians = world.guild.create_role("Librarians")
    await world.moderator.slash(world.channel, "settings moderator-role", role=librarians)
    await world.moderator.slash(world.channel, "settings timezone", zone="Asia/Tokyo")
    rows = await store.db.fetchall(
        "SELECT guild_id, actor_id, action, detail, created_at FROM audit_log"
        " WHERE action = 'settings' ORDER BY id"
    )
    when = world.env.now().isoformat(timespec="seconds")
    assert [tuple(r) for r in rows] == [
        (world.guild.id, world.moderator.id, "settings", f"moderator role: {librarians.id}", when),
        (world.guild.id, world.moderator.id, "settings", "timezone: Asia/Tokyo", when),
    ]
    await world.env.restart_bot(ConteurBot(settings, store, sync_globally=True))
    assert await settings_card(world) == {
        "Moderators": f"Members with Manage Server, and the role: <@&{librarians.id}>",
        "Time zone": "Asia/Tokyo",
    }


async def test_discord_offers_settings_only_to_manage_server_and_never_in_dms(world):
    assert "settings moderator-role" in world.moderator.available_commands(world.channel)
    assert "settings timezone" not in world.member.available_commands(world.channel)
    with pytest.raises(SetupError, match="default-member-permissions"):
        await world.member.slash(world.channel, "settings timezone", zone="Europe/Paris")
    dora = world.env.create_user("dora")
    assert not [name for name in dora.available_commands() if name.startswith("settings")]
    with pytest.raises(SetupError, match="context"):
        await dora.slash("settings timezone", zone="Europe/Paris")


# ------------------------------------------------------------ who may do what

ACTORS = ("member", "librarian", "manager", "admin", "moderator elsewhere")
MAY_CHANGE_SETTINGS = {"manager", "admin"}


async def people_of(world: Any) -> tuple[dict[str, Any], Any]:
    librarians = world.guild.create_role("Librarians")
    await world.moderator.slash(world.channel, "settings moderator-role", role=librarians)
    admins = world.guild.create_role("Admins", permissions=discord.Permissions(administrator=True))
    elsewhere = world.env.create_guild("Elsewhere")
    managers = elsewhere.create_role("Managers", permissions=discord.Permissions(manage_guild=True))
    otto = world.env.create_user("otto")
    elsewhere.add_member(otto, roles=[managers])
    people = {
        "member": world.member,
        "librarian": world.guild.add_member(world.env.create_user("lina"), roles=[librarians]),
        "manager": world.moderator,
        "admin": world.guild.add_member(world.env.create_user("ada"), roles=[admins]),
        "moderator elsewhere": world.guild.add_member(otto),
    }
    return people, librarians


@pytest.mark.parametrize("command", ["settings moderator-role", "settings timezone"])
async def test_permission_matrix(world, command):
    """Only Manage Server (administrators have it) may change settings: not the
    moderator role, so it cannot promote itself. (In DMs /settings does not exist.)"""
    people, librarians = await people_of(world)
    await let_everyone_invoke_settings(world)
    raised(world.env)
    zones = iter(["Europe/Paris", "Asia/Tokyo", "America/Lima", "Africa/Dakar", "Europe/Oslo"])
    outcome = {}
    for who in ACTORS:
        before = await settings_card(world)
        if command == "settings moderator-role":
            role = world.guild.create_role(f"Readers of {who}")
            result = await people[who].slash(world.channel, command, role=role)
            expected = f"Members with <@&{role.id}> can now add and change this server's stories."
            changed = {"Moderators": f"Members with Manage Server, and the role: <@&{role.id}>"}
        else:
            zone = next(zones)
            result = await people[who].slash(world.channel, command, zone=zone)
            expected = f"This server's time zone is now **{zone}**."
            changed = {"Time zone": zone}
        if who in MAY_CHANGE_SETTINGS:
            assert result.response.content == expected, who
            assert await settings_card(world) == before | changed, who
            outcome[who] = "allowed"
            # Put the moderator role back, so the librarian stays a moderator.
            await world.moderator.slash(world.channel, "settings moderator-role", role=librarians)
        else:
            embed = error_embed(result)
            assert (embed.title, embed.description) == ("Not allowed", MANAGE_SERVER_ONLY), who
            assert await settings_card(world) == before, who
            assert raised(world.env) == [NotAllowed], who
            outcome[who] = "denied"
    assert outcome == {who: "allowed" if who in MAY_CHANGE_SETTINGS else "denied" for who in ACTORS}
    assert raised(world.env) == []
