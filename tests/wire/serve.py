"""The fake Discord in a process of its own, for tests that kill and restart the bot.

`python -m tests.wire.serve --text-channels N` prints one JSON line (port, ids) once it
listens, then serves until its standard input closes (the test ending, or dying). The
test reads the fake's state over `/_control/state` and drives clicks over
`/_control/burst`. Request bodies are checked against Discord's OpenAPI description
and limits, as in the in-process wire tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from tests.wire.fake_discord import BOT_PERMISSIONS, READ_MESSAGE_HISTORY, FakeDiscord
from tests.wire.openapi import load_spec
from tests.wire.test_wire import limits_check, openapi_check


async def serve(args: argparse.Namespace) -> None:
    checks = [] if args.no_checks else [openapi_check(load_spec()), limits_check]
    fake = await FakeDiscord(
        token=args.token,
        application_id=args.application_id,
        checks=checks,
        text_channels=args.text_channels,
        bot_permissions=BOT_PERMISSIONS | READ_MESSAGE_HISTORY,
        reconnects=True,
        guilds=args.guilds,
        shard_count=args.shards,
    ).start()
    print(
        json.dumps(
            {
                "port": fake.port,
                "api_base": fake.api_base,
                "gateway_url": fake.gateway_url,
                "guild_id": fake.guild_id,
                "channel_ids": fake.channel_ids,
                "guilds": [
                    {
                        "id": guild.id,
                        "shard": guild.shard(fake.shard_count),
                        "channel_ids": guild.channel_ids,
                    }
                    for guild in fake.guilds
                ],
            }
        ),
        flush=True,
    )
    loop = asyncio.get_running_loop()
    try:
        # Until the test closes our stdin (or dies, which closes it too).
        await loop.run_in_executor(None, sys.stdin.read)
    finally:
        await fake.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--application-id", type=int, required=True)
    parser.add_argument("--text-channels", type=int, default=1, help="in each guild")
    parser.add_argument("--guilds", type=int, default=1, help="guild n is on shard n %% shards")
    parser.add_argument("--shards", type=int, default=1)
    # The benchmark measures the bot, not the fake's validation of every body.
    parser.add_argument("--no-checks", action="store_true")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
