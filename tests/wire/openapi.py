"""Check request bodies against Discord's own OpenAPI description.

The description lives outside the project (`../shared/discord-api-spec/openapi.json`,
next to the repository) and is never copied in; a fresh clone has no `../shared`, so
`load_spec` raises `SpecUnavailable` with a sentence the tests use as their skip reason.

Two quirks of the description are handled here rather than by editing it:

* Snowflakes are typed as strings (`format: snowflake`) while discord.py sends some as
  integers, which Discord accepts. The validator treats a non-negative integer as the
  string it stands for, but only where the description says "snowflake": converting
  every integer named `id` would be wrong, because component `id`s really are integers.
* Bodies are unions (`anyOf`/`oneOf`) of every kind of payload, so a failure is first
  reported as "matches none of seven schemas". `explain` walks `error.context` to the
  branch the payload was meant for (the one whose `type` discriminator fits) and names
  the exact field that broke it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import extend
from referencing import Registry
from referencing.jsonschema import DRAFT202012

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT / ".." / "shared" / "discord-api-spec" / "openapi.json"
# Any absolute URI will do: it only anchors the description's "#/components/..." refs.
SPEC_URI = "https://discord.test/openapi.json"
API_PREFIX = "/api/v10"
_METHODS = ("get", "put", "post", "patch", "delete")
_PARAM_RE = re.compile(r"\{[^/{}]+\}")
_SHORT = 120  # characters of an offending value worth quoting in a failure


class SpecUnavailable(RuntimeError):
    """The OpenAPI description is not where the tests expect it (e.g. a fresh clone)."""


@dataclass(frozen=True, slots=True)
class Operation:
    method: str  # upper case, as on the wire
    template: str  # as in the description's `paths`, e.g. /channels/{channel_id}/messages
    pointer: str  # JSON pointer to the operation in the description
    body_media_types: tuple[str, ...]  # media types with a request-body schema
    body_required: bool

    @property
    def label(self) -> str:
        return f"{self.method} {self.template}"


def _type_accepting_int_snowflakes(
    validator: Validator, types: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    # Validates as if discord.py's integer snowflake had been converted to its string.
    if (
        schema.get("format") == "snowflake"
        and isinstance(instance, int)
        and not isinstance(instance, bool)
        and instance >= 0
    ):
        return
    yield from _DRAFT_TYPE(validator, types, instance, schema)


_DRAFT_TYPE = Draft202012Validator.VALIDATORS["type"]
SpecValidator = extend(Draft202012Validator, {"type": _type_accepting_int_snowflakes})


def _escape_pointer(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class DiscordSpec:
    """The paths and schemas of Discord's OpenAPI description."""

    def __init__(self, document: Mapping[str, Any], source: Path) -> None:
        self.source = source
        self.document = document
        self._registry: Registry[Any] = Registry().with_resource(
            SPEC_URI, DRAFT202012.create_resource(document)
        )
        self._operations = list(self._read_operations(document))
        self._validators: dict[tuple[str, str], Validator] = {}

    @staticmethod
    def _read_operations(document: Mapping[str, Any]) -> Iterator[Operation]:
        for template, item in document["paths"].items():
            for method in _METHODS:
                operation = item.get(method)
                if operation is None:
                    continue
                body = operation.get("requestBody") or {}
                yield Operation(
                    method=method.upper(),
                    template=template,
                    pointer=f"/paths/{_escape_pointer(template)}/{method}",
                    body_media_types=tuple(body.get("content", {})),
                    body_required=bool(body.get("required", False)),
                )

    def operation(self, method: str, path: str) -> Operation | None:
        """The operation for a concrete request path (with or without the /api/v10 prefix).

        Literal segments beat parameters, as in any router: `.../messages/@original`
        is its own operation, not `.../messages/{message_id}`.
        """
        path = path.split("?", 1)[0].removeprefix(API_PREFIX)
        segments = path.strip("/").split("/")
        best: tuple[int, Operation] | None = None
        for candidate in self._operations:
            if candidate.method != method.upper():
                continue
            pattern = candidate.template.strip("/").split("/")
            if len(pattern) != len(segments):
                continue
            if all(
                _PARAM_RE.fullmatch(p) or p == s for p, s in zip(pattern, segments, strict=True)
            ):
                params = sum(1 for p in pattern if _PARAM_RE.fullmatch(p))
                if best is None or params < best[0]:
                    best = (params, candidate)
        return None if best is None else best[1]

    def body_validator(self, operation: Operation, media_type: str) -> Validator:
        key = (operation.label, media_type)
        if key not in self._validators:
            pointer = (
                f"{operation.pointer}/requestBody/content/{_escape_pointer(media_type)}/schema"
            )
            # A $ref into the stored document, so the schema's own "#/components/..."
            # refs resolve against the whole description.
            ref = {"$ref": f"{SPEC_URI}#{quote(pointer, safe='/~@')}"}
            self._validators[key] = SpecValidator(ref, registry=self._registry)
        return self._validators[key]

    def body_problems(self, method: str, path: str, media_type: str | None, body: Any) -> list[str]:
        """Why the description rejects this request body; empty when it is valid.

        `body` is the decoded JSON document (for multipart, the `payload_json` part) or
        None when the request had no body.
        """
        operation = self.operation(method, path)
        if operation is None:
            return [f"{method} {path}: no such operation in Discord's OpenAPI description"]
        if body is None:
            if operation.body_required:
                return [f"{operation.label}: the description requires a body; none was sent"]
            return []
        if not operation.body_media_types:
            return [f"{operation.label}: a body was sent but the description defines none"]
        if media_type not in operation.body_media_types:
            allowed = ", ".join(operation.body_media_types)
            return [f"{operation.label}: body sent as {media_type}; the description has {allowed}"]
        validator = self.body_validator(operation, media_type)
        return [
            f"{operation.label}: {line}"
            for error in validator.iter_errors(body)
            for line in explain(error)
        ]


