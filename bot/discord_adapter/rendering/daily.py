"""The story-of-the-day post, the /daily status card and the words around subscriptions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

import discord

from bot.app.daily import SubscriptionStatus
from bot.core.models import StorySummary
from bot.core.pagination import Page
from bot.core.schedule import Subscription, zone_of
from bot.core.text import shorten
from bot.discord_adapter.rendering import (
    EMBED_TOTAL_LIMIT,
    FIELD_VALUE_LIMIT,
    STORY_COLOUR,
    escape,
    page_embed,
)
from bot.discord_adapter.rendering.telling import daily_embed

FIELD_LIMIT = 25  # Discord's most fields in one embed
CHOICE_NAME_LIMIT = 100
REASON_LIMIT = 300  # of a field's 1,024, so the next-post line always shows


# ------------------------------------------------------------------ the post


def delivery_marker(subscription_id: int, local_date: date) -> str:
    """The last words of a daily post's footer, naming its delivery: "ref 7.20261201".

    After a crash between Discord accepting a post and the log recording it, recovery
    looks for these words in the destination's recent history instead of posting again.
    The subscription id keeps apart two subscriptions posting to one channel on one day.
    """
    return f"ref {subscription_id}.{local_date:%Y%m%d}"


def is_delivery_post(
    embeds: Sequence[discord.Embed], subscription_id: int, local_date: date
) -> bool:
    """Whether a message with these embeds is that subscription's post for that date."""
    footer = (embeds[0].footer.text or "") if embeds else ""
    return footer.endswith(f" · {delivery_marker(subscription_id, local_date)}")


def daily_post_embeds(
    story: StorySummary, text: str, local_date: date, pages: Sequence[Page], *, subscription_id: int
) -> list[discord.Embed]:
    """The post: the whole story when it is one page, else its retelling and page 1.

    A short retelling may use a whole description (4,096), and page 1 comes on top, so
    the two can pass the 6,000 characters Discord allows across a message's embeds: a
    post it would refuse every day. The retelling gives way; the page, which the
    reading buttons continue, is kept whole. The first footer ends with the delivery's
    marker (`delivery_marker`).
    """
    whole = len(pages) == 1
    marker = delivery_marker(subscription_id, local_date)
    embeds = [daily_embed(story, text, local_date, whole=whole, marker=marker)]
    if not whole:
        embeds.append(page_embed(story, pages[0], len(pages)))
    return fit_total(embeds)


def fit_total(embeds: list[discord.Embed], limit: int = EMBED_TOTAL_LIMIT) -> list[discord.Embed]:
    """Shorten descriptions, first embed first, until all of them fit in `limit`."""
    for embed in embeds:
        excess = sum(len(e) for e in embeds) - limit
        if excess <= 0:
            break
        description = embed.description or ""
        embed.description = shorten(description, max(1, len(description) - excess))
    return embeds


# ------------------------------------------------------------------ status


def _where(subscription: Subscription, channel_names: Mapping[int, str]) -> str:
    """A field's name: Discord shows a mention there as raw <#id>, so the channel's name."""
    if subscription.is_dm:
        return "Your DMs"
    return f"#{channel_names.get(subscription.channel_id or 0, 'deleted-channel')}"


def status_embed(
    lines: Sequence[SubscriptionStatus], channel_names: Mapping[int, str] | None = None
) -> discord.Embed:
    """One field per subscription, as many as fit; "+N more" says what did not.

    The field's value, where mentions work, links the channel.
    """
    embed = discord.Embed(title="Story of the day", colour=STORY_COLOUR)
    if not lines:
        embed.description = (
            "Nothing is subscribed here. Moderators: `/daily subscribe`. "
            "Anyone: `/daily dm enable` for your DMs."
        )
        return embed
    # Room for a "+N more" field is kept until the last line, which needs none.
    more_room = sum(map(len, _more_field(len(lines))))
    for index, line in enumerate(lines):
        name, value = _where(line.subscription, channel_names or {}), _status_value(line)
        last = index == len(lines) - 1
        size = len(embed) + len(name) + len(value) + (0 if last else more_room)
        fields = len(embed.fields) + (1 if last else 2)
        if size > EMBED_TOTAL_LIMIT or fields > FIELD_LIMIT:
            more_name, more_value = _more_field(len(lines) - index)
            embed.add_field(name=more_name, value=more_value, inline=False)
            break
        embed.add_field(name=name, value=value, inline=False)
    return embed


def _more_field(count: int) -> tuple[str, str]:
    return (
        f"+{count} more",
        f"{count} more subscription{'s' if count != 1 else ''} not shown here; "
        "`/daily resume` and `/daily unsubscribe` list every one under `subscription`.",
    )


