"""A reply as a person would read it in a terminal."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import discord

WIDTH = 88


def render_message(
    content: str,
    embeds: Sequence[discord.Embed],
    components: Sequence[dict[str, Any]],
    *,
    ephemeral: bool,
    humanize: Callable[[str], str] = str,
    place: str | None = None,
) -> str:
    """A reply as a person would read it in a terminal.

    `humanize` turns Discord's markup (<#channel>, <t:timestamp>) into what the
    client would display; `place` names where a message was posted when that is
    not where the command was typed (a thread the bot opened).
    """
    where = f" in {place}" if place else ""
    visibility = " (only you can see this)" if ephemeral else ""
    lines = [f"── Conteur{where}{visibility} " + "─" * 20]
    if content:
        lines += _wrap(content, "")
    for embed in embeds:
        lines += _render_embed(embed)
    for row in components:
        lines += _render_row(row)
    return "\n".join(humanize(line) for line in lines)


_TIMESTAMP_RE = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_CHANNEL_RE = re.compile(r"<#(\d+)>")
_USER_RE = re.compile(r"<@!?(\d+)>")
_ROLE_RE = re.compile(r"<@&(\d+)>")


def humanizer(client: discord.Client, now: Callable[[], datetime]) -> Callable[[str], str]:
    """Discord renders mentions and timestamps for the reader; so does the console."""

    def timestamp(match: re.Match[str]) -> str:
        moment = datetime.fromtimestamp(int(match[1]), UTC)
        if match[2] == "R":
            hours = (moment - now()).total_seconds() / 3600
            return f"in {hours:.0f} h" if hours >= 0 else f"{-hours:.0f} h ago"
        return moment.strftime("%a %d %b %Y %H:%M UTC")

    def channel(match: re.Match[str]) -> str:
        found = client.get_channel(int(match[1]))
        return f"#{getattr(found, 'name', match[1])}"

    def user(match: re.Match[str]) -> str:
        found = client.get_user(int(match[1]))
        return f"@{found.display_name}" if found else "@someone"

    def role(match: re.Match[str]) -> str:
        for guild in client.guilds:
            found = guild.get_role(int(match[1]))
            if found is not None:
                return f"@{found.name}"
        return "@a role"

    def apply(text: str) -> str:
        text = _TIMESTAMP_RE.sub(timestamp, text)
        text = _CHANNEL_RE.sub(channel, text)
        text = _ROLE_RE.sub(role, text)
        return _USER_RE.sub(user, text)

    return apply


def _wrap(text: str, prefix: str) -> list[str]:
    out: list[str] = []
    for paragraph in text.split("\n"):
        wrapped = textwrap.wrap(paragraph, WIDTH - len(prefix)) or [""]
        out += [prefix + line for line in wrapped]
    return out


def _render_embed(embed: discord.Embed) -> list[str]:
    bar = "┃ "
    lines: list[str] = []
    if embed.title:
        lines += _wrap(f"**{embed.title}**", bar)
    if embed.description:
        lines += _wrap(embed.description, bar)
    for field in embed.fields:
        lines.append(bar)
        lines += _wrap(f"{field.name}", bar)
        lines += _wrap(str(field.value), bar + "  ")
    if embed.footer and embed.footer.text:
        lines += [bar, *_wrap(embed.footer.text, bar)]
    return lines


def _render_row(row: dict[str, Any]) -> list[str]:
    parts: list[str] = []
    for component in row.get("components", []):
        if component.get("type") == 2:
            label = component.get("label") or component.get("url") or "button"
            parts.append(f"({label})" if component.get("disabled") else f"[{label}]")
        elif component.get("type") == 3:
            options = " | ".join(
                o["label"] + ("*" if o.get("default") else "") for o in component.get("options", [])
            )
            parts.append(f"<{component.get('placeholder') or 'Choose'}: {options}>")
    return [" ".join(parts)] if parts else []
