"""`conteur run` against the fake Discord, for tests that kill it (`kill -9`) at random.

The only changes from a real start: where Discord is (`CONTEUR_FAKE_API`,
`CONTEUR_FAKE_GATEWAY`), exactly as the in-process wire tests patch it, and, when
`CONTEUR_TEST_CLOCK` names a file, what time it is (tests.wire.sim_clock): the store
reads the simulated time from it, and the story-of-the-day loop, which naps until the
next post is due, is woken whenever the test moves the clock, as it is woken by a new
subscription.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import discord
import yarl

from bot import cli
from bot.core.clock import system_clock
from bot.discord_adapter.bot import ConteurBot
from tests.wire.sim_clock import FileClock

CLOCK_POLL_S = 0.05


async def _wake_on_clock_moves(clock: FileClock, bot: ConteurBot) -> None:
    while True:
        await asyncio.sleep(CLOCK_POLL_S)
        if clock.moved():
            clock()  # read it, so the next move is seen as one
            bot.daily.on_change()


def _follow_simulated_time(clock: FileClock) -> None:
    start = ConteurBot.setup_hook
    watchers: set[asyncio.Task[None]] = set()

    async def setup_hook(bot: ConteurBot) -> None:
        await start(bot)
        watcher = asyncio.create_task(_wake_on_clock_moves(clock, bot))
        watchers.add(watcher)  # kept: the loop holds tasks only weakly

    ConteurBot.setup_hook = setup_hook  # type: ignore[method-assign,assignment]


def main() -> int:
    discord.http.Route.BASE = os.environ["CONTEUR_FAKE_API"]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["CONTEUR_FAKE_GATEWAY"])
    clock_file = os.environ.get("CONTEUR_TEST_CLOCK")
    if not clock_file:
        return cli.main(["run"], clock=system_clock)
    clock = FileClock(Path(clock_file))
    _follow_simulated_time(clock)
    return cli.main(["run"], clock=clock)


if __name__ == "__main__":
    sys.exit(main())
