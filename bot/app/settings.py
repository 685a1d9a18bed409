"""A server's settings: who moderates its stories, which time zone it lives in."""

from __future__ import annotations

from bot.app.library import Library
from bot.errors import InvalidInput
from bot.storage import GuildSettings


async def server_settings(library: Library, guild_id: int) -> GuildSettings:
    return await library.store.guilds.guild_settings(guild_id)


async def choose_moderator_role(
    library: Library, *, guild_id: int, actor_id: int, role_id: int | None, is_everyone: bool
) -> None:
    """Members with the role moderate the server's stories; None: Manage Server only."""
    if is_everyone:
        raise InvalidInput(
            "@everyone can't be the moderator role: every member could then remove stories.",
            hint="Create a role for the moderators and choose it here.",
        )
    await library.store.guilds.set_moderator_role(guild_id, role_id, actor_id)


async def choose_timezone(library: Library, *, guild_id: int, actor_id: int, zone: str) -> None:
    """`zone`: a resolved IANA key, the default for the story of the day here."""
    await library.store.guilds.set_guild_timezone(guild_id, zone, actor_id)
