"""The unmodified bot against a fake Discord over 127.0.0.1: gateway, HTTP, real bodies.

Every request body the bot sends is validated against Discord's OpenAPI description
(`../shared/discord-api-spec/openapi.json`) and every reply against the limits helper,
while the tests assert on what alice, the user in the fake guild, would see. Without
the description (a fresh clone has no `../shared`) the tests are skipped, saying why.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import math
import socket
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
import yarl
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.config import DEFAULT_STORIES_DIR, Settings
from bot.discord_adapter.bot import ConteurBot
from bot.storage import Store
from tests.limits import assert_within_discord_limits
from tests.wire.fake_discord import (
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    MESSAGE_ROUTES,
    PRIVILEGED_INTENTS,
    ROUTES,
    UPDATE_MESSAGE,
    WAIT_S,
    Check,
    FakeDiscord,
    Interaction,
    RecordedRequest,
    Reply,
)
from tests.wire.openapi import DiscordSpec, SpecUnavailable, load_spec

# Discord's 3-second deadline is enforced: not beside the tests that start several
# bot processes (one worker runs the group in turn; see the Makefile).
pytestmark = [pytest.mark.wire, pytest.mark.xdist_group("processes")]

TOKEN = "fake-token"
APPLICATION_ID = 1_302_203_301_101_110_011
STEP_TIMEOUT_S = WAIT_S  # every wait is bounded; a hang fails in seconds, not at CI's timeout
VALERIE_TITLE = "The Story of Valérie Ivanov"
VALERIE_SLUG = "the-story-of-valerie-ivanov"
BUILTIN_STORIES = len(list(DEFAULT_STORIES_DIR.glob("*.txt")))


@pytest.fixture(scope="module")
def spec() -> DiscordSpec:
    try:
        return load_spec()
    except SpecUnavailable as error:
        pytest.skip(str(error))


def openapi_check(spec: DiscordSpec) -> Check:
    def check(request: RecordedRequest) -> Iterable[str]:
        if request.route is None or request.bodiless:
            # The fake itself reports unexpected routes and bodies sent to bodiless ones.
            return []
        operation = spec.operation(request.method, request.path)
        if operation is None:
            return [f"{request.label}: served by the fake but not in Discord's description"]
        if not operation.body_media_types:
            # A served route is either bodiless by declaration or validated: nothing
            # goes unchecked because the description happens to lack a schema.
            return [
                f"{request.label}: {operation.label} has no request-body schema in the "
                "description and the fake does not list it as bodiless"
            ]
        return spec.body_problems(request.method, request.path, request.media_type, request.body)

    return check


def limits_check(request: RecordedRequest) -> Iterable[str]:
    if request.route not in MESSAGE_ROUTES or not isinstance(request.body, dict):
        return []
    try:
        assert_within_discord_limits(request.body)
    except AssertionError as error:
        return [f"{request.method} {request.route}: over Discord's limits: {error}"]
    return []


class LoopbackOnlyResolver(AbstractResolver):
    """Refuses every host name: the fake is an IP literal, so any lookup is a leak."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        raise OSError(f"wire tests stay on 127.0.0.1; the bot tried to reach {host}")

    async def close(self) -> None:
        return None


@dataclass
class Wire:
    fake: FakeDiscord
    bot: ConteurBot

    async def interact(self, interaction: Interaction) -> Reply:
        reply = await self.fake.interact(interaction)
        # A rejected body fails here, naming the field, before any assertion on the reply.
        self.fake.assert_clean()
        return reply

    async def slash(self, command: str, **options: Any) -> Reply:
        return await self.interact(self.fake.command_interaction(command, options))

    async def autocomplete(self, command: str, option: str, typed: str) -> Reply:
        return await self.interact(
            self.fake.command_interaction(command, {option: typed}, focused=option)
        )

    async def click(self, message: dict[str, Any], label: str) -> Reply:
        custom_id = next(
            item["custom_id"]
            for row in message["components"]
            for item in row["components"]
            if item.get("label") == label
        )
        return await self.interact(self.fake.component_interaction(message, custom_id))

    async def choose(self, message: dict[str, Any], value: str) -> Reply:
        select = next(
            item
            for row in message["components"]
            for item in row["components"]
            if item["type"] == discord.ComponentType.select.value
        )
        return await self.interact(
            self.fake.component_interaction(message, select["custom_id"], [value])
        )


