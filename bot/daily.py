"""The story of the day: the tick loop and how one post is sent to Discord.

Deciding what is due, rotation and exactly-once bookkeeping live in the core
(`bot.core.schedule`, `bot.core.fanout`) and the store; this module connects
them to Discord: it turns a due subscription into a message (and a discussion
thread), and Discord's answers into SENT, RETRY or PAUSE.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.core.discussion import discussion_questions
from bot.core.fanout import (
    FanoutReport,
    RateLimiter,
    SendResult,
    deliver,
    delivery_nonce,
    recover,
)
from bot.core.pagination import paginate
from bot.core.retelling import retell
from bot.core.schedule import Agenda, Due, Subscription, next_story
from bot.rendering import page_embed
from bot.rendering.telling import daily_embed, questions_embed, thread_name
from bot.ui.reading import reading_view

if TYPE_CHECKING:
    from bot.bot import ConteurBot

log = logging.getLogger(__name__)

DELETED_CHANNEL = "The channel was deleted or I can no longer see it."
DMS_CLOSED = "The member's DMs are closed to me."
LEFT_SERVER = "I am no longer in that server."
MAX_IDLE = timedelta(hours=1)


def lost_permission(channel_id: int | None) -> str:
    return f"I lost permission to post in <#{channel_id}>."


class DailyService:
    """Owns the agenda of subscriptions and runs one tick a minute."""

    def __init__(self, bot: ConteurBot) -> None:
        self.bot = bot
        self.agenda = Agenda()
        self._limiter: RateLimiter | None = None
        self._napping: asyncio.Future[None] | None = None

    @property
    def limiter(self) -> RateLimiter:
        if self._limiter is None:  # needs the running loop, whose clock may be virtual
            loop = asyncio.get_running_loop()
            self._limiter = RateLimiter(clock=loop.time, sleep=asyncio.sleep)
        return self._limiter

    async def start(self) -> FanoutReport:
        """Settle what a crash left half-sent, then learn every subscription."""
        store = self.bot.store
        report = await recover(
            store,
            now=self.bot.clock(),
            lookup=store.get_subscription,
            send=self.send,
            limiter=self.limiter,
            sleep=asyncio.sleep,
        )
        if report.resent or report.assumed_sent or report.dropped:
            log.warning("Daily recovery after a crash: %s", report)
        last_sent = await store.last_sent()
        now = self.bot.clock()
        for subscription in await store.all_subscriptions():
            self.agenda.upsert(subscription, now, last_sent.get(subscription.id))
        return report

    async def run(self) -> None:
        """Tick at every minute boundary until cancelled; one failing tick never stops it."""
        await self.start()
        while True:
            try:
                await self.tick()
            except Exception:
                log.exception("Daily tick failed; trying again shortly")
            await self._nap(self._idle_seconds())

    async def _nap(self, seconds: float) -> None:
        """Sleep, unless a subscription change cuts the nap short (see `changed`)."""
        self._napping = asyncio.ensure_future(asyncio.sleep(seconds))
        try:
            await self._napping
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # the loop itself is being stopped
        finally:
            self._napping = None

    def _idle_seconds(self) -> float:
        """Sleep until the next subscription needs a look (a change wakes us sooner).

        At least a second, so a clock that jumps back cannot spin the loop, and at most
        an hour, so a suspended machine's lost time is noticed.
        """
        now = self.bot.clock()
        upcoming = self.agenda.next_check()
        if upcoming is None:
            return MAX_IDLE.total_seconds()
        return min(max((upcoming - now).total_seconds(), 1.0), MAX_IDLE.total_seconds())

    async def tick(self) -> FanoutReport:
        store = self.bot.store
        now = self.bot.clock()
        due = self.agenda.due(now, await store.last_sent())
        if not due:
            return FanoutReport()
        report = await deliver(
            due,
            pick_story=self.pick_story,
            send=self.send,
            log=store,
            limiter=self.limiter,
            sleep=asyncio.sleep,
        )
        last_sent = await store.last_sent()
        for subscription_id, reason in report.paused:
            subscription = await store.get_subscription(subscription_id)
            if subscription is not None:
                self.agenda.upsert(subscription, now, last_sent.get(subscription_id))
                await self.tell_moderators(subscription, reason)
        self.agenda.recheck(report.released, now)
        log.info(
            "Daily tick: %d due, %d sent, %d paused", len(due), report.sent, len(report.paused)
        )
        return report

    async def changed(self, subscription: Subscription) -> None:
        """A subscription was created, edited, paused or resumed: re-plan it."""
        last = (await self.bot.store.last_sent()).get(subscription.id)
        self.agenda.upsert(subscription, self.bot.clock(), last)
        if self._napping is not None:
            self._napping.cancel()

    def removed(self, subscription_id: int) -> None:
        self.agenda.remove(subscription_id)

    async def pick_story(self, subscription: Subscription) -> int | None:
        """Rotation through the stories visible where it posts, without repeats."""
        visible = sorted(await self.bot.library.visible_ids(subscription.guild_id))
        return next_story(visible, await self.bot.store.story_history(subscription.id))

    # -------------------------------------------------------------- sending

    async def send(self, due: Due, story_id: int) -> SendResult:
        try:
            return await self._send(due, story_id)
        except discord.NotFound:
            return SendResult.pause(DMS_CLOSED if due.subscription.is_dm else DELETED_CHANNEL)
        except discord.Forbidden as error:
            if error.code == 50007 or due.subscription.is_dm:
                return SendResult.pause(DMS_CLOSED)
            return SendResult.pause(lost_permission(due.subscription.channel_id))
        except discord.RateLimited as error:
            return SendResult.retry("rate limited", error.retry_after)
        except discord.HTTPException as error:
            if error.status >= 500 or error.status == 429:
                return SendResult.retry(f"Discord answered {error.status}")
            raise
        except (TimeoutError, aiohttp.ClientError) as error:
            return SendResult.retry(f"network: {error!r}")

    async def _send(self, due: Due, story_id: int) -> SendResult:
        destination = await self._destination(due.subscription)
        if isinstance(destination, SendResult):
            return destination
        story = await self.bot.store.get_story(story_id)
        if story is None:
            return SendResult.retry("the story vanished; another will be picked")
        pages = paginate(story.passages)
        whole = len(pages) == 1
        if whole:
            text = pages[0].text
        else:
            protagonist = story.summary.protagonist
            text = retell(story.passages, length="short", protagonist=protagonist).text
        embeds = [daily_embed(story.summary, text, due.local_date, whole=whole)]
        if not whole:
            embeds.append(page_embed(story.summary, pages[0], len(pages)))
        message = await destination.send(
            embeds=embeds,
            view=discord.utils.MISSING if whole else reading_view(story.id, 1, len(pages)),
            nonce=delivery_nonce(due.subscription.id, due.local_date),
        )
        if isinstance(destination, discord.TextChannel):
            await self._open_thread(message, story_id, due)
        return SendResult.sent(message.id)

    async def _destination(
        self, subscription: Subscription
    ) -> discord.abc.Messageable | SendResult:
        if subscription.is_dm:
            user = self.bot.get_user(subscription.user_id or 0) or await self.bot.fetch_user(
                subscription.user_id or 0
            )
            return user.dm_channel or await user.create_dm()
        if subscription.guild_id is not None and self.bot.get_guild(subscription.guild_id) is None:
            return SendResult.pause(LEFT_SERVER)
        channel = self.bot.get_channel(subscription.channel_id or 0)
        if channel is None:
            return SendResult.pause(DELETED_CHANNEL)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            return SendResult.pause(DELETED_CHANNEL)
        permissions = channel.permissions_for(channel.guild.me)
        if not (permissions.view_channel and permissions.send_messages and permissions.embed_links):
            return SendResult.pause(lost_permission(channel.id))
        return channel

    async def _open_thread(self, message: discord.Message, story_id: int, due: Due) -> None:
        """A discussion thread under the post, when allowed; the post stands either way."""
        channel = message.channel
        assert isinstance(channel, discord.TextChannel)
        permissions = channel.permissions_for(channel.guild.me)
        if not (permissions.create_public_threads and permissions.send_messages_in_threads):
            return
        story = await self.bot.store.get_story(story_id)
        if story is None:
            return
        try:
            cast = await self.bot.store.get_cast(story_id)
            questions = discussion_questions(story.passages, cast, title=story.title)
            thread = await message.create_thread(name=thread_name(story.title))
            await self.bot.store.remember_thread(thread.id, story_id, channel.guild.id)
            await thread.send(embed=questions_embed(questions))
        except discord.HTTPException:
            log.warning(
                "Could not open the discussion thread for %s on %s", story.slug, due.local_date
            )

    async def tell_moderators(self, subscription: Subscription, reason: str) -> None:
        """Say why posting stopped, in the server's system channel when I may."""
        if subscription.guild_id is None:
            return
        guild = self.bot.get_guild(subscription.guild_id)
        channel = guild.system_channel if guild else None
        if channel is None or not channel.permissions_for(channel.guild.me).send_messages:
            log.info("Paused subscription %d: %s", subscription.id, reason)
            return
        try:
            await channel.send(
                f"The story of the day for <#{subscription.channel_id}> is paused: {reason} "
                "A moderator can fix that and run `/daily resume`."
            )
        except discord.HTTPException:
            log.info(
                "Paused subscription %d (%s); could not tell the server", subscription.id, reason
            )
