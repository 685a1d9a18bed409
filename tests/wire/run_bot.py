"""`conteur run` against the fake Discord, for tests that kill it (`kill -9`) at random.

The only change from a real start: where Discord is (`CONTEUR_FAKE_API`,
`CONTEUR_FAKE_GATEWAY`), exactly as the in-process wire tests patch it.
"""

from __future__ import annotations

import os
import sys

import discord
import yarl

from bot import cli


def main() -> int:
    discord.http.Route.BASE = os.environ["CONTEUR_FAKE_API"]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["CONTEUR_FAKE_GATEWAY"])
    return cli.main(["run"])


if __name__ == "__main__":
    sys.exit(main())
