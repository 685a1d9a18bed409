"""The Discord client: settings and store injected, cogs from an explicit list."""

from __future__ import annotations

import asyncio
import gc
import logging
import random
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import discord
from discord.ext import commands

from bot.app.daily import DailySchedule
from bot.app.library import Library
from bot.app.ownership import Ownership
from bot.app.telling import AskLimits
from bot.config import Settings
from bot.discord_adapter import outgoing
from bot.discord_adapter.edge import cleaning_interactions
from bot.discord_adapter.tree import ConteurTree
from bot.discord_adapter.ui.latest import LatestPerMember
from bot.discord_adapter.ui.rejected import RejectedForms
from bot.discord_adapter.ui.restart_safe import answer_if_unclaimed, keeping_only_live_views
from bot.storage import Store
from bot.storyteller import Storyteller

log = logging.getLogger(__name__)

OPEN_FORMS_PER_MEMBER = 2  # Discord's client shows one form at a time (two: another device)

# Conteur never joins voice; without this discord.py warns at every start that
# the optional voice libraries are missing.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


def freeze_start_up_objects() -> int:
    """Leave what lives as long as the process out of the garbage collector's full passes;
    returns how many objects are frozen.

    A full collection traverses every tracked object (the catalogues, discord.py's state,
    the modules and their functions): 150-400 ms on a shared machine at 10,000 stories,
    during a name-heavy upload's 100,000 new objects; 13-30 ms of CPU for the 30,000-65,000
    objects of `bench/search.py`'s process. It runs in whichever thread allocated last (a
    search's worker thread, an interaction's handler) and holds the interpreter lock
    throughout: the event loop stalls that long. Frozen, they are skipped. What is frozen
    and later dropped is still freed by reference counting; only a reference cycle among
    frozen objects would stay, and a process freezes once (`conteur run` once its index is
    ready, and bench/search.py as it does).
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


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
    "cogs.admin",
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


class ConteurBot(commands.AutoShardedBot):
    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        sync_globally: bool = False,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        settle_memory: bool = False,
    ) -> None:
        options: dict[str, Any] = {}
        if settings.application_id is not None:
            options["application_id"] = settings.application_id
        # Unset: every shard Discord recommends, in this process. Set: just these, so
        # several processes (on several machines) split the servers between them.
        if settings.shard_count is not None:
            options["shard_count"] = settings.shard_count
            options["shard_ids"] = list(settings.shard_ids or range(settings.shard_count))
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
        outgoing.install()
        self.rejected_forms = RejectedForms()
        self.settings = settings
        self.store = store
        self.library = Library(store, index_dir=settings.index_dir)
        self.ownership = Ownership(store, settings.shard_count, settings.shard_ids)
        self.daily = DailySchedule(self.library, owns=self.ownership.owns)
        self.random = rng or random.Random()
        # The optional language model; None (the default) keeps the bot fully offline.
        # `sleep` goes with the clock: a streamed reply waits for its next edit on it.
        self.storyteller = (
            Storyteller(settings.model, store, clock=self.clock, sleep=sleep, rng=self.random)
            if settings.model is not None
            else None
        )
        self.sync_globally = sync_globally
        # `conteur run` (one bot per process) sets it; tests, with many bots in a
        # process, must not: see _freeze_long_lived.
        self.settle_memory = settle_memory
        self._settling: asyncio.Task[None] | None = None
        self.started_at = time.monotonic()
        self.ask_limits = AskLimits(self.clock)
        # Forms opened and not yet sent: only each member's latest (see ui/latest.py).
        self.open_forms = LatestPerMember[discord.ui.Modal](OPEN_FORMS_PER_MEMBER)
        # Members' text is cleaned where it enters, before discord.py parses it.
        parsers = self._connection.parsers
        parsers["INTERACTION_CREATE"] = cleaning_interactions(parsers["INTERACTION_CREATE"])
        state = self._connection
        state.store_view = keeping_only_live_views(state.store_view)  # type: ignore[method-assign]

    async def close(self) -> None:
        # discord.py's AutoShardedClient makes its event queue when it connects; a bot
        # closed without having connected (a failed start, a test) would fail on it.
        if "_AutoShardedClient__queue" not in self.__dict__:
            self._AutoShardedClient__queue: asyncio.PriorityQueue[Any] = asyncio.PriorityQueue()
        if self._settling is not None:
            self._settling.cancel()
        await self.library.stop_following()
        await self.library.cast_reading.stop()
        if self.storyteller is not None:
            await self.storyteller.close()
        self.library.analyser.close()
        await super().close()

    def clock(self) -> datetime:
        """The store's clock: the one every timestamp and schedule is read from."""
        return self.store.clock()

    async def setup_hook(self) -> None:
        # Before the start's index build, so no other process's change slips between.
        await self.library.follow_changes()
        report = await self.library.start(
            self.settings.stories_dir, index_in_background=True, read_casts_in_background=True
        )
        log.info("Built-in stories: %s", report.summary_lines()[0])
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands()
        if self.settle_memory:
            self._settling = asyncio.create_task(self._freeze_long_lived())

    async def settled(self) -> None:
        """Once start-up's objects are frozen (at once if the bot does not freeze them)."""
        if self._settling is not None:
            await asyncio.shield(self._settling)

    async def _freeze_long_lived(self) -> None:
        """Once the search index is built, `freeze_start_up_objects`."""
        await self.library.index_ready()
        frozen = freeze_start_up_objects()
        log.info("Start-up objects frozen for the garbage collector: %d", frozen)

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

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        super().dispatch(event_name, *args, **kwargs)
        if event_name == "interaction":
            # A forged or stale custom_id that no item takes would get no reply at all.
            answer_if_unclaimed(self, args[0])

    async def on_ready(self) -> None:
        log.info(
            "Connected as %s in %d servers (%.1f s after start)",
            self.user,
            len(self.guilds),
            time.monotonic() - self.started_at,
        )
