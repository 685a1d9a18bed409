"""The delivery engine in virtual time: rate limit, retries, pauses, crashes and recovery."""

from __future__ import annotations

import asyncio
import random
import selectors
from collections import Counter
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

import pytest

from bot.core.fanout import (
    Acquire,
    Backoff,
    DeliveryOutcome,
    FanoutReport,
    RateLimiter,
    SendResult,
    deliver,
    delivery_nonce,
    recover,
)
from bot.core.schedule import Due, Subscription, due_now
from tests.doubles import MemoryDeliveryLog

T = TypeVar("T")
DAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


# --- virtual time ------------------------------------------------------------------------


class _JumpingSelector(selectors.DefaultSelector):
    """Never waits: when the loop would sleep until its next timer, the clock jumps there."""

    def __init__(self, advance: Callable[[float], None]) -> None:
        super().__init__()
        self._advance = advance

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None:
            raise RuntimeError("deadlock: nothing scheduled and nothing ready")
        self._advance(max(0.0, timeout))
        return super().select(0)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """asyncio.sleep and loop.time in virtual seconds: hours of retries run in milliseconds."""

    def __init__(self) -> None:
        self._now = 0.0
        super().__init__(_JumpingSelector(self._advance))

    def time(self) -> float:
        return self._now

    def _advance(self, seconds: float) -> None:
        self._now += seconds


def run(main: Callable[[VirtualTimeLoop], Coroutine[Any, Any, T]]) -> T:
    loop = VirtualTimeLoop()
    try:
        return loop.run_until_complete(main(loop))
    finally:
        loop.close()


# --- a fake Discord ----------------------------------------------------------------------


class FakeDiscord:
    """Accepts a message halfway through the request, so a crash can land after it."""

    def __init__(self, loop: VirtualTimeLoop, latency: float = 0.06) -> None:
        self.loop = loop
        self.latency = latency
        self.script: dict[int, list[SendResult | Exception]] = {}
        self.messages: list[tuple[int, date, int]] = []  # (subscription, local date, story)
        self.attempts: list[tuple[float, int]] = []  # (time, subscription)

    async def send(self, due: Due, story_id: int, acquire: Acquire) -> SendResult:
        subscription_id = due.subscription.id
        await acquire()
        self.attempts.append((self.loop.time(), subscription_id))
        planned = self.script.get(subscription_id) or [SendResult.sent()]
        outcome = planned.pop(0) if len(planned) > 1 else planned[0]
        await asyncio.sleep(self.latency / 2)
        if isinstance(outcome, Exception):
            raise outcome
        if outcome.outcome is DeliveryOutcome.SENT:
            self.messages.append((subscription_id, due.local_date, story_id))
            outcome = SendResult.sent(len(self.messages))
        await asyncio.sleep(self.latency / 2)
        return outcome

    async def already_posted(self, due: Due, story_id: int, acquire: Acquire) -> int | None:
        await acquire()
        for index, (sub_id, day, _) in enumerate(self.messages):
            if (sub_id, day) == (due.subscription.id, due.local_date):
                return index + 1
        return None

    def count(self) -> Counter[int]:
        return Counter(sub_id for sub_id, _, _ in self.messages)


def subs(count: int, zone: str = "UTC") -> list[Subscription]:
    created = datetime(2026, 1, 1, tzinfo=UTC)
    return [Subscription(i, 1, 100 + i, None, time(9, 0), zone, created) for i in range(count)]


def dues(subscriptions: list[Subscription]) -> list[Due]:
    return [Due(s, DAY, NOW) for s in subscriptions]


async def first_story(_: Subscription) -> int:
    return 7


def engine(loop: VirtualTimeLoop, discord: FakeDiscord, log: MemoryDeliveryLog) -> dict[str, Any]:
    limiter = RateLimiter(50, 1.0, clock=loop.time, sleep=asyncio.sleep)
    return {
        "pick_story": first_story,
        "send": discord.send,
        "log": log,
        "limiter": limiter,
        "sleep": asyncio.sleep,
        "backoff": Backoff(rng=random.Random(1)),
    }


# --- rate limit --------------------------------------------------------------------------


def test_rate_limiter_allows_a_burst_then_one_window_later():
    async def main(loop: VirtualTimeLoop) -> list[float]:
        limiter = RateLimiter(50, 1.0, clock=loop.time, sleep=asyncio.sleep)
        grants = []
        for _ in range(120):
            await limiter.acquire()
            grants.append(loop.time())
        return grants

    grants = run(main)
    assert grants[49] == 0.0
    assert grants[50] == pytest.approx(1.0)
    assert grants[119] == pytest.approx(2.0)