def bot_errors(records: Iterable[logging.LogRecord]) -> list[str]:
    """Errors logged by the bot or discord.py: a handler that crashed, a failed send."""
    return [
        f"{r.name}: {r.getMessage()}"
        for r in records
        if r.levelno >= logging.ERROR and r.name.split(".")[0] in ("bot", "cogs", "discord")
    ]


@pytest.fixture
async def wire(
    spec: DiscordSpec,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> AsyncIterator[Wire]:
    fake = await FakeDiscord(
        token=TOKEN, application_id=APPLICATION_ID, checks=[openapi_check(spec), limits_check]
    ).start()
    # The only change to discord.py: where Discord is. monkeypatch restores both.
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url)
    )
    store = await Store.open(tmp_path / "c.sqlite3")
    settings = Settings(
        discord_token=TOKEN,
        application_id=APPLICATION_ID,
        database_path=tmp_path / "c.sqlite3",
        stories_dir=DEFAULT_STORIES_DIR,
        dev_guild_id=int(fake.guild_id),
    )
    bot = ConteurBot(settings, store)
    # What Client(connector=...) would set; the bot's session then cannot resolve a name.
    bot.http.connector = aiohttp.TCPConnector(resolver=LoopbackOnlyResolver())
    connection: asyncio.Task[None] | None = None
    guild_seen: asyncio.Future[Any] | None = None
    try:
        async with asyncio.timeout(STEP_TIMEOUT_S):
            await bot.login(TOKEN)  # GET /users/@me, the app, then setup_hook's guild sync
        # Registered before connecting so the event cannot be missed. Interactions work
        # from GUILD_CREATE on; on_ready comes guild_ready_timeout (2 s) later and
        # waiting for it would only slow every test down.
        guild_seen = asyncio.ensure_future(bot.wait_for("guild_available", timeout=STEP_TIMEOUT_S))
        connection = asyncio.create_task(bot.connect(reconnect=False))
        await asyncio.wait({guild_seen, connection}, return_when=asyncio.FIRST_COMPLETED)
        if connection.done():
            connection.result()  # raises what stopped the connection (e.g. 4014)
            raise AssertionError("the gateway connection ended before the guild arrived")
        guild = guild_seen.result()
        assert guild.id == int(fake.guild_id)
        yield Wire(fake, bot)
    finally:
        await bot.close()
        if guild_seen is not None:
            guild_seen.cancel()
        if connection is not None:
            await asyncio.wait_for(connection, STEP_TIMEOUT_S)
        await fake.close()
        await store.close()
    fake.assert_clean()
    assert not bot_errors(caplog.records), bot_errors(caplog.records)


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        item["label"]: item
        for row in message["components"]
        for item in row["components"]
        if item["type"] == discord.ComponentType.button.value
    }


def footer(reply: Reply) -> str:
    return str(reply.embeds[0]["footer"]["text"])


# ---------------------------------------------------------------- the harness itself


def test_every_served_route_is_in_the_spec(spec: DiscordSpec) -> None:
    for route in ROUTES:
        operation = spec.operation(route.method, route.template)
        assert operation is not None, f"{route.method} {route.template} is not in the description"
        assert operation.template == route.template, (route, operation)
        if route.bodiless:
            assert not operation.body_required, f"{operation.label} needs a body"
        else:
            assert "application/json" in operation.body_media_types, (
                f"{operation.label} has no JSON body schema: mark it bodiless or drop it"
            )


