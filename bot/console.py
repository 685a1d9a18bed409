"""The offline console: type slash commands as in Discord, read the replies as text.

It runs the real bot, unmodified, against simcord's in-process simulation of
Discord, so every command goes through the same discord.py dispatch, checks,
autocomplete and error handler it would in a server. Nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import discord
import simcord
from discord import app_commands

from bot.tree import ERROR_COLOUR

ROLES = ("member", "moderator", "admin")
WIDTH = 88
PROMPT = "conteur> "
CONSOLE_HELP = """\
Type a slash command exactly as in Discord, options as name:value, e.g.
  /story read story:valerie page:2
  /story list
  /help
Press a button by typing its label (Next, Previous, …); pick from a menu with
  pick <option>        e.g. pick Page 2
Attach a local file to a command with file:PATH, e.g. /story add file:my-story.txt
A form asks for its fields one by one (a long text ends with a line holding only ".").
Other console commands: commands (list every slash command), help, quit."""


class ConsoleInputError(Exception):
    """A line the console cannot turn into a command; shown as is."""


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
    used = 1
    while isinstance(node, app_commands.Group):
        if used >= len(words):
            names = ", ".join(c.name for c in node.commands)
            raise ConsoleInputError(f"/{node.qualified_name} needs a subcommand: {names}")
        child = node.get_command(words[used])
        if child is None:
            names = ", ".join(c.name for c in node.commands)
            raise ConsoleInputError(
                f"/{node.qualified_name} has no subcommand “{words[used]}”. Try: {names}"
            )
        node, used = child, used + 1
    if not isinstance(node, app_commands.Command):
        raise ConsoleInputError(f"Unknown command /{words[0]}. Type `commands` to list them.")
    return node, used


def parse_slash(tree: app_commands.CommandTree[Any], line: str) -> ParsedLine:
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
        options[name] = _convert(names[name], _unquote(raw.strip()))
    missing = [p.name for p in command.parameters if p.required and p.name not in options]
    if missing:
        raise ConsoleInputError(
            f"/{command.qualified_name} needs " + ", ".join(f"{m}:…" for m in missing)
        )
    return ParsedLine(command.qualified_name, options)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return shlex.split(value)[0]
    return value


def _convert(parameter: app_commands.Parameter, raw: str) -> Any:
    kind = parameter.type
    if kind is discord.AppCommandOptionType.attachment:
        return _local_file(parameter.name, raw)
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


# ------------------------------------------------------------------ rendering


def render_message(
    content: str,
    embeds: Sequence[discord.Embed],
    components: Sequence[dict[str, Any]],
    *,
    ephemeral: bool,
) -> str:
    """A reply as a person would read it in a terminal."""
    lines = ["── Conteur" + (" (only you can see this)" if ephemeral else "") + " " + "─" * 20]
    if content:
        lines += _wrap(content, "")
    for embed in embeds:
        lines += _render_embed(embed)
    for row in components:
        lines += _render_row(row)
    return "\n".join(lines)


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


# ------------------------------------------------------------------ the session


class ConsoleSession:
    """One simulated member in one simulated server, typing lines."""

    def __init__(
        self,
        env: Any,
        actor: Any,
        channel: Any,
        *,
        as_json: bool,
        out: TextIO,
        read_line: Callable[[str], str] = input,
    ) -> None:
        self.read_line = read_line
        self.env = env
        self.actor = actor
        self.channel = channel
        self.as_json = as_json
        self.out = out
        self.last_message: discord.Message | None = None
        self.last_components: list[dict[str, Any]] = []
        self._seen_requests = 0

    @property
    def tree(self) -> app_commands.CommandTree[Any]:
        return self.env.bot.tree  # type: ignore[no-any-return]

    async def handle(self, line: str) -> bool:
        """Run one line; returns False when the reply was an error."""
        line = line.strip()
        if not line:
            return True
        try:
            if line.startswith("/"):
                parsed = parse_slash(self.tree, line)
                result = await self.actor.slash(self.channel, parsed.command, **parsed.options)
            elif line.lower().startswith("pick "):
                result = await self._pick(line[5:].strip())
            else:
                result = await self._press(line)
            if result.modal is not None:
                self._show(result)
                result = await self._fill_form(result)
        except ConsoleInputError as error:
            self._say(str(error))
            return False
        except (simcord.OptionError, simcord.SetupError) as error:
            # What Discord's own client would refuse before sending (a page below 1,
            # a command this member cannot see): say it the way the client would.
            self._say(str(error).split("\n")[0])
            return False
        return self._show(result)

    async def _fill_form(self, shown: Any) -> Any:
        """Ask for each field of the form the bot opened, then submit it."""
        spec = shown.modal
        self._say(f"── Form: {spec.get('title', '')} (Ctrl-D cancels)")
        values: dict[str, str] = {}
        try:
            for label, control in _form_fields(spec):
                values[control["custom_id"]] = await self._ask_field(label, control)
        except EOFError:
            raise ConsoleInputError("Form cancelled: nothing was sent.") from None
        return await self.actor.submit_modal(shown, values)

    async def _ask_field(self, label: str, control: dict[str, Any]) -> str:
        default = control.get("value") or ""
        optional = "" if control.get("required", True) else " (optional)"
        if control.get("style") == 2:  # paragraph: many lines, ended by "."
            hint = " [Enter . alone to keep the current text]" if default else ""
            self._say(f"{label}{optional}: type the text; end with a line holding only “.”{hint}")
            lines: list[str] = []
            while (line := await asyncio.to_thread(self.read_line, "… ")) != ".":
                lines.append(line)
            return "\n".join(lines) if lines else default
        shown_default = f" [{default}]" if default else ""
        answer = await asyncio.to_thread(self.read_line, f"{label}{optional}{shown_default}: ")
        return answer.strip() or default

    def command_list(self) -> str:
        return "\n".join(
            f"/{c.qualified_name} — {c.description}"
            for c in self.tree.walk_commands()
            if isinstance(c, app_commands.Command)
        )

    async def _press(self, label: str) -> Any:
        wanted = label.strip("[]() ").casefold()
        for row in self.last_components:
            for component in row.get("components", []):
                if (
                    component.get("type") == 2
                    and (component.get("label") or "").casefold() == wanted
                ):
                    if component.get("disabled"):
                        raise ConsoleInputError(f"The {component['label']} button is disabled.")
                    return await self.actor.click(
                        self.last_message, custom_id=component["custom_id"]
                    )
        for row in self.last_components:
            for component in row.get("components", []):
                if component.get("type") == 3 and any(
                    o["label"].casefold() == wanted for o in component.get("options", [])
                ):
                    return await self._pick(label)
        raise ConsoleInputError(
            f"“{label}” is neither a command nor a button on the last reply. "
            "Commands start with / (type help for examples)."
        )

    async def _pick(self, choice: str) -> Any:
        wanted = choice.casefold()
        for row in self.last_components:
            for component in row.get("components", []):
                if component.get("type") != 3:
                    continue
                for option in component.get("options", []):
                    if wanted in (option["label"].casefold(), option["value"].casefold()):
                        return await self.actor.select(
                            self.last_message, [option["value"]], custom_id=component["custom_id"]
                        )
        raise ConsoleInputError(f"No menu on the last reply has the option “{choice}”.")

    def _show(self, result: Any) -> bool:
        messages = [m for m in [result.response, *result.followups] if m is not None]
        if self.as_json:
            self._print_payloads()
        ok = True
        for message in messages:
            if not self.as_json:
                self._say(
                    render_message(
                        message.content,
                        message.embeds,
                        message.components,
                        ephemeral=message.ephemeral,
                    )
                )
            ok = ok and not any(e.colour == ERROR_COLOUR for e in message.embeds)
            if message.components:
                self.last_message = message.message
                self.last_components = message.components
        return ok

    def _print_payloads(self) -> None:
        requests = self.env.http_requests
        for request in requests[self._seen_requests :]:
            if "/interactions/" in request.path or "/webhooks/" in request.path:
                print(json.dumps(request.json, ensure_ascii=False, sort_keys=True), file=self.out)
        self._seen_requests = len(requests)

    def _say(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def _form_fields(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(label, text input) pairs of a form, in order, whichever layout it uses."""
    fields: list[tuple[str, dict[str, Any]]] = []
    for component in spec.get("components", []):
        if component.get("type") == 1:  # action row holding one text input
            for child in component.get("components", []):
                fields.append((child.get("label") or child["custom_id"], child))
        elif component.get("type") == 18:  # label wrapping a component
            child = component.get("component", {})
            fields.append((component.get("label") or child["custom_id"], child))
    return fields


