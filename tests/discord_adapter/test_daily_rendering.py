"""The story-of-the-day post and status card stay within Discord's limits."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import discord

from bot.app.daily import SubscriptionStatus
from bot.core.models import StorySummary
from bot.core.pagination import Page
from bot.core.schedule import Subscription
from bot.discord_adapter.rendering.daily import (
    daily_post_embeds,
    is_delivery_post,
    status_embed,
)
from tests.limits import assert_within_discord_limits

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
STORY = StorySummary(1, "lantern", "L" * 120, "A. Author", None, 9000, 40, "Mara")


def message(embeds: list[discord.Embed]) -> dict[str, Any]:
    return {"embeds": [embed.to_dict() for embed in embeds]}


def test_a_full_length_retelling_and_its_first_page_fit_one_message():
    retelling = "Mara_kept *the* lantern. " * 200  # escaping makes it longer still
    pages = [Page(1, "Night fell on the harbour. " * 70, 1, 9), Page(2, "More.", 10, 12)]
    embeds = daily_post_embeds(STORY, retelling, date(2026, 6, 1), pages, subscription_id=1)
    assert_within_discord_limits(message(embeds))
    assert 5900 < sum(len(embed) for embed in embeds) <= 6000
    assert (embeds[0].description or "").endswith("…")  # the retelling gave way, the page did not
    assert "…" not in (embeds[1].description or "")


def test_a_one_page_story_is_posted_whole():
    pages = [Page(1, "A short tale.", 1, 1)]
    (embed,) = daily_post_embeds(STORY, pages[0].text, date(2026, 6, 1), pages, subscription_id=1)
    assert embed.description == "A short tale."


def test_the_footer_names_the_delivery_and_tells_apart_subscriptions_and_days():
    pages = [Page(1, "A short tale.", 1, 1)]
    day = date(2026, 12, 1)
    embeds = daily_post_embeds(STORY, pages[0].text, day, pages, subscription_id=7)
    assert embeds[0].footer.text == "Tuesday 01 December 2026 · 9,000 words · ref 7.20261201"
    assert is_delivery_post(embeds, 7, day)
    # Another subscription posting to the same channel that day, or another day: not it.
    assert not is_delivery_post(embeds, 17, day) and not is_delivery_post(embeds, 1, day)
    assert not is_delivery_post(embeds, 7, date(2026, 12, 2))
    assert not is_delivery_post([], 7, day) and not is_delivery_post([discord.Embed()], 7, day)


def line(number: int, paused: bool) -> SubscriptionStatus:
    subscription = Subscription(
        number, 1, 10**17 + number, None, time(9), "America/Argentina/ComodRivadavia",
        NOW, ("A reason that goes on. " * 60) if paused else None,
    )  # fmt: skip
    return SubscriptionStatus(
        subscription=subscription,
        next_post=NOW,
        last_title="T" * 120,
        last_date=date(2026, 5, 31),
        last_status="failed",
        next_title="N" * 120,
        last_failure="Discord refused the post (400, code 50035: Invalid Form Body)",
    )


def test_status_of_many_subscriptions_fits_and_says_how_many_more():
    lines = [line(n, paused=n % 2 == 0) for n in range(40)]
    embed = status_embed(lines)
    assert_within_discord_limits(message([embed]))
    assert len(embed) <= 6000 and len(embed.fields) <= 25
    shown = len(embed.fields) - 1
    more = embed.fields[-1]
    assert more.name == f"+{40 - shown} more"
    assert "Next (if resumed): " in (embed.fields[0].value or "")  # paused
    assert "\nNext: " in (embed.fields[1].value or "")  # active


def test_status_of_a_few_shows_them_all():
    embed = status_embed([line(n, paused=False) for n in range(3)])
    assert len(embed.fields) == 3 and not (embed.fields[-1].name or "").startswith("+")
