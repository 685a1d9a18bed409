"""Who may change what. The permission model, in one place.

- Anyone may read, search, ask and subscribe themselves by DM.
- A *moderator* of a server may add, edit, remove, restore, hide and unhide
  that server's stories and manage its story-of-the-day subscriptions. A
  moderator is a member with Manage Server (administrators have it), or with
  the role the server chose with `/settings moderator-role`.
- Only members with Manage Server may change `/settings` itself, so a
  moderator role cannot promote itself.
- Bot owners (CONTEUR_OWNER_IDS) manage built-in stories on the host (the
  stories folder, `conteur load`) and may reload them and check the bot's health
  with `/admin`, in any server the bot shares with them.

Discord's `default_permissions` hides top-level commands from members who lack
them, but a client can be outdated or the server may override it, so every
mutating command also carries one of the checks below (`@moderator_only()`,
`@manage_server_only()`), declared on the command so none can forget it.
Discord lets only a top-level command carry default permissions, so the
moderation subcommands of /story stay visible to everyone and rely on these
checks alone. Buttons and forms, which outlive the command, call
`require_moderator` again when pressed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

import discord
from discord import app_commands

from bot.errors import NotAllowed, UserError
from bot.storage import Store

T = TypeVar("T")


class _WithStore(Protocol):
    store: Store


class _WithOwners(Protocol):
    @property
    def owner_ids(self) -> frozenset[int]: ...


NOT_IN_DMS = "This only works in a server."


def member_of(interaction: discord.Interaction) -> discord.Member:
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise NotAllowed(NOT_IN_DMS)
    return interaction.user


def can_manage_server(member: discord.Member, permissions: discord.Permissions) -> bool:
    return permissions.manage_guild or permissions.administrator


async def is_moderator(store: Store, interaction: discord.Interaction) -> bool:
    member = member_of(interaction)
    if can_manage_server(member, interaction.permissions):
        return True
    settings = await store.guilds.guild_settings(cast(discord.Guild, interaction.guild).id)
    role_id = settings.moderator_role_id
    return role_id is not None and any(role.id == role_id for role in member.roles)


async def require_moderator(store: Store, interaction: discord.Interaction) -> discord.Member:
    """The member, if they moderate this server's stories; NotAllowed otherwise."""
    member = member_of(interaction)
    if not await is_moderator(store, interaction):
        raise NotAllowed(
            "Only this server's moderators can do that: members with Manage Server, or "
            "the moderator role set with `/settings moderator-role`."
        )
    return member


def require_manage_server(interaction: discord.Interaction) -> discord.Member:
    member = member_of(interaction)
    if not can_manage_server(member, interaction.permissions):
        raise NotAllowed("Only members with the Manage Server permission can change settings.")
    return member


class RefusedByCheck(app_commands.CheckFailure):
    """A check's friendly refusal, carried through discord.py's check machinery."""

    def __init__(self, error: UserError) -> None:
        super().__init__(error.message)
        self.original = error  # as CommandInvokeError names what it wraps


def moderator_only() -> Callable[[T], T]:
    """On a command: only this server's moderators may run it (re-checked server side)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        try:
            await require_moderator(cast(_WithStore, interaction.client).store, interaction)
        except UserError as error:
            raise RefusedByCheck(error) from error
        return True

    return app_commands.check(predicate)


def manage_server_only() -> Callable[[T], T]:
    """On a command: only members with Manage Server may run it."""

    def predicate(interaction: discord.Interaction) -> bool:
        try:
            require_manage_server(interaction)
        except UserError as error:
            raise RefusedByCheck(error) from error
        return True

    return app_commands.check(predicate)


def owner_only() -> Callable[[T], T]:
    """On a command: only the bot's owners (CONTEUR_OWNER_IDS) may run it."""

    def predicate(interaction: discord.Interaction) -> bool:
        settings = cast(Any, interaction.client).settings
        if interaction.user.id not in cast(_WithOwners, settings).owner_ids:
            raise RefusedByCheck(
                NotAllowed(
                    "Only the bot's owners can do that.",
                    hint="Owners are listed in CONTEUR_OWNER_IDS on the host.",
                )
            )
        return True

    return app_commands.check(predicate)
