"""The story-of-the-day store on real SQLite: the delivery log, subscriptions, recovery."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from bot.core.fanout import Acquire, RateLimiter, SendResult, recover
from bot.core.schedule import Due, Subscription
from bot.storage import Store
from tests.doubles import ManualClock

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DAY = date(2026, 6, 1)
CLOCK = ManualClock(NOW)


@pytest.fixture
def clock():
    CLOCK.moment = NOW
    return CLOCK


async def channel_sub(store: Store, channel_id: int = 100, *, at: time = time(9)) -> Subscription:
    with CLOCK.at(NOW - timedelta(days=1)):
        done = await store.daily.subscribe_channel(
            guild_id=1, channel_id=channel_id, post_at=at, timezone="UTC", actor_id=7, limit=10
        )
    assert done is not None
    return done.subscription


def due(subscription: Subscription, day: date = DAY) -> Due:
    return Due(subscription, day, datetime.combine(day, subscription.post_at, UTC))


async def status(store: Store, subscription_id: int, day: date = DAY) -> tuple[Any, ...]:
    """(status, message id, resent, failure, claimed at) of the day's row; () if none."""
    row = await store.db.fetchone(
        "SELECT status, message_id, resent, failure, claimed_at FROM deliveries"
        " WHERE subscription_id = ? AND local_date = ?",
        (subscription_id, day.isoformat()),
    )
    return tuple(row) if row else ()


# --- the delivery log -------------------------------------------------------------------


async def test_a_second_claim_of_the_same_day_is_refused(store):
    subscription = await channel_sub(store)
    assert await store.daily.claim(due(subscription), 5)
    assert not await store.daily.claim(due(subscription), 6)  # another tick or process
    assert await status(store, subscription.id) == ("sending", None, 0, None, NOW.isoformat())
    await store.daily.mark_sent(subscription.id, DAY, 42)
    assert not await store.daily.claim(due(subscription), 6)  # sent: still refused
    assert (await status(store, subscription.id))[:2] == ("sent", 42)


async def test_pause_fails_the_day_and_refuses_claims_until_resumed(store):
    subscription = await channel_sub(store)
    assert await store.daily.claim(due(subscription), 5)
    await store.daily.pause(subscription.id, "The channel was deleted.")
    assert (await status(store, subscription.id))[0] == "failed"
    paused = await store.daily.get_subscription(subscription.id)
    assert paused is not None and paused.paused_reason == "The channel was deleted."
    row = await store.db.fetchone("SELECT paused_at FROM subscriptions WHERE id = ?", (paused.id,))
    assert row[0] == NOW.isoformat()  # the caller's clock, not the system's
    tomorrow = due(subscription, DAY + timedelta(days=1))
    assert not await store.daily.claim(tomorrow, 6)  # paused: nothing claimed
    await store.daily.resume(subscription.id, DAY)
    assert await status(store, subscription.id) == ()  # today is due again
    assert await store.daily.claim(due(subscription), 5)


async def test_release_gives_back_only_a_day_still_sending(store):
    subscription = await channel_sub(store)
    other = await channel_sub(store, 101)
    await store.daily.claim(due(subscription), 5)
    await store.daily.claim(due(other), 5)
    await store.daily.mark_sent(other.id, DAY, 1)
    await store.daily.release(subscription.id, DAY)
    await store.daily.release(other.id, DAY)
    assert await status(store, subscription.id) == ()
    assert (await status(store, other.id))[0] == "sent"


async def test_a_refused_day_keeps_its_reason_and_counts_in_the_rotation(store):
    subscription = await channel_sub(store)
    await store.daily.claim(due(subscription, DAY - timedelta(days=1)), 4)
    await store.daily.mark_sent(subscription.id, DAY - timedelta(days=1), 1)
    await store.daily.claim(due(subscription), 5)
    await store.daily.fail(subscription.id, DAY, "Discord refused the post (400)")
    assert (await status(store, subscription.id))[3] == "Discord refused the post (400)"
    kept = await store.daily.get_subscription(subscription.id)
    assert kept is not None and kept.active
    assert await store.daily.story_history(subscription.id) == [4, 5]
    last = await store.daily.last_delivery(subscription.id)
    assert last is not None and last.failure == "Discord refused the post (400)"


async def test_begin_resend_flags_a_claim_once(store):
    subscription = await channel_sub(store)
    await store.daily.claim(due(subscription), 5)
    assert await store.daily.unfinished_claims() == [(subscription.id, DAY, 5)]
    assert await store.daily.begin_resend(subscription.id, DAY)
    assert not await store.daily.begin_resend(subscription.id, DAY)  # a second recovery
    await store.daily.mark_sent(subscription.id, DAY, None)
    assert not await store.daily.begin_resend(subscription.id, DAY)
    assert await store.daily.unfinished_claims() == []


async def test_deleting_a_subscription_deletes_its_deliveries(store):
    subscription = await channel_sub(store)
    await store.daily.claim(due(subscription), 5)
    await store.daily.delete_subscription(subscription.id)
    assert await status(store, subscription.id) == ()
    assert await store.daily.last_sent() == {}


async def test_last_sent_is_the_latest_day_of_any_status_read_per_subscription(store):
    first, second, idle = [await channel_sub(store, n) for n in (100, 101, 102)]
    for offset in range(3):
        await store.daily.claim(due(first, DAY - timedelta(days=offset)), 5)
    await store.daily.claim(due(second, DAY), 5)
    await store.daily.pause(second.id, "gone")  # failed still counts: not retried today
    assert await store.daily.last_sent() == {first.id: DAY, second.id: DAY}
    assert await store.daily.last_sent([second.id, idle.id]) == {second.id: DAY}
    assert await store.daily.last_sent([]) == {}


