"""The story of the day: the tick loop and how one post is sent to Discord.

Deciding what is due, rotation and exactly-once bookkeeping live in the core
(`bot.core.schedule`, `bot.core.fanout`) and the store; this module connects
them to Discord: it turns a due subscription into a message (and a discussion
thread), and Discord's answers into SENT, RETRY, PAUSE or FAIL.

Every request to Discord here, not only the message, first takes a token from the one
shared limiter: Discord's 50 a second counts them all.

Each post's footer ends with a marker naming its delivery (`delivery_marker`), so that
after a crash between Discord accepting a post and the log recording it, recovery finds
the post in the destination's recent history (`already_posted`) instead of resending it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.app.ownership import DM_LEASE, OwnedClaims
from bot.core.fanout import (
    Acquire,
    FanoutReport,
    RateLimiter,
    SendResult,
    deliver,
    delivery_nonce,
    recover,
)
from bot.core.pagination import paginate
from bot.core.questions import discussion_questions
from bot.core.retelling import retell
from bot.core.schedule import Due, Subscription
from bot.discord_adapter.rendering.daily import (
    daily_post_embeds,
    is_delivery_post,
    pause_notice,
)
from bot.discord_adapter.rendering.telling import questions_embed, thread_name
from bot.discord_adapter.ui.reading import reading_view

if TYPE_CHECKING:
    from bot.discord_adapter.bot import ConteurBot

log = logging.getLogger(__name__)

DELETED_CHANNEL = "The channel was deleted or I can no longer see it."
# Shown to the member in /daily status: say how to fix it, as only they can.
DMS_CLOSED = (
    "I couldn't DM you: your DMs are closed to me. Allow direct messages from a server "
    "we share (Privacy Settings), then run /daily dm enable to resume."
)
LEFT_SERVER = "I am no longer in that server."
MAX_IDLE = timedelta(hours=1)
# Between rounds of retries of one delivery during an outage: 30 s, 1 min, 2 min … 15 min.
RELEASE_BACKOFF = timedelta(seconds=30)
RELEASE_BACKOFF_MAX = timedelta(minutes=15)
# Recovery's look for a post: one page of history, from a little before the post's
# scheduled time (it cannot be older; the margin covers clocks that disagree).
HISTORY_LOOKBACK = 50
CLOCK_MARGIN = timedelta(minutes=5)


def lost_permission(channel_id: int | None) -> str:
    return f"I lost permission to post in <#{channel_id}>."


class DailyService:
    """Owns the agenda of subscriptions and runs one tick a minute."""

    def __init__(self, bot: ConteurBot) -> None:
        self.bot = bot
        self.schedule = bot.daily
        self.agenda = bot.daily.agenda
        self.schedule.on_change = self._wake
        self._releases: dict[tuple[int, date], int] = {}  # rounds of retries given back
        self._limiter: RateLimiter | None = None
        self._napping: asyncio.Future[None] | None = None

    @property
    def limiter(self) -> RateLimiter:
        if self._limiter is None:  # needs the running loop, whose clock may be virtual
            loop = asyncio.get_running_loop()
            self._limiter = RateLimiter(
                self.bot.ownership.requests_per_second,
                clock=loop.time,
                sleep=asyncio.sleep,
                starts_spent=True,
            )
        return self._limiter

    async def start(self) -> FanoutReport:
        """Settle what a crash left half-sent, then learn every subscription."""
        await self.bot.ownership.renew()
        report = await self._settle(claimed_before=None)
        await self.schedule.load()
        return report

    async def _settle(self, *, claimed_before: datetime | None) -> FanoutReport:
        """Recovery of the half-sent claims of the subscriptions this process posts.

        At start, all of them: a crash of this process left them. When DM leases move
        to this process, those claimed before one lease ago: the process that made
        them has stopped renewing its leases, so it died (a live one's are in flight).
        """
        store = self.bot.store
        report = await recover(
            OwnedClaims(store.daily, self.bot.ownership, claimed_before=claimed_before),
            now=self.bot.clock(),
            lookup=store.daily.get_subscription,
            send=self.send,
            limiter=self.limiter,
            sleep=asyncio.sleep,
            already_posted=self.already_posted,
        )
        if report.resent or report.confirmed or report.assumed_sent or report.dropped:
            log.warning("Daily recovery after a crash: %s", report)
        for subscription_id, reason in report.paused:  # the agenda is rebuilt after
            subscription = await store.daily.get_subscription(subscription_id)
            if subscription is not None:
                await self.tell_moderators(subscription, reason)
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

    def _wake(self) -> None:
        if self._napping is not None:
            self._napping.cancel()

    async def _nap(self, seconds: float) -> None:
        """Sleep, unless a subscription change cuts the nap short (see `_wake`)."""
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
        longest = MAX_IDLE.total_seconds()
        if self.bot.ownership.sharded:  # leases are renewed at every tick
            longest = min(longest, DM_LEASE.total_seconds() / 3)
        upcoming = self.agenda.next_check()
        if upcoming is None:
            return longest
        return min(max((upcoming - now).total_seconds(), 1.0), longest)

    async def tick(self) -> FanoutReport:
        store = self.bot.store
        if await self.bot.ownership.renew():
            # This process's share of the DMs moved: settle what a dead one left of
            # them, then plan them.
            await self._settle(claimed_before=self.bot.clock() - DM_LEASE)
            await self.schedule.load()
        now = self.bot.clock()
        # Only the subscriptions whose time has come: the log is read for those alone.
        pending = self.agenda.pending(now)
        if not pending:
            return FanoutReport()
        due = self.agenda.due(now, await store.daily.last_sent(pending))
        if not due:
            return FanoutReport()
        report = await deliver(
            due,
            pick_story=self.schedule.pick_story,
            send=self.send,
            log=store.daily,
            limiter=self.limiter,
            sleep=asyncio.sleep,
        )
        paused = dict(report.paused)
        last_sent = await store.daily.last_sent(paused)
        for subscription_id, reason in paused.items():
            subscription = await store.daily.get_subscription(subscription_id)
            if subscription is not None:
                self.agenda.upsert(subscription, now, last_sent.get(subscription_id))
                await self.tell_moderators(subscription, reason)
        self._recheck_released(due, report.released, now)
        log.info(
            "Daily tick: %d due, %d sent, %d paused, %d refused",
            len(due), report.sent, len(report.paused), len(report.failed),
        )  # fmt: skip
        return report

    def _recheck_released(self, due: Sequence[Due], released: Sequence[int], now: datetime) -> None:
        """Retry what Discord kept failing, ever less often while the outage lasts.

        Each release (its retries exhausted) doubles the wait before the next round,
        from RELEASE_BACKOFF up to RELEASE_BACKOFF_MAX, so a long outage is not
        hammered by every subscription at once; a delivery that went through (or
        paused, or was refused) forgets its count.
        """
        given_back = set(released)
        for item in due:
            key = (item.subscription.id, item.local_date)
            if item.subscription.id not in given_back:
                self._releases.pop(key, None)
                continue
            rounds = self._releases.get(key, 0) + 1
            self._releases[key] = rounds
            wait = min(RELEASE_BACKOFF * 2 ** (rounds - 1), RELEASE_BACKOFF_MAX)
            self.agenda.recheck([item.subscription.id], now, after=wait)

    # -------------------------------------------------------------- sending

    async def send(self, due: Due, story_id: int, acquire: Acquire) -> SendResult:
        try:
            return await self._send(due, story_id, acquire)
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
            if 400 <= error.status < 500:
                # The same request would be refused again: retrying all day, every day,
                # would only hammer Discord. That day fails; tomorrow brings the next story.
                detail = f"{error.status}, code {error.code}: {error.text}".strip(": ")
                return SendResult.fail(f"Discord refused the post ({detail})")
            raise
        except (TimeoutError, aiohttp.ClientError) as error:
            return SendResult.retry(f"network: {error!r}")

    async def _send(self, due: Due, story_id: int, acquire: Acquire) -> SendResult:
        destination = await self._destination(due.subscription, acquire)
        if isinstance(destination, SendResult):
            return destination
        story = await self.bot.store.stories.get_story(story_id)
        if story is None:
            return SendResult.retry("the story vanished; another will be picked")
        pages = paginate(story.passages)
        whole = len(pages) == 1
        if whole:
            text = pages[0].text
        else:
            protagonist = story.summary.protagonist
            text = retell(story.passages, length="short", protagonist=protagonist).text
        await acquire()
        message = await destination.send(
            embeds=daily_post_embeds(
                story.summary, text, due.local_date, pages, subscription_id=due.subscription.id
            ),
            view=discord.utils.MISSING if whole else reading_view(story.id, 1, len(pages)),
            nonce=delivery_nonce(due.subscription.id, due.local_date),
        )
        # Discord has the post: from here on nothing may turn it into a retry, which
        # would post the story again. The thread comes after the day is recorded sent.
        if not isinstance(destination, discord.TextChannel):
            return SendResult.sent(message.id)

        async def open_thread() -> None:
            await self._open_thread(message, story_id, due, acquire)

        return SendResult.sent(message.id, then=open_thread)

    async def already_posted(self, due: Due, story_id: int, acquire: Acquire) -> int | None:
        """The id of this delivery's post, if the destination's recent history has it.

        Recovery asks before resending a claim that a crash left "sending": Discord may
        have accepted the post just before the crash. One request: up to 50 messages
        from shortly before the scheduled time on, keeping the bot's own whose footer
        ends with the delivery's marker. Anything that stops the look (the channel gone,
        no Read Message History, closed DMs, an HTTP error) means "not found", and the
        claim is resent as it would be without the look.
        """
        me = self.bot.user
        subscription = due.subscription
        try:
            destination = await self._destination(subscription, acquire)
            if me is None or isinstance(destination, SendResult):
                return None  # nowhere to look; the resend reports why
            if isinstance(destination, discord.TextChannel | discord.Thread) and not (
                destination.permissions_for(destination.guild.me).read_message_history
            ):
                return None  # Discord would answer with no messages at all
            await acquire()
            async for message in destination.history(
                limit=HISTORY_LOOKBACK, after=due.scheduled_at - CLOCK_MARGIN, oldest_first=True
            ):
                if message.author.id == me.id and is_delivery_post(
                    message.embeds, subscription.id, due.local_date
                ):
                    return message.id
        except (discord.HTTPException, TimeoutError, aiohttp.ClientError) as error:
            log.warning(
                "Could not read the history for subscription %d on %s, resending: %r",
                subscription.id, due.local_date, error,
            )  # fmt: skip
        return None

    async def _destination(
        self, subscription: Subscription, acquire: Acquire
    ) -> discord.abc.Messageable | SendResult:
        if subscription.is_dm:
            user_id = subscription.user_id or 0
            user = self.bot.get_user(user_id)
            if user is not None and user.dm_channel is not None:
                return user.dm_channel
            # One request, without fetching the user first (discord.py keeps only 128
            # DM channels, so with many DM subscribers this is most days).
            await acquire()
            return await self.bot.create_dm(discord.Object(user_id))
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

    async def _open_thread(
        self, message: discord.Message, story_id: int, due: Due, acquire: Acquire
    ) -> None:
        """A discussion thread under the post, when allowed; best-effort, the post stands."""
        try:
            channel = message.channel
            assert isinstance(channel, discord.TextChannel)
            permissions = channel.permissions_for(channel.guild.me)
            if not (permissions.create_public_threads and permissions.send_messages_in_threads):
                return
            story = await self.bot.store.stories.get_story(story_id)
            if story is None:
                return
            cast = await self.bot.store.casts.get_cast(story_id)
            questions = discussion_questions(story.passages, cast, title=story.title)
            await acquire()
            thread = await message.create_thread(name=thread_name(story.title))
            await self.bot.store.reading.remember_thread(thread.id, story_id, channel.guild.id)
            await acquire()
            await thread.send(embed=questions_embed(questions))
        except Exception:  # whatever it was, the day is sent: log it, never retry the post
            log.exception(
                "Could not open the discussion thread for story %s on %s (subscription %d)",
                story_id, due.local_date, due.subscription.id,
            )  # fmt: skip

    # -------------------------------------------------------------- telling people

    async def tell_moderators(self, subscription: Subscription, reason: str) -> None:
        """Say why posting stopped: in the server's system channel, else to its creator."""
        if subscription.guild_id is None:
            return  # a member's own DMs: /daily status tells them
        guild = self.bot.get_guild(subscription.guild_id)
        if guild is not None and await self._tell_server(guild, subscription, reason):
            return
        if await self._tell_creator(subscription, reason, guild):
            return
        log.info("Paused subscription %d (%s); could not tell the server", subscription.id, reason)

    async def _tell_server(
        self, guild: discord.Guild, subscription: Subscription, reason: str
    ) -> bool:
        channel = guild.system_channel
        if channel is None or not channel.permissions_for(guild.me).send_messages:
            return False
        try:
            await self.limiter.acquire()
            await channel.send(pause_notice(subscription, reason))
        except (discord.HTTPException, TimeoutError, aiohttp.ClientError):
            return False
        return True

    async def _tell_creator(
        self, subscription: Subscription, reason: str, guild: discord.Guild | None
    ) -> bool:
        """Best-effort: a DM to whoever set the subscription up (their DMs may be closed)."""
        creator = await self.bot.store.daily.subscription_creator(subscription.id)
        if creator is None:
            return False
        guild_name = guild.name if guild is not None else "a server"
        try:
            user = self.bot.get_user(creator)
            dm = user.dm_channel if user is not None else None
            if dm is None:
                await self.limiter.acquire()
                dm = await self.bot.create_dm(discord.Object(creator))
            await self.limiter.acquire()
            await dm.send(pause_notice(subscription, reason, guild_name))
        except (discord.HTTPException, TimeoutError, aiohttp.ClientError):
            return False
        return True
