"""/daily: the story of the day, for a channel or by DM."""

from __future__ import annotations

import asyncio
import logging
from datetime import time

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.core.pagination import paginate
from bot.core.schedule import (
    AUTOCOMPLETE_LIMIT,
    DEFAULT_POST_AT,
    DEFAULT_TIMEZONE,
    Subscription,
    parse_post_time,
    resolve_timezone,
    timezone_choices,
)
from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.checks import is_moderator, member_of, require_moderator
from bot.discord_adapter.daily import DailyService
from bot.discord_adapter.rendering import page_embed
from bot.discord_adapter.rendering.daily import (
    dm_enabled_message,
    status_embed,
    subscribed_message,
    subscription_label,
)
from bot.discord_adapter.ui.reading import reading_view
from bot.errors import InvalidInput, NotAllowed, NotFound

log = logging.getLogger(__name__)

# Each posts a story a day and a thread: enough for any server, and a bound on what one
# server can add to the fan-out at a single minute.
MAX_SUBSCRIPTIONS_PER_SERVER = 10


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

    async def _default_zone(self, guild_id: int | None) -> str:
        if guild_id is not None:
            configured = (await self.bot.store.guilds.guild_settings(guild_id)).timezone
            if configured:
                return configured
        return DEFAULT_TIMEZONE

    async def _when(
        self,
        guild_id: int | None,
        at: str | None,
        zone: str | None,
        existing: Subscription | None,
    ) -> tuple[time, str]:
        """What was typed; for what was not, the existing subscription's, else the defaults."""
        post_at = parse_post_time(at) if at else existing.post_at if existing else DEFAULT_POST_AT
        if zone:
            return post_at, resolve_timezone(zone).key
        if existing is not None:
            return post_at, existing.timezone
        return post_at, await self._default_zone(guild_id)

    @app_commands.command(
        name="subscribe", extras={"example": "/daily subscribe time:08:30 timezone:Europe/Paris"}
    )
    @app_commands.describe(
        channel="Where to post (default: this channel)",
        time="Local time, e.g. 09:00 or 9pm (default 09:00, or the channel's current time)",
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
        """Post a story here every day at a chosen time, or change when (moderators)."""
        member = await require_moderator(self.bot.store, interaction)
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            raise InvalidInput("Pick a text channel for the story of the day.")
        permissions = target.permissions_for(member.guild.me)
        if not (permissions.send_messages and permissions.embed_links):
            raise InvalidInput(
                f"I can't post in {target.mention}: I need Send Messages and Embed Links there."
            )
        existing = [
            s
            for s in await self.bot.store.daily.guild_subscriptions(member.guild.id)
            if s.channel_id == target.id
        ]
        post_at, zone = await self._when(
            member.guild.id, time, timezone, existing[0] if existing else None
        )
        done = await self.bot.store.daily.subscribe_channel(
            guild_id=member.guild.id,
            channel_id=target.id,
            post_at=post_at,
            timezone=zone,
            actor_id=member.id,
            limit=MAX_SUBSCRIPTIONS_PER_SERVER,
        )
        if done is None:
            raise NotAllowed(
                f"This server already has {MAX_SUBSCRIPTIONS_PER_SERVER} story-of-the-day "
                "subscriptions, the most I keep for one server.",
                hint="`/daily unsubscribe` one you no longer need (`/daily status` lists "
                "them), or run `/daily subscribe` in a subscribed channel to change its time.",
            )
        await self.service.changed(done.subscription)
        when = await self.service.next_post(done.subscription)
        await interaction.response.send_message(
            subscribed_message(target.mention, done.subscription, done.previous, when),
            ephemeral=True,
        )

    async def _chosen(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None,
        subscription_id: int | None,
    ) -> list[Subscription]:
        """The subscription picked by id (re-checked to be this server's), else the channel's."""
        member = await require_moderator(self.bot.store, interaction)
        subscriptions = await self.bot.store.daily.guild_subscriptions(member.guild.id)
        if subscription_id is not None:
            chosen = [s for s in subscriptions if s.id == subscription_id]
            if not chosen:
                raise NotFound(
                    "That is not one of this server's story-of-the-day subscriptions.",
                    hint="Pick one from the list under `subscription`.",
                )
            if channel is not None and chosen[0].channel_id != channel.id:
                raise InvalidInput(
                    f"That subscription posts in <#{chosen[0].channel_id}>, not {channel.mention}.",
                    hint="Give either `channel` or `subscription`.",
                )
            return chosen
        target = channel or interaction.channel
        target_id = target.id if target is not None else None
        chosen = [s for s in subscriptions if s.channel_id == target_id]
        if not chosen:
            where = f"<#{target_id}>" if target_id else "this channel"
            raise NotFound(
                f"There is no story-of-the-day subscription for {where}.",
                hint="Pick one under `subscription` (deleted channels are listed too); "
                "`/daily status` shows them all.",
            )
        return chosen

    async def subscription_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """This server's subscriptions, deleted channels included, for moderators only."""
        if interaction.guild is None or not await is_moderator(self.bot.store, interaction):
            return []
        typed = current.casefold().lstrip("#")
        choices = []
        for subscription in await self.bot.store.daily.guild_subscriptions(interaction.guild.id):
            channel = interaction.guild.get_channel(subscription.channel_id or 0)
            label = subscription_label(subscription, channel.name if channel else None)
            if typed in label.casefold():
                choices.append(app_commands.Choice(name=label, value=subscription.id))
        return choices[:AUTOCOMPLETE_LIMIT]

    @app_commands.command(name="unsubscribe", extras={"example": "/daily unsubscribe"})
    @app_commands.describe(
        channel="The channel to stop (default: this channel)",
        subscription="Or pick the subscription, even one whose channel was deleted",
    )
    @app_commands.autocomplete(subscription=subscription_autocomplete)
    async def unsubscribe(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
        subscription: int | None = None,
    ) -> None:
        """Stop the story of the day in a channel (moderators)."""
        for chosen in await self._chosen(interaction, channel, subscription):
            await self.bot.store.daily.delete_subscription(chosen.id)
            self.service.removed(chosen.id)
        await interaction.response.send_message(
            "Unsubscribed: no more stories of the day there.", ephemeral=True
        )

    @app_commands.command(name="pause", extras={"example": "/daily pause"})
    @app_commands.describe(
        channel="The channel to pause (default: this channel)",
        subscription="Or pick the subscription",
    )
    @app_commands.autocomplete(subscription=subscription_autocomplete)
    async def pause(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
        subscription: int | None = None,
    ) -> None:
        """Pause the story of the day in a channel (moderators)."""
        member = member_of(interaction)
        for chosen in await self._chosen(interaction, channel, subscription):
            await self.bot.store.daily.pause(chosen.id, f"Paused by {member.display_name}.")
            updated = await self.bot.store.daily.get_subscription(chosen.id)
            if updated is not None:
                await self.service.changed(updated)
        await interaction.response.send_message(
            "Paused. `/daily resume` starts it again.", ephemeral=True
        )

    @app_commands.command(name="resume", extras={"example": "/daily resume"})
    @app_commands.describe(
        channel="The channel to resume (default: this channel)",
        subscription="Or pick the subscription, e.g. one paused when its channel went",
    )
    @app_commands.autocomplete(subscription=subscription_autocomplete)
    async def resume(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
        subscription: int | None = None,
    ) -> None:
        """Resume a paused story of the day (moderators)."""
        for chosen in await self._chosen(interaction, channel, subscription):
            await self.service.resume(chosen)
        await interaction.response.send_message(
            "Resumed: the story of the day is back on.", ephemeral=True
        )

    @app_commands.command(name="status", extras={"example": "/daily status"})
    async def status(self, interaction: Interaction) -> None:
        """Every story-of-the-day subscription here: next post, last story, state."""
        subscriptions = []
        if interaction.guild_id is not None:
            subscriptions = await self.bot.store.daily.guild_subscriptions(interaction.guild_id)
        mine = await self.bot.store.daily.dm_subscription(interaction.user.id)
        lines = [
            await self.service.status_line(s) for s in [*subscriptions, *([mine] if mine else [])]
        ]
        await interaction.response.send_message(embed=status_embed(lines), ephemeral=True)

    @app_commands.command(name="preview", extras={"example": "/daily preview"})
    async def preview(self, interaction: Interaction) -> None:
        """The story the next post will bring (only you see it)."""
        subscriptions = []
        if interaction.guild_id is not None:
            subscriptions = await self.bot.store.daily.guild_subscriptions(interaction.guild_id)
        mine = await self.bot.store.daily.dm_subscription(interaction.user.id)
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
        story = await self.bot.store.stories.get_story(story_id)
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
        """Get the story of the day in your DMs (or resume it, or change its time)."""
        existing = await self.bot.store.daily.dm_subscription(interaction.user.id)
        post_at, zone = await self._when(None, time, timezone, existing)
        done = await self.bot.store.daily.subscribe_dm(
            user_id=interaction.user.id, post_at=post_at, timezone=zone
        )
        await self.service.changed(done.subscription)
        when = await self.service.next_post(done.subscription)
        await interaction.response.send_message(
            dm_enabled_message(done.subscription, done.previous, when), ephemeral=True
        )

    @dm.command(name="disable", extras={"example": "/daily dm disable"})
    async def dm_disable(self, interaction: Interaction) -> None:
        """Stop the story of the day in your DMs."""
        mine = await self.bot.store.daily.dm_subscription(interaction.user.id)
        if mine is None:
            raise NotFound("You don't get the story of the day by DM.")
        await self.bot.store.daily.delete_subscription(mine.id)
        self.service.removed(mine.id)
        await interaction.response.send_message("Done: no more stories by DM.", ephemeral=True)


async def setup(bot: ConteurBot) -> None:
    await bot.add_cog(DailyCog(bot))
