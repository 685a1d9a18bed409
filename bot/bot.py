"""The Discord client: settings and store injected, cogs from an explicit list."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import discord
from discord.ext import commands

from bot.config import Settings
from bot.core.models import StorySummary
from bot.library import LoadReport, load_paths
from bot.storage import Store
from bot.tree import ConteurTree

log = logging.getLogger(__name__)

# Conteur never joins voice; without this discord.py warns at every start that
# the optional voice libraries are missing.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False

# Loaded in this order by setup_hook; one feature per module.
EXTENSIONS: tuple[str, ...] = (
    "cogs.story",
    "cogs.help",
)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def minimal_intents() -> discord.Intents:
    """Only what the features use; nothing privileged, so no portal approval is needed."""
    intents = discord.Intents.none()
    intents.guilds = True  # channel and thread cache, permissions
    return intents


class ConteurBot(commands.Bot):
    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        clock: Clock = utc_now,
        sync_globally: bool = False,
    ) -> None:
        options: dict[str, Any] = {}
        if settings.application_id is not None:
            options["application_id"] = settings.application_id
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=minimal_intents(),
            tree_cls=ConteurTree,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.settings = settings
        self.store = store
        self.clock = clock
        self.sync_globally = sync_globally
        self.started_at = time.monotonic()

    async def setup_hook(self) -> None:
        report = await self.load_builtin_stories()
        log.info("Built-in stories: %s", report.summary_lines()[0])
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands()

    async def load_builtin_stories(self) -> LoadReport:
        report = await load_paths(
            self.store, [self.settings.stories_dir], on_change=self.story_changed
        )
        for path, reason in report.rejected:
            log.warning("Built-in story %s rejected: %s", path, reason)
        return report

    async def story_changed(self, story: StorySummary) -> None:
        """Hook for in-memory indexes that must follow the library at once."""
        log.debug("Story %s changed", story.slug)

    async def sync_commands(self) -> None:
        """Guild sync for development (instant); global only when asked (rate-limited, slow)."""
        guild_id = self.settings.dev_guild_id
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to development guild %d", len(synced), guild_id)
        elif self.sync_globally:
            synced = await self.tree.sync()
            log.info("Synced %d commands globally (may take up to an hour to appear)", len(synced))
        else:
            log.info("Commands not synced: set CONTEUR_DEV_GUILD_ID or run with --sync")

    async def on_ready(self) -> None:
        log.info(
            "Connected as %s in %d servers (%.1f s after start)",
            self.user,
            len(self.guilds),
            time.monotonic() - self.started_at,
        )