def test_a_limiter_that_starts_spent_waits_out_one_window_first():
    # A restarted process may follow a killed one that used the whole budget a moment ago.
    async def main(loop: VirtualTimeLoop) -> list[float]:
        limiter = RateLimiter(5, 1.0, clock=loop.time, sleep=asyncio.sleep, starts_spent=True)
        grants = []
        for _ in range(6):
            await limiter.acquire()
            grants.append(loop.time())
        return grants

    grants = run(main)
    assert grants[0] == pytest.approx(1.25)
    assert grants[4] == pytest.approx(1.25)
    assert grants[5] > grants[4]


def test_fan_out_never_exceeds_50_sends_in_any_second():
    async def main(loop: VirtualTimeLoop) -> tuple[FakeDiscord, FanoutReport, float]:
        discord = FakeDiscord(loop)
        report = await deliver(dues(subs(1000)), **engine(loop, discord, MemoryDeliveryLog()))
        return discord, report, loop.time()

    discord, report, elapsed = run(main)
    times = sorted(at for at, _ in discord.attempts)
    assert report.sent == 1000 and len(times) == 1000
    assert all(times[i + 50] - times[i] >= 1.0 - 1e-6 for i in range(len(times) - 50))
    assert 1000 / 50 * 0.9 <= elapsed <= 1000 / 50 * 1.1  # and close to the ideal 20 s
    assert set(discord.count().values()) == {1}


def most_in_one_window(times: list[float], per: float = 1.0) -> int:
    ordered = sorted(times)
    most, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= per - 1e-9:
            start += 1
        most = max(most, end - start + 1)
    return most


def test_requests_never_exceed_50_in_a_second_as_they_arrive_at_discord():
    """Between a token and Discord lies a varying delay (encoding, pool, a busy loop).

    Counted on arrival, as Discord and the wire-level fake count, never over 50.
    """

    async def main(loop: VirtualTimeLoop) -> list[float]:
        rng = random.Random(5)
        arrivals: list[float] = []

        async def send(due: Due, story_id: int, acquire: Acquire) -> SendResult:
            await acquire()
            await asyncio.sleep(rng.uniform(0.0, 0.2))  # on its way
            arrivals.append(loop.time())
            await asyncio.sleep(rng.uniform(0.01, 0.3))  # the answer
            return SendResult.sent()

        fake = FakeDiscord(loop)
        fake.send = send  # type: ignore[method-assign]
        await deliver(dues(subs(1500)), **engine(loop, fake, MemoryDeliveryLog()))
        return arrivals

    arrivals = run(main)
    assert len(arrivals) == 1500
    assert most_in_one_window(arrivals) <= 50


def test_a_token_not_settled_comes_back_only_after_the_headroom():
    async def main(loop: VirtualTimeLoop) -> list[float]:
        limiter = RateLimiter(5, 1.0, clock=loop.time, sleep=asyncio.sleep, headroom=0.25)
        grants: list[float] = []

        async def once() -> None:  # a task that never asks again: nothing settles it
            await limiter.acquire()
            grants.append(loop.time())

        await asyncio.gather(*(once() for _ in range(10)))
        return grants

    grants = run(main)
    assert grants[:5] == [0.0] * 5
    assert grants[5:] == [pytest.approx(1.25)] * 5


def test_a_post_is_recorded_sent_even_when_the_first_writes_fail():
    """Discord has the post: a busy database must not leave it "sending" (a repost)."""

    class FlakyLog(MemoryDeliveryLog):
        failures = 3

        async def mark_sent(
            self, subscription_id: int, local_date: date, message_id: int | None
        ) -> None:
            if self.failures:
                self.failures -= 1
                raise RuntimeError("database is locked")
            await super().mark_sent(subscription_id, local_date, message_id)

    async def main(loop: VirtualTimeLoop) -> tuple[FakeDiscord, FlakyLog, FanoutReport]:
        discord, log = FakeDiscord(loop), FlakyLog()
        report = await deliver(dues(subs(1)), **engine(loop, discord, log))
        return discord, log, report

    discord, log, report = run(main)
    assert report.sent == 1 and report.errors == 0
    assert discord.count() == Counter({0: 1})
    assert log.rows[0][DAY].status == "sent"