@pytest.mark.sqlite_only
async def test_last_sent_seeks_the_primary_key_instead_of_scanning_the_history(store):
    # Bounded: one primary-key seek per subscription, never a pass over the history.
    plan = await store.db.fetchall(
        "EXPLAIN QUERY PLAN SELECT id, (SELECT max(local_date) FROM deliveries"
        " WHERE subscription_id = subscriptions.id) FROM subscriptions"
    )
    details = " | ".join(row[3] for row in plan)
    assert "SEARCH deliveries USING PRIMARY KEY (subscription_id=?)" in details
    assert "SCAN deliveries" not in details


# --- subscriptions ----------------------------------------------------------------------


async def test_subscribing_a_subscribed_channel_edits_it(store):
    first = await channel_sub(store)
    await store.daily.claim(due(first), 5)
    await store.daily.pause(first.id, "I lost permission.")
    done = await store.daily.subscribe_channel(
        guild_id=1, channel_id=100, post_at=time(10, 30), timezone="Europe/Paris",
        actor_id=8, limit=10,
    )  # fmt: skip
    assert done is not None and done.previous is not None and done.resumed
    edited = done.subscription
    assert (edited.id, edited.post_at, edited.timezone) == (first.id, time(10, 30), "Europe/Paris")
    assert edited.created_at == first.created_at and edited.active
    assert await status(store, first.id) == ()  # today's failed day is tried again
    assert len(await store.daily.guild_subscriptions(1)) == 1
    assert await store.daily.subscription_creator(first.id) == 7


async def test_a_server_has_a_cap_but_its_subscribed_channels_can_still_move(store):
    for channel_id in range(100, 103):
        await channel_sub(store, channel_id)
    kwargs = {"guild_id": 1, "timezone": "UTC", "actor_id": 7, "limit": 3}
    assert await store.daily.subscribe_channel(channel_id=200, post_at=time(9), **kwargs) is None
    assert (
        await store.daily.subscribe_channel(channel_id=101, post_at=time(8), **kwargs) is not None
    )
    assert len(await store.daily.guild_subscriptions(1)) == 3


async def test_enabling_a_paused_dm_subscription_resumes_it_and_retries_today(store):
    done = await store.daily.subscribe_dm(user_id=9, post_at=time(7, 30), timezone="UTC")
    assert done.previous is None
    await store.daily.claim(due(done.subscription), 5)
    await store.daily.pause(done.subscription.id, "DMs closed")
    again = await store.daily.subscribe_dm(user_id=9, post_at=time(7, 30), timezone="UTC")
    assert again.resumed and again.subscription.active
    assert again.subscription.id == done.subscription.id
    assert await status(store, done.subscription.id) == ()


# --- a restart on SQLite ----------------------------------------------------------------


async def test_a_restart_resends_an_unfinished_claim_once_with_its_story(store):
    subscription = await channel_sub(store)
    await store.daily.claim(due(subscription), 5)  # the process died here, mid-send
    sent: list[tuple[int, date, int]] = []

    async def send(item: Due, story_id: int, acquire: Acquire) -> SendResult:
        await acquire()
        sent.append((item.subscription.id, item.local_date, story_id))
        return SendResult.sent(99)

    loop = asyncio.get_running_loop()

    async def restart() -> None:
        report = await recover(
            store.daily,
            now=NOW + timedelta(minutes=5),
            lookup=store.daily.get_subscription,
            send=send,
            limiter=RateLimiter(clock=loop.time, sleep=asyncio.sleep),
            sleep=asyncio.sleep,
        )
        assert report.errors == 0

    await restart()
    assert sent == [(subscription.id, DAY, 5)]  # the recorded story, not a new pick
    assert (await status(store, subscription.id))[:3] == ("sent", 99, 1)
    await restart()  # and again: nothing left to do
    assert len(sent) == 1


async def test_a_restart_after_a_crashed_recovery_does_not_resend_twice(store):
    subscription = await channel_sub(store)
    await store.daily.claim(due(subscription), 5)
    assert await store.daily.begin_resend(subscription.id, DAY)  # recovery resent, then died
    loop = asyncio.get_running_loop()

    async def send(item: Due, story_id: int, acquire: Acquire) -> SendResult:
        raise AssertionError("must not be resent a second time")

    report = await recover(
        store.daily,
        now=NOW,
        lookup=store.daily.get_subscription,
        send=send,
        limiter=RateLimiter(clock=loop.time, sleep=asyncio.sleep),
        sleep=asyncio.sleep,
    )
    assert report.assumed_sent == 1 and report.resent == 0
    assert (await status(store, subscription.id))[0] == "sent"


async def test_claims_left_sending_before_a_moment_are_those_a_dead_process_left(store):
    first, second = await channel_sub(store, 100), await channel_sub(store, 101)
    await store.daily.claim(due(first), 5)
    with CLOCK.at(NOW + timedelta(minutes=10)):
        await store.daily.claim(due(second), 5)
    assert [c[0] for c in await store.daily.unfinished_claims()] == [first.id, second.id]
    stale = await store.daily.unfinished_claims(claimed_before=NOW + timedelta(minutes=5))
    assert stale == [(first.id, DAY, 5)]