async def test_the_fake_rejects_what_discord_would(spec: DiscordSpec) -> None:
    """Proof the wire tests can fail: bad bodies, unknown routes, missing auth."""
    fake = await FakeDiscord(
        token=TOKEN, application_id=APPLICATION_ID, checks=[openapi_check(spec), limits_check]
    ).start()
    auth = {"Authorization": f"Bot {TOKEN}"}
    too_long = {"embeds": [{"title": "t" * 257}]}
    try:
        async with aiohttp.ClientSession(base_url=fake.api_base + "/") as session:
            channel = f"channels/{fake.channel_id}/messages"
            async with session.post(channel, json=too_long, headers=auth) as response:
                assert response.status == 400
            async with session.post(channel, json={"content": "hi"}) as response:
                assert response.status == 401
            async with session.get(f"guilds/{fake.guild_id}/members", headers=auth) as response:
                assert response.status == 404
            async with session.get("users/@me", json={"x": 1}, headers=auth) as response:
                assert response.status == 400
            async with session.post(channel, json={"content": "fine"}, headers=auth) as response:
                assert response.status == 200
                assert (await response.json())["content"] == "fine"
    finally:
        await fake.close()
    report = "\n".join(fake.problems)
    assert "$.embeds[0].title: 257 characters, maxLength is 256" in report
    assert "over Discord's limits: embeds[0].title: 257 characters" in report
    assert "missing or wrong bot token" in report
    assert f"GET /guilds/{fake.guild_id}/members: the fake Discord does not serve" in report
    assert "sent a body to a bodiless route" in report
    with pytest.raises(AssertionError, match="5 problem"):
        fake.assert_clean()
    fake.assert_clean()  # each problem is reported once


CALLBACK = "/interactions/1302203301101110099/a-token/callback"
MESSAGES = "/channels/1302203301101110098/messages"


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        pytest.param(
            MESSAGES,
            {"content": "hi", "allowed_mentions": {"parse": [], "users": [APPLICATION_ID]}},
            None,
            id="an int snowflake is accepted where the spec says snowflake",
        ),
        pytest.param(
            MESSAGES,
            {"allowed_mentions": {"users": [-5]}},
            "$.allowed_mentions.users[0]",
            id="a negative int is no snowflake",
        ),
        pytest.param(
            MESSAGES,
            {"components": [{"type": 1, "id": "7", "components": [{"type": 2, "style": 1}]}]},
            "$.components[0].id: type",
            id="a component id stays an integer",
        ),
        pytest.param(
            CALLBACK,
            {"type": 7, "data": {"embeds": [{"title": "t" * 257}]}},
            "$.data.embeds[0].title: 257 characters",
            id="the anyOf branch the type picks names the field",
        ),
        pytest.param(
            CALLBACK,
            {"type": 8, "data": {"choices": [{"name": "", "value": "v"}]}},
            "$.data.choices[0].name: 0 characters, minLength is 1",
            id="untagged unions report the closest branch",
        ),
        pytest.param(
            CALLBACK,
            {"type": 42},
            '$: {"type": 42} fits none of the anyOf alternatives',
            id="a payload of no known kind",
        ),
    ],
)
def test_spec_validation_names_the_field(
    spec: DiscordSpec, path: str, body: dict[str, Any], expected: str | None
) -> None:
    problems = spec.body_problems("POST", path, "application/json", body)
    if expected is None:
        assert problems == []
    else:
        assert len(problems) == 1, problems
        assert expected in problems[0], problems


def test_literal_path_segments_beat_parameters(spec: DiscordSpec) -> None:
    operation = spec.operation("PATCH", "/api/v10/webhooks/1/t/messages/@original")
    assert operation is not None
    assert operation.template == "/webhooks/{webhook_id}/{webhook_token}/messages/@original"
    assert spec.operation("PATCH", "/webhooks/1/t/messages/2") is not None
    assert spec.operation("BREW", "/coffee") is None


