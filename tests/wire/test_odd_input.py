"""Odd text in every string option and form field, forged values on every component.

Property-style: the cases are generated from what the bot synced (every command,
subcommand and string option, with and without autocomplete) and from every
restart-safe component it registers, crossed with values a hostile or unlucky member
can send. Each must get a reply in time that fits Discord's limits and its OpenAPI
description (the fake rejects anything else and `assert_clean` names it), must not let
a mention resolve, and must not write what a member may not write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from bot.discord_adapter.ui import DYNAMIC_ITEMS
from bot.discord_adapter.ui.restart_safe import EXPIRED
from tests.wire import test_wire
from tests.wire.fake_discord import (
    ALL_PERMISSIONS,
    AUTOCOMPLETE_RESULT,
    DEFERRED_CHANNEL_MESSAGE,
    MEMBER_PERMISSIONS,
    MESSAGE_ROUTES,
    Interaction,
    RecordedRequest,
)
from tests.wire.test_wire import Wire

# The in-process wire fixtures, shared with test_wire.py.
spec = test_wire.spec
wire = test_wire.wire

# Discord's 3-second deadline is enforced: not beside the tests that start several
# bot processes (one worker runs the group in turn; see the Makefile).
pytestmark = [pytest.mark.wire, pytest.mark.xdist_group("processes")]

ORIGINAL = "/webhooks/{webhook_id}/{webhook_token}/messages/@original"

STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
SUBCOMMAND, GROUP = 1, 2

ODD_TEXT: dict[str, str] = {
    # Discord's most for a string option; junk, so that no lookup finds a story in it.
    "long": ("qzx ɮ́ " * 1000)[:6000],
    "empty": "",
    "punctuation": "?!…—;:,.'\"()[]{}",
    "emoji": "👩‍👧‍👦📚🦉",
    "rtl": "שלום עולם مرحبا",
    "zero-width": "\u200b\u200c\u200d\ufeff",
    "lone surrogate": "qz\ud800x",
    "nul": "qz\x00x\x00",
    "mentions": "@everyone @here <@123456789012345678> <@&123456789012345678> <#1>",
}
FORGED_FIELDS = [
    "",
    ":",
    ":99999999999999999999",  # past SQLite's integer range
    ":9223372036854775808",
    ":-1",
    ":0",
    ":٣",  # a digit, but not ASCII
    ":１",  # fullwidth
    ":1:2:3:4:5:6",
    ":" + "9" * 80,
    ":abc",
    ":1\u200b",
]
FORGED_VALUES = [["99999999999999999999"], ["-1"], ["٣"], ["9" * 100], ["0"], ["a", "b"]]
UNKNOWN_CUSTOM_IDS = ["hello", "conteur:nothing:1", "conteur", "x" * 100]
# What a member may change by commands (their own place, their own DM subscription, a
# discussion thread); a moderator also starts drafts (a preview, saved only on Publish).
MEMBER_WRITABLE = {"reading_positions", "last_shown", "subscriptions", "discussion_threads"}
MODERATOR_WRITABLE = MEMBER_WRITABLE | {"drafts"}
ROLES = {"member": MEMBER_PERMISSIONS, "moderator": ALL_PERMISSIONS}
TABLES = (
    "stories", "story_versions", "hidden_stories", "guild_settings", "audit_log",
    "reading_positions", "last_shown", "discussion_threads", "drafts", "subscriptions",
    "deliveries",
)  # fmt: skip


def counts(wire: Wire) -> dict[str, int]:
    connection = sqlite3.connect(wire.bot.store.path)
    try:
        return {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        connection.close()


def string_options(command: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], list[Any]]]:
    """(typed command, one string option, all options of that command) for each."""
    options = command.get("options") or []
    subcommands = [o for o in options if o["type"] == SUBCOMMAND]
    groups = [o for o in options if o["type"] == GROUP]
    if not subcommands and not groups:
        for option in options:
            if option["type"] == STRING:
                yield command["name"], option, options
    for sub in subcommands:
        for option in sub.get("options") or []:
            if option["type"] == STRING:
                yield f"{command['name']} {sub['name']}", option, sub.get("options") or []
    for group in groups:
        for sub in group.get("options") or []:
            for option in sub.get("options") or []:
                if option["type"] == STRING:
                    typed = f"{command['name']} {group['name']} {sub['name']}"
                    yield typed, option, sub.get("options") or []


def filled(options: list[Any], name: str, value: str, fake: Any) -> dict[str, Any]:
    """The odd value in `name`, and a plain valid value in every other required option."""
    given: dict[str, Any] = {name: value}
    for option in options:
        if option["name"] == name or not option.get("required"):
            continue
        if option.get("choices"):
            given[option["name"]] = option["choices"][0]["value"]
        elif option["type"] == STRING:
            given[option["name"]] = "valerie"
        elif option["type"] in (INTEGER, NUMBER):
            given[option["name"]] = max(1, option.get("min_value", 1))
        elif option["type"] == BOOLEAN:
            given[option["name"]] = False
        elif option["type"] == CHANNEL:
            given[option["name"]] = fake.channel_id
        elif option["type"] in (USER, MENTIONABLE):
            given[option["name"]] = fake.alice["id"]
        elif option["type"] == ROLE:
            given[option["name"]] = fake.guild_id
    return given


def no_mention_can_resolve(requests: list[RecordedRequest]) -> list[str]:
    problems = []
    for request in requests:
        body = request.body
        if request.route not in MESSAGE_ROUTES or not isinstance(body, dict):
            continue
        data = body.get("data", body) if "type" in body else body
        if not isinstance(data, dict) or not (data.get("content") or data.get("embeds")):
            continue
        allowed = data.get("allowed_mentions")
        if not isinstance(allowed, dict) or allowed.get("parse") != [] or allowed.get("users"):
            problems.append(f"{request.label}: allowed_mentions {allowed!r}")
    return problems


async def answered(wire: Wire, interaction: Interaction, case: str) -> None:
    """Answered in time, within limits and the description, no mention, no stray write."""
    before = counts(wire)
    start = len(wire.fake.requests)
    try:
        reply = await wire.interact(interaction)
        if reply.type == DEFERRED_CHANNEL_MESSAGE:  # the answer follows as an edit
            await wire.fake.wait_for_request(
                lambda r: r.route == ORIGINAL and interaction.token in r.path
            )
            wire.fake.assert_clean()
    except TimeoutError:
        pytest.fail(f"{case}: no reply at all")
    assert reply.callback.status in (200, 204), case
    problems = no_mention_can_resolve(wire.fake.requests[start:])
    assert not problems, (case, problems)
    after = counts(wire)
    changed = {t for t in TABLES if before[t] != after[t]}
    writable = (
        MEMBER_WRITABLE if wire.fake.alice_permissions != ALL_PERMISSIONS else MODERATOR_WRITABLE
    )
    assert changed <= writable, (case, changed)


@pytest.mark.parametrize("role", ROLES)
async def test_every_string_option_takes_odd_text(wire: Wire, role: str) -> None:
    wire.fake.alice_permissions = ROLES[role]
    cases = 0
    for command in list(wire.fake.commands.values()):
        for typed, option, options in string_options(command):
            for label, value in ODD_TEXT.items():
                case = f"/{typed} {option['name']}={label}"
                given = filled(options, option["name"], value, wire.fake)
                command_sent = wire.fake.command_interaction(typed, given)
                await answered(wire, command_sent, case)
                if option.get("autocomplete"):
                    focused = wire.fake.command_interaction(typed, given, focused=option["name"])
                    await answered(wire, focused, f"{case} (autocomplete)")
                    assert focused.callback is not None
                    if focused.callback.body["type"] == AUTOCOMPLETE_RESULT:
                        choices = focused.callback.body["data"]["choices"]
                        assert len(choices) <= 25, case
                cases += 1
    assert cases >= 10 * len(ODD_TEXT)  # the generator found the options


def leaf_commands(command: dict[str, Any]) -> Iterator[tuple[str, list[Any]]]:
    """(typed command, its options) for every command a user can run."""
    options = command.get("options") or []
    nested = [o for o in options if o["type"] in (SUBCOMMAND, GROUP)]
    if not nested:
        yield command["name"], options
    for sub in nested:
        if sub["type"] == SUBCOMMAND:
            yield f"{command['name']} {sub['name']}", sub.get("options") or []
        else:
            for inner in sub.get("options") or []:
                yield f"{command['name']} {sub['name']} {inner['name']}", inner.get("options") or []


async def test_every_form_field_takes_odd_text(wire: Wire) -> None:
    """Forms as moderators get them: opened by a command, sent back with odd fields."""
    wire.fake.alice_permissions = ALL_PERMISSIONS
    opened = []
    for command in list(wire.fake.commands.values()):
        for typed, options in leaf_commands(command):
            required = [o for o in options if o.get("required")]
            if any(o["type"] == 11 for o in required):
                continue  # an attachment: that way in is a file, not a form
            given = filled(options, "", "", wire.fake)
            given.pop("", None)
            for label, value in ODD_TEXT.items():
                # A form is answered once: each odd value gets a freshly opened one.
                interaction = wire.fake.command_interaction(typed, given)
                await wire.interact(interaction)
                if interaction.modal is None:
                    break
                fields = [
                    item["custom_id"]
                    for row in interaction.modal.get("components") or []
                    for item in (row.get("components") or [row.get("component") or {}])
                    if item.get("type") == 4
                ]
                assert fields, typed
                submitted = wire.fake.modal_submit(interaction.modal, dict.fromkeys(fields, value))
                await answered(wire, submitted, f"/{typed} form, every field {label}")
                assert submitted.callback is not None
                expired = (submitted.callback.body.get("data") or {}).get("content") == EXPIRED
                assert not expired, f"/{typed} form {label}: the bot forgot its own form"
            else:
                opened.append(typed)
    assert opened, "no command opened a form"


async def test_every_component_takes_forged_custom_ids_and_values(wire: Wire) -> None:
    fake = wire.fake
    forged: list[tuple[str, int, list[str] | None]] = []
    for item in DYNAMIC_ITEMS:
        prefix = item.prefix  # type: ignore[attr-defined]
        for rest in FORGED_FIELDS:
            forged.append((prefix + rest, 2, None))
    for chosen in FORGED_VALUES:
        forged.append(("conteur:jump:1", 3, chosen))
    forged.extend((custom_id, 2, None) for custom_id in UNKNOWN_CUSTOM_IDS)
    for custom_id, kind, values in forged:
        component: dict[str, Any] = {"type": kind, "custom_id": custom_id}
        if kind == 2:
            component.update(style=2, label="x")
        else:
            component["options"] = [{"label": "Page 1", "value": "1"}]
        message = fake._message(
            {"components": [{"type": 1, "components": [component]}]}, interaction=None
        )
        case = f"{custom_id[:60]!r} {values!r}"
        interaction = fake.component_interaction(message, custom_id, values)
        await answered(wire, interaction, case)
        reply = interaction.callback
        assert reply is not None
        data = reply.body.get("data") or {}
        if data.get("content") == EXPIRED:
            assert data["flags"] & 64, case  # ephemeral