def load_spec(path: Path = SPEC_PATH) -> DiscordSpec:
    resolved = path.resolve()
    if not resolved.is_file():
        raise SpecUnavailable(
            f"Discord's OpenAPI description is not at {resolved} "
            "(expected ../shared/discord-api-spec/openapi.json next to the repository); "
            "wire tests need it to validate request bodies"
        )
    with resolved.open(encoding="utf-8") as file:
        return DiscordSpec(json.load(file), resolved)


# ---------------------------------------------------------------- explaining errors


def _is_kind_mismatch(errors: Iterable[ValidationError]) -> bool:
    """True when a union branch was never meant for this payload.

    Either the payload is not even the branch's JSON type (an object against
    `{"type": "null"}`), or its `type` discriminator is outside the branch's enum
    (a type 7 message update against the type 4 message-create branch).
    """
    for error in errors:
        where = list(error.relative_path)
        if not where and error.validator == "type":
            return True
        if where == ["type"] and error.validator in ("enum", "const"):
            return True
    return False


def _depth(errors: list[ValidationError]) -> int:
    return max(len(error.absolute_path) for error in errors)


def leaf_errors(error: ValidationError) -> list[ValidationError]:
    """The errors that name a field, found by following the intended union branch."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    meant = [
        [leaf for sub in errors for leaf in leaf_errors(sub)]
        for errors in branches.values()
        if not _is_kind_mismatch(errors)
    ]
    if not meant:
        return [error]  # no branch fits the payload's kind: the union itself is the news
    # Several branches may fit (no discriminator, e.g. string/integer autocomplete
    # data): the closest has the fewest failing fields, then got deepest before failing.
    return min(meant, key=lambda leaves: (len(leaves), -_depth(leaves)))


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _SHORT else f"{text[:_SHORT]}… ({len(text)} chars)"


def describe(error: ValidationError) -> str:
    where = error.json_path
    value = error.instance
    if error.validator in ("maxLength", "minLength") and isinstance(value, str):
        return f"{where}: {len(value)} characters, {error.validator} is {error.validator_value}"
    if error.validator in ("maxItems", "minItems") and isinstance(value, list):
        return f"{where}: {len(value)} items, {error.validator} is {error.validator_value}"
    if error.validator == "required":
        return f"{where}: {error.message}"
    if error.validator in ("anyOf", "oneOf"):
        return f"{where}: {_short(value)} fits none of the {error.validator} alternatives"
    return f"{where}: {error.validator} {_short(error.validator_value)} violated by {_short(value)}"


def explain(error: ValidationError) -> list[str]:
    return [describe(leaf) for leaf in leaf_errors(error)]
