"""The limits helper catches each limit, names the field, and accepts payloads at the limit."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.limits import assert_within_discord_limits

Payload = dict[str, Any]


def button(custom_id: str = "b", label: str = "Next") -> Payload:
    return {"type": 2, "style": 2, "label": label, "custom_id": custom_id}


def select(options: int = 25) -> Payload:
    return {
        "type": 3,
        "custom_id": "jump",
        "options": [{"label": f"Page {n}", "value": str(n)} for n in range(1, options + 1)],
    }


def largest_message() -> Payload:
    """Every field exactly at its limit (and 6000 characters of embed text in all)."""
    fields = [{"name": "n" * 256, "value": "v" * 1024}]
    fields += [{"name": "n", "value": "v"} for _ in range(24)]
    big = {
        "title": "t" * 256,
        "description": "d" * 2048,
        "fields": fields,
        "footer": {"text": "f" * 1000},
        "author": {"name": "a" * 256},
    }
    used = 256 + 2048 + 256 + 1024 + 24 * 2 + 1000 + 256
    return {
        "content": "c" * 2000,
        "embeds": [
            big,
            *({"title": "x"} for _ in range(8)),
            {"description": "y" * (6000 - used - 8)},
        ],
        "components": [
            {"type": 1, "components": [button(f"b{i}{j}", "L" * 80) for j in range(5)]}
            for i in range(4)
        ]
        + [{"type": 1, "components": [select(25)]}],
        "flags": 64,
    }


def test_a_payload_at_every_limit_passes() -> None:
    payload = largest_message()
    assert_within_discord_limits(payload)
    assert_within_discord_limits({"type": 4, "data": payload})
    assert_within_discord_limits({"type": 7, "data": payload})


def test_an_empty_or_deferred_reply_passes() -> None:
    assert_within_discord_limits({})
    assert_within_discord_limits({"type": 5})
    assert_within_discord_limits({"content": None, "embeds": None, "components": []})


def _set(path: str, value: object) -> Callable[[Payload], None]:
    """A mutation setting `path` (dots and [n]) in the largest valid message."""

    def mutate(payload: Payload) -> None:
        keys: list[str | int] = [
            int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", path)
        ]
        target: Any = payload
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return mutate


def _append(path: str, value: object) -> Callable[[Payload], None]:
    def mutate(payload: Payload) -> None:
        target: Any = payload
        for part in re.findall(r"[^.\[\]]+", path):
            target = target[int(part) if part.isdigit() else part]
        target.append(value)

    return mutate


VIOLATIONS: list[tuple[str, Callable[[Payload], None], str]] = [
    ("content", _set("content", "c" * 2001), "content: 2001 characters"),
    ("embed count", _append("embeds", {"title": "z"}), "embeds: 11 embeds"),
    ("embed title", _set("embeds[1].title", "t" * 257), "embeds[1].title: 257 characters"),
    (
        "embed description",
        _set("embeds[1].description", "d" * 4097),
        "embeds[1].description: 4097 characters",
    ),
    (
        "field count",
        _append("embeds[0].fields", {"name": "n", "value": "v"}),
        "embeds[0].fields: 26 fields",
    ),
    (
        "field name",
        _set("embeds[0].fields[3].name", "n" * 257),
        "embeds[0].fields[3].name: 257 characters",
    ),
    (
        "field value",
        _set("embeds[0].fields[3].value", "v" * 1025),
        "embeds[0].fields[3].value: 1025 characters",
    ),
    (
        "footer text",
        _set("embeds[2].footer", {"text": "f" * 2049}),
        "embeds[2].footer.text: 2049 characters",
    ),
    (
        "author name",
        _set("embeds[2].author", {"name": "a" * 257}),
        "embeds[2].author.name: 257 characters",
    ),
    ("embed total", _set("embeds[9].title", "one more"), "embeds: 6008 characters of embed text"),
    (
        "row count",
        _append("components", {"type": 1, "components": [button("extra")]}),
        "components: 6 rows",
    ),
    (
        "buttons per row",
        _append("components[0].components", button("sixth")),
        "components[0].components: 6 buttons",
    ),
    (
        "select shares its row",
        _append("components[4].components", button("beside")),
        "components[4].components: a select must be alone",
    ),
    (
        "button beside a select",
        _append("components[0].components", select(1)),
        "components[0].components: a select must be alone",
    ),
    (
        "select options",
        _set("components[4].components[0]", select(26)),
        "components[4].components[0].options: 26 options",
    ),
    (
        "option label",
        _set("components[4].components[0].options[2].label", "l" * 101),
        "components[4].components[0].options[2].label: 101 characters",
    ),
    (
        "option value",
        _set("components[4].components[0].options[2].value", "v" * 101),
        "components[4].components[0].options[2].value: 101 characters",
    ),
    (
        "option description",
        _set("components[4].components[0].options[2].description", "d" * 101),
        "components[4].components[0].options[2].description: 101 characters",
    ),
    (
        "button custom_id",
        _set("components[1].components[2].custom_id", "c" * 101),
        "components[1].components[2].custom_id: 101 characters",
    ),
    (
        "select custom_id",
        _set("components[4].components[0].custom_id", "c" * 101),
        "components[4].components[0].custom_id: 101 characters",
    ),
    (
        "button label",
        _set("components[1].components[2].label", "L" * 81),
        "components[1].components[2].label: 81 characters",
    ),
    (
        "not an action row",
        _set("components[0]", {"type": 10, "content": "hi"}),
        "components[0].type: 10 is not an action row",
    ),
    ("empty row", _set("components[0].components", []), "components[0].components: an action"),
    ("text that is not text", _set("embeds[1].title", 42), "embeds[1].title: expected text"),
]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [pytest.param(mutate, message, id=name) for name, mutate, message in VIOLATIONS],
)
@pytest.mark.parametrize("wrapped", [False, True], ids=["message", "callback"])
def test_each_violation_is_caught_and_named(
    mutate: Callable[[Payload], None], message: str, wrapped: bool
) -> None:
    payload = copy.deepcopy(largest_message())
    mutate(payload)
    prefix = "data." if wrapped else ""
    with pytest.raises(AssertionError) as caught:
        assert_within_discord_limits({"type": 4, "data": payload} if wrapped else payload)
    # The message starts with the field's full path, so a failure points straight at it.
    assert str(caught.value).startswith(f"{prefix}{message}"), str(caught.value)


def autocomplete(choices: list[Payload]) -> Payload:
    return {"type": 8, "data": {"choices": choices}}


def test_autocomplete_at_the_limits_passes() -> None:
    choices = [{"name": "n" * 100, "value": "v" * 100} for _ in range(25)]
    assert_within_discord_limits(autocomplete(choices))
    assert_within_discord_limits({"choices": [{"name": "Page", "value": 10**9}]})


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        pytest.param(
            [{"name": "n", "value": "v"}] * 26, "data.choices: 26 choices", id="choice count"
        ),
        pytest.param(
            [{"name": "n", "value": "v"}, {"name": "n" * 101, "value": "v"}],
            "data.choices[1].name: 101 characters",
            id="choice name",
        ),
        pytest.param(
            [{"name": "n", "value": "v" * 101}],
            "data.choices[0].value: 101 characters",
            id="choice value",
        ),
    ],
)
def test_autocomplete_violations_are_caught(choices: list[Payload], message: str) -> None:
    with pytest.raises(AssertionError, match=re.escape(message)):
        assert_within_discord_limits(autocomplete(choices))
