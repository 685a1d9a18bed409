"""Deliver due stories: bounded concurrency, a shared rate limit, retries, crash recovery.

Plain asyncio with everything injected (the send function, the delivery log, the clock
and sleep), so tests and the benchmark run it in virtual time against a fake Discord.

Exactly-once rests on the delivery log, one durable row per (subscription, local date):

    claim (row "sending", with the story id) → send → mark_sent (row "sent")

- crash before the claim is recorded: nothing recorded, the next tick sends it;
- crash after the claim, before Discord accepted the message: `recover` resends it;
- crash after Discord accepted it, before `mark_sent` was recorded: the one window no
  local bookkeeping can close. `recover` resends it once, so the member may get the
  same story twice, never more: the row is flagged before the resend (`begin_resend`)
  and a claim found flagged again is settled as sent, not resent a second time. Two
  things shrink the window further: the send function passes `delivery_nonce` as the
  message nonce (Discord then returns the message it already created for that nonce
  within the past few minutes instead of posting it again), and `recover` can ask
  `already_posted` to look for the message in the channel before resending;
- crash after `mark_sent`: nothing to do.

Every request counts against Discord's global limit, not just the message: the send
function gets an `acquire` callable and awaits it before each request it makes (opening
a DM, the message), and what follows a sent message (a discussion thread, its
questions) runs as the result's `follow_up`, after `mark_sent`, with tokens of its own.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from functools import partial
from typing import Literal, Protocol

from bot.core.schedule import Due, Subscription, scheduled_instant, zone_of

logger = logging.getLogger(__name__)

DISCORD_GLOBAL_RATE = 50  # requests per second, per bot
# What the limiter grants: the rest of Discord's 50 is headroom for the bot's requests
# that take no token (start-up, command sync, answers to interactions' errors) and for
# jitter on the way, which can bunch a second's requests into less than a second.
LIMITER_RATE = 45
# Recording a post as sent is retried this often (with backoff) before giving up.
SENT_RECORD_ATTEMPTS = 8
Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]
Acquire = Callable[[], Awaitable[None]]  # a rate-limit token: await before each request
FollowUp = Callable[[], Awaitable[None]]


class DeliveryOutcome(Enum):
    SENT = "sent"
    RETRY = "retry"  # transient: 5xx, 429, a timeout
    PAUSE = "pause"  # permanent: deleted channel, lost permission, DMs closed
    FAIL = "fail"  # this day only: Discord refused this post (a 4xx), tomorrow as usual


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: DeliveryOutcome
    reason: str | None = None  # for PAUSE, shown to the server: "The channel was deleted"
    retry_after: float | None = None  # for RETRY on 429: seconds Discord asked us to wait
    message_id: int | None = None  # for SENT
    # For SENT: what comes after the message (a discussion thread). It runs once the
    # day is recorded sent, so its failure can never make the story post again.
    follow_up: FollowUp | None = field(default=None, compare=False, repr=False)

    @classmethod
    def sent(cls, message_id: int | None = None, *, then: FollowUp | None = None) -> SendResult:
        return cls(DeliveryOutcome.SENT, message_id=message_id, follow_up=then)

    @classmethod
    def retry(cls, reason: str, retry_after: float | None = None) -> SendResult:
        return cls(DeliveryOutcome.RETRY, reason=reason, retry_after=retry_after)

    @classmethod
    def pause(cls, reason: str) -> SendResult:
        return cls(DeliveryOutcome.PAUSE, reason=reason)

    @classmethod
    def fail(cls, reason: str) -> SendResult:
        return cls(DeliveryOutcome.FAIL, reason=reason)


Send = Callable[[Due, int, Acquire], Awaitable[SendResult]]
AlreadyPosted = Callable[[Due, int, Acquire], Awaitable[int | None]]


class DeliveryLog(Protocol):
    """The durable record of deliveries; each call is one transaction, all or nothing."""

    async def claim(self, due: Due, story_id: int) -> bool:
        """Insert (subscription, local date) as "sending" with the story id, claimed now.

        False, inserting nothing, if a row for that pair exists (whatever its status) or
        the subscription is paused.
        """
        ...

    async def mark_sent(
        self, subscription_id: int, local_date: date, message_id: int | None
    ) -> None:
        """Set the row to "sent" (with the message id when known)."""
        ...

    async def release(self, subscription_id: int, local_date: date) -> None:
        """Delete the row if still "sending": the day is due again (retries exhausted)."""
        ...

    async def pause(self, subscription_id: int, reason: str) -> None:
        """Pause the subscription with `reason` and set its "sending" rows to "failed"."""
        ...

    async def fail(self, subscription_id: int, local_date: date, reason: str) -> None:
        """Set a "sending" row to "failed" with `reason`; the subscription stays active."""
        ...

    async def unfinished_claims(self) -> list[tuple[int, date, int]]:
        """(subscription id, local date, story id) of every row still "sending"."""
        ...

    async def begin_resend(self, subscription_id: int, local_date: date) -> bool:
        """Flag a "sending" row as being resent by recovery; False if it already was."""
        ...


def delivery_nonce(subscription_id: int, local_date: date) -> str:
    """A message nonce unique to one delivery (Discord allows 25 characters).

    discord.py sends `enforce_nonce` with any nonce, so a resend with the same nonce
    within a few minutes returns the first message instead of posting a duplicate.
    """
    return f"{subscription_id}.{local_date:%Y%m%d}"[-25:]


# --- rate limit and backoff ------------------------------------------------------------


class RateLimiter:
    """At most `rate` requests in any `per` seconds *as Discord counts them*, on arrival.

    A token bucket of `rate` tokens in which each token comes back `per` seconds after the
    request it paid for was done. A bucket refilling continuously at rate/s with a burst
    of `rate` would allow nearly 2 × rate in one second (the burst plus the refill), which
    is exactly what Discord's global limit of 50 a second forbids.

    Counting from the grant was not enough: a request reaches Discord some time after its
    token is granted (encoding, the connection pool, a busy event loop), and that delay
    varies, so requests granted a second apart could arrive closer together, and the
    fake Discord counted 52 to 70 in one second. So a token is *settled* when its request
    is known to be over: when the task that took it asks for another (a task's requests
    are sequential), or when the sender calls `settle()` after a send returns; it comes
    back `per` after that, by which time the request has surely arrived. A token never
    settled comes back `per + headroom` after its grant: the headroom absorbs the jitter
    between grant and arrival for those.

    `starts_spent`: a process that starts cannot know what the process before it (killed a
    moment ago, or still running a last second on the same budget) sent; it begins as if
    its whole budget had just been granted, so a quick restart never doubles a second.
    """

    def __init__(
        self,
        rate: int = LIMITER_RATE,
        per: float = 1.0,
        *,
        clock: Clock,
        sleep: Sleep,
        headroom: float = 0.25,
        starts_spent: bool = False,
    ) -> None:
        if rate < 1 or per <= 0 or headroom < 0:
            raise ValueError("rate must be at least 1, per positive and headroom not negative")
        self.rate = rate
        self.per = per
        self.headroom = headroom
        self._clock = clock
        self._sleep = sleep
        self._spent: list[_Token] = []  # tokens not yet back
        if starts_spent:
            back = clock() + per + headroom
            self._spent = [_Token(back, None) for _ in range(rate)]

    def settle(self) -> None:
        """The current task's requests are over: their tokens come back `per` from now."""
        task = asyncio.current_task()
        if task is None:
            return
        back = self._clock() + self.per
        for token in self._spent:
            if token.task is task:
                token.back, token.task = back, None

    async def acquire(self) -> None:
        self.settle()  # this task's previous request is over: it is asking for the next
        task = asyncio.current_task()
        while True:
            now = self._clock()
            self._spent = [token for token in self._spent if token.back > now + 1e-9]
            if len(self._spent) < self.rate:
                self._spent.append(_Token(now + self.per + self.headroom, task))
                return
            await self._sleep(min(token.back for token in self._spent) - now)


