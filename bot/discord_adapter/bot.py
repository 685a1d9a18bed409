"""The Discord client: settings and store injected, cogs from an explicit list."""

from __future__ import annotations

import logging
import random
import time
from datetime import datetime
from typing import Any

import discord
from discord.ext import commands

from bot.app.library import Library
from bot.config import Settings
from bot.core.cooldown import Cooldown
from bot.discord_adapter.tree import ConteurTree
from bot.errors import RateLimited
from bot.storage import Store

log = logging.getLogger(__name__)

# Conteur never joins voice; without this discord.py warns at every start that
# the optional voice libraries are missing.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False

# Loaded in this order by setup_hook; one feature per module.
EXTENSIONS: tuple[str, ...] = (
    "cogs.story",
    "cogs.search",
    "cogs.character",
    "cogs.mentions",
    "cogs.privacy",
    "cogs.settings",
    "cogs.daily",
    "cogs.help",
)


def discord_clock() -> datetime:
    """discord.utils.utcnow, which the simulated Discord in tests controls."""
    return discord.utils.utcnow()


def minimal_intents() -> discord.Intents:
    """Only what the features use; nothing privileged, so no portal approval is needed."""
    intents = discord.Intents.none()
    intents.guilds = True  # channel and thread cache, permissions
    # Messages that mention the bot arrive with their content even without the
    # privileged message-content intent; these two just deliver the events.
    intents.guild_messages = True
    intents.dm_messages = True
    return intents


class ConteurBot(commands.Bot):
    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        sync_globally: bool = False,
        rng: random.Random | None = None,
    ) -> None:
        options: dict[str, Any] = {}
        if settings.application_id is not None:
            options["application_id"] = settings.application_id
        super().__init__(
            # Slash-first: no text commands. A prefix that never matches keeps every
            # @mention (a question for the mentions cog) from being parsed as a command.
            command_prefix=(),
            intents=minimal_intents(),
            tree_cls=ConteurTree,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.settings = settings
        self.store = store
        self.library = Library(store)
        self.random = rng or random.Random()
        self.sync_globally = sync_globally
        self.started_at = time.monotonic()
        seconds = self._clock_seconds
        # A member may ask 5 questions a minute; a channel hears at most 10.
        self.ask_cooldown_user = Cooldown(rate=5, per=60.0, clock=seconds)
        self.ask_cooldown_channel = Cooldown(rate=10, per=60.0, clock=seconds)
        # The "slow down" reply to a mention is itself a message: one per member a minute.
        self.ask_notice_cooldown = Cooldown(rate=1, per=60.0, clock=seconds)

    def clock(self) -> datetime:
        """The store's clock: the one every timestamp and schedule is read from."""
        return self.store.clock()

    def _clock_seconds(self) -> float:
        return self.clock().timestamp()

    def check_ask_cooldown(self, user_id: int, channel_id: int | None) -> None:
        """Raise a friendly error when a member or a channel is asking too fast.

        A refused question counts against neither limit, so one member's retries
        cannot use up the channel's share.
        """
        wait = max(
            self.ask_cooldown_user.peek(user_id),
            self.ask_cooldown_channel.peek(channel_id),
        )
        if wait > 0:
            raise RateLimited(
                f"I need a breather: ask again in {wait:.0f} seconds.",
                hint="Questions are limited to 5 a minute per member and 10 per channel.",
            )
        self.ask_cooldown_user.consume(user_id)
        self.ask_cooldown_channel.consume(channel_id)

    def may_send_cooldown_notice(self, user_id: int) -> bool:
        """Whether a member refused by the ask cooldown may be told so in the channel."""
        return self.ask_notice_cooldown.retry_after(user_id) == 0

    async def setup_hook(self) -> None:
        report = await self.library.start(self.settings.stories_dir, index_in_background=True)
        log.info("Built-in stories: %s", report.summary_lines()[0])
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """Guild sync for development (instant); global only when asked (rate-limited, slow).

        Both when both are asked for: `--sync` must publish even with a development
        server configured (the README has newcomers set one up first).
        """
        guild_id = self.settings.dev_guild_id
        if self.sync_globally:
            synced = await self.tree.sync()
            log.info("Synced %d commands globally (may take up to an hour to appear)", len(synced))
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to development guild %d", len(synced), guild_id)
        if guild_id is None and not self.sync_globally:
            log.info("Commands not synced: set CONTEUR_DEV_GUILD_ID or run with --sync")

    async def on_ready(self) -> None:
        log.info(
            "Connected as %s in %d servers (%.1f s after start)",
            self.user,
            len(self.guilds),
            time.monotonic() - self.started_at,
        )
