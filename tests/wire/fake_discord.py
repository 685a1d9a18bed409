"""A small fake Discord on 127.0.0.1: the HTTP routes Conteur uses and the gateway websocket.

The unmodified bot talks to it exactly as it talks to Discord; only discord.py's two
base URLs change (`Route.BASE` and `DiscordWebSocket.DEFAULT_GATEWAY`). It holds one
guild with one text channel, one member ("alice", the user whose clicks the tests
play) and the bot itself; or, for tests of several processes, several guilds spread
over shards as Discord spreads them (`(guild_id >> 22) % shard_count`), each shard's
events sent only on that shard's connections, and DM channels opened on request.

What it does, and why:

* Records every HTTP request (method, path, decoded body, files) so tests can assert
  on what a user would see and check every body the bot ever sent.
* Serves only the routes in `ROUTES`. Anything else is recorded as a problem and
  answered 404, so a new call in the bot fails the wire tests loudly instead of being
  silently accepted.
* Runs each request through the `checks` it was given (the tests pass Discord's
  OpenAPI description and the limits helper). A body they reject is answered 400
  "Invalid Form Body", as Discord would, so the bot sees the failure a user would.
* Enforces what Discord enforces for interactions: a known id and token, one
  acknowledgement each, within three seconds.
* Plays the gateway: HELLO, then IDENTIFY (closing with 4014 on privileged intents,
  as Discord does when they are not approved), READY, GUILD_CREATE, heartbeat ACKs,
  and any INTERACTION_CREATE a test injects.
* Keeps each channel's message history and serves it (`GET …/messages`, newest first,
  with `limit`, `before`, `after`), and honours `nonce` with `enforce_nonce` as Discord
  documents: a second message with the same nonce from the same author within a few
  minutes returns the first one and posts nothing.
* Notes when each request arrived, so a test can count requests per second as
  Discord's global rate limit counts them.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web

API_PREFIX = "/api/v10"
DISCORD_EPOCH_MS = 1_420_070_400_000

# Gateway opcodes and close codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
DISPATCH, HEARTBEAT, IDENTIFY, RESUME, HELLO, HEARTBEAT_ACK = 0, 1, 2, 6, 10, 11
CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_DISALLOWED_INTENTS = 4014
PRIVILEGED_INTENTS = {
    1 << 1: "GUILD_MEMBERS",
    1 << 8: "GUILD_PRESENCES",
    1 << 15: "MESSAGE_CONTENT",
}
# Discord: "checked for uniqueness in the past few minutes".
NONCE_WINDOW_S = 5 * 60
HEARTBEAT_INTERVAL_MS = 41_250  # Discord's usual value; tests end long before the second beat

# Interaction and callback types.
APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE = 2, 3, 4
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT = 8
MODAL, MODAL_SUBMIT = 9, 5
EPHEMERAL = 1 << 6
INTERACTION_DEADLINE_S = 3.0  # Discord shows "The application did not respond" after this
# Every wait is bounded, so a bot that never answers fails in seconds, not at CI's timeout.
# 30 s, not 10: on a loaded 2-core machine logging in (app, guild sync, library) took 10.
WAIT_S = 30.0

ALL_PERMISSIONS = str((1 << 51) - 1)
# The bot's role: view, send, embed links, create public threads (no history by default).
BOT_PERMISSIONS = 0x4_0000_0C00 | 0x4000
READ_MESSAGE_HISTORY = 0x1_0000
MEMBER_PERMISSIONS = str(0x0006_3584_0E41)  # a typical @everyone: view, send, read history…

Json = Any
Check = Callable[["RecordedRequest"], Iterable[str]]


def snowflakes() -> Iterator[int]:
    """Unique, increasing snowflakes with real timestamps (discord.py derives created_at)."""
    for counter in itertools.count(1):
        yield ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (counter & 0xFFF)


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


def json_response(status: int, payload: Json) -> web.Response:
    if payload is None:
        return web.Response(status=204)
    # Exactly "application/json": discord.py only decodes a body with that content type,
    # and aiohttp's json_response would append "; charset=utf-8".
    return web.Response(
        status=status,
        body=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )


@dataclass
class RecordedRequest:
    """One HTTP request the bot made, as the fake understood it."""

    method: str
    path: str  # without the /api/v10 prefix
    route: str | None  # the served route's template; None when the fake does not serve it
    bodiless: bool
    query: dict[str, str]
    media_type: str | None
    body: Json  # decoded JSON (or multipart's payload_json); None when there was no body
    files: list[str]
    authorization: str | None
    problems: list[str] = field(default_factory=list)
    status: int = 0
    arrived: float = field(default_factory=time.monotonic)  # as Discord's limiter counts

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class Interaction:
    """An interaction the fake sent over the gateway and expects the bot to answer."""

    payload: dict[str, Json]
    sent_at: float
    callback: RecordedRequest | None = None
    original_message_id: str | None = None
    modal: dict[str, Json] | None = None  # the form the bot answered with, if any

    @property
    def id(self) -> str:
        return str(self.payload["id"])

    @property
    def token(self) -> str:
        return str(self.payload["token"])


@dataclass
class Reply:
    """What came back for an interaction: the callback request and the message a user sees."""

    interaction: Interaction
    callback: RecordedRequest
    message: dict[str, Json] | None

    @property
    def type(self) -> int:
        return int(self.callback.body["type"])

    @property
    def data(self) -> dict[str, Json]:
        return dict(self.callback.body.get("data") or {})

    @property
    def ephemeral(self) -> bool:
        return bool((self.data.get("flags") or 0) & EPHEMERAL)

    @property
    def embeds(self) -> list[dict[str, Json]]:
        source = self.message if self.message is not None else self.data
        return list(source.get("embeds") or [])


@dataclass
class FakeGuild:
    """One server: its id decides its shard, as on Discord."""

    id: str
    name: str
    channel_ids: list[str]

    def shard(self, shard_count: int) -> int:
        return (int(self.id) >> 22) % shard_count


Handler = Callable[[RecordedRequest, dict[str, str]], Awaitable[tuple[int, Json]]]


@dataclass(frozen=True)
class ServedRoute:
    method: str
    template: str  # the same spelling as the OpenAPI description's paths
    handler_name: str
    bodiless: bool = False  # True: Discord defines no body here and the bot must send none
    bot_auth: bool = True  # interaction callbacks and webhooks authenticate by token instead

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if method != self.method:
            return None
        pattern = self.template.strip("/").split("/")
        segments = path.strip("/").split("/")
        if len(pattern) != len(segments):
            return None
        params: dict[str, str] = {}
        for expected, actual in zip(pattern, segments, strict=True):
            if expected.startswith("{") and expected.endswith("}"):
                params[expected[1:-1]] = actual
            elif expected != actual:
                return None
        return params

    @property
    def literal_segments(self) -> int:
        return sum(1 for part in self.template.split("/") if part and not part.startswith("{"))


CALLBACK_ROUTE = "/interactions/{interaction_id}/{interaction_token}/callback"
ROUTES: tuple[ServedRoute, ...] = (
    ServedRoute("GET", "/users/@me", "_get_current_user", bodiless=True),
    ServedRoute("GET", "/oauth2/applications/@me", "_get_application", bodiless=True),
    # discord.py 2.7.1's Client connects to DEFAULT_GATEWAY directly; an AutoShardedClient
    # asks /gateway/bot first, so serve it for that case.
    ServedRoute("GET", "/gateway/bot", "_get_gateway_bot", bodiless=True),
    ServedRoute("PUT", "/applications/{application_id}/commands", "_put_commands"),
    ServedRoute(
        "PUT", "/applications/{application_id}/guilds/{guild_id}/commands", "_put_commands"
    ),
    ServedRoute(
        "POST",
        CALLBACK_ROUTE,
        "_interaction_callback",
        bot_auth=False,
    ),
    ServedRoute("POST", "/webhooks/{webhook_id}/{webhook_token}", "_followup", bot_auth=False),
    ServedRoute(
        "PATCH",
        "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
        "_edit_original",
        bot_auth=False,
    ),
    ServedRoute("POST", "/channels/{channel_id}/messages", "_create_message"),
    ServedRoute("GET", "/channels/{channel_id}/messages", "_list_messages", bodiless=True),
    ServedRoute("POST", "/users/@me/channels", "_create_dm"),
    ServedRoute("POST", "/channels/{channel_id}/messages/{message_id}/threads", "_create_thread"),
)
TOKEN_ROUTES = frozenset(route.template for route in ROUTES if not route.bot_auth)
MESSAGE_ROUTES = frozenset(
    {
        "/interactions/{interaction_id}/{interaction_token}/callback",
        "/webhooks/{webhook_id}/{webhook_token}",
        "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
        "/channels/{channel_id}/messages",
    }
)


def _follow_up_of(token: str) -> Callable[[RecordedRequest], bool]:
    def matches(request: RecordedRequest) -> bool:
        return (
            request.route == "/webhooks/{webhook_id}/{webhook_token}"
            and request.path.split("/")[3] == token
        )

    return matches


def find_route(method: str, path: str) -> tuple[ServedRoute, dict[str, str]] | None:
    """The served route for a request; literal segments beat parameters (`@original`)."""
    matches = [(r, p) for r in ROUTES if (p := r.match(method, path)) is not None]
    return max(matches, key=lambda m: m[0].literal_segments) if matches else None


class FakeDiscord:
    """Start with `await FakeDiscord(...).start()`; always `await close()`."""

    def __init__(
        self,
        *,
        token: str,
        application_id: int,
        checks: Sequence[Check] = (),
        approved_intents: int = 0,
        text_channels: int = 1,
        bot_permissions: int = BOT_PERMISSIONS,
        reconnects: bool = False,
        guilds: int = 1,
        shard_count: int = 1,
    ) -> None:
        self.token = token
        self.bot_permissions = bot_permissions
        # A bot killed and started again connects anew while the fake may not yet have
        # seen the old socket close; allowed only where a test kills the bot. The newest
        # connection of a shard gets its events.
        self.reconnects = reconnects
        self.shard_count = shard_count
        self.checks = list(checks)
        self.approved_intents = approved_intents
        self._ids = snowflakes()
        self.application_id = str(application_id)
        self.bot_user: dict[str, Json] = {
            "id": self.application_id,  # a bot's user id is its application's id
            "username": "Conteur",
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "bot": True,
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
            "public_flags": 0,
        }
        self.owner: dict[str, Json] = self._user("owner")
        self.alice: dict[str, Json] = self._user("alice")
        self.alice_permissions = MEMBER_PERMISSIONS  # ALL_PERMISSIONS: alice moderates
        # Guild n on shard n % shard_count, so every shard has servers.
        self.guilds = [
            FakeGuild(
                self._new_id_on_shard(number % shard_count),
                "Wire Test Server" if number == 0 else f"Wire Test Server {number + 1}",
                [self._new_id() for _ in range(max(1, text_channels))],
            )
            for number in range(max(1, guilds))
        ]
        # The first guild is the one single-guild tests talk about.
        self.guild_id = self.guilds[0].id
        self.channel_ids = self.guilds[0].channel_ids
        self.channel_id = self.channel_ids[0]
        self.bot_role_id = self._new_id()
        # Every channel the bot may post in: the guilds' (and threads'), and DMs (None).
        self.channel_guilds: dict[str, str | None] = {
            channel: guild.id for guild in self.guilds for channel in guild.channel_ids
        }
        self.dm_channels: dict[str, str] = {}  # recipient's user id → DM channel id
        self._threads: set[str] = set()

        self.requests: list[RecordedRequest] = []
        self.problems: list[str] = []
        self._reported = 0
        self.commands: dict[str, dict[str, Json]] = {}  # by name, as last synced
        self.messages: dict[str, dict[str, Json]] = {}
        self.history: dict[str, list[str]] = {channel: [] for channel in self.channel_guilds}
        self._nonces: dict[tuple[str, str], tuple[float, str]] = {}  # → (when, message id)
        self.nonce_hits = 0  # messages not posted again thanks to enforce_nonce
        self.ready_count = 0  # READYs sent: one per (re)connection of any shard
        self.ready_by_shard = [0] * shard_count
        self.interactions: dict[str, Interaction] = {}
        self._request_arrived = asyncio.Condition()
        # Interaction id → the future its first callback request resolves. A burst of
        # 400 waiting on the condition above rescanned every request recorded so far on
        # each arrival: the fake's own loop fell seconds behind, and its lateness
        # (arrivals stamped late) was timed as the bot's.
        self._callback_waiters: dict[str, asyncio.Future[RecordedRequest]] = {}

        self.identify: dict[str, Json] | None = None
        self.identified = asyncio.Event()
        self.gateway_frames: list[dict[str, Json]] = []
        self.heartbeats_acked = 0
        # Each shard's identified connections, oldest first.
        self._shards: dict[int, list[web.WebSocketResponse]] = {}
        self._sequence = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._http)
        app.router.add_get("/", self._gateway)
        app.router.add_get("/_control/state", self._control_state)
        app.router.add_post("/_control/burst", self._control_burst)
        app.router.add_post("/_control/interact", self._control_interact)
        app.router.add_post("/_control/flow", self._control_flow)
        app.router.add_route("*", "/{tail:.*}", self._outside_api)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)  # port 0: any free port
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def close(self) -> None:
        for sockets in self._shards.values():
            for ws in sockets:
                if not ws.closed:
                    await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    # ------------------------------------------------------------ world

    def _new_id(self) -> str:
        return str(next(self._ids))

    def _new_id_on_shard(self, shard: int) -> str:
        """A snowflake Discord would route to `shard`: its timestamp decides."""
        snowflake = int(self._new_id())
        moment = snowflake >> 22
        moment += (shard - moment) % self.shard_count
        return str((moment << 22) | (snowflake & ((1 << 22) - 1)))

    def guild(self, guild_id: str) -> FakeGuild:
        found = next((guild for guild in self.guilds if guild.id == str(guild_id)), None)
        assert found is not None, f"no guild {guild_id} in the fake"
        return found

    def shard_of(self, guild_id: str | None) -> int:
        """Discord sends a server's events to one shard, DMs' to shard 0."""
        return 0 if guild_id is None else (int(guild_id) >> 22) % self.shard_count

    def _user(self, name: str) -> dict[str, Json]:
        return {
            "id": self._new_id(),
            "username": name,
            "discriminator": "0",
            "global_name": name.title(),
            "avatar": None,
            "public_flags": 0,
        }

    def _role(self, role_id: str, name: str, permissions: str, position: int) -> dict[str, Json]:
        return {
            "id": role_id,
            "name": name,
            "permissions": permissions,
            "position": position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": name == "Conteur",
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
            **({"tags": {"bot_id": self.application_id}} if name == "Conteur" else {}),
        }

    def guild_payload(self, guild: FakeGuild | None = None) -> dict[str, Json]:
        """GUILD_CREATE as Discord sends it to a bot without the GUILD_MEMBERS intent."""
        guild = guild or self.guilds[0]
        return {
            "id": guild.id,
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": self.owner["id"],
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "system_channel_id": guild.channel_ids[0],
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "vanity_url_code": None,
            "application_id": None,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [
                self._role(guild.id, "@everyone", MEMBER_PERMISSIONS, 0),
                self._role(self._new_id(), "Moderators", str(0x2000 | 0x20), 2),
                self._role(self.bot_role_id, "Conteur", str(self.bot_permissions), 1),
            ],
            "channels": [
                {
                    "id": channel_id,
                    "type": 0,
                    "guild_id": guild.id,
                    "name": "general" if position == 0 else f"reading-{position}",
                    "position": position,
                    "parent_id": None,
                    "topic": "Where stories are read aloud",
                    "nsfw": False,
                    "rate_limit_per_user": 0,
                    "last_message_id": None,
                    "permission_overwrites": [],
                    "flags": 0,
                }
                for position, channel_id in enumerate(guild.channel_ids)
                if self.channel_guilds.get(channel_id) == guild.id
                and channel_id not in self._threads
            ],
            "threads": [],
            "members": [self.member_payload(self.bot_user, [self.bot_role_id])],
            "member_count": 3,
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "large": False,
            "unavailable": False,
            "lazy": True,
            "joined_at": iso_now(),
            "nsfw": False,
            "premium_progress_bar_enabled": False,
        }

    def member_payload(
        self, user: dict[str, Json], roles: list[str], permissions: str | None = None
    ) -> dict[str, Json]:
        member: dict[str, Json] = {
            "user": user,
            "roles": roles,
            "nick": None,
            "avatar": None,
            "banner": None,
            "joined_at": iso_now(),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if permissions is not None:  # interactions carry the member's resolved permissions
            member["permissions"] = permissions
        return member

    # ------------------------------------------------------------ HTTP

    async def _outside_api(self, request: web.Request) -> web.StreamResponse:
        recorded = RecordedRequest(
            request.method, request.path, None, False, dict(request.query), None, None, [], None
        )
        recorded.problems.append(f"{recorded.label}: outside {API_PREFIX}; nothing is served here")
        return await self._finish(recorded, 404, {"message": "404: Not Found", "code": 0})

    async def _http(self, request: web.Request) -> web.StreamResponse:
        # Before reading and checking the body: the fake's own slowness (validating a
        # burst of bodies) must not count against the bot's deadlines.
        arrived = time.monotonic()
        path = request.path.removeprefix(API_PREFIX)
        found = find_route(request.method, path)
        route, params = found if found else (None, {})
        media_type, body, files = await self._read_body(request)
        recorded = RecordedRequest(
            method=request.method,
            path=path,
            route=route.template if route else None,
            bodiless=route.bodiless if route else False,
            query=dict(request.query),
            media_type=media_type,
            body=body,
            files=files,
            authorization=request.headers.get("Authorization"),
            arrived=arrived,
        )
        if route is None:
            served = "\n  ".join(f"{r.method} {r.template}" for r in ROUTES)
            recorded.problems.append(
                f"{recorded.label}: the fake Discord does not serve this route. If the bot "
                f"should call it, add it to ROUTES in tests/wire/fake_discord.py. Served:\n  "
                f"{served}"
            )
            return await self._finish(recorded, 404, {"message": "404: Not Found", "code": 0})
        if route.bodiless and body is not None:
            recorded.problems.append(f"{recorded.label}: sent a body to a bodiless route")
        if route.bot_auth and recorded.authorization != f"Bot {self.token}":
            recorded.problems.append(f"{recorded.label}: missing or wrong bot token")
            return await self._finish(recorded, 401, {"message": "401: Unauthorized", "code": 0})
        for check in self.checks:
            recorded.problems.extend(check(recorded))
        if recorded.problems:
            # What Discord answers a body it rejects; the bot must cope as it would live.
            return await self._finish(
                recorded, 400, {"message": "Invalid Form Body", "code": 50035, "errors": {}}
            )
        handler: Handler = getattr(self, route.handler_name)
        status, payload = await handler(recorded, params)
        return await self._finish(recorded, status, payload)

    async def _finish(self, recorded: RecordedRequest, status: int, payload: Json) -> web.Response:
        recorded.status = status
        self.problems.extend(recorded.problems)
        self.requests.append(recorded)
        if recorded.route == CALLBACK_ROUTE:
            waiter = self._callback_waiters.pop(recorded.path.split("/")[2], None)
            if waiter is not None and not waiter.done():
                waiter.set_result(recorded)
        async with self._request_arrived:
            self._request_arrived.notify_all()
        return json_response(status, payload)

    @staticmethod
    async def _read_body(request: web.Request) -> tuple[str | None, Json, list[str]]:
        if not request.body_exists:
            return None, None, []
        media_type = request.content_type
        if media_type == "multipart/form-data":
            # discord.py switches to multipart when files are attached: the message is
            # the `payload_json` part, the files are `files[n]`.
            body: Json = None
            files: list[str] = []
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, aiohttp.BodyPartReader):
                    continue
                raw = await part.read()
                if part.name == "payload_json":
                    body = json.loads(raw)
                else:
                    files.append(f"{part.name}={part.filename} ({len(raw)} bytes)")
            return media_type, body, files
        raw_text = await request.text()
        if not raw_text:
            return None, None, []
        if media_type != "application/json":
            return media_type, raw_text, []
        return media_type, json.loads(raw_text), []

    def _error(
        self, recorded: RecordedRequest, status: int, code: int, message: str
    ) -> tuple[int, Json]:
        recorded.problems.append(f"{recorded.label}: {status} {message}")  # _finish reports it
        return status, {"message": message, "code": code}

    async def _get_current_user(self, _: RecordedRequest, __: dict[str, str]) -> tuple[int, Json]:
        return 200, self.bot_user

    async def _get_application(self, _: RecordedRequest, __: dict[str, str]) -> tuple[int, Json]:
        return 200, {
            "id": self.application_id,
            "name": "Conteur",
            "icon": None,
            "description": "Stories to read, retell and discuss.",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": secrets.token_hex(32),
            "flags": 1 << 19,  # GATEWAY_MESSAGE_CONTENT_LIMITED: not approved, as in a new app
            "owner": self.owner,
            "team": None,
            "bot": self.bot_user,
            "interactions_endpoint_url": None,
            "redirect_uris": [],
            "tags": [],
        }

    async def _get_gateway_bot(self, _: RecordedRequest, __: dict[str, str]) -> tuple[int, Json]:
        return 200, {
            "url": self.gateway_url.rstrip("/"),
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 86_400_000,
                "max_concurrency": 1,
            },
        }

    async def _put_commands(
        self, recorded: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Json]:
        if params["application_id"] != self.application_id:
            return self._error(recorded, 403, 50001, "Missing Access (another application)")
        if "guild_id" in params and params["guild_id"] not in {g.id for g in self.guilds}:
            return self._error(recorded, 403, 50001, "Missing Access (unknown guild)")
        synced = []
        for command in recorded.body or []:
            previous = self.commands.get(command["name"], {})
            synced.append(
                {
                    "type": 1,
                    "contexts": None,
                    "integration_types": [0],
                    "default_member_permissions": None,
                    "nsfw": False,
                    **command,
                    "id": previous.get("id", self._new_id()),
                    "application_id": self.application_id,
                    "version": self._new_id(),
                    **({"guild_id": params["guild_id"]} if "guild_id" in params else {}),
                }
            )
        # PUT replaces the whole set, as on Discord.
        self.commands = {command["name"]: command for command in synced}
        return 200, synced

    def _message(
        self,
        data: Mapping[str, Json],
        *,
        interaction: Interaction | None,
        channel_id: str | None = None,
    ) -> dict[str, Json]:
        if interaction is not None:
            channel_id = channel_id or str(interaction.payload["channel_id"])
        channel_id = channel_id or self.channel_id
        guild_id = self.channel_guilds.get(channel_id)
        message: dict[str, Json] = {
            "id": self._new_id(),
            "type": 20 if interaction else 0,  # CHAT_INPUT_COMMAND reply, else DEFAULT
            "channel_id": channel_id,
            **({"guild_id": guild_id} if guild_id is not None else {}),
            "author": self.bot_user,
            "content": data.get("content") or "",
            # Discord stores every embed it accepts as a "rich" one.
            "embeds": [{"type": "rich", **embed} for embed in data.get("embeds") or []],
            "components": list(data.get("components") or []),
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": bool(data.get("tts")),
            "flags": int(data.get("flags") or 0),
            "timestamp": iso_now(),
            "edited_timestamp": None,
        }
        if interaction is not None:
            message["webhook_id"] = self.application_id
            message["application_id"] = self.application_id
            message["interaction_metadata"] = {
                "id": interaction.id,
                "type": interaction.payload["type"],
                "user": self.alice,
                "authorizing_integration_owners": {"0": guild_id},
            }
        if data.get("nonce") is not None:
            message["nonce"] = data["nonce"]  # echoed in the answer, as Discord does
        self.messages[message["id"]] = message
        self.history.setdefault(channel_id, []).append(message["id"])
        return message

    def _edit(self, message_id: str, data: Mapping[str, Json]) -> dict[str, Json]:
        message = self.messages[message_id]
        for key in ("content", "components", "flags"):
            if key in data:
                message[key] = data[key] if data[key] is not None else message[key]
        if "embeds" in data:
            message["embeds"] = [{"type": "rich", **embed} for embed in data["embeds"] or []]
        message["edited_timestamp"] = iso_now()
        return message

    def _interaction_for(
        self, recorded: RecordedRequest, interaction_id: str | None, token: str
    ) -> Interaction | None:
        found = (
            self.interactions.get(interaction_id)
            if interaction_id is not None
            else next((i for i in self.interactions.values() if i.token == token), None)
        )
        if found is None or found.token != token:
            self._error(recorded, 404, 10062, "Unknown interaction")
            return None
        return found

    async def _interaction_callback(
        self, recorded: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Json]:
        interaction = self._interaction_for(
            recorded, params["interaction_id"], params["interaction_token"]
        )
        if interaction is None:
            return 404, {"message": "Unknown interaction", "code": 10062}
        if interaction.callback is not None:
            return self._error(recorded, 400, 40060, "Interaction has already been acknowledged.")
        elapsed = recorded.arrived - interaction.sent_at
        if elapsed > INTERACTION_DEADLINE_S:
            return self._error(
                recorded, 404, 10062, f"Unknown interaction (answered after {elapsed:.1f} s)"
            )
        interaction.callback = recorded
        kind = int(recorded.body["type"])
        data = recorded.body.get("data") or {}
        message: dict[str, Json] | None = None
        if kind == CHANNEL_MESSAGE:
            message = self._message(data, interaction=interaction)
            interaction.original_message_id = message["id"]
        elif kind == UPDATE_MESSAGE:
            target = (interaction.payload.get("message") or {}).get("id")
            if target not in self.messages:
                return self._error(recorded, 400, 50035, "Update of a message that is not there")
            message = self._edit(target, data)
            interaction.original_message_id = target
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            # The user sees "Conteur is thinking…" until the original is edited.
            message = self._message({"flags": data.get("flags")}, interaction=interaction)
            interaction.original_message_id = message["id"]
        elif kind == DEFERRED_UPDATE:
            interaction.original_message_id = (interaction.payload.get("message") or {}).get("id")
        elif kind == MODAL:
            interaction.modal = dict(data)  # the form the user now sees
        elif kind != AUTOCOMPLETE_RESULT:
            return self._error(recorded, 400, 50035, f"Callback type {kind} is not handled here")
        if recorded.query.get("with_response", "").lower() not in ("1", "true"):
            return 204, None
        answer: dict[str, Json] = {
            "interaction": {
                "id": interaction.id,
                "type": interaction.payload["type"],
                "activity_instance_id": None,
                "response_message_id": message["id"] if message else None,
                "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool((data.get("flags") or 0) & EPHEMERAL),
            }
        }
        if message is not None:
            answer["resource"] = {"type": kind, "message": message}
        return 200, answer

    async def _followup(
        self, recorded: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Json]:
        interaction = self._interaction_for(recorded, None, params["webhook_token"])
        if interaction is None or params["webhook_id"] != self.application_id:
            return 404, {"message": "Unknown Webhook", "code": 10015}
        if interaction.callback is None:
            return self._error(
                recorded, 400, 40060, "Follow-up before the interaction was acknowledged"
            )
        message = self._message(recorded.body or {}, interaction=interaction)
        wait = recorded.query.get("wait", "").lower() in ("1", "true")
        return (200, message) if wait else (204, None)

    async def _edit_original(
        self, recorded: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Json]:
        interaction = self._interaction_for(recorded, None, params["webhook_token"])
        if interaction is None or params["webhook_id"] != self.application_id:
            return 404, {"message": "Unknown Webhook", "code": 10015}
        if interaction.original_message_id not in self.messages:
            return self._error(recorded, 404, 10008, "Unknown Message (no original response yet)")
        return 200, self._edit(str(interaction.original_message_id), recorded.body or {})

    async def _create_message(
        self, recorded: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Json]:
        channel_id = params["channel_id"]
        if channel_id not in self.history or channel_id not in self.channel_guilds:
            return self._error(recorded, 404, 10003, "Unknown Channel")
        body = recorded.body or {}
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            key = (str(self.bot_user["id"]), str(nonce))
            seen = self._nonces.get(key)
            now = time.monotonic()
            if seen is not None and now - seen[0] < NONCE_WINDOW_S and seen[1] in self.messages:
                self.nonce_hits += 1
                return 200, self.messages[seen[1]]  # the first message, nothing posted
            message = self._message(body, interaction=None, channel_id=channel_id)
            self._nonces[key] = (now, message["id"])
            return 200, message
        return 200, self._message(body, interaction=None, channel_id=channel_id)

    async def _create_thread(
        self, recorded: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Json]:
        """A public thread under a message; the bot may then post in it."""
        channel_id, message_id = params["channel_id"], params["message_id"]
        if message_id not in self.history.get(channel_id, []):
            return self._error(recorded, 404, 10008, "Unknown Message")
        thread_id = message_id  # Discord gives a thread made from a message its id
        self.history.setdefault(thread_id, [])
        guild_id = self.channel_guilds.get(channel_id)
        if guild_id == self.guild_id:
            self.channel_ids.append(thread_id)  # single-guild tests look for threads here
        self.channel_guilds[thread_id] = guild_id
        self._threads.add(thread_id)
        body = recorded.body or {}
        return 200, {
            "id": thread_id,
            "type": 11,
            "guild_id": guild_id,
            "parent_id": channel_id,
            "owner_id": self.application_id,
            "name": body.get("name", "thread"),
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "total_message_sent": 0,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": body.get("auto_archive_duration", 1440),
                "archive_timestamp": iso_now(),
                "locked": False,
            },
        }

    async def _list_messages(
        self, recorded: RecordedRequest, params: dict[str, str]
    ) -> tuple[int, Json]:
        """A channel's history, newest first, as Discord pages it."""
        channel_id = params["channel_id"]
        if channel_id not in self.history:
            return self._error(recorded, 404, 10003, "Unknown Channel")
        if not self.bot_permissions & READ_MESSAGE_HISTORY:
            return 200, []  # Discord answers an empty list without Read Message History
        try:
            limit = int(recorded.query.get("limit", "50"))
            before = int(recorded.query["before"]) if "before" in recorded.query else None
            after = int(recorded.query["after"]) if "after" in recorded.query else None
        except ValueError:
            return self._error(recorded, 400, 50035, "Invalid Form Body (query)")
        if not 1 <= limit <= 100:
            return self._error(recorded, 400, 50035, "limit must be 1 to 100")
        ids = [int(message_id) for message_id in self.history[channel_id]]
        if before is not None:
            ids = [i for i in ids if i < before]
        if after is not None:
            ids = [i for i in ids if i > after]
            ids = ids[:limit]  # the oldest after `after`, still returned newest first
        else:
            ids = ids[-limit:]
        return 200, [self.messages[str(i)] for i in reversed(ids)]

    async def _create_dm(self, recorded: RecordedRequest, _: dict[str, str]) -> tuple[int, Json]:
        """The DM channel with a user: the same one every time, as on Discord."""
        recipient = str((recorded.body or {}).get("recipient_id", ""))
        if not recipient.isdigit():
            return self._error(recorded, 400, 50035, "Invalid Form Body (recipient_id)")
        channel_id = self.dm_channels.get(recipient)
        if channel_id is None:
            channel_id = self.dm_channels[recipient] = self._new_id()
            self.channel_guilds[channel_id] = None
            self.history[channel_id] = []
        user = {
            "id": recipient,
            "username": f"reader{recipient[-4:]}",
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "public_flags": 0,
        }
        return 200, {
            "id": channel_id,
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user],
        }

    async def wait_for_request(
        self, predicate: Callable[[RecordedRequest], bool]
    ) -> RecordedRequest:
        """The first recorded request matching `predicate`, waiting at most WAIT_S for it."""

        def first() -> RecordedRequest | None:
            return next((r for r in self.requests if predicate(r)), None)

        async with asyncio.timeout(WAIT_S), self._request_arrived:
            await self._request_arrived.wait_for(lambda: first() is not None)
        found = first()
        assert found is not None
        return found

    def assert_clean(self) -> None:
        """Fail naming every problem not yet reported (bad bodies, unexpected routes…)."""
        new = self.problems[self._reported :]
        self._reported = len(self.problems)
        assert not new, f"{len(new)} problem(s) in what the bot sent:\n" + "\n".join(new)

    # ------------------------------------------------------------ gateway

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        if request.query.get("v") != "10" or request.query.get("encoding") != "json":
            self.problems.append(f"gateway: unexpected query {dict(request.query)}")
        # Plain-text frames even when zlib-stream is requested: discord.py decompresses
        # only binary frames, and text keeps the fake readable.
        await ws.send_json({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        try:
            async for frame in ws:
                if frame.type != aiohttp.WSMsgType.TEXT:
                    self.problems.append(f"gateway: unexpected {frame.type.name} frame")
                    continue
                message = json.loads(frame.data)
                self.gateway_frames.append(message)
                op = message.get("op")
                if op == HEARTBEAT:
                    await ws.send_json({"op": HEARTBEAT_ACK})
                    self.heartbeats_acked += 1
                elif op == IDENTIFY:
                    await self._on_identify(ws, message["d"])
                elif op == RESUME:
                    self.problems.append("gateway: RESUME, but no session was ever lost")
        finally:
            for sockets in self._shards.values():
                if ws in sockets:
                    sockets.remove(ws)
        return ws

    async def _on_identify(self, ws: web.WebSocketResponse, data: dict[str, Json]) -> None:
        self.identify = data
        self.identified.set()
        if data.get("token") != self.token:
            await ws.close(code=CLOSE_AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        refused = [
            name
            for bit, name in PRIVILEGED_INTENTS.items()
            if intents & bit & ~self.approved_intents
        ]
        if refused:
            await ws.close(code=CLOSE_DISALLOWED_INTENTS, message=b"Disallowed intent(s).")
            return
        shard, count = data.get("shard") or (0, 1)
        if count != self.shard_count or not 0 <= shard < count:
            self.problems.append(
                f"gateway: IDENTIFY for shard {shard} of {count}; the fake has {self.shard_count}"
            )
            await ws.close(code=4010, message=b"Invalid shard.")
            return
        sockets = self._shards.setdefault(shard, [])
        if any(not other.closed for other in sockets) and not self.reconnects:
            self.problems.append(f"gateway: a second connection to shard {shard} while one is open")
        sockets.append(ws)
        guilds = [guild for guild in self.guilds if guild.shard(self.shard_count) == shard]
        await self._send(
            ws,
            "READY",
            {
                "v": 10,
                "user": self.bot_user,
                "user_settings": {},
                "session_type": "normal",
                "session_id": secrets.token_hex(16),
                "resume_gateway_url": self.gateway_url,
                "guilds": [{"id": guild.id, "unavailable": True} for guild in guilds],
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": ["rotterdam"],
                "application": {"id": self.application_id, "flags": 1 << 19},
                "_trace": ['["fake-discord",{"micros":0}]'],
                # Discord echoes the shard a sharded IDENTIFY asked for.
                **({"shard": data["shard"]} if "shard" in data else {}),
            },
        )
        for guild in guilds:
            await self._send(ws, "GUILD_CREATE", self.guild_payload(guild))
        self.ready_count += 1
        self.ready_by_shard[shard] += 1

    def connections(self, shard: int) -> list[web.WebSocketResponse]:
        """The shard's open connections, oldest first."""
        return [ws for ws in self._shards.get(shard, []) if not ws.closed]

    async def dispatch(
        self, event: str, data: dict[str, Json], *, shard: int = 0, connection: int = -1
    ) -> None:
        """Send an event on the shard's newest connection (or the `connection`-th open one)."""
        sockets = self.connections(shard)
        if not sockets:
            raise AssertionError(f"cannot send {event}: no connection for shard {shard}")
        await self._send(sockets[connection], event, data)

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict[str, Json]) -> None:
        self._sequence += 1
        await ws.send_json({"op": DISPATCH, "t": event, "s": self._sequence, "d": data})

    # ------------------------------------------------------------ control (another process)

    async def _control_state(self, _: web.Request) -> web.Response:
        """What a test in another process asks: posts, arrivals, problems, connections."""
        posts = [
            {
                "id": message["id"],
                "channel_id": message["channel_id"],
                "nonce": message.get("nonce"),
                "footer": ((message.get("embeds") or [{}])[0].get("footer") or {}).get("text"),
            }
            for message in self.messages.values()
            if "interaction_metadata" not in message
        ]
        # Discord's global limit counts the bot's requests; interaction answers and
        # their webhooks (authenticated by the interaction's token) are exempt.
        arrivals = [
            [r.arrived, f"{r.method} {r.route or r.path}"]
            for r in self.requests
            if r.route not in TOKEN_ROUTES
        ]
        state = {
            "ready_count": self.ready_count,
            "ready_by_shard": self.ready_by_shard,
            "connected": any(self.connections(shard) for shard in range(self.shard_count)),
            "connections": [len(self.connections(shard)) for shard in range(self.shard_count)],
            "posts": posts,
            "arrivals": arrivals,
            "nonce_hits": self.nonce_hits,
            "problems": self.problems,
            "guild_id": self.guild_id,
            "channel_ids": self.channel_ids,
            "dm_channels": self.dm_channels,
        }
        return json_response(200, state)

    async def _control_burst(self, request: web.Request) -> web.Response:
        """Alice and friends click these buttons at once; how each was answered."""
        custom_ids = list((await request.json())["custom_ids"])

        async def click(custom_id: str) -> dict[str, Json]:
            message = self._message(
                {"components": [{"type": 1, "components": [
                    {"type": 2, "style": 2, "label": "›", "custom_id": custom_id}
                ]}]},
                interaction=None,
            )  # fmt: skip
            interaction = self.component_interaction(message, custom_id)
            started = time.monotonic()
            try:
                reply = await self.interact(interaction)
            except TimeoutError:
                return {"answered": False, "elapsed": time.monotonic() - started}
            return {
                "answered": reply.callback.status in (200, 204),
                "elapsed": time.monotonic() - started,
                "type": reply.type,
                "ephemeral": reply.ephemeral,
            }

        results = await asyncio.gather(*(click(custom_id) for custom_id in custom_ids))
        return json_response(200, {"results": results})

    async def _control_interact(self, request: web.Request) -> web.Response:
        """Commands, autocompletes and clicks at once (bench/burst.py); each one's answer.

        `elapsed` is from the interaction's dispatch to its acknowledgement's arrival,
        what Discord holds to three seconds.
        """
        body = await request.json()
        self.alice_permissions = ALL_PERMISSIONS if body.get("moderator") else MEMBER_PERMISSIONS

        async def one(spec: dict[str, Json]) -> dict[str, Json]:
            # Sent `after` seconds from now (a benchmark's steady arrivals); in another
            # guild or channel, or on an older connection of the guild's shard (two
            # processes running one shard, as in a rolling restart): all optional.
            await asyncio.sleep(float(spec.get("after", 0)))
            guild = self.guild(str(spec["guild"])) if "guild" in spec else None
            where: dict[str, Json] = {"guild": guild, "channel_id": spec.get("channel_id")}
            if "custom_id" in spec:
                custom_id = str(spec["custom_id"])
                message = self._message(
                    {"components": [{"type": 1, "components": [
                        {"type": 2, "style": 2, "label": "›", "custom_id": custom_id}
                    ]}]},
                    interaction=None,
                )  # fmt: skip
                interaction = self.component_interaction(message, custom_id, **where)
            else:
                interaction = self.command_interaction(
                    str(spec["command"]),
                    spec.get("options") or {},
                    focused=spec.get("focused"),
                    **where,
                )
            try:
                reply = await self.interact(interaction, connection=int(spec.get("connection", -1)))
            except TimeoutError:
                return {"answered": False, "elapsed": None}
            return {
                "answered": reply.callback.status in (200, 204),
                "elapsed": reply.callback.arrived - interaction.sent_at,
                "type": reply.type,
                "embeds": reply.embeds,
                "content": (reply.message or reply.data).get("content"),
            }

        results = await asyncio.gather(*(one(spec) for spec in body["interactions"]))
        return json_response(200, {"results": results})

    async def _control_flow(self, request: web.Request) -> web.Response:
        """One member's steps, each on the previous answer: a command, then the form it
        opened filled in (`{"form": {field: value}}`), then a button of the reply
        clicked (`{"click": label}`). Each step's answer, as /_control/interact gives it.
        """
        body = await request.json()
        self.alice_permissions = ALL_PERMISSIONS if body.get("moderator") else MEMBER_PERMISSIONS
        guild = self.guild(str(body["guild"])) if "guild" in body else None
        answers: list[dict[str, Json]] = []
        previous: Reply | None = None
        shown: dict[str, Json] = {}  # what the member sees of the previous answer
        for step in body["steps"]:
            if "command" in step:
                interaction = self.command_interaction(
                    str(step["command"]), step.get("options") or {}, guild=guild
                )
            elif "form" in step:
                assert previous is not None and previous.interaction.modal is not None, (
                    "no form was opened to fill in"
                )
                interaction = self.modal_submit(
                    previous.interaction.modal, step["form"], guild=guild
                )
            else:
                custom_id = next(
                    item["custom_id"]
                    for row in shown.get("components") or []
                    for item in row.get("components") or []
                    if item.get("label") == step["click"]
                )
                message = self.messages.get(str(shown.get("id"))) or self._message(
                    shown, interaction=None
                )
                interaction = self.component_interaction(message, custom_id, guild=guild)
            try:
                previous = await self.interact(interaction)
                shown = dict(previous.message or previous.data)
                if previous.type == DEFERRED_CHANNEL_MESSAGE:  # "thinking…", then a follow-up
                    followup = await self.wait_for_request(
                        _follow_up_of(previous.interaction.token)
                    )
                    shown = dict(followup.body or {})
            except TimeoutError:
                answers.append({"answered": False})
                break
            answers.append(
                {
                    "answered": previous.callback.status in (200, 204),
                    "type": previous.type,
                    "embeds": shown.get("embeds") or [],
                    "content": shown.get("content"),
                    "components": shown.get("components") or [],
                }
            )
        return json_response(200, {"results": answers})

    # ------------------------------------------------------------ playing the user

    def _interaction(
        self,
        kind: int,
        data: dict[str, Json],
        *,
        guild: FakeGuild | None = None,
        channel_id: str | None = None,
        **extra: Json,
    ) -> Interaction:
        guild = guild or self.guilds[0]
        channel_id = channel_id or guild.channel_ids[0]
        payload: dict[str, Json] = {
            "id": self._new_id(),
            "application_id": self.application_id,
            "type": kind,
            "data": data,
            "guild_id": guild.id,
            "guild": {"id": guild.id, "locale": "en-US", "features": []},
            "channel_id": channel_id,
            "channel": {
                "id": channel_id,
                "type": 0,
                "guild_id": guild.id,
                "name": "general",
                "position": 0,
                "parent_id": None,
                "nsfw": False,
                "permissions": self.alice_permissions,
                "flags": 0,
            },
            "member": self.member_payload(self.alice, [], self.alice_permissions),
            "token": secrets.token_urlsafe(48),
            "version": 1,
            "app_permissions": ALL_PERMISSIONS,
            "locale": "en-GB",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild.id},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
            **extra,
        }
        interaction = Interaction(payload, sent_at=0.0)
        self.interactions[interaction.id] = interaction
        return interaction

    def _options(
        self, definitions: Sequence[dict[str, Json]], given: Mapping[str, Json], focused: str | None
    ) -> list[dict[str, Json]]:
        """Typed options as the Discord client builds them from the synced definitions."""
        by_name = {option["name"]: option for option in definitions}
        unknown = set(given) - set(by_name)
        assert not unknown, f"options {sorted(unknown)} are not in the synced command"
        options = []
        for name, value in given.items():
            option: dict[str, Json] = {"type": by_name[name]["type"], "name": name, "value": value}
            if name == focused:
                option["focused"] = True
            options.append(option)
        return options

    def command_interaction(
        self,
        command: str,
        options: Mapping[str, Json] | None = None,
        *,
        focused: str | None = None,
        guild: FakeGuild | None = None,
        channel_id: str | None = None,
    ) -> Interaction:
        """`/story read` with options, as typed by alice; autocomplete when `focused` is set."""
        root, *sub = command.split()
        synced = self.commands.get(root)
        assert synced is not None, f"/{root} was never synced, so no user could run it"
        definitions = synced.get("options") or []
        data: dict[str, Json] = {
            "id": synced["id"],
            "name": root,
            "type": synced["type"],
            "guild_id": synced.get("guild_id"),
        }
        if len(sub) == 2:  # a group, then its subcommand: /daily dm enable
            group = next((o for o in definitions if o["name"] == sub[0]), None)
            assert group is not None, f"/{root} has no group {sub[0]!r}"
            subcommand = next((o for o in group.get("options") or [] if o["name"] == sub[1]), None)
            assert subcommand is not None, f"/{root} {sub[0]} has no subcommand {sub[1]!r}"
            inner = self._options(subcommand.get("options") or [], options or {}, focused)
            data["options"] = [
                {
                    "type": group["type"],
                    "name": sub[0],
                    "options": [{"type": subcommand["type"], "name": sub[1], "options": inner}],
                }
            ]
        elif sub:
            subcommand = next((o for o in definitions if o["name"] == sub[0]), None)
            assert subcommand is not None, f"/{root} has no subcommand {sub[0]!r}"
            data["options"] = [
                {
                    "type": subcommand["type"],
                    "name": sub[0],
                    "options": self._options(
                        subcommand.get("options") or [], options or {}, focused
                    ),
                }
            ]
        else:
            data["options"] = self._options(definitions, options or {}, focused)
        return self._interaction(
            AUTOCOMPLETE if focused else APPLICATION_COMMAND,
            data,
            guild=guild,
            channel_id=channel_id,
        )

    def component_interaction(
        self,
        message: dict[str, Json],
        custom_id: str,
        values: Sequence[str] | None = None,
        *,
        guild: FakeGuild | None = None,
        channel_id: str | None = None,
    ) -> Interaction:
        """Alice clicking the component `custom_id` on `message` (choosing `values` in a select)."""
        component = next(
            (
                item
                for row in message.get("components") or []
                for item in row.get("components") or []
                if item.get("custom_id") == custom_id
            ),
            None,
        )
        assert component is not None, f"{custom_id!r} is not on message {message['id']}"
        assert not component.get("disabled"), f"{custom_id!r} is disabled; nobody can click it"
        data: dict[str, Json] = {"custom_id": custom_id, "component_type": component["type"]}
        if values is not None:
            data["values"] = list(values)
        return self._interaction(
            MESSAGE_COMPONENT, data, guild=guild, channel_id=channel_id, message=message
        )

    def modal_submit(
        self,
        modal: Mapping[str, Json],
        values: Mapping[str, str],
        *,
        guild: FakeGuild | None = None,
    ) -> Interaction:
        """Alice sending the form `modal` (as the bot opened it) with these field values."""
        rows: list[Json] = []
        for row in modal.get("components") or []:
            # A field is either in an action row (type 1) or under a label (type 18).
            inner = row.get("components") or ([row["component"]] if "component" in row else [])
            # The client lets nobody type past a field's max_length (4,000 at most).
            fields = [
                {
                    "type": 4,
                    "custom_id": item["custom_id"],
                    "value": values.get(item["custom_id"], "")[: item.get("max_length", 4000)],
                }
                for item in inner
                if item.get("type") == 4
            ]
            if row.get("type") == 18:
                rows.extend({"type": 18, "component": field} for field in fields)
            else:
                rows.append({"type": 1, "components": fields})
        return self._interaction(
            MODAL_SUBMIT, {"custom_id": modal["custom_id"], "components": rows}, guild=guild
        )

    async def interact(self, interaction: Interaction, *, connection: int = -1) -> Reply:
        """Send the interaction over the gateway and wait for the bot's answer to it.

        On its guild's shard only, as Discord does; to the shard's newest connection
        unless `connection` picks another open one.
        """
        answered = asyncio.get_running_loop().create_future()
        self._callback_waiters[interaction.id] = answered
        interaction.sent_at = time.monotonic()
        shard = self.shard_of(interaction.payload.get("guild_id"))
        try:
            await self.dispatch(
                "INTERACTION_CREATE", interaction.payload, shard=shard, connection=connection
            )
            async with asyncio.timeout(WAIT_S):
                callback = await answered
        finally:
            self._callback_waiters.pop(interaction.id, None)
        message_id = interaction.original_message_id
        return Reply(interaction, callback, self.messages.get(message_id) if message_id else None)