@dataclass(slots=True)
class _Token:
    back: float  # when it may be spent again
    task: asyncio.Task[object] | None  # who holds it while its request may be in flight


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with "equal jitter": between half and all of base × factor^n.

    The jitter spreads the retries of a burst that failed together; the half kept fixed
    stops an unlucky draw from retrying immediately. Pass a seeded `rng` for tests.
    """

    base: float = 1.0
    factor: float = 2.0
    cap: float = 60.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after the `attempt`-th failure (1-based), at least retry_after."""
        step = min(self.cap, self.base * self.factor ** (attempt - 1))
        return max(step / 2 + self.rng.uniform(0, step / 2), retry_after or 0.0)


# --- fan-out ---------------------------------------------------------------------------


@dataclass
class FanoutReport:
    sent: int = 0
    already_claimed: int = 0  # another tick or process had it: not sent twice
    no_story: list[int] = field(default_factory=list)  # nothing visible to post
    retries: int = 0  # attempts that failed transiently
    released: list[int] = field(default_factory=list)  # retries exhausted: due next tick
    paused: list[tuple[int, str]] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)  # refused: that day only
    errors: int = 0  # unexpected exceptions (logged); the others went on
    # Recovery only:
    resent: int = 0  # claims left "sending" by a crash, sent again
    confirmed: int = 0  # found already posted by `already_posted`: not resent
    assumed_sent: int = 0  # resent once before, or older than yesterday: settled unsent
    dropped: int = 0  # subscription gone or paused: claim released

    def merge(self, other: FanoutReport) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            setattr(self, name, mine + value)


