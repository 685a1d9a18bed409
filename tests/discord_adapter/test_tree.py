"""The one error path when Discord has already forgotten the interaction."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.discord_adapter.tree import send_error
from bot.errors import NotFound


def _http_error(status: int, code: int) -> discord.HTTPException:
    response = type("Response", (), {"status": status, "reason": "Not Found"})()
    kind = discord.NotFound if status == 404 else discord.HTTPException
    return kind(response, {"code": code, "message": "Unknown interaction"})


class _Response:
    def __init__(self, refusal: discord.HTTPException) -> None:
        self.refusal = refusal
        self.sent: list[dict[str, Any]] = []

    def is_done(self) -> bool:
        return False

    async def send_message(self, **kwargs: Any) -> None:
        self.sent.append(kwargs)
        raise self.refusal


class _Interaction:
    id = 1
    command = None

    def __init__(self, refusal: discord.HTTPException) -> None:
        self.response = _Response(refusal)


@app_commands.command()
async def probe(interaction: discord.Interaction) -> None:
    """A command whose reply found the interaction expired."""


async def test_a_command_that_found_its_interaction_expired_gets_no_error_reply() -> None:
    expired = _http_error(404, 10062)
    interaction = _Interaction(expired)
    await send_error(interaction, app_commands.CommandInvokeError(probe, expired))  # type: ignore[arg-type]
    assert interaction.response.sent == []


async def test_an_error_found_late_is_attempted_once_not_again_in_plain_text() -> None:
    """Late under a burst, a second (plain) attempt would only add to the backlog."""
    interaction = _Interaction(_http_error(404, 10062))
    await send_error(interaction, NotFound("No story called that."))  # type: ignore[arg-type]
    assert len(interaction.response.sent) == 1


async def test_an_embed_refused_for_another_reason_is_sent_plain() -> None:
    interaction = _Interaction(_http_error(400, 50035))
    await send_error(interaction, NotFound("No story called that."))  # type: ignore[arg-type]
    assert [("embed" in sent, "content" in sent) for sent in interaction.response.sent] == [
        (True, False),
        (False, True),
    ]
