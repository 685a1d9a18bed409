"""The pure scheduling rules, driven minute by minute in virtual time."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.schedule import (
    AUTOCOMPLETE_LIMIT,
    Agenda,
    Subscription,
    due_now,
    next_post,
    next_story,
    parse_post_time,
    resolve_timezone,
    scheduled_instant,
    timezone_choices,
)
from bot.errors import InvalidInput

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def sub(
    sub_id: int = 1,
    zone: str = "UTC",
    at: time = time(9, 0),
    created: datetime = LONG_AGO,
    paused: str | None = None,
) -> Subscription:
    return Subscription(sub_id, 10, 20, None, at, zone, created, paused)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def simulate(
    subscriptions: list[Subscription],
    start: datetime,
    end: datetime,
    *,
    down: Iterable[tuple[datetime, datetime]] = (),
    step: timedelta = MINUTE,
) -> list[tuple[int, date, datetime]]:
    """Tick every `step` while the bot is up; each due delivery is sent at once."""
    outages = list(down)
    last_sent: dict[int, date] = {}
    sent: list[tuple[int, date, datetime]] = []
    now = start
    while now < end:
        if not any(a <= now < b for a, b in outages):
            for item in due_now(now, subscriptions, last_sent):
                sent.append((item.subscription.id, item.local_date, now))
                last_sent[item.subscription.id] = item.local_date
        now += step
    return sent


# --- due computation ---------------------------------------------------------------------


def test_due_across_zones_at_one_instant():
    subs = [
        sub(1, "Europe/Paris"),  # 09:00 CEST = 07:00 UTC: due
        sub(2, "America/New_York"),  # 13:00 UTC: not yet
        sub(3, "Asia/Tokyo"),  # 00:00 UTC: due, but already sent today
        sub(4, "Asia/Kolkata"),  # 03:30 UTC: due
        sub(5, "Asia/Kolkata", paused="The channel was deleted"),
    ]
    due = due_now(utc(2026, 6, 1, 7, 0), subs, {3: date(2026, 6, 1)})
    assert [(d.subscription.id, d.local_date) for d in due] == [
        (4, date(2026, 6, 1)),
        (1, date(2026, 6, 1)),
    ]
    assert due[1].scheduled_at == utc(2026, 6, 1, 7, 0)


def test_local_date_is_the_subscriptions_own():
    # 23:30 UTC on 1 June is 08:30 on 2 June in Tokyo: 08:00 is due, 09:00 not yet.
    assert due_now(utc(2026, 6, 1, 23, 30), [sub(1, "Asia/Tokyo", time(9, 0))], {}) == []
    due = due_now(utc(2026, 6, 1, 23, 30), [sub(1, "Asia/Tokyo", time(8, 0))], {})
    assert [(d.local_date, d.scheduled_at) for d in due] == [
        (date(2026, 6, 2), utc(2026, 6, 1, 23, 0))
    ]


def test_a_subscription_created_after_todays_time_starts_tomorrow():
    created = utc(2026, 6, 1, 10, 0)
    sent = simulate([sub(created=created)], created, utc(2026, 6, 3))
    assert sent == [(1, date(2026, 6, 2), utc(2026, 6, 2, 9, 0))]


def test_a_subscription_created_before_todays_time_posts_today():
    created = utc(2026, 6, 1, 8, 59)
    sent = simulate([sub(created=created)], created, utc(2026, 6, 2))
    assert sent == [(1, date(2026, 6, 1), utc(2026, 6, 1, 9, 0))]


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        due_now(datetime(2026, 6, 1, 9), [sub()], {})


def test_moving_west_does_not_post_a_date_twice():
    # Sent for 2 June in Tokyo; moved to Los Angeles where it is still 1 June.
    moved = sub(1, "America/Los_Angeles", time(9, 0))
    assert due_now(utc(2026, 6, 1, 20, 0), [moved], {1: date(2026, 6, 2)}) == []


# --- DST ---------------------------------------------------------------------------------


def test_spring_forward_gap_posts_once_at_the_first_valid_time():
    paris = ZoneInfo("Europe/Paris")
    sent = simulate(
        [sub(1, "Europe/Paris", time(2, 30))], utc(2026, 3, 28, 0, 0), utc(2026, 3, 31, 0, 0)
    )
    assert [(day, at.astimezone(paris).time()) for _, day, at in sent] == [
        (date(2026, 3, 28), time(2, 30)),
        (date(2026, 3, 29), time(3, 0)),  # 02:30 does not exist that night
        (date(2026, 3, 30), time(2, 30)),
    ]
    assert sent[1][2] == utc(2026, 3, 29, 1, 0)


def test_fall_back_posts_once_at_the_first_occurrence():
    sent = simulate(
        [sub(1, "America/New_York", time(1, 30))], utc(2026, 10, 31, 6, 0), utc(2026, 11, 3)
    )
    days = [day for _, day, _ in sent]
    assert days == [date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2)]
    assert sent[1][2] == utc(2026, 11, 1, 5, 30)  # 01:30 EDT, not 01:30 EST an hour later


def test_a_gap_spanning_midnight_still_posts_that_date_once():
    # Nuuk springs forward from 23:00 on 28 March to 00:00 on 29 March 2026.
    nuuk = ZoneInfo("America/Nuuk")
    sent = simulate(
        [sub(1, "America/Nuuk", time(23, 30))], utc(2026, 3, 27, 12), utc(2026, 3, 30, 12)
    )
    assert [day for _, day, _ in sent] == [date(2026, 3, 27), date(2026, 3, 28), date(2026, 3, 29)]
    assert sent[1][2].astimezone(nuuk) == datetime(2026, 3, 29, 0, 0, tzinfo=nuuk)


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected_local"),
    [
        ("Europe/Paris", date(2026, 3, 29), time(2, 30), datetime(2026, 3, 29, 3, 0)),
        ("Europe/Paris", date(2026, 3, 29), time(2, 0), datetime(2026, 3, 29, 3, 0)),
        ("Europe/Paris", date(2026, 3, 29), time(3, 0), datetime(2026, 3, 29, 3, 0)),
        ("Europe/Paris", date(2026, 10, 25), time(2, 30), datetime(2026, 10, 25, 2, 30)),
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 15), datetime(2026, 10, 4, 2, 30)),
        ("Asia/Kathmandu", date(2026, 3, 29), time(9, 0), datetime(2026, 3, 29, 9, 0)),
    ],
)
def test_scheduled_instant(zone, day, at, expected_local):
    tz = ZoneInfo(zone)
    instant = scheduled_instant(day, at, tz)
    assert instant.tzinfo is UTC
    assert instant.astimezone(tz).replace(tzinfo=None) == expected_local


def test_ambiguous_time_uses_the_first_occurrence():
    instant = scheduled_instant(date(2026, 10, 25), time(2, 30), ZoneInfo("Europe/Paris"))
    assert instant == utc(2026, 10, 25, 0, 30)  # 02:30 CEST, not 02:30 CET


# --- catch-up ----------------------------------------------------------------------------


def test_catch_up_after_downtime_the_same_local_day_posts_once():
    paris_9 = sub(1, "Europe/Paris")
    down = [(utc(2026, 6, 1, 5, 0), utc(2026, 6, 1, 12, 17))]
    sent = simulate([paris_9], utc(2026, 6, 1, 0, 0), utc(2026, 6, 2, 0, 0), down=down)
    assert sent == [(1, date(2026, 6, 1), utc(2026, 6, 1, 12, 17))]


def test_no_flood_after_a_three_day_outage():
    subs = [sub(1, "Europe/Paris"), sub(2, "Asia/Tokyo"), sub(3, "America/Los_Angeles")]
    back = utc(2026, 6, 4, 18, 0)  # 20:00 in Paris, 03:00 next day in Tokyo, 11:00 in LA
    down = [(utc(2026, 6, 1, 0, 0), back)]
    sent = simulate(subs, utc(2026, 6, 1, 0, 0), utc(2026, 6, 5, 0, 1), down=down)
    assert sorted(sent) == [
        (1, date(2026, 6, 4), back),  # one catch-up post, not four
        (2, date(2026, 6, 5), utc(2026, 6, 5, 0, 0)),  # Tokyo's 4 June was over: its 5th
        (3, date(2026, 6, 4), back),
    ]


def test_back_before_the_time_after_an_outage_posts_at_the_time():
    down = [(utc(2026, 6, 1, 0, 0), utc(2026, 6, 4, 6, 0))]
    sent = simulate([sub()], utc(2026, 6, 1), utc(2026, 6, 5), down=down)
    assert sent == [(1, date(2026, 6, 4), utc(2026, 6, 4, 9, 0))]


# --- next post ---------------------------------------------------------------------------


def test_next_post():
    paris = sub(1, "Europe/Paris")
    assert next_post(utc(2026, 6, 1, 5, 0), paris, None) == utc(2026, 6, 1, 7, 0)
    assert next_post(utc(2026, 6, 1, 8, 0), paris, None) == utc(2026, 6, 1, 8, 0)  # due now
    assert next_post(utc(2026, 6, 1, 8, 0), paris, date(2026, 6, 1)) == utc(2026, 6, 2, 7, 0)
    late = sub(1, "Europe/Paris", created=utc(2026, 6, 1, 8, 0))
    assert next_post(utc(2026, 6, 1, 8, 0), late, None) == utc(2026, 6, 2, 7, 0)
    gap = sub(1, "Europe/Paris", time(2, 30))
    assert next_post(utc(2026, 3, 28, 12, 0), gap, date(2026, 3, 28)) == utc(2026, 3, 29, 1, 0)


# --- many subscriptions: the agenda agrees with due_now ------------------------------------


ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "America/Nuuk", "Asia/Tokyo"]


def test_agenda_gives_the_same_answer_as_due_now():
    rng = random.Random(7)
    start = utc(2026, 3, 27, 0, 0)
    subs = {
        i: sub(
            i,
            rng.choice(ZONES),
            time(rng.randrange(24), rng.choice([0, 15, 30, 45])),
            created=start + timedelta(minutes=rng.randrange(3000)),
        )
        for i in range(120)
    }
    agenda = Agenda()
    last_sent: dict[int, date] = {}
    for s in subs.values():
        agenda.upsert(s, start, None)
    now, checked = start, 0
    while now < start + timedelta(days=4):
        expected = due_now(now, subs.values(), last_sent)
        # The log is read only for the pending few; that must be all `due` looks at.
        pending = agenda.pending(now)
        assert len(pending) == len(set(pending))
        read = {i: last_sent[i] for i in pending if i in last_sent}
        assert agenda.due(now, read) == expected
        checked += len(expected)
        for item in expected:
            if rng.random() < 0.1:
                continue  # given back after failed retries: due again next tick
            last_sent[item.subscription.id] = item.local_date
        if rng.random() < 0.02:  # an edit: a new time, or a pause
            changed = subs[rng.randrange(120)]
            changed = Subscription(
                changed.id, 10, 20, None, time(rng.randrange(24), 0), changed.timezone,
                changed.created_at, rng.choice([None, "paused"]),
            )  # fmt: skip
            subs[changed.id] = changed
            agenda.upsert(changed, now, last_sent.get(changed.id))
        now += timedelta(minutes=7)
    assert checked > 300


# --- rotation ----------------------------------------------------------------------------


def rotate(visible: list[int], history: list[int], days: int) -> list[int]:
    for _ in range(days):
        chosen = next_story(visible, history)
        assert chosen is not None
        history.append(chosen)
    return history


def test_rotation_posts_every_story_before_repeating():
    history = rotate([5, 3, 8, 1], [], 12)
    assert history[:4] == [5, 3, 8, 1]
    for cycle in range(3):
        assert sorted(history[cycle * 4 : cycle * 4 + 4]) == [1, 3, 5, 8]


def test_new_stories_join_the_current_cycle():
    history = rotate([1, 2, 3, 4], [], 2)  # 1, 2
    history = rotate([1, 2, 3, 4, 9], history, 3)
    assert history == [1, 2, 3, 4, 9]
    assert next_story([1, 2, 3, 4, 9], history) == 1  # all posted: a new cycle


def test_removed_stories_are_skipped():
    history = rotate([1, 2, 3, 4], [], 1)
    history = rotate([1, 3, 4], history, 3)  # story 2 removed
    assert history == [1, 3, 4, 1]


def test_a_new_cycle_does_not_open_with_yesterdays_story():
    # Story 2 was added after 5 but sorts first: the new cycle opens with 5, not 2 again.
    assert next_story([2, 5], [5, 2]) == 5
    assert next_story([2], [2]) == 2  # the only story, nothing else to offer


def test_no_story_visible():
    assert next_story([], [1, 2]) is None


# --- input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9:00", time(9, 0)),
        ("09:00", time(9, 0)),
        ("21:30", time(21, 30)),
        ("9pm", time(21, 0)),
        ("9:45 PM", time(21, 45)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("7 a.m.", time(7, 0)),
        ("9h30", time(9, 30)),
        ("0930", time(9, 30)),
        (" 0:05 ", time(0, 5)),
    ],
)
def test_parse_post_time(typed, expected):
    assert parse_post_time(typed) == expected


@pytest.mark.parametrize("typed", ["", "noonish", "25:00", "9:60", "13pm", "0am", "9:", "9:5"])
def test_parse_post_time_refuses_with_a_hint(typed):
    with pytest.raises(InvalidInput) as error:
        parse_post_time(typed)
    assert error.value.hint is not None and "09:00" in error.value.hint


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Europe/Paris", "Europe/Paris"),
        ("europe/paris", "Europe/Paris"),
        ("AMERICA/NEW YORK", "America/New_York"),
        ("paris", "Europe/Paris"),  # a city naming exactly one zone
        ("utc", "UTC"),
    ],
)
def test_resolve_timezone(typed, expected):
    assert resolve_timezone(typed).key == expected


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Europe/Pairs", "Europe/Paris"),
        ("Amercia/Chicago", "America/Chicago"),
        ("Asia/Tokio", "Asia/Tokyo"),
        ("Kolkatta", "Asia/Kolkata"),
    ],
)
def test_unknown_timezone_suggests_the_likely_one(typed, suggested):
    with pytest.raises(InvalidInput) as error:
        resolve_timezone(typed)
    hint = error.value.hint or ""
    assert hint.startswith(f"Did you mean {suggested}")
    assert hint.count(" or ") <= 2  # at most three suggestions


def test_gibberish_timezone_gets_examples():
    with pytest.raises(InvalidInput) as error:
        resolve_timezone("qqqqqq")
    assert "Europe/Paris" in (error.value.hint or "")


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("paris", "Europe/Paris"),
        ("PARIS", "Europe/Paris"),
        ("são paulo", "America/Sao_Paulo"),
        ("new york", "America/New_York"),
        ("kolkat", "Asia/Kolkata"),
        ("", "UTC"),
    ],
)
def test_timezone_choices(typed, first):
    choices = timezone_choices(typed)
    assert choices[0] == first
    assert len(choices) <= AUTOCOMPLETE_LIMIT


def test_timezone_choices_never_exceed_25():
    assert len(timezone_choices("a")) == AUTOCOMPLETE_LIMIT
    assert len(timezone_choices("america", limit=100)) == AUTOCOMPLETE_LIMIT
    assert len(timezone_choices("europe", limit=5)) == 5
