"""Who may change what. The permission model, in one place.

- Anyone may read, search, ask and subscribe themselves by DM.
- A *moderator* of a server may add, edit, remove, restore, hide and unhide
  that server's stories and manage its story-of-the-day subscriptions. A
  moderator is a member with Manage Server (administrators have it), or with
  the role the server chose with `/settings moderator-role`.
- Only members with Manage Server may change `/settings` itself, so a
  moderator role cannot promote itself.
- Bot owners (CONTEUR_OWNER_IDS) manage built-in stories with `conteur load`
  on the host, never from Discord.

Discord's `default_permissions` hides top-level commands from members who lack
them, but a client can be outdated or the server may override it, so every
mutating command also calls one of these checks on the server side.
Discord lets only a top-level command carry default permissions, so the
moderation subcommands of /story stay visible to everyone and rely on these
checks alone.
"""

from __future__ import annotations

from typing import cast

import discord

from bot.errors import NotAllowed
from bot.storage import Store

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