def test_every_request_takes_a_token_not_only_the_message():
    """A post that also opens a DM and a thread: 3 requests, each within the limit."""

    async def main(loop: VirtualTimeLoop) -> tuple[list[float], FanoutReport, float]:
        requests: list[float] = []

        async def send(due: Due, story_id: int, acquire: Acquire) -> SendResult:
            async def request() -> None:
                await acquire()
                requests.append(loop.time())
                await asyncio.sleep(0.05)

            await request()  # open the DM
            await request()  # the message

            async def thread() -> None:
                await request()

            return SendResult.sent(1, then=thread)

        report = await deliver(
            dues(subs(500)),
            **(engine(loop, FakeDiscord(loop), MemoryDeliveryLog()) | {"send": send}),
        )
        return requests, report, loop.time()

    requests, report, elapsed = run(main)
    times = sorted(requests)
    assert report.sent == 500 and len(times) == 1500
    assert all(times[i + 50] - times[i] >= 1.0 - 1e-6 for i in range(len(times) - 50))
    assert 1500 / 50 * 0.95 <= elapsed <= 1500 / 50 * 1.05  # the ideal counts every request


def test_what_follows_a_sent_post_runs_after_it_is_recorded_and_cannot_resend_it():
    async def main(loop: VirtualTimeLoop) -> tuple[FakeDiscord, FanoutReport, list[str]]:
        discord, log = FakeDiscord(loop), MemoryDeliveryLog()
        seen: list[str] = []

        async def send(due: Due, story_id: int, acquire: Acquire) -> SendResult:
            await discord.send(due, story_id, acquire)

            async def open_thread() -> None:
                seen.append(log.rows[due.subscription.id][DAY].status)
                raise TimeoutError("create_thread timed out")

            return SendResult.sent(1, then=open_thread)

        report = await deliver(dues(subs(3)), **(engine(loop, discord, log) | {"send": send}))
        return discord, report, seen

    discord, report, seen = run(main)
    assert seen == ["sent"] * 3  # recorded before the thread was attempted
    assert report.sent == 3 and report.retries == 0 and report.errors == 0
    assert discord.count() == Counter(range(3))  # each posted once


def test_a_refused_post_fails_that_day_only():
    async def main(loop: VirtualTimeLoop) -> tuple[FakeDiscord, FanoutReport, MemoryDeliveryLog]:
        discord, log = FakeDiscord(loop), MemoryDeliveryLog()
        discord.script[1] = [SendResult.fail("Discord refused the post (400)")]
        report = await deliver(dues(subs(3)), **engine(loop, discord, log))
        return discord, report, log

    discord, report, log = run(main)
    assert report.failed == [(1, "Discord refused the post (400)")] and report.retries == 0
    assert len([a for a in discord.attempts if a[1] == 1]) == 1  # tried once, not all day
    assert log.rows[1][DAY].status == "failed" and log.paused == {}
    assert due_now(NOW, subs(3), log.last_sent()) == []  # not due again today
    tomorrow = NOW + timedelta(days=1)
    assert [d.subscription.id for d in due_now(tomorrow, subs(3), log.last_sent())] == [0, 1, 2]
    assert log.story_history(1) == [7]  # its turn is used: the rotation moves on


# --- retries and pauses ------------------------------------------------------------------


def test_retries_back_off_then_succeed_without_blocking_others():
    async def main(loop: VirtualTimeLoop) -> tuple[FakeDiscord, FanoutReport]:
        discord = FakeDiscord(loop)
        discord.script[0] = [
            SendResult.retry("503"),
            SendResult.retry("429", retry_after=5.0),
            SendResult.sent(),
        ]
        report = await deliver(dues(subs(10)), **engine(loop, discord, MemoryDeliveryLog()))
        return discord, report

    discord, report = run(main)
    first = [at for at, sub_id in discord.attempts if sub_id == 0]
    assert 0.5 <= first[1] - first[0] <= 1.1  # backoff step 1 s, jittered down to half
    assert first[2] - first[1] >= 5.0  # retry_after honoured over a 2 s step
    others = [at for at, sub_id in discord.attempts if sub_id != 0]
    assert max(others) < 0.1  # nobody waited for subscription 0
    assert report.sent == 10 and report.retries == 2
    assert discord.count() == Counter(range(10))


def test_exhausted_retries_release_the_day_for_the_next_tick():
    async def main(loop: VirtualTimeLoop) -> tuple[FakeDiscord, FanoutReport, FanoutReport]:
        discord, log = FakeDiscord(loop), MemoryDeliveryLog()
        discord.script[3] = [*[SendResult.retry("502")] * 5, SendResult.sent()]
        everyone = subs(5)
        first = await deliver(due_now(NOW, everyone, log.last_sent()), **engine(loop, discord, log))
        assert 3 not in log.last_sent()  # released: due again
        second = await deliver(
            due_now(NOW, everyone, log.last_sent()), **engine(loop, discord, log)
        )
        return discord, first, second

    discord, first, second = run(main)
    assert first.released == [3] and first.retries == 5
    assert second.sent == 1
    assert discord.count() == Counter(range(5))


