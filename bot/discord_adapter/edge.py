"""What members type, made safe once, where it enters the bot.

Every string in an interaction's `data` (slash-command options, autocomplete input,
form fields, custom_ids, select values) passes through `clean_text` before discord.py
parses it, so nothing behind it meets:

- a lone surrogate (valid JSON, `"\\ud800"`, but no character: SQLite's driver and
  every encoder refuse it, which surfaced as an unexpected error) — replaced by U+FFFD;
- NUL and other control characters (SQLite stores NUL, but text functions and Discord's
  rendering stop at it) — removed from options, custom_ids and values, keeping tab and
  newline. Form fields keep them: a story's text with control characters is refused
  with its own explanation (see bot.core.parsing), which silent removal would hide.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


MODAL_SUBMIT = 5


def without_surrogates(text: str) -> str:
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def clean_text(text: str) -> str:
    if text.isascii() and text.isprintable():
        return text
    return _CONTROL.sub("", without_surrogates(text))


def clean_payload(value: Any, clean: Callable[[str], str] = clean_text) -> Any:
    """The same JSON value with every string cleaned (keys are Discord's, left alone)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [clean_payload(item, clean) for item in value]
    if isinstance(value, dict):
        return {key: clean_payload(item, clean) for key, item in value.items()}
    return value


def cleaning_interactions(parse: Callable[[Any], None]) -> Callable[[Any], None]:
    """discord.py's INTERACTION_CREATE parser, fed a payload whose `data` is cleaned."""

    def parse_cleaned(payload: Any) -> None:
        if isinstance(payload, dict) and "data" in payload:
            form = payload.get("type") == MODAL_SUBMIT
            cleaned = clean_payload(payload["data"], without_surrogates if form else clean_text)
            payload = {**payload, "data": cleaned}
        parse(payload)

    return parse_cleaned
