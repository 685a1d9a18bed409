"""Every example /help shows runs in the console as typed (issue 15's "Done when")."""

from __future__ import annotations

import io

import discord

from bot.console.session import ConsoleSession
from bot.errors import InvalidInput, NotAllowed, NotFound
from cogs.help import command_sections
from tests.e2e.conftest import raised


def _no_form_input(_prompt: str) -> str:
    raise EOFError


async def test_every_help_example_reaches_the_bot_and_gets_a_reply(world):
    world.guild.create_role("Librarians")
    admins = world.guild.create_role("Admins", permissions=discord.Permissions(administrator=True))
    admin = world.guild.add_member(world.env.create_user("ada"), roles=[admins])
    examples = [
        example
        for _feature, lines in command_sections(world.env.bot.tree)
        for _name, _description, example in lines
    ]
    assert len(examples) > 25
    replies: dict[str, str] = {}
    for example in examples:
        out = io.StringIO()
        session = ConsoleSession(
            world.env, admin, world.channel, as_json=False, out=out, read_line=_no_form_input
        )
        await session.handle(example)
        replies[example] = out.getvalue()
    refused = {
        example: said
        for example, said in replies.items()
        if not said.startswith(("── Conteur", "── Form:"))
    }
    assert refused == {}
    # Some examples name a story this server lacks, or are for the bot's owners: the
    # user was told so, as the replies show.
    assert set(raised(world.env)) <= {NotFound, InvalidInput, NotAllowed}