@dataclass(frozen=True)
class _Sender:
    send: Send
    log: DeliveryLog
    limiter: RateLimiter
    sleep: Sleep
    max_attempts: int
    backoff: Backoff

    async def deliver_claimed(self, item: Due, story_id: int, report: FanoutReport) -> None:
        """Send a claimed delivery until it is sent, paused, refused, or out of attempts."""
        subscription_id, day = item.subscription.id, item.local_date
        for attempt in range(1, self.max_attempts + 1):
            result = await self._attempt(item, story_id, self.limiter.acquire)
            self.limiter.settle()
            if result.outcome is DeliveryOutcome.SENT:
                await self._record_sent(subscription_id, day, result.message_id)
                report.sent += 1
                await self._follow_up(item, result)
                self.limiter.settle()
                return
            if result.outcome is DeliveryOutcome.PAUSE:
                reason = result.reason or "Delivery failed"
                await self.log.pause(subscription_id, reason)
                report.paused.append((subscription_id, reason))
                return
            if result.outcome is DeliveryOutcome.FAIL:
                # Sending the same request again would be refused again: the day is
                # recorded failed (not released), so it is not retried all day.
                reason = result.reason or "Discord refused the post"
                logger.warning(
                    "Daily story %s for subscription %s on %s refused: %s",
                    story_id, subscription_id, day, reason,
                )  # fmt: skip
                await self.log.fail(subscription_id, day, reason)
                report.failed.append((subscription_id, reason))
                return
            report.retries += 1
            if attempt < self.max_attempts:
                await self.sleep(self.backoff.delay(attempt, result.retry_after))
        # Give the day back rather than hold it: the next tick claims it afresh.
        await self.log.release(subscription_id, day)
        report.released.append(subscription_id)

    async def _record_sent(self, subscription_id: int, day: date, message_id: int | None) -> None:
        """Discord has the post: recording it must outlast a busy or failing database.

        A failed write here would leave the day "sending", and recovery would post it
        again; so it is retried with backoff (minutes in all) before giving up, and even
        then recovery first looks for the post in the destination's history.
        """
        for attempt in range(1, SENT_RECORD_ATTEMPTS + 1):
            try:
                await self.log.mark_sent(subscription_id, day, message_id)
                return
            except Exception:
                if attempt == SENT_RECORD_ATTEMPTS:
                    raise
                logger.warning(
                    "Could not record the daily post of %s on %s as sent; trying again",
                    subscription_id, day, exc_info=True,
                )  # fmt: skip
                await self.sleep(self.backoff.delay(attempt))

    async def _attempt(self, item: Due, story_id: int, acquire: Acquire) -> SendResult:
        try:
            return await self.send(item, story_id, acquire)
        except Exception as error:  # one bad send must not stop the fan-out
            logger.exception("daily story %s for subscription %s", story_id, item.subscription.id)
            return SendResult.retry(f"{type(error).__name__}: {error}")

    async def _follow_up(self, item: Due, result: SendResult) -> None:
        """Best-effort: the day is already recorded sent, whatever happens here."""
        if result.follow_up is None:
            return
        try:
            await result.follow_up()
        except Exception:
            logger.exception(
                "after the daily post for subscription %s on %s",
                item.subscription.id, item.local_date,
            )  # fmt: skip


async def _run_bounded(
    jobs: Sequence[Callable[[], Awaitable[None]]], max_concurrency: int, report: FanoutReport
) -> None:
    """Run jobs with at most `max_concurrency` at once; a failing job does not stop others."""
    queue = iter(jobs)  # shared: each job is taken by exactly one worker

    async def worker() -> None:
        for job in queue:
            try:
                await job()
            except Exception:  # e.g. the database was locked: logged, counted, others go on
                logger.exception("daily delivery failed")
                report.errors += 1

    async with asyncio.TaskGroup() as group:  # cancelling the caller cancels every worker
        for _ in range(min(max(1, max_concurrency), len(jobs))):
            group.create_task(worker())


