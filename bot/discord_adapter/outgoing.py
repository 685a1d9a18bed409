"""Every message the bot sends fits Discord's limits: the one place that makes sure.

It also keeps mention markup out of the embed parts where Discord shows it raw.

Discord answers an oversized message with a 400, and the user sees "The
application did not respond" instead of a reply. Renderers shorten what they
build, but a reply assembled from user input (an echoed name, a long error) can
still grow past a limit, so the payload is fitted here, on its way out.

discord.py turns every outgoing message into a payload through two functions:
`handle_message_parameters` (channel messages, followups, webhook edits) and
`interaction_message_response_params` (interaction responses and their edits).
`install()` wraps both, wherever discord.py imported them, so no send can skip it.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

import discord

from bot.core.text import shorten

CONTENT_LIMIT = 2000
EMBED_LIMITS = {"title": 256, "description": 4096}
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_LIMIT = 25
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
EMBEDS_TOTAL_LIMIT = 6000  # across all the embeds of one message

_WRAPPED = "_conteur_fits"
_BUILDERS = (
    ("discord.http", "handle_message_parameters"),
    ("discord.webhook.async_", "interaction_message_response_params"),
)


# escape_mentions() puts a zero-width space after the @; Discord still shows the id.
_MENTION_RE = re.compile(r"<(@[!&]?|#)\u200b?(\d+)>")
_PLAIN_MENTION = {"@": "@someone", "@!": "@someone", "@&": "@role", "#": "#channel"}


def unmentioned(text: str) -> str:
    """Mention markup as plain words, for the parts of an embed where Discord shows it raw.

    Titles, field names, footers and author names never resolve <@id> or <#id>;
    readers would see bare ids. Renderers name things there; this is the net.
    """
    return _MENTION_RE.sub(lambda match: _PLAIN_MENTION[match[1]], text)


def fit_content(content: str | None) -> str | None:
    return None if content is None else shorten(content, CONTENT_LIMIT)


def fit_embeds(embeds: Sequence[discord.Embed]) -> list[discord.Embed]:
    """Copies of `embeds`, each part cut to its limit and all together within 6,000."""
    fitted: list[discord.Embed] = []
    budget = EMBEDS_TOTAL_LIMIT
    for embed in embeds:
        if budget < _SHORTEST_KEPT:  # no room left for another embed worth reading
            break
        part = _fit_parts(embed.copy())
        _fit_total(part, budget)
        budget -= len(part)
        fitted.append(part)
    return fitted


def _fit_parts(embed: discord.Embed) -> discord.Embed:
    if embed.title:
        embed.title = shorten(unmentioned(embed.title), EMBED_LIMITS["title"])
    if embed.description:
        embed.description = shorten(embed.description, EMBED_LIMITS["description"])
    fields = embed.fields[:FIELDS_LIMIT]
    embed.clear_fields()
    for field in fields:
        embed.add_field(
            name=shorten(unmentioned(field.name or "\u200b"), FIELD_NAME_LIMIT),
            value=shorten(field.value or "\u200b", FIELD_VALUE_LIMIT),
            inline=bool(field.inline),
        )
    if embed.footer.text:
        embed.set_footer(
            text=shorten(unmentioned(embed.footer.text), FOOTER_LIMIT),
            icon_url=embed.footer.icon_url,
        )
    if embed.author.name:
        embed.set_author(
            name=shorten(unmentioned(embed.author.name), AUTHOR_LIMIT),
            url=embed.author.url,
            icon_url=embed.author.icon_url,
        )
    return embed


# Long texts are cut down to this before whole fields are dropped.
_SHORTEST_KEPT = 200


def _fit_total(embed: discord.Embed, budget: int) -> None:
    """Within `budget` characters: cut the longest texts, then drop trailing fields."""
    while len(embed) > budget and _cut_longest(embed, len(embed) - budget):
        pass
    while len(embed) > budget and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > budget:
        embed.description = shorten(embed.description or "", max(1, _room(embed, budget)))
    if len(embed) > budget:
        embed.set_footer(text=None)
    if len(embed) > budget:
        embed.remove_author()
    if len(embed) > budget:
        embed.title = shorten(embed.title or "", max(1, _room(embed, budget, "title")))


def _room(embed: discord.Embed, budget: int, part: str = "description") -> int:
    return budget - (len(embed) - len(getattr(embed, part) or ""))


def _cut_longest(embed: discord.Embed, excess: int) -> bool:
    """Shorten the longest value or description, not below _SHORTEST_KEPT; False if none."""
    parts = [(len(f.value or ""), index) for index, f in enumerate(embed.fields)]
    parts.append((len(embed.description or ""), -1))
    longest, index = max(parts)
    if longest <= _SHORTEST_KEPT:
        return False
    keep = max(_SHORTEST_KEPT, longest - excess - 1)
    if index == -1:
        embed.description = shorten(embed.description or "", keep)
    else:
        field = embed.fields[index]
        embed.set_field_at(
            index, name=field.name, value=shorten(field.value or "", keep), inline=field.inline
        )
    return True


def _fitting(build: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(build)
    def fitted(*args: Any, **kwargs: Any) -> Any:
        if args and isinstance(args[0], str):  # handle_message_parameters' content
            args = (fit_content(args[0]), *args[1:])
        if isinstance(kwargs.get("content"), str):
            kwargs["content"] = fit_content(kwargs["content"])
        if isinstance(kwargs.get("embed"), discord.Embed):
            kwargs["embed"] = fit_embeds([kwargs["embed"]])[0]
        embeds = kwargs.get("embeds")
        if isinstance(embeds, list | tuple) and embeds:
            kwargs["embeds"] = fit_embeds(embeds)
        return build(*args, **kwargs)

    setattr(fitted, _WRAPPED, True)
    return fitted


def install() -> None:
    """Fit every outgoing payload from now on (idempotent)."""
    for module_name, name in _BUILDERS:
        original = getattr(sys.modules[module_name], name)
        if getattr(original, _WRAPPED, False):
            continue
        wrapped = _fitting(original)
        # Each discord.py module that imported the builder holds its own reference.
        for module in list(sys.modules.values()):
            if (
                module is not None
                and getattr(module, "__name__", "").startswith("discord")
                and getattr(module, name, None) is original
            ):
                setattr(module, name, wrapped)