async def test_the_fake_reads_multipart_bodies(spec: DiscordSpec) -> None:
    """discord.py sends `payload_json` plus `files[n]` parts whenever a file is attached."""
    fake = await FakeDiscord(
        token=TOKEN, application_id=APPLICATION_ID, checks=[openapi_check(spec), limits_check]
    ).start()
    form = aiohttp.FormData()
    form.add_field(
        "payload_json",
        '{"content": "a story", "attachments": [{"id": 0, "filename": "s.txt"}]}',
        content_type="application/json",
    )
    form.add_field("files[0]", b"Once upon a time", filename="s.txt")
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"{fake.api_base}/channels/{fake.channel_id}/messages",
                data=form,
                headers={"Authorization": f"Bot {TOKEN}"},
            ) as response,
        ):
            assert response.status == 200
    finally:
        await fake.close()
    fake.assert_clean()
    (request,) = fake.requests
    assert request.media_type == "multipart/form-data"
    assert request.body["content"] == "a story"
    assert request.files == ["files[0]=s.txt (16 bytes)"]


async def test_privileged_intents_are_refused_as_discord_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fake closes with 4014, so a bot asking for GUILD_MEMBERS cannot pass silently."""
    fake = await FakeDiscord(token=TOKEN, application_id=APPLICATION_ID).start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url)
    )
    client = discord.Client(intents=discord.Intents(guilds=True, members=True))
    client.http.connector = aiohttp.TCPConnector(resolver=LoopbackOnlyResolver())
    try:
        async with asyncio.timeout(STEP_TIMEOUT_S):
            await client.login(TOKEN)
            # With reconnect=False discord.py surfaces the close itself (with reconnect it
            # would become PrivilegedIntentsRequired).
            with pytest.raises(discord.ConnectionClosed) as closed:
                await client.connect(reconnect=False)
    finally:
        await client.close()
        await fake.close()
    assert closed.value.code == 4014
    assert fake.identify is not None and fake.identify["intents"] & (1 << 1)


# ---------------------------------------------------------------- the bot on the wire


async def test_connects_unprivileged_and_syncs_valid_commands(wire: Wire) -> None:
    fake = wire.fake
    assert fake.identify is not None
    intents = int(fake.identify["intents"])
    privileged = [name for bit, name in PRIVILEGED_INTENTS.items() if intents & bit]
    assert not privileged, f"IDENTIFY asks for privileged intents {privileged}"
    # Guilds for the channel cache; guild and DM messages only to hear @mentions.
    assert intents == discord.Intents(guilds=True, guild_messages=True, dm_messages=True).value
    # discord.py beats once right after HELLO; the ACK gives it a latency.
    assert fake.heartbeats_acked >= 1
    assert math.isfinite(wire.bot.latency)
    sync = await fake.wait_for_request(
        lambda r: r.route == "/applications/{application_id}/guilds/{guild_id}/commands"
    )
    assert sync.method == "PUT" and sync.status == 200
    assert {"story", "help"} <= {command["name"] for command in sync.body}
    story = fake.commands["story"]
    assert {"list", "read"} <= {option["name"] for option in story["options"]}
    # discord.py's login, setup_hook's sync, then (with no shard count configured) the
    # recommended shard count: nothing else before the first user acts.
    assert [r.route for r in fake.requests] == [
        "/users/@me",
        "/oauth2/applications/@me",
        "/applications/{application_id}/guilds/{guild_id}/commands",
        "/gateway/bot",
    ]
    fake.assert_clean()


async def test_read_a_story_and_turn_its_pages(wire: Wire) -> None:
    reply = await wire.slash("story read", story="valerie")
    assert reply.type == CHANNEL_MESSAGE
    assert not reply.ephemeral  # the channel reads along by default
    assert reply.message is not None
    assert reply.embeds[0]["title"] == VALERIE_TITLE
    assert footer(reply).startswith("Page 1 of 2 · ")
    first = buttons(reply.message)
    assert list(first) == ["First", "Previous", "Next", "Last"]
    assert first["First"]["disabled"] and first["Previous"]["disabled"]
    assert not first["Next"]["disabled"]

    turned = await wire.click(reply.message, "Next")
    assert turned.type == UPDATE_MESSAGE  # the same message changes; no new one appears
    assert turned.message is not None and turned.message["id"] == reply.message["id"]
    assert turned.embeds[0]["title"] == VALERIE_TITLE
    assert footer(turned).startswith("Page 2 of 2 · ")
    assert buttons(turned.message)["Next"]["disabled"]

    back = await wire.choose(turned.message, "1")
    assert back.type == UPDATE_MESSAGE
    assert footer(back).startswith("Page 1 of 2 · ")
    wire.fake.assert_clean()


async def test_autocomplete_offers_valerie(wire: Wire) -> None:
    reply = await wire.autocomplete("story read", "story", "valerie")
    assert reply.type == AUTOCOMPLETE_RESULT
    choices = reply.data["choices"]
    assert 1 <= len(choices) <= 25
    assert choices[0] == {"name": VALERIE_TITLE, "value": VALERIE_SLUG}

    everything = await wire.autocomplete("story read", "story", "")
    assert len(everything.data["choices"]) == min(25, BUILTIN_STORIES)
    wire.fake.assert_clean()


async def test_list_and_help_are_private(wire: Wire) -> None:
    listing = await wire.slash("story list")
    assert listing.type == CHANNEL_MESSAGE and listing.ephemeral
    assert listing.embeds[0]["title"] == "Stories in the library"
    assert VALERIE_TITLE in listing.embeds[0]["description"]
    assert footer(listing).startswith("Page 1 of ")
    assert f" · {BUILTIN_STORIES} stories" in footer(listing)

    help_reply = await wire.slash("help")
    assert help_reply.type == CHANNEL_MESSAGE and help_reply.ephemeral
    fields = {field["name"]: field["value"] for field in help_reply.embeds[0]["fields"]}
    assert {"Reading", "Help"} <= set(fields)
    assert "`/story read` Read a story page by page" in fields["Reading"]
    wire.fake.assert_clean()


async def test_unknown_story_gets_a_private_error_not_a_crash(wire: Wire) -> None:
    reply = await wire.slash("story read", story="the dragon of nowhere")
    assert reply.type == CHANNEL_MESSAGE
    assert reply.ephemeral
    assert reply.data["flags"] & 64
    error = reply.embeds[0]
    assert error["title"] == "Not found"
    assert "the dragon of nowhere" in error["description"]
    # Still answering afterwards.
    assert (await wire.slash("story read", story="valerie")).embeds[0]["title"] == VALERIE_TITLE
    wire.fake.assert_clean()


async def test_read_options_open_a_page_privately(wire: Wire) -> None:
    reply = await wire.slash("story read", story=VALERIE_SLUG, page=2, private=True)
    assert reply.type == CHANNEL_MESSAGE and reply.ephemeral
    assert reply.embeds[0]["title"] == VALERIE_TITLE
    assert footer(reply).startswith("Page 2 of 2 · ")
    wire.fake.assert_clean()


async def test_a_stale_button_gets_a_private_error(wire: Wire) -> None:
    """A button on an old message whose story is gone (or a forged custom_id)."""
    reply = await wire.slash("story read", story="valerie")
    assert reply.message is not None
    stale = copy.deepcopy(reply.message)
    next_button = buttons(stale)["Next"]
    next_button["custom_id"] = "conteur:read:999999:2:next"
    clicked = await wire.click(stale, "Next")
    assert clicked.type == CHANNEL_MESSAGE and clicked.ephemeral
    assert clicked.embeds[0]["title"] == "Not found"
    # The original message is untouched: still page 1.
    assert wire.fake.messages[reply.message["id"]]["embeds"][0]["footer"]["text"].startswith(
        "Page 1 of 2"
    )
    wire.fake.assert_clean()
