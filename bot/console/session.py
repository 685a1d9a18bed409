"""One simulated member typing lines: commands, button presses, menu picks, forms."""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import discord
import simcord
from discord import app_commands

from bot.console.parsing import ConsoleInputError, parse_slash
from bot.console.render import humanizer, render_message
from bot.discord_adapter.tree import ERROR_COLOUR


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
        self._seen_elsewhere: set[int] = {m.id for _, m in self._messages_elsewhere()}
        self._files_dir: Path | None = None

    @property
    def guild(self) -> Any:
        return self.channel.guild

    def resolve(self, kind: discord.AppCommandOptionType, raw: str) -> Any:
        """A role, channel or member of the simulated server, by name or mention."""
        text = raw.strip()
        mentioned = re.fullmatch(r"<(@&|#|@!?)(\d+)>", text)
        wanted_id = int(mentioned[2]) if mentioned else None
        name = text.lstrip("@#").casefold()
        roles = {handle.name: handle for handle in self.guild.roles.values()}
        channels = self.guild.channels
        members = {self.actor.user.name: self.actor}
        kinds: list[tuple[str, dict[str, Any]]] = []
        if kind in (discord.AppCommandOptionType.role, discord.AppCommandOptionType.mentionable):
            kinds.append(("role", roles))
        if kind in (discord.AppCommandOptionType.user, discord.AppCommandOptionType.mentionable):
            kinds.append(("member", members))
        if kind is discord.AppCommandOptionType.channel:
            kinds.append(("channel", channels))
        for _noun, handles in kinds:
            for handle_name, handle in handles.items():
                if handle.id == wanted_id or handle_name.casefold() == name:
                    return handle
        noun = " or ".join(noun for noun, _handles in kinds)
        sign = "#" if kind is discord.AppCommandOptionType.channel else "@"
        known = ", ".join(
            sign + handle_name
            for _noun, handles in kinds
            for handle_name in handles
            if handle_name != "@everyone"
        )
        raise ConsoleInputError(f"There is no {noun} “{text}” in this server. Here: {known}.")

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
                parsed = parse_slash(self.tree, line, self.resolve)
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
        except simcord.OptionError as error:
            # What Discord's own client refuses before sending (a page below 1, a
            # name over the option's length): say it the way the client would.
            self._say(client_refusal(error))
            return False
        except simcord.SetupError as error:
            self._say(_without_ids(str(error).split("\n")[0]))
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
        # Discord marks only required fields, so a form may say it in the label already.
        says_so = "optional" in label.casefold()
        optional = "" if control.get("required", True) or says_so else " (optional)"
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

    def _messages_elsewhere(self) -> list[tuple[str, discord.Message]]:
        """The bot's messages in the threads of the console's channel, oldest first."""
        bot_id = self.env.bot.user.id
        return [
            (f"thread “{thread.name}”", message)
            for thread in self.channel.threads
            for message in thread.history()
            if message.author.id == bot_id
        ]

    def _show_elsewhere(self) -> None:
        """What the command posted outside its reply (a discussion thread's questions)."""
        for place, message in self._messages_elsewhere():
            if message.id in self._seen_elsewhere:
                continue
            self._seen_elsewhere.add(message.id)
            self._say(
                render_message(
                    message.content,
                    message.embeds,
                    [row.to_dict() for row in message.components],  # type: ignore[misc]
                    ephemeral=False,
                    humanize=humanizer(self.env.bot, self.env.bot.clock),
                    place=place,
                )
            )

    def _show(self, result: Any) -> bool:
        messages = [m for m in [result.response, *result.followups] if m is not None]
        if self.as_json:
            self._print_payloads()
        if not messages and result.modal is None:
            self._say(
                "No reply: in Discord this shows “The application did not respond”. "
                "(It is a bug; the bot's log says why.)"
            )
            return False
        ok = True
        for message in messages:
            if not self.as_json:
                self._say(
                    render_message(
                        message.content,
                        message.embeds,
                        message.components,
                        ephemeral=message.ephemeral,
                        humanize=humanizer(self.env.bot, self.env.bot.clock),
                    )
                )
                self._show_attachments(message)
            ok = ok and not any(e.colour == ERROR_COLOUR for e in message.embeds)
            if message.components:
                self.last_message = message.message
                self.last_components = message.components
        if not self.as_json:
            self._show_elsewhere()
        return ok

    def _show_attachments(self, message: Any) -> None:
        """Files the bot attached: named, sized, and saved where the reader can open them."""
        for attachment in message.attachments:
            data = self.env.backend.cdn.get(attachment.url) or b""
            if self._files_dir is None:
                self._files_dir = Path(tempfile.mkdtemp(prefix="conteur-console-"))
            saved = self._files_dir / Path(attachment.filename).name
            saved.write_bytes(data)
            self._say(f"📎 {attachment.filename} ({_size(len(data))}), saved to {saved}")

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


def _size(count: int) -> str:
    return f"{count} bytes" if count < 1024 else f"{count / 1024:.1f} KB"


_IDS_RE = re.compile(r"\b\d{15,20}\b")


def _without_ids(text: str) -> str:
    return _IDS_RE.sub("…", text)


_REFUSAL_RE = re.compile(r"^Option '([^']+)' of '[^']+' (.*)$")


def client_refusal(error: Exception) -> str:
    """simcord's wording of what Discord's client refuses, as the client would say it."""
    first = str(error).split("\n")[0]
    match = _REFUSAL_RE.match(first)
    if match is None:
        return _without_ids(first)
    option, problem = match[1], match[2]
    problem = re.sub(r", got (.+)$", lambda m: f" (you gave {m[1]})", problem)
    return _without_ids(f"Discord won't send that: {option} {problem}.")
