"""When is a story of the day due? Pure functions of (now, subscriptions, what was sent).

Nothing here touches Discord, the database or the system clock: the caller passes
`now` (an aware datetime) and what the delivery log says was sent, so tests can drive
days, restarts and DST transitions in virtual time.

Exactly-once per subscription per *local* date rests on two rules:
- only the subscription's local today is ever due (missed past days are not flooded in);
- a day is due until the delivery log holds a row for it (see bot.core.fanout).
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from rapidfuzz import fuzz

from bot.core.text import echo, fold
from bot.errors import InvalidInput

DEFAULT_POST_AT = time(9, 0)
DEFAULT_TIMEZONE = "UTC"
AUTOCOMPLETE_LIMIT = 25  # Discord's maximum number of choices
_SUGGESTIONS = 3
_SUGGESTION_CUTOFF = 60.0
_FUZZY_MARGIN = 12.0
_FUZZY_BESIDE_MATCHES = 80.0
_FUZZY = 4  # the ranking tier of a zone that only matches with typos
_DAY = timedelta(days=1)

# Names in the tz database that are not places a member would pick.
_NOT_ZONES = frozenset({"Factory", "localtime", "posixrules", "build/etc/localtime"})
# The areas of the canonical "Area/City" names, offered first in autocomplete.
_AREAS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)
# What autocomplete shows before anything is typed.
_POPULAR = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Australia/Sydney",
    "Pacific/Auckland",
)


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    guild_id: int | None  # None for a member's DM subscription
    channel_id: int | None  # the channel to post in (None for DM)
    user_id: int | None  # the member, for DM subscriptions
    post_at: time  # local wall-clock time
    timezone: str  # IANA name
    created_at: datetime  # aware UTC; read as "in effect from"
    paused_reason: str | None = None

    @property
    def is_dm(self) -> bool:
        return self.channel_id is None

    @property
    def active(self) -> bool:
        return self.paused_reason is None


@dataclass(frozen=True, slots=True)
class Due:
    subscription: Subscription
    local_date: date
    scheduled_at: datetime  # aware UTC instant it was due


# --- post time -------------------------------------------------------------------------

_TIME_RE = re.compile(
    r"""^\s*
    (?P<hour>\d{1,2})
    (?:\s*(?P<sep>[:.h])\s*(?P<minute>\d{2})?)?   # 9:30, 9.30, 9h30, 9h (French usage)
    \s*(?P<half>am|pm|a\.m\.|p\.m\.)?
    \s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_TIME_HINT = "Use 24-hour time such as 09:00 or 21:30 (9am and 9:30pm work too)."


def parse_post_time(text: str) -> time:
    """The wall-clock time a member typed: "9:00", "09:00", "21:30", "9pm", "9h30", "0930"."""
    shown = text.strip()
    hour, minute, half = _time_parts(text)
    if half is not None:
        if not 1 <= hour <= 12:
            raise InvalidInput(f"{echo(shown)}: with am/pm the hour is 1 to 12.", hint=_TIME_HINT)
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise InvalidInput(f"{echo(shown)} is not a time of day.", hint=_TIME_HINT)
    return time(hour, minute)


def _time_parts(text: str) -> tuple[int, int, str | None]:
    """(hour, minute, "am"/"pm"/None) as typed, not yet range-checked."""
    compact = re.fullmatch(r"\s*(\d{2})(\d{2})\s*", text)  # "0930", as on a 24-hour clock
    if compact is not None:
        return int(compact[1]), int(compact[2]), None
    match = _TIME_RE.match(text)
    if match is None:
        raise InvalidInput(f"{echo(text)} is not a time of day.", hint=_TIME_HINT)
    if match["sep"] in (":", ".") and match["minute"] is None:
        raise InvalidInput(f"{echo(text)} is missing its minutes.", hint=_TIME_HINT)
    half = (match["half"] or "").replace(".", "").lower() or None
    return int(match["hour"]), int(match["minute"] or 0), half


# --- time zones ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ZoneKey:
    name: str
    folded: str  # "america/sao paulo"
    city: str  # "sao paulo"
    canonical: bool  # an Area/City name rather than a legacy alias


@cache
def _zone_keys() -> tuple[_ZoneKey, ...]:
    keys = []
    for name in sorted(available_timezones() - _NOT_ZONES):
        folded = _fold_zone(name)
        canonical = name == "UTC" or name.startswith(_AREAS)
        keys.append(_ZoneKey(name, folded, folded.rsplit("/", 1)[-1], canonical))
    return tuple(keys)


