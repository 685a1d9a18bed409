"""Turning a typed line into a slash command and its options, as Discord's client does."""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
from discord import app_commands


class ConsoleInputError(Exception):
    """A line the console cannot turn into a command; shown as is."""


# Turns what was typed for a role, channel or member option ("@Librarians",
# "#reading-room", "<@&123>") into the simulated server's object, as Discord's
# client does when you pick from its list.
Resolver = Callable[[discord.AppCommandOptionType, str], Any]


def _did_you_mean(typed: str, names: Sequence[str], prefix: str) -> str:
    """ " Did you mean /story list?" for a typo, or nothing when no name is close."""
    close = difflib.get_close_matches(typed, names, n=1, cutoff=0.5)
    return f" Did you mean {prefix}{close[0]}?" if close else ""


@dataclass(frozen=True, slots=True)
class ParsedLine:
    command: str  # "story read"
    options: dict[str, Any]


def find_command(
    tree: app_commands.CommandTree[Any], words: Sequence[str]
) -> tuple[app_commands.Command[Any, ..., Any], int]:
    """The leaf command named by the first words of the line, and how many words it took."""
    if not words:
        raise ConsoleInputError("Type a command after the slash, e.g. /help")
    node: Any = tree.get_command(words[0])
    if node is None:
        names = [c.name for c in tree.get_commands()]
        guess = _did_you_mean(words[0], names, "/" if len(words) < 2 else "")
        if guess and len(words) > 1:  # "/stroy list": suggest the whole command
            close = difflib.get_close_matches(words[0], names, n=1, cutoff=0.5)[0]
            guess = f" Did you mean /{close} {' '.join(words[1:2])}?"
        raise ConsoleInputError(
            f"There is no command /{words[0]}.{guess} Type `commands` to list them."
        )
    used = 1
    while isinstance(node, app_commands.Group):
        if used >= len(words):
            listed = ", ".join(c.name for c in node.commands)
            raise ConsoleInputError(f"/{node.qualified_name} needs a subcommand: {listed}")
        child = node.get_command(words[used])
        if child is None:
            subcommands = [c.name for c in node.commands]
            guess = _did_you_mean(words[used], subcommands, f"/{node.qualified_name} ")
            raise ConsoleInputError(
                f"/{node.qualified_name} has no subcommand “{words[used]}”.{guess} "
                f"Try: {', '.join(subcommands)}"
            )
        node, used = child, used + 1
    if not isinstance(node, app_commands.Command):
        raise ConsoleInputError(f"Unknown command /{words[0]}. Type `commands` to list them.")
    return node, used


def parse_slash(
    tree: app_commands.CommandTree[Any], line: str, resolve: Resolver | None = None
) -> ParsedLine:
    """`/story read story:the eiffel page:2` → ("story read", {story: "the eiffel", page: 2})."""
    words = line.strip().lstrip("/").split()
    command, used = find_command(tree, words)
    rest = " ".join(words[used:])
    names = {p.name: p for p in command.parameters}
    if not names:
        if rest:
            raise ConsoleInputError(f"/{command.qualified_name} takes no options.")
        return ParsedLine(command.qualified_name, {})
    pattern = re.compile(r"(?:^|\s)(" + "|".join(map(re.escape, names)) + r"):")
    pieces = pattern.split(rest)
    if pieces[0].strip():
        known = ", ".join(f"{n}:" for n in names)
        raise ConsoleInputError(
            f"“{pieces[0].strip()}” is not an option; this command takes {known}"
        )
    options: dict[str, Any] = {}
    for name, raw in zip(pieces[1::2], pieces[2::2], strict=True):
        options[name] = _convert(names[name], _unquote(raw.strip()), resolve)
    missing = [p.name for p in command.parameters if p.required and p.name not in options]
    if missing:
        optional = [p.name for p in command.parameters if not p.required]
        also = f" (optional: {', '.join(f'{o}:…' for o in optional)})" if optional else ""
        raise ConsoleInputError(
            f"/{command.qualified_name} needs " + ", ".join(f"{m}:…" for m in missing) + also
        )
    return ParsedLine(command.qualified_name, options)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return shlex.split(value)[0]
    return value


_ENTITIES = {
    discord.AppCommandOptionType.role,
    discord.AppCommandOptionType.channel,
    discord.AppCommandOptionType.user,
    discord.AppCommandOptionType.mentionable,
}


def _convert(parameter: app_commands.Parameter, raw: str, resolve: Resolver | None) -> Any:
    kind = parameter.type
    if kind is discord.AppCommandOptionType.attachment:
        return _local_file(parameter.name, raw)
    if kind in _ENTITIES and resolve is not None:
        return resolve(kind, raw)
    try:
        if kind is discord.AppCommandOptionType.integer:
            return int(raw)
        if kind is discord.AppCommandOptionType.number:
            return float(raw)
    except ValueError:
        raise ConsoleInputError(f"{parameter.name}: “{raw}” is not a number.") from None
    if kind is discord.AppCommandOptionType.boolean:
        if raw.lower() not in ("true", "false", "yes", "no"):
            raise ConsoleInputError(f"{parameter.name}: use true or false.")
        return raw.lower() in ("true", "yes")
    return raw


def _local_file(option: str, raw: str) -> tuple[str, bytes]:
    """`file:PATH` uploads a local file as the attachment, as dragging it into Discord would."""
    path = Path(raw).expanduser()
    try:
        return path.name, path.read_bytes()
    except OSError as error:
        raise ConsoleInputError(f"{option}: cannot read {raw} ({error.strerror}).") from None
