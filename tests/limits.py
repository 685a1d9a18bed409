"""Discord's size limits for what a user sees, checked on the payload as sent on the wire.

Discord rejects an oversized message with a 400, so the user sees "The application did
not respond" instead of a reply. Most of these limits are also in Discord's OpenAPI
description, but not all (the 6000-character total across a message's embeds, one
select per row), and the description is not in a fresh clone; this helper needs nothing
but the payload.

`assert_within_discord_limits` accepts a message body (content, embeds, components,
flags), an interaction callback (`{"type": ..., "data": {...}}`, checked through
`data`) or autocomplete data (`choices`). Each failure names the exact field, e.g.
`data.embeds[0].fields[3].value`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
EMBEDS_TOTAL = 6000
ACTION_ROWS = 5
BUTTONS_PER_ROW = 5
SELECT_OPTIONS = 25
OPTION_TEXT = 100  # label, value and description of a select option
CUSTOM_ID = 100
BUTTON_LABEL = 80
CHOICES = 25
CHOICE_TEXT = 100  # name, and value when it is a string

ACTION_ROW = 1
BUTTON = 2
# String, user, role, mentionable and channel selects: each fills its row alone.
SELECTS = frozenset({3, 5, 6, 7, 8})


def assert_within_discord_limits(payload: Mapping[str, Any]) -> None:
    """Raise AssertionError naming the first field over one of Discord's limits."""
    if "type" in payload and isinstance(payload.get("data"), Mapping):
        _check_message(payload["data"], "data.")
    else:
        _check_message(payload, "")


def _fail(where: str, problem: str) -> NoReturn:
    raise AssertionError(f"{where}: {problem}")


def _max_length(value: object, limit: int, where: str) -> int:
    """Check one text field; return its length for the embed total."""
    if value is None:
        return 0
    if not isinstance(value, str):
        _fail(where, f"expected text, got {type(value).__name__}")
    if len(value) > limit:
        _fail(where, f"{len(value)} characters, Discord's limit is {limit}")
    return len(value)


def _max_items(value: object, limit: int, where: str, what: str) -> Sequence[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        _fail(where, f"expected a list, got {type(value).__name__}")
    if len(value) > limit:
        _fail(where, f"{len(value)} {what}, Discord's limit is {limit}")
    return value


def _check_message(message: Mapping[str, Any], prefix: str) -> None:
    _max_length(message.get("content"), CONTENT, f"{prefix}content")
    embeds = _max_items(message.get("embeds"), EMBEDS, f"{prefix}embeds", "embeds")
    total = sum(_check_embed(embed, f"{prefix}embeds[{i}]") for i, embed in enumerate(embeds))
    if total > EMBEDS_TOTAL:
        _fail(
            f"{prefix}embeds",
            f"{total} characters of embed text in all, Discord's limit is {EMBEDS_TOTAL}",
        )
    rows = _max_items(message.get("components"), ACTION_ROWS, f"{prefix}components", "rows")
    for i, row in enumerate(rows):
        _check_row(row, f"{prefix}components[{i}]")
    choices = _max_items(message.get("choices"), CHOICES, f"{prefix}choices", "choices")
    for i, choice in enumerate(choices):
        where = f"{prefix}choices[{i}]"
        _max_length(choice.get("name"), CHOICE_TEXT, f"{where}.name")
        if isinstance(choice.get("value"), str):
            _max_length(choice["value"], CHOICE_TEXT, f"{where}.value")


def _check_embed(embed: Mapping[str, Any], where: str) -> int:
    """Check one embed; return the characters it adds to the message's embed total."""
    total = _max_length(embed.get("title"), EMBED_TITLE, f"{where}.title")
    total += _max_length(embed.get("description"), EMBED_DESCRIPTION, f"{where}.description")
    fields = _max_items(embed.get("fields"), EMBED_FIELDS, f"{where}.fields", "fields")
    for i, field in enumerate(fields):
        total += _max_length(field.get("name"), FIELD_NAME, f"{where}.fields[{i}].name")
        total += _max_length(field.get("value"), FIELD_VALUE, f"{where}.fields[{i}].value")
    footer = embed.get("footer") or {}
    total += _max_length(footer.get("text"), FOOTER_TEXT, f"{where}.footer.text")
    author = embed.get("author") or {}
    total += _max_length(author.get("name"), AUTHOR_NAME, f"{where}.author.name")
    return total


def _check_row(row: Mapping[str, Any], where: str) -> None:
    if row.get("type") != ACTION_ROW:
        # Layout components (Components V2) have other rules; fail rather than pass
        # them unchecked.
        _fail(f"{where}.type", f"{row.get('type')!r} is not an action row (1)")
    items = row.get("components") or []
    if not items:
        _fail(f"{where}.components", "an action row needs at least one component")
    selects = [item for item in items if item.get("type") in SELECTS]
    if selects and len(items) > 1:
        _fail(f"{where}.components", f"a select must be alone in its row, found {len(items)}")
    if len(items) > BUTTONS_PER_ROW:
        _fail(
            f"{where}.components",
            f"{len(items)} buttons, Discord's limit is {BUTTONS_PER_ROW} per row",
        )
    for i, item in enumerate(items):
        here = f"{where}.components[{i}]"
        _max_length(item.get("custom_id"), CUSTOM_ID, f"{here}.custom_id")
        if item.get("type") == BUTTON:
            _max_length(item.get("label"), BUTTON_LABEL, f"{here}.label")
        options = _max_items(item.get("options"), SELECT_OPTIONS, f"{here}.options", "options")
        for j, option in enumerate(options):
            for key in ("label", "value", "description"):
                _max_length(option.get(key), OPTION_TEXT, f"{here}.options[{j}].{key}")
