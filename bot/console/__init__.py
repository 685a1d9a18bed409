"""The offline console: type slash commands as in Discord, read the replies as text.

It runs the real bot, unmodified, against simcord's in-process simulation of
Discord, so every command goes through the same discord.py dispatch, checks,
autocomplete and error handler it would in a server. Nothing leaves the machine.

- parsing.py  a typed line → a command and its options (file:PATH uploads a file)
- render.py   a reply → text, with Discord's markup shown as the client shows it
- session.py  one simulated member: commands, buttons, menus, forms
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

import discord
import simcord

from bot.console.session import ConsoleSession
from bot.storyteller import Storyteller

# librarian: a member whose only power is the server's moderator role (/settings
# moderator-role), as opposed to moderator (Manage Server) and admin (Administrator).
ROLES = ("member", "librarian", "moderator", "admin")
MODERATOR_ROLE = "Librarians"
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
Roles, channels and members: by name or mention, e.g. role:@Librarians channel:#reading-room
Other console commands: commands (list every slash command), help, quit.
To act as someone else, start again with --as member|librarian|moderator|admin
(a librarian has only the moderator role; a moderator has Manage Server)."""


def setup_actor(env: Any, role: str, guild_id: int | None) -> tuple[Any, Any]:
    guild = env.create_guild("Console Server", id=guild_id)
    channel = guild.create_text_channel("reading-room")
    # Always there, so `/settings moderator-role role:@Librarians` (the /help example) works.
    librarians = guild.create_role(MODERATOR_ROLE)
    roles = []
    if role == "librarian":
        roles = [librarians]
    elif role == "moderator":
        roles = [guild.create_role("Moderator", permissions=discord.Permissions(manage_guild=True))]
    elif role == "admin":
        roles = [guild.create_role("Admin", permissions=discord.Permissions(administrator=True))]
    actor = guild.add_member(env.create_user(role), roles=roles)
    return actor, channel


async def _make_librarians_moderators(bot: Any, actor: Any) -> None:
    """For --as librarian: the server chose the Librarians role as its moderator role."""
    from bot.app import settings

    role = actor.guild.roles[MODERATOR_ROLE]
    await settings.choose_moderator_role(
        bot.library, guild_id=actor.guild.id, actor_id=0, role_id=role.id, is_everyone=False
    )


async def storyteller_on(bot: discord.Client, guild_id: int) -> str | None:
    """With a model configured, the console's server has the storyteller on: whoever
    runs the console configured that model, so nobody else's text is sent anywhere."""
    storyteller = getattr(bot, "storyteller", None)
    if not isinstance(storyteller, Storyteller):
        return None
    await storyteller.store.storyteller.set_enabled(guild_id, True, None)
    return (
        f"The storyteller ({storyteller.model_name} at {storyteller.settings.url}) is on here: "
        "/story retell style:…, /story ask and mentions use it "
        "(as an admin, /settings storyteller mode:off to compare)."
    )


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
    # The simulated Discord waits this long (real seconds) for the bot to finish a
    # command; a language model may take most of its own timeout to answer.
    storyteller = getattr(bot, "storyteller", None)
    settle = storyteller.settings.timeout + 15 if isinstance(storyteller, Storyteller) else 5.0
    async with simcord.run(
        bot,
        strict_sync=False,
        check_errors=False,
        settle_timeout=settle,
        # The simulated Discord is one shard, unless the settings name more.
        shard_count=bot.shard_count or 1,
    ) as env:
        actor, channel = setup_actor(env, role, guild_id)
        if role == "librarian":
            await _make_librarians_moderators(bot, actor)
        storyteller_line = await storyteller_on(bot, channel.guild.id)
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
            if storyteller_line:
                session._say(storyteller_line)
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