def test_pause_pauses_the_subscription_and_fails_the_day():
    async def main(loop: VirtualTimeLoop) -> tuple[FakeDiscord, FanoutReport, MemoryDeliveryLog]:
        discord, log = FakeDiscord(loop), MemoryDeliveryLog()
        discord.script[2] = [SendResult.pause("The channel was deleted")]
        report = await deliver(dues(subs(4)), **engine(loop, discord, log))
        return discord, report, log

    discord, report, log = run(main)
    assert report.paused == [(2, "The channel was deleted")]
    assert log.paused == {2: "The channel was deleted"}
    assert log.rows[2][DAY].status == "failed"
    assert due_now(NOW, subs(4), log.last_sent()) == []  # not retried, not deleted
    assert discord.count() == Counter([0, 1, 3])


def test_an_exception_in_one_send_is_retried_and_spares_the_others():
    async def main(loop: VirtualTimeLoop) -> tuple[FakeDiscord, FanoutReport]:
        discord = FakeDiscord(loop)
        discord.script[1] = [RuntimeError("boom"), SendResult.sent()]
        return discord, await deliver(dues(subs(3)), **engine(loop, discord, MemoryDeliveryLog()))

    discord, report = run(main)
    assert report.sent == 3 and report.retries == 1
    assert discord.count() == Counter(range(3))


def test_a_claimed_day_is_not_sent_by_a_second_fan_out():
    async def main(loop: VirtualTimeLoop) -> tuple[FakeDiscord, list[FanoutReport]]:
        discord, log = FakeDiscord(loop), MemoryDeliveryLog(latency=0.01)
        items = dues(subs(30))
        reports = await asyncio.gather(
            deliver(items, **engine(loop, discord, log)),
            deliver(items, **engine(loop, discord, log)),
        )
        return discord, list(reports)

    discord, reports = run(main)
    assert sum(r.sent for r in reports) == 30
    assert sum(r.already_claimed for r in reports) == 30
    assert discord.count() == Counter(range(30))


def test_no_visible_story_claims_nothing():
    async def none(_: Subscription) -> None:
        return None

    async def main(loop: VirtualTimeLoop) -> tuple[FakeDiscord, FanoutReport, MemoryDeliveryLog]:
        discord, log = FakeDiscord(loop), MemoryDeliveryLog()
        report = await deliver(dues(subs(2)), **(engine(loop, discord, log) | {"pick_story": none}))
        return discord, report, log

    discord, report, log = run(main)
    assert report.no_story == [0, 1] and discord.messages == [] and log.last_sent() == {}


# --- crashes and recovery ----------------------------------------------------------------


def crash_and_recover(
    crash_at: float, *, check_history: bool
) -> tuple[FakeDiscord, set[int], int, FanoutReport]:
    """Kill a fan-out of 400 at `crash_at`, restart: recover, then the next tick."""
    everyone = subs(400)
    lookup_table = {s.id: s for s in everyone}

    async def lookup(subscription_id: int) -> Subscription | None:
        return lookup_table.get(subscription_id)

    async def main(loop: VirtualTimeLoop) -> tuple[FakeDiscord, set[int], int, FanoutReport]:
        discord, log = FakeDiscord(loop), MemoryDeliveryLog(latency=0.004)
        tick = loop.create_task(deliver(dues(everyone), **engine(loop, discord, log)))
        loop.call_at(crash_at, tick.cancel)
        with pytest.raises(asyncio.CancelledError):
            await tick
        # The window: Discord has the message, the log still says "sending".
        accepted = {sub_id for sub_id, _, _ in discord.messages}
        unfinished = {sub_id for sub_id, _, _ in await log.unfinished_claims()}
        window = unfinished & accepted
        # Restart: only the log survives.
        fresh = engine(loop, discord, log)
        report = await recover(
            log,
            now=NOW,
            lookup=lookup,
            send=discord.send,
            limiter=fresh["limiter"],
            sleep=asyncio.sleep,
            already_posted=discord.already_posted if check_history else None,
        )
        report.merge(await deliver(due_now(NOW, everyone, log.last_sent()), **fresh))
        return discord, window, len(unfinished), report

    return run(main)


