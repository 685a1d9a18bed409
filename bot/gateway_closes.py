"""What to tell the operator when Discord closes the gateway for good.

discord.py reconnects by itself after ordinary closes; these codes mean that trying
again cannot help (Discord's "Gateway Close Event Codes"), so `conteur run` stops and
says what to change, without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

PORTAL = "https://discord.com/developers/applications"


@dataclass(frozen=True, slots=True)
class FatalClose:
    message: str
    usage: bool  # the operator's configuration is at fault (exit code 2), not a failure (1)


FATAL_CLOSES: dict[int, FatalClose] = {
    4004: FatalClose(
        "Discord rejected DISCORD_TOKEN when connecting (gateway code 4004, authentication "
        f"failed). Reset the token in the developer portal ({PORTAL}, Bot → Reset Token) "
        "and update .env.",
        usage=True,
    ),
    4010: FatalClose(
        "Discord refused the shard settings (gateway code 4010). Conteur runs one shard; "
        "remove any shard settings and start again.",
        usage=True,
    ),
    4011: FatalClose(
        "Discord requires sharding for this bot (gateway code 4011): it is in more "
        "servers than one connection may serve (2,500). Conteur runs a single shard, so "
        "it cannot serve this many servers.",
        usage=False,
    ),
    4012: FatalClose(
        "Discord no longer accepts this gateway version (code 4012). Upgrade Conteur "
        "(and with it discord.py).",
        usage=False,
    ),
    4013: FatalClose(
        "Discord refused the gateway intents as invalid (code 4013). This is a bug in "
        "Conteur: please report it.",
        usage=False,
    ),
    4014: FatalClose(
        "Discord refused a privileged gateway intent (code 4014). Conteur needs none; if "
        f"you changed the intents, enable them for the bot in the developer portal ({PORTAL}, "
        "Bot → Privileged Gateway Intents) or undo the change.",
        usage=True,
    ),
}


def fatal_close(code: int | None) -> FatalClose | None:
    """What to say for a close that retrying cannot fix; None for any other close."""
    return FATAL_CLOSES.get(code) if code is not None else None


def unexpected_close(code: int | None) -> str:
    return (
        f"Discord closed the connection (gateway code {code}) and it could not be resumed. "
        "Start Conteur again; if it keeps happening, check Discord's status page."
    )