@cache
def _zones_by_folded() -> dict[str, str]:
    return {key.folded: key.name for key in _zone_keys()}


def _fold_zone(text: str) -> str:
    return " ".join(fold(text).replace("_", " ").split()).replace(" / ", "/")


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def resolve_timezone(name: str) -> ZoneInfo:
    """The zone for an IANA name, forgiving case, accents and spaces for underscores.

    A bare city that names exactly one zone ("paris") is accepted too; the caller stores
    the returned zone's `key`, so the canonical spelling is kept.
    """
    query = _fold_zone(name)
    found = _zones_by_folded().get(query)
    if found is None:
        cities = [key.name for key in _zone_keys() if key.city == query and key.canonical]
        found = cities[0] if len(cities) == 1 else None
    if found is not None:
        return _zone(found)
    suggestions = _rank_zones(name, _SUGGESTIONS)
    hint = (
        "Did you mean " + " or ".join(suggestions) + "?"
        if suggestions
        else "Use a name from the list, such as Europe/Paris or America/New_York."
    )
    raise InvalidInput(f"{echo(name)} is not a time zone I know.", hint=hint)


def timezone_choices(typed: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[str]:
    """Zone names for autocomplete, best first: "paris" → Europe/Paris."""
    limit = min(limit, AUTOCOMPLETE_LIMIT)
    if not _fold_zone(typed):
        return list(_POPULAR[:limit])
    return _rank_zones(typed, limit)


def _rank_zones(typed: str, limit: int) -> list[str]:
    query = _fold_zone(typed)
    query_city = query.rsplit("/", 1)[-1]
    scored = [(*_zone_tier(key, query, query_city), key) for key in _zone_keys()]
    # Typos only: keep the near-best fuzzy matches, so "Europe/Pairs" suggests Paris
    # without a tail of unrelated zones that merely share letters.
    best_fuzzy = max((score for tier, score, _ in scored if tier == _FUZZY), default=0.0)
    floor = max(_SUGGESTION_CUTOFF, best_fuzzy - _FUZZY_MARGIN)
    if any(tier < _FUZZY for tier, _, _ in scored):
        floor = max(floor, _FUZZY_BESIDE_MATCHES)  # real matches: only near-misses beside them
    ranked = sorted(
        # Lower tier first, then better fuzzy score, canonical names before aliases.
        (tier, -score, not key.canonical, key.name)
        for tier, score, key in scored
        if tier < _FUZZY or score >= floor
    )
    return [name for *_, name in ranked[:limit]]


def _zone_tier(key: _ZoneKey, query: str, query_city: str) -> tuple[int, float]:
    """0 exact city, 1 prefix, 2 a word starts with it, 3 substring, 4 fuzzy only."""
    if query in (key.city, key.folded):
        return 0, 100.0
    if key.city.startswith(query) or key.folded.startswith(query):
        return 1, 100.0
    if any(word.startswith(query) for word in re.split(r"[/ -]", key.folded)):
        return 2, 100.0
    if query in key.folded:
        return 3, 100.0
    score = max(fuzz.ratio(query, key.folded), fuzz.ratio(query_city, key.city))
    return _FUZZY, score


# --- instants --------------------------------------------------------------------------


def scheduled_instant(local_date: date, post_at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant `post_at` happens on `local_date` in `zone`.

    In a spring-forward gap the wall time does not exist: the post goes out at the first
    valid instant after the gap (02:30 in Paris on 2026-03-29 → 03:00 local). On a
    fall-back day the wall time happens twice: the first occurrence (fold=0) counts.
    """
    wall = datetime.combine(local_date, post_at.replace(tzinfo=None, fold=0))
    first = wall.replace(tzinfo=zone)
    instant = first.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant  # exists (the first occurrence if it happens twice)
    # In a gap, fold=0 applies the offset from before the transition and fold=1 the one
    # after, so the transition instant lies between the two readings.
    return _transition_between(wall.replace(tzinfo=zone, fold=1).astimezone(UTC), instant, zone)


def _transition_between(low: datetime, high: datetime, zone: ZoneInfo) -> datetime:
    """The first instant in (low, high] whose UTC offset differs from low's.

    Offsets change on whole seconds, so a bisection on POSIX seconds finds it exactly.
    """
    before = low.astimezone(zone).utcoffset()
    lo, hi = int(low.timestamp()), math.ceil(high.timestamp())
    while hi - lo > 1:
        middle = (lo + hi) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == before:
            lo = middle
        else:
            hi = middle
    return datetime.fromtimestamp(hi, UTC)


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")


def zone_of(subscription: Subscription) -> ZoneInfo:
    """The subscription's zone; a stored name the tz database no longer knows reads as UTC.

    Names are validated when typed, so this only guards against a tzdata update: one
    bad row must not stop every other subscription's tick.
    """
    try:
        return _zone(subscription.timezone)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return _zone("UTC")


@lru_cache(maxsize=8192)
def _slot(day: date, post_at: time, zone: ZoneInfo) -> tuple[datetime, date]:
    """(instant, the local date it falls on); cached, as thousands of subscriptions share few."""
    at = scheduled_instant(day, post_at, zone)
    return at, at.astimezone(zone).date()


def due_today(now: datetime, subscription: Subscription, last_sent: date | None) -> Due | None:
    """The delivery of one subscription due at `now`, if any.

    Only deliveries whose instant falls on local today are due: today's, or in a zone
    whose spring-forward gap spans midnight (America/Nuuk: 23:00 → 00:00) a late post
    time of yesterday pushed past the gap into today.
    """
    if not subscription.active:
        return None
    zone = zone_of(subscription)
    today = now.astimezone(zone).date()
    for day in (today - _DAY, today):
        # `>=` rather than `==`: after a move to a zone further west, "today" there can
        # be a date already sent from the old zone; it must not be sent twice.
        if last_sent is not None and last_sent >= day:
            continue
        at, falls_on = _slot(day, subscription.post_at, zone)
        if falls_on == today and at <= now and subscription.created_at <= at:
            return Due(subscription, day, at)
    return None


def due_now(
    now: datetime, subscriptions: Iterable[Subscription], last_sent: Mapping[int, date]
) -> list[Due]:
    """Every delivery due at `now`, earliest scheduled first.

    `last_sent[id]` is the latest local date the delivery log holds a row for (sending,
    sent or failed). Only local today is ever due, so after an outage each subscription
    posts at most once: days entirely missed are not flooded in. A subscription created
    after today's time starts tomorrow.
    """
    _require_aware(now)
    due = [
        item
        for subscription in subscriptions
        if (item := due_today(now, subscription, last_sent.get(subscription.id))) is not None
    ]
    due.sort(key=lambda item: (item.scheduled_at, item.subscription.id))
    return due


def next_post(now: datetime, subscription: Subscription, last_sent_date: date | None) -> datetime:
    """When the subscription next posts: `now` if it is due (it goes out this tick).

    For a paused subscription: when it would post if it were resumed now.
    """
    _require_aware(now)
    active = subscription if subscription.active else replace(subscription, paused_reason=None)
    if due_today(now, active, last_sent_date) is not None:
        return now
    zone = zone_of(subscription)
    first = max(now, subscription.created_at).astimezone(zone).date()
    # Instants grow with the day, so the first candidate is the next one. Yesterday
    # covers a gap spanning midnight; four days after, a skipped calendar day.
    for offset in range(-1, 4):
        day = first + timedelta(days=offset)
        at, _ = _slot(day, subscription.post_at, zone)
        sent = last_sent_date is not None and last_sent_date >= day
        if at > now and at >= subscription.created_at and not sent:
            return at
    raise AssertionError("a daily post always happens within four days")  # pragma: no cover


# --- many subscriptions ----------------------------------------------------------------


class Agenda:
    """Subscriptions ordered by when they next need a look, so a tick costs O(due).

    `due_now` examines every subscription, which is fine for hundreds but is 14 million
    checks a day for 10,000 at one tick a minute. The agenda gives the same answer while
    only examining subscriptions whose instant has come, provided it is told about every
    subscription change (`upsert`, `remove`) and, if deliveries run concurrently with
    ticks, about deliveries given back (`recheck`). It is derived, in-memory state:
    build it afresh at start-up from the subscriptions and the delivery log.
    """

    def __init__(self, recheck_after: timedelta = timedelta(minutes=1)) -> None:
        self._recheck_after = recheck_after
        self._subscriptions: dict[int, Subscription] = {}
        self._heap: list[tuple[datetime, int, int]] = []  # (instant, token, subscription id)
        self._tokens: dict[int, int] = {}  # the live heap entry of each subscription
        self._counter = 0

    def __len__(self) -> int:
        return len(self._subscriptions)

    def upsert(self, subscription: Subscription, now: datetime, last_sent: date | None) -> None:
        """Add or replace a subscription (created, edited, paused or resumed)."""
        self._subscriptions[subscription.id] = subscription
        if subscription.active:
            self._push(subscription.id, next_post(now, subscription, last_sent))
        else:
            self._tokens.pop(subscription.id, None)  # a paused one is never due

    def remove(self, subscription_id: int) -> None:
        self._subscriptions.pop(subscription_id, None)
        self._tokens.pop(subscription_id, None)

    def recheck(
        self, subscription_ids: Iterable[int], now: datetime, after: timedelta = timedelta(0)
    ) -> None:
        """Look at these again `after` from now (e.g. deliveries released for a retry)."""
        for subscription_id in subscription_ids:
            subscription = self._subscriptions.get(subscription_id)
            if subscription is not None and subscription.active:
                self._push(subscription_id, now + after)

    def due(self, now: datetime, last_sent: Mapping[int, date]) -> list[Due]:
        """What `due_now(now, subscriptions, last_sent)` returns, earliest first."""
        _require_aware(now)
        found: list[Due] = []
        while self._heap and self._heap[0][0] <= now:
            _, token, subscription_id = heapq.heappop(self._heap)
            if self._tokens.get(subscription_id) != token:
                continue  # superseded by a later upsert, recheck or removal
            subscription = self._subscriptions[subscription_id]
            last = last_sent.get(subscription_id)
            item = due_today(now, subscription, last)
            if item is None:
                self._push(subscription_id, next_post(now, subscription, last))
            else:
                found.append(item)
                # Look again next tick: sent by then, it moves on to its next day;
                # given back after failed retries, it is due again.
                self._push(subscription_id, now + self._recheck_after)
        found.sort(key=lambda item: (item.scheduled_at, item.subscription.id))
        return found

    def pending(self, now: datetime) -> list[int]:
        """The subscriptions `due(now, …)` will look up in `last_sent`, in no order.

        So a caller can read the delivery log for these few instead of for everyone.
        Entries at or before `now` form a subtree at the top of the heap, so this costs
        O(pending), not O(subscriptions).
        """
        found: list[int] = []
        stack = [0] if self._heap else []
        while stack:
            index = stack.pop()
            when, token, subscription_id = self._heap[index]
            if when > now:
                continue  # and so is everything below it
            if self._tokens.get(subscription_id) == token:
                found.append(subscription_id)
            stack.extend(c for c in (2 * index + 1, 2 * index + 2) if c < len(self._heap))
        return found

    def next_check(self) -> datetime | None:
        """The earliest instant a subscription needs a look, so a loop can sleep until then."""
        while self._heap and self._tokens.get(self._heap[0][2]) != self._heap[0][1]:
            heapq.heappop(self._heap)  # superseded entries are dropped lazily
        return self._heap[0][0] if self._heap else None

    def _push(self, subscription_id: int, when: datetime) -> None:
        self._counter += 1
        self._tokens[subscription_id] = self._counter
        heapq.heappush(self._heap, (when, self._counter, subscription_id))
        if len(self._heap) > 4 * len(self._tokens) + 64:
            self._compact()

    def _compact(self) -> None:
        """Drop superseded entries, so edits and rechecks do not grow the heap forever."""
        self._heap = [entry for entry in self._heap if self._tokens.get(entry[2]) == entry[1]]
        heapq.heapify(self._heap)


# --- rotation --------------------------------------------------------------------------


def next_story(visible_story_ids: Sequence[int], sent_history: Sequence[int]) -> int | None:
    """The next story of a subscription's rotation; None when no story is visible.

    A cycle posts every visible story once, in `visible_story_ids` order; stories added
    during a cycle join it, removed stories are simply not visible. `sent_history` is the
    subscription's story ids in send order; a repeat in it marks the start of a new cycle.
    """
    if not visible_story_ids:
        return None
    cycle: set[int] = set()
    for story_id in sent_history:
        if story_id in cycle:
            cycle = set()
        cycle.add(story_id)
    for story_id in visible_story_ids:
        if story_id not in cycle:
            return story_id
    # Everything visible was posted: a new cycle, not opening with yesterday's story.
    last = sent_history[-1] if sent_history else None
    for story_id in visible_story_ids:
        if story_id != last:
            return story_id
    return visible_story_ids[0]
