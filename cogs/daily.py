"""/daily: the story of the day, for a channel or by DM."""

from __future__ import annotations

import asyncio
import logging
from datetime import time

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.bot import ConteurBot
from bot.checks import member_of, require_moderator
from bot.core.pagination import paginate
from bot.core.schedule import (
    DEFAULT_POST_AT,
    DEFAULT_TIMEZONE,
    Subscription,
    next_post,
    parse_post_time,
    resolve_timezone,
    timezone_choices,
    zone_of,
)
from bot.daily import DailyService
from bot.errors import InvalidInput, NotFound
from bot.rendering import page_embed
from bot.rendering.daily import SubscriptionLine, status_embed
from bot.ui.reading import reading_view

log = logging.getLogger(__name__)


async def zone_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=zone, value=zone) for zone in timezone_choices(current)]


class DailyCog(commands.GroupCog, group_name="daily"):
    """The story of the day."""

    dm = app_commands.Group(name="dm", description="The story of the day in your DMs")

    def __init__(self, bot: ConteurBot) -> None:
        self.bot = bot
        self.service = DailyService(bot)
        bot.daily = self.service
        self._task: asyncio.Task[None] | None = None
        super().__init__()

    async def cog_load(self) -> None:
        self._task = asyncio.create_task(self._run(), name="conteur-daily")

    async def cog_unload(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        await self.service.run()

    async def _when(
        self, guild_id: int | None, at: str | None, zone: str | None
    ) -> tuple[time, str]:
        post_at = parse_post_time(at) if at else DEFAULT_POST_AT
        if zone:
            return post_at, resolve_timezone(zone).key
        if guild_id is not None:
            configured = (await self.bot.store.guild_settings(guild_id)).timezone
            if configured:
                return post_at, configured
        return post_at, DEFAULT_TIMEZONE

    @app_commands.command(
        name="subscribe", extras={"example": "/daily subscribe time:08:30 timezone:Europe/Paris"}
    )
    @app_commands.describe(
        channel="Where to post (default: this channel)",
        time="Local time, e.g. 09:00 or 9pm (default 09:00)",
        timezone="IANA time zone, e.g. Europe/Paris (default: the server's, or UTC)",
    )
    @app_commands.autocomplete(timezone=zone_autocomplete)
    async def subscribe(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
        time: app_commands.Range[str, 1, 16] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        """Post a story here every day at a chosen time (moderators)."""
        member = await require_moderator(self.bot.store, interaction)
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            raise InvalidInput("Pick a text channel for the story of the day.")
        permissions = target.permissions_for(member.guild.me)
        if not (permissions.send_messages and permissions.embed_links):
            raise InvalidInput(
                f"I can't post in {target.mention}: I need Send Messages and Embed Links there."
            )
        post_at, zone = await self._when(member.guild.id, time, timezone)
        subscription = await self.bot.store.subscribe_channel(
            guild_id=member.guild.id,
            channel_id=target.id,
            post_at=post_at,
            timezone=zone,
            actor_id=member.id,
            now=self.bot.clock(),
        )
        await self.service.changed(subscription)
        when = next_post(self.bot.clock(), subscription, None)
        await interaction.response.send_message(
            f"Subscribed {target.mention}: a story every day at {post_at:%H:%M} ({zone}). "
            f"The first arrives <t:{int(when.timestamp())}:F>.",
            ephemeral=True,
        )

    async def _guild_subscription(
        self, interaction: Interaction, channel: discord.TextChannel | None
    ) -> list[Subscription]:
        member = await require_moderator(self.bot.store, interaction)
        subscriptions = await self.bot.store.guild_subscriptions(member.guild.id)
        target = channel or interaction.channel
        target_id = target.id if target is not None else None
        chosen = [s for s in subscriptions if s.channel_id == target_id]
        if not chosen:
            where = f"<#{target_id}>" if target_id else "this channel"
            raise NotFound(
                f"There is no story-of-the-day subscription for {where}.",
                hint="`/daily status` lists this server's subscriptions.",
            )
        return chosen

    @app_commands.command(name="unsubscribe", extras={"example": "/daily unsubscribe"})
    @app_commands.describe(channel="The channel to stop (default: this channel)")
    async def unsubscribe(
        self, interaction: Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        """Stop the story of the day in a channel (moderators)."""
        for subscription in await self._guild_subscription(interaction, channel):
            await self.bot.store.delete_subscription(subscription.id)
            self.service.removed(subscription.id)
        await interaction.response.send_message(
            "Unsubscribed: no more stories of the day there.", ephemeral=True
        )

    @app_commands.command(name="pause", extras={"example": "/daily pause"})
    @app_commands.describe(channel="The channel to pause (default: this channel)")
    async def pause(
        self, interaction: Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        """Pause the story of the day in a channel (moderators)."""
        member = member_of(interaction)
        for subscription in await self._guild_subscription(interaction, channel):
            await self.bot.store.pause(subscription.id, f"Paused by {member.display_name}.")
            updated = await self.bot.store.get_subscription(subscription.id)
            if updated is not None:
                await self.service.changed(updated)
        await interaction.response.send_message(
            "Paused. `/daily resume` starts it again.", ephemeral=True
        )

    @app_commands.command(name="resume", extras={"example": "/daily resume"})
    @app_commands.describe(channel="The channel to resume (default: this channel)")
    async def resume(
        self, interaction: Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        """Resume a paused story of the day (moderators)."""
        for subscription in await self._guild_subscription(interaction, channel):
            await self._resume(subscription)
        await interaction.response.send_message(
            "Resumed: the story of the day is back on.", ephemeral=True
        )

    async def _resume(self, subscription: Subscription) -> None:
        now = self.bot.clock()
        await self.bot.store.resume(
            subscription.id, now, now.astimezone(zone_of(subscription)).date()
        )
        updated = await self.bot.store.get_subscription(subscription.id)
        if updated is not None:
            await self.service.changed(updated)

    @app_commands.command(name="status", extras={"example": "/daily status"})
    async def status(self, interaction: Interaction) -> None:
        """Every story-of-the-day subscription here: next post, last story, state."""
        subscriptions = []
        if interaction.guild_id is not None:
            subscriptions = await self.bot.store.guild_subscriptions(interaction.guild_id)
        mine = await self.bot.store.dm_subscription(interaction.user.id)
        lines = [await self._line(s) for s in [*subscriptions, *([mine] if mine else [])]]
        await interaction.response.send_message(embed=status_embed(lines), ephemeral=True)

    async def _line(self, subscription: Subscription) -> SubscriptionLine:
        now = self.bot.clock()
        last = await self.bot.store.last_delivery(subscription.id)
        last_title = None
        if last is not None:
            story = await self.bot.store.get_summary(last.story_id)
            last_title = story.title if story else "a removed story"
        upcoming = await self.service.pick_story(subscription)
        next_title = None
        if upcoming is not None:
            summary = await self.bot.store.get_summary(upcoming)
            next_title = summary.title if summary else None
        return SubscriptionLine(
            subscription=subscription,
            next_post=next_post(now, subscription, last.local_date if last else None),
            last_title=last_title,
            last_date=last.local_date if last else None,
            last_status=last.status if last else None,
            next_title=next_title,
        )

    @app_commands.command(name="preview", extras={"example": "/daily preview"})
    async def preview(self, interaction: Interaction) -> None:
        """The story the next post will bring (only you see it)."""
        subscriptions = []
        if interaction.guild_id is not None:
            subscriptions = await self.bot.store.guild_subscriptions(interaction.guild_id)
        mine = await self.bot.store.dm_subscription(interaction.user.id)
        candidates = [s for s in subscriptions if s.channel_id == interaction.channel_id]
        candidates = candidates or subscriptions or ([mine] if mine else [])
        if not candidates:
            raise NotFound(
                "Nothing is subscribed here yet.",
                hint="`/daily subscribe` (moderators) or `/daily dm enable`.",
            )
        story_id = await self.service.pick_story(candidates[0])
        if story_id is None:
            raise NotFound("There are no stories to post yet.")
        story = await self.bot.store.get_story(story_id)
        assert story is not None
        pages = paginate(story.passages)
        await interaction.response.send_message(
            content="Next story of the day:",
            embed=page_embed(story.summary, pages[0], len(pages)),
            view=reading_view(story.id, 1, len(pages)),
            ephemeral=True,
        )

    @dm.command(
        name="enable", extras={"example": "/daily dm enable time:07:30 timezone:Asia/Tokyo"}
    )
    @app_commands.describe(
        time="Local time, e.g. 07:30 (default 09:00)",
        timezone="IANA time zone, e.g. Asia/Tokyo (default UTC)",
    )
    @app_commands.autocomplete(timezone=zone_autocomplete)
    async def dm_enable(
        self,
        interaction: Interaction,
        time: app_commands.Range[str, 1, 16] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        """Get the story of the day in your DMs."""
        post_at, zone = await self._when(None, time, timezone)
        subscription = await self.bot.store.subscribe_dm(
            user_id=interaction.user.id, post_at=post_at, timezone=zone, now=self.bot.clock()
        )
        await self.service.changed(subscription)
        when = next_post(self.bot.clock(), subscription, None)
        await interaction.response.send_message(
            f"Done: a story in your DMs every day at {post_at:%H:%M} ({zone}), starting "
            f"<t:{int(when.timestamp())}:F>. Keep your DMs open to me.",
            ephemeral=True,
        )

    @dm.command(name="disable", extras={"example": "/daily dm disable"})
    async def dm_disable(self, interaction: Interaction) -> None:
        """Stop the story of the day in your DMs."""
        mine = await self.bot.store.dm_subscription(interaction.user.id)
        if mine is None:
            raise NotFound("You don't get the story of the day by DM.")
        await self.bot.store.delete_subscription(mine.id)
        self.service.removed(mine.id)
        await interaction.response.send_message("Done: no more stories by DM.", ephemeral=True)


async def setup(bot: ConteurBot) -> None:
    await bot.add_cog(DailyCog(bot))
