"""The command tree and the one error path every interaction goes through."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.core.text import echo, shorten
from bot.discord_adapter.checks import RefusedByCheck
from bot.errors import UserError

log = logging.getLogger(__name__)

ERROR_COLOUR = discord.Colour.red()
PLAIN_LIMIT = 300


def error_embed(title: str, message: str, hint: str | None = None) -> discord.Embed:
    embed = discord.Embed(title=title, description=shorten(message, 4096), colour=ERROR_COLOUR)
    if hint:
        embed.add_field(name="Try this", value=shorten(hint, 1024), inline=False)
    return embed


def plain_text(embed: discord.Embed) -> str:
    """The error as one short plain message, for when the embed could not be sent."""
    return shorten(f"{embed.title}: {embed.description or ''}", PLAIN_LIMIT)


def explain(error: BaseException) -> discord.Embed | None:
    """The friendly embed for an error a user caused, or None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = error.__cause__ or getattr(error, "original", None)
        if isinstance(inner, UserError):
            return error_embed(inner.title, inner.message, inner.hint)
    if isinstance(error, UserError):
        return error_embed(error.title, error.message, error.hint)
    if isinstance(error, RefusedByCheck):
        return error_embed(error.original.title, error.original.message, error.original.hint)
    if isinstance(error, app_commands.NoPrivateMessage):
        return error_embed("Servers only", "This command works in a server, not in DMs.")
    if isinstance(error, app_commands.MissingPermissions | app_commands.MissingRole):
        return error_embed("Not allowed", "You don't have permission to use this command here.")
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return error_embed("I can't do that here", f"I'm missing these permissions: {missing}.")
    if isinstance(error, app_commands.CommandOnCooldown):
        return error_embed("Slow down", f"Try again in {error.retry_after:.0f} seconds.")
    if isinstance(error, app_commands.CheckFailure):
        return error_embed("Not allowed", "You can't use this command here.")
    if isinstance(error, app_commands.TransformerError):
        return error_embed("Invalid input", f"{echo(str(error.value))} isn't a valid value here.")
    return None


async def send_error(
    interaction: discord.Interaction,
    error: BaseException,
    *,
    view: discord.ui.View | None = None,
) -> None:
    """Reply ephemerally with the error, whether or not the interaction was answered.

    `view`: a way forward offered with it (reopen a rejected form).
    """
    if _expired(error):
        # Discord has forgotten the interaction: nothing can reach the user, and two
        # more refused requests (the embed, then plain text) would only add to the
        # backlog that made it late.
        log.warning("Interaction %s expired before it was answered", interaction.id)
        return
    embed = explain(error)
    if embed is None:
        command = interaction.command.qualified_name if interaction.command else "component"
        log.error("Unexpected error in %s", command, exc_info=error)
        embed = error_embed(
            "Something went wrong",
            "Sorry, that failed on my side. It has been logged; please try again later.",
        )
    try:
        await _reply(interaction, embed=embed, view=view)
    except discord.HTTPException as rich_failed:
        if _expired(rich_failed):  # late while the error was made: no one to tell
            log.warning("Interaction %s expired before its error was sent", interaction.id)
            return
        # Whatever made the embed unsendable, a short plain line still tells the user.
        log.warning("Error embed refused (%s); sending it as plain text", rich_failed.status)
        try:
            await _reply(interaction, content=plain_text(embed))
        except discord.HTTPException:
            log.warning("Could not deliver an error message for interaction %s", interaction.id)


UNKNOWN_INTERACTION = 10062  # Discord's code once an interaction's time is up


def _expired(error: BaseException) -> bool:
    cause = error.__cause__ or getattr(error, "original", None)
    found = cause if isinstance(cause, discord.NotFound) else error
    return isinstance(found, discord.NotFound) and found.code == UNKNOWN_INTERACTION


async def _reply(
    interaction: discord.Interaction,
    *,
    embed: discord.Embed | None = None,
    content: str = "",
    view: discord.ui.View | None = None,
) -> None:
    extra: dict[str, Any] = {"view": view} if view is not None else {}
    if embed is not None:
        extra["embed"] = embed
    if content:
        extra["content"] = content
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=True, **extra)
    else:
        await interaction.response.send_message(ephemeral=True, **extra)


class ConteurTree(app_commands.CommandTree[discord.Client]):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await send_error(interaction, error)