async def deliver(
    due: Sequence[Due],
    *,
    pick_story: Callable[[Subscription], Awaitable[int | None]],
    send: Send,
    log: DeliveryLog,
    limiter: RateLimiter,
    sleep: Sleep,
    max_concurrency: int = 20,
    max_attempts: int = 5,
    backoff: Backoff | None = None,
) -> FanoutReport:
    """Deliver each due story once: claim → send → mark_sent, in parallel up to a bound.

    RETRY backs off (honouring retry_after) up to `max_attempts`, then releases the claim
    so the next tick retries it, the same local day; PAUSE pauses the subscription and
    the day stays failed; FAIL fails that day only. A slow or failing subscription holds
    one worker, not the rest.
    """
    report = FanoutReport()
    sender = _Sender(send, log, limiter, sleep, max_attempts, backoff or Backoff())

    async def one(item: Due) -> None:
        story_id = await pick_story(item.subscription)
        if story_id is None:
            report.no_story.append(item.subscription.id)
            return
        # The send takes its tokens itself, each just before its request: a token taken
        # before the claim would be spent a claim later, letting a second's requests
        # creep past the limit. Only a worker's claim waits, so a crash leaves at most
        # `max_concurrency` claims to recover, as before.
        if await log.claim(item, story_id):
            await sender.deliver_claimed(item, story_id, report)
        else:
            report.already_claimed += 1

    await _run_bounded([partial(one, item) for item in due], max_concurrency, report)
    return report


async def recover(
    log: DeliveryLog,
    *,
    now: datetime,
    lookup: Callable[[int], Awaitable[Subscription | None]],
    send: Send,
    limiter: RateLimiter,
    sleep: Sleep,
    already_posted: AlreadyPosted | None = None,
    max_concurrency: int = 20,
    max_attempts: int = 5,
    backoff: Backoff | None = None,
) -> FanoutReport:
    """At start-up, before the first tick: settle the claims a crash left "sending".

    Each is resent once with its recorded story (the crash may have hit before Discord
    accepted it) unless `already_posted` finds the message (returning its id). Claims
    already resent by an earlier recovery are settled as sent rather than resent again,
    which caps the window at one duplicate. Claims older than yesterday (local) are
    settled without sending: the bot was down for a day, and old days are not flooded in.
    `already_posted` gets an `acquire` too: looking at a channel's history is a request.
    If it raises, the message counts as not found and the claim is resent as without it.
    """
    report = FanoutReport()
    sender = _Sender(send, log, limiter, sleep, max_attempts, backoff or Backoff())

    async def one(subscription_id: int, day: date, story_id: int) -> None:
        subscription = await lookup(subscription_id)
        if subscription is None or not subscription.active:
            await log.release(subscription_id, day)
            report.dropped += 1
            return
        action = await _recovery_action(
            log, subscription, day, story_id, now, already_posted, limiter.acquire
        )
        if action == "resend":
            zone = zone_of(subscription)
            item = Due(subscription, day, scheduled_instant(day, subscription.post_at, zone))
            report.resent += 1
            await sender.deliver_claimed(item, story_id, report)
        elif action == "confirmed":
            report.confirmed += 1
        else:
            report.assumed_sent += 1

    claims = await log.unfinished_claims()
    await _run_bounded([partial(one, *claim) for claim in claims], max_concurrency, report)
    return report


async def _recovery_action(
    log: DeliveryLog,
    subscription: Subscription,
    day: date,
    story_id: int,
    now: datetime,
    already_posted: AlreadyPosted | None,
    acquire: Acquire,
) -> Literal["resend", "confirmed", "assumed"]:
    """Decide, and record, what recovery does with one claim left "sending"."""
    zone = zone_of(subscription)
    if day < now.astimezone(zone).date() - timedelta(days=1):
        await log.mark_sent(subscription.id, day, None)
        return "assumed"
    if already_posted is not None:
        item = Due(subscription, day, scheduled_instant(day, subscription.post_at, zone))
        try:
            message_id = await already_posted(item, story_id, acquire)
        except Exception:  # a failed look is "not found": resend, never a stuck claim
            logger.exception("looking for the daily post of %s on %s", subscription.id, day)
            message_id = None
        if message_id is not None:
            await log.mark_sent(subscription.id, day, message_id)
            return "confirmed"
    if await log.begin_resend(subscription.id, day):
        return "resend"
    await log.mark_sent(subscription.id, day, None)
    return "assumed"