def setup_actor(env: Any, role: str, guild_id: int | None) -> tuple[Any, Any]:
    guild = env.create_guild("Console Server", id=guild_id)
    channel = guild.create_text_channel("reading-room")
    roles = []
    if role == "moderator":
        roles = [guild.create_role("Moderator", permissions=discord.Permissions(manage_guild=True))]
    elif role == "admin":
        roles = [guild.create_role("Admin", permissions=discord.Permissions(administrator=True))]
    actor = guild.add_member(env.create_user(role), roles=roles)
    return actor, channel


async def run_console(
    bot: discord.Client,
    *,
    role: str = "member",
    guild_id: int | None = None,
    commands: Sequence[str] = (),
    as_json: bool = False,
    out: TextIO | None = None,
    read_line: Callable[[str], str] | None = None,
) -> int:
    """Run the console; returns the process exit code (1 if a --command failed)."""
    async with simcord.run(bot, strict_sync=False, check_errors=False) as env:
        actor, channel = setup_actor(env, role, guild_id)
        session = ConsoleSession(
            env,
            actor,
            channel,
            as_json=as_json,
            out=out or sys.stdout,
            read_line=read_line or input,
        )
        if commands:
            results = [await session.handle(line) for line in commands]
            return 0 if all(results) else 1
        if not as_json:
            session._say(f"Conteur offline console — you are a {role} in “Console Server”.")
            session._say(CONSOLE_HELP)
        await _interactive(session)
    return 0


async def _interactive(session: ConsoleSession) -> None:
    while True:
        try:
            line = await asyncio.to_thread(session.read_line, PROMPT)
        except (EOFError, KeyboardInterrupt):
            session._say("")
            return
        word = line.strip().lower()
        if word in ("quit", "exit", "q"):
            return
        if word in ("help", "?"):
            session._say(CONSOLE_HELP)
        elif word == "commands":
            session._say(session.command_list())
        else:
            await session.handle(line)