def _status_value(line: SubscriptionStatus) -> str:
    subscription = line.subscription
    local = line.next_post.astimezone(zone_of(subscription))
    unix = int(line.next_post.timestamp())
    paused = subscription.paused_reason is not None
    reason = shorten(escape(subscription.paused_reason or ""), REASON_LIMIT)
    state = f"⏸ paused — {reason}" if paused else "▶ active"
    parts = [
        state if subscription.is_dm else f"In <#{subscription.channel_id}> · {state}",
        f"Every day at {subscription.post_at:%H:%M} ({subscription.timezone})",
        # A paused subscription posts nothing; this is when it would, once resumed.
        ("Next (if resumed)" if paused else "Next")
        + f": {local:%a %d %b %H:%M} local · <t:{unix}:F> (<t:{unix}:R>)"
        + (f" — {escape(line.next_title)}" if line.next_title else ""),
    ]
    if line.last_title and line.last_date:
        outcome = {"sent": "sent", "sending": "sending", "failed": "not delivered"}
        told = outcome.get(line.last_status or "", line.last_status or "")
        if line.last_failure:
            told += f": {shorten(escape(line.last_failure), REASON_LIMIT)}"
        parts.append(f"Last: {escape(line.last_title)} on {line.last_date:%d %b %Y} ({told})")
    return shorten("\n".join(parts), FIELD_VALUE_LIMIT)


# ------------------------------------------------------------------ picking and telling


def subscription_label(subscription: Subscription, channel_name: str | None) -> str:
    """How autocomplete names a subscription: "#reading 08:30 Europe/Paris (paused)"."""
    where = f"#{channel_name}" if channel_name else "#deleted-channel"
    paused = " (paused)" if subscription.paused_reason is not None else ""
    return shorten(
        f"{where} {subscription.post_at:%H:%M} {subscription.timezone}{paused}", CHOICE_NAME_LIMIT
    )


def pause_notice(subscription: Subscription, reason: str, guild_name: str | None = None) -> str:
    """What moderators are told when a channel's subscription pauses itself."""
    where = f"<#{subscription.channel_id}>"
    if guild_name is not None:  # a DM to its creator: say which server
        where += f" in **{escape(guild_name)}**"
    return (
        f"The story of the day for {where} ({subscription.post_at:%H:%M} "
        f"{subscription.timezone}) is paused: {reason} A moderator can fix that and run "
        "`/daily resume`, picking it under `subscription` (that works even if the "
        "channel is gone), or remove it with `/daily unsubscribe`."
    )


def _every(subscription: Subscription) -> str:
    return f"every day at {subscription.post_at:%H:%M} ({subscription.timezone})"


def _changes(subscription: Subscription, previous: Subscription) -> str:
    """What moved, as ', instead of 09:00 (UTC)'; nothing if the time and zone did not."""
    before = (previous.post_at, previous.timezone)
    if before == (subscription.post_at, subscription.timezone):
        return ""
    return f", instead of {previous.post_at:%H:%M} ({previous.timezone})"


def subscribed_message(
    where: str, subscription: Subscription, previous: Subscription | None, when: datetime
) -> str:
    """The reply to /daily subscribe: new, moved, or resumed, and when the next one comes."""
    stamp = f"<t:{int(when.timestamp())}:F>"
    if previous is None:
        return f"Subscribed {where}: a story {_every(subscription)}. The first arrives {stamp}."
    changes = _changes(subscription, previous)
    text = (
        f"Updated {where}: now a story {_every(subscription)}{changes}."
        if changes
        else f"{where} already gets a story {_every(subscription)}."
    )
    if previous.paused_reason is not None:
        text += f" It was paused ({previous.paused_reason.rstrip('.')}); it is resumed now."
    return f"{text} The next arrives {stamp}."


def dm_enabled_message(
    subscription: Subscription, previous: Subscription | None, when: datetime
) -> str:
    """The reply to /daily dm enable."""
    stamp = f"<t:{int(when.timestamp())}:F>"
    every = f"a story in your DMs {_every(subscription)}"
    if previous is None:
        return f"Done: {every}, starting {stamp}. Keep your DMs open to me."
    if previous.paused_reason is not None:
        return (
            f"Resumed: {every}{_changes(subscription, previous)}. The next arrives {stamp}. "
            "Keep your DMs open to me, or it pauses again."
        )
    changes = _changes(subscription, previous)
    if changes:
        return f"Updated: {every}{changes}. The next arrives {stamp}."
    return f"You already get {every}. The next arrives {stamp}."
