"""The /daily status card."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import discord

from bot.core.schedule import Subscription, zone_of
from bot.core.text import shorten
from bot.rendering import FIELD_VALUE_LIMIT, STORY_COLOUR, escape


@dataclass(frozen=True, slots=True)
class SubscriptionLine:
    subscription: Subscription
    next_post: datetime
    last_title: str | None
    last_date: date | None
    last_status: str | None
    next_title: str | None


def _where(subscription: Subscription) -> str:
    return "Your DMs" if subscription.is_dm else f"<#{subscription.channel_id}>"


def status_embed(lines: Sequence[SubscriptionLine]) -> discord.Embed:
    embed = discord.Embed(title="Story of the day", colour=STORY_COLOUR)
    if not lines:
        embed.description = (
            "Nothing is subscribed here. Moderators: `/daily subscribe`. "
            "Anyone: `/daily dm enable` for your DMs."
        )
        return embed
    for line in lines[:25]:
        subscription = line.subscription
        zone = zone_of(subscription)
        local = line.next_post.astimezone(zone)
        unix = int(line.next_post.timestamp())
        state = (
            f"⏸ paused — {escape(subscription.paused_reason)}"
            if subscription.paused_reason
            else "▶ active"
        )
        parts = [
            state,
            f"Every day at {subscription.post_at:%H:%M} ({subscription.timezone})",
            f"Next: {local:%a %d %b %H:%M} local · <t:{unix}:F> (<t:{unix}:R>)"
            + (f" — {escape(line.next_title)}" if line.next_title else ""),
        ]
        if line.last_title and line.last_date:
            outcome = {"sent": "sent", "sending": "sending", "failed": "not delivered"}
            parts.append(
                f"Last: {escape(line.last_title)} on {line.last_date:%d %b %Y} "
                f"({outcome.get(line.last_status or '', line.last_status)})"
            )
        embed.add_field(
            name=_where(subscription) if not subscription.is_dm else "Your DMs",
            value=shorten("\n".join(parts), FIELD_VALUE_LIMIT),
            inline=False,
        )
    return embed