@pytest.mark.parametrize("crash_at", [0.0, 0.031, 0.045, 2.25, 5.062, 6.5])
def test_crash_mid_fan_out_then_recovery_loses_nothing_and_duplicates_only_the_window(crash_at):
    discord, window, unfinished, report = crash_and_recover(crash_at, check_history=False)
    counts = discord.count()
    assert set(counts) == set(range(400))  # nobody missed
    duplicated = {sub_id for sub_id, n in counts.items() if n > 1}
    assert max(counts.values()) <= 2
    assert duplicated == window  # only claims caught in the window, each once
    assert report.resent == unfinished  # every claim left "sending" was resent once
    assert {story for _, _, story in discord.messages} == {7}  # the recorded story


def test_recovery_that_checks_the_channel_sends_no_duplicate():
    discord, window, _, report = crash_and_recover(2.25, check_history=True)
    assert window and report.confirmed == len(window)
    assert set(discord.count().values()) == {1}


def test_a_history_check_that_raises_counts_as_not_found_and_the_claim_is_resent():
    async def main(loop: VirtualTimeLoop) -> tuple[FakeDiscord, FanoutReport, MemoryDeliveryLog]:
        discord, log = FakeDiscord(loop), MemoryDeliveryLog()
        (subscription,) = subs(1)
        assert await log.claim(Due(subscription, DAY, NOW), 7)

        async def lookup(_: int) -> Subscription:
            return subscription

        async def broken(due: Due, story_id: int, acquire: Acquire) -> int | None:
            raise RuntimeError("the history could not be read")

        fresh = engine(loop, discord, log)
        report = await recover(
            log,
            now=NOW,
            lookup=lookup,
            send=discord.send,
            limiter=fresh["limiter"],
            sleep=asyncio.sleep,
            already_posted=broken,
        )
        return discord, report, log

    discord, report, log = run(main)
    assert report.resent == 1 and report.errors == 0 and report.confirmed == 0
    assert discord.messages == [(0, DAY, 7)] and log.rows[0][DAY].status == "sent"


def test_a_claim_is_resent_at_most_once_even_if_recovery_crashes():
    async def main(loop: VirtualTimeLoop) -> tuple[FakeDiscord, FanoutReport, MemoryDeliveryLog]:
        discord, log = FakeDiscord(loop), MemoryDeliveryLog()
        (subscription,) = subs(1)
        assert await log.claim(Due(subscription, DAY, NOW), 7)
        assert await log.begin_resend(0, DAY)  # a recovery began resending, then died

        async def lookup(_: int) -> Subscription:
            return subscription

        fresh = engine(loop, discord, log)
        report = await recover(
            log,
            now=NOW,
            lookup=lookup,
            send=discord.send,
            limiter=fresh["limiter"],
            sleep=asyncio.sleep,
        )
        return discord, report, log

    discord, report, log = run(main)
    assert report.assumed_sent == 1 and report.resent == 0
    assert discord.messages == [] and log.rows[0][DAY].status == "sent"


def test_recovery_settles_stale_and_orphaned_claims_without_sending():
    async def main(loop: VirtualTimeLoop) -> tuple[FakeDiscord, FanoutReport, MemoryDeliveryLog]:
        discord, log = FakeDiscord(loop), MemoryDeliveryLog()
        kept, deleted = subs(2)
        await log.claim(Due(kept, date(2026, 5, 29), NOW), 7)  # three days ago
        await log.claim(Due(deleted, DAY, NOW), 7)

        async def lookup(subscription_id: int) -> Subscription | None:
            return kept if subscription_id == kept.id else None

        fresh = engine(loop, discord, log)
        report = await recover(
            log,
            now=NOW,
            lookup=lookup,
            send=discord.send,
            limiter=fresh["limiter"],
            sleep=asyncio.sleep,
        )
        return discord, report, log

    discord, report, log = run(main)
    assert (report.assumed_sent, report.dropped, report.resent) == (1, 1, 0)
    assert discord.messages == []
    assert DAY not in log.rows[1]  # released: nothing left "sending"


# --- small parts -------------------------------------------------------------------------


def test_backoff_grows_with_jitter_and_a_cap():
    backoff = Backoff(base=1.0, factor=2.0, cap=10.0, rng=random.Random(3))
    for attempt, step in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (9, 10.0)]:
        assert step / 2 <= backoff.delay(attempt) <= step
    assert backoff.delay(1, retry_after=30.0) == 30.0
    same = [Backoff(rng=random.Random(5)).delay(3) for _ in range(2)]
    assert same[0] == same[1]  # seeded: deterministic


def test_delivery_nonce_fits_discord_and_is_unique():
    nonces = {
        delivery_nonce(sub_id, day) for sub_id in (1, 12, 10**15) for day in (DAY, NOW.date())
    }
    assert len(nonces) == 3 and all(len(n) <= 25 for n in nonces)
    assert delivery_nonce(1, DAY) != delivery_nonce(1, date(2026, 6, 2))
