"""One simulated member typing lines: commands, button presses, menu picks, forms."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
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
            ok = ok and not any(e.colour == ERROR_COLOUR for e in message.embeds)
            if message.components:
                self.last_message = message.message
                self.last_components = message.components
        if not self.as_json:
            self._show_elsewhere()
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
