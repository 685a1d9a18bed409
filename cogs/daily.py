"""/daily: the story of the day, for a channel or by DM."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.core.pagination import paginate
from bot.core.schedule import AUTOCOMPLETE_LIMIT, Subscription
from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.checks import is_moderator, member_of, moderator_only
from bot.discord_adapter.daily import DailyService
from bot.discord_adapter.rendering import page_embed
from bot.discord_adapter.rendering.daily import (
    dm_enabled_message,
    status_embed,
    subscribed_message,
    subscription_label,
)
from bot.discord_adapter.transformers import TimeZoneArg
from bot.discord_adapter.ui.moderation import unsubscribing_view
from bot.discord_adapter.ui.reading import reading_view
from bot.errors import InvalidInput

log = logging.getLogger(__name__)


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

    @app_commands.command(
        name="subscribe", extras={"example": "/daily subscribe time:08:30 timezone:Europe/Paris"}
    )
    @app_commands.describe(
        channel="Where to post (default: this channel)",
        time="Local time, e.g. 09:00 or 9pm (default 09:00, or the channel's current time)",
        timezone="IANA time zone, e.g. Europe/Paris (default: the server's, or UTC)",
    )
    @moderator_only()
    async def subscribe(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
        time: app_commands.Range[str, 1, 16] | None = None,
        timezone: TimeZoneArg | None = None,
    ) -> None:
        """Post a story here every day at a chosen time, or change when (moderators)."""
        member = member_of(interaction)
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            raise InvalidInput("Pick a text channel for the story of the day.")
        permissions = target.permissions_for(member.guild.me)
        if not (permissions.send_messages and permissions.embed_links):
            raise InvalidInput(
                f"I can't post in {target.mention}: I need Send Messages and Embed Links there."
            )
        done = await self.bot.daily.subscribe_channel(
            guild_id=member.guild.id,
            channel_id=target.id,
            actor_id=member.id,
            at=time,
            zone=timezone,
        )
        when = await self.bot.daily.next_post(done.subscription)
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
        """The subscription picked by id, else the named channel's, else this channel's."""
        member = member_of(interaction)
        target = channel or interaction.channel
        return await self.bot.daily.chosen(
            member.guild.id,
            channel_id=target.id if target is not None else None,
            subscription_id=subscription_id,
            given_channel=channel is not None,
        )

    async def subscription_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """This server's subscriptions, deleted channels included, for moderators only."""
        if interaction.guild is None or not await is_moderator(self.bot.store, interaction):
            return []
        typed = current.casefold().lstrip("#")
        choices = []
        for subscription in await self.bot.daily.of_server(interaction.guild.id):
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
    @moderator_only()
    async def unsubscribe(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
        subscription: int | None = None,
    ) -> None:
        """Stop the story of the day in a channel (moderators); asks first."""
        chosen = await self._chosen(interaction, channel, subscription)
        names = [
            subscription_label(s, getattr(self.bot.get_channel(s.channel_id or 0), "name", None))
            for s in chosen
        ]
        await interaction.response.send_message(
            f"Stop the story of the day for {', '.join(names)}? Its schedule and history go; "
            "`/daily subscribe` starts afresh.",
            view=unsubscribing_view([s.id for s in chosen]),
            ephemeral=True,
        )

    @app_commands.command(name="pause", extras={"example": "/daily pause"})
    @app_commands.describe(
        channel="The channel to pause (default: this channel)",
        subscription="Or pick the subscription",
    )
    @app_commands.autocomplete(subscription=subscription_autocomplete)
    @moderator_only()
    async def pause(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
        subscription: int | None = None,
    ) -> None:
        """Pause the story of the day in a channel (moderators)."""
        member = member_of(interaction)
        for chosen in await self._chosen(interaction, channel, subscription):
            await self.bot.daily.pause(chosen, f"Paused by {member.display_name}.")
        await interaction.response.send_message(
            "Paused. `/daily resume` starts it again.", ephemeral=True
        )

    @app_commands.command(name="resume", extras={"example": "/daily resume"})
    @app_commands.describe(
        channel="The channel to resume (default: this channel)",
        subscription="Or pick the subscription, e.g. one paused when its channel went",
    )
    @app_commands.autocomplete(subscription=subscription_autocomplete)
    @moderator_only()
    async def resume(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
        subscription: int | None = None,
    ) -> None:
        """Resume a paused story of the day (moderators)."""
        for chosen in await self._chosen(interaction, channel, subscription):
            await self.bot.daily.resume(chosen)
        await interaction.response.send_message(
            "Resumed: the story of the day is back on.", ephemeral=True
        )

    @app_commands.command(name="status", extras={"example": "/daily status"})
    async def status(self, interaction: Interaction) -> None:
        """Every story-of-the-day subscription here: next post, last story, state."""
        lines = await self.bot.daily.status(interaction.guild_id, interaction.user.id)
        guild = interaction.guild
        names = {channel.id: channel.name for channel in guild.channels} if guild else {}
        await interaction.response.send_message(embed=status_embed(lines, names), ephemeral=True)

    @app_commands.command(name="preview", extras={"example": "/daily preview"})
    async def preview(self, interaction: Interaction) -> None:
        """The story the next post will bring (only you see it)."""
        story = await self.bot.daily.preview(
            interaction.guild_id, interaction.channel_id, interaction.user.id
        )
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
    async def dm_enable(
        self,
        interaction: Interaction,
        time: app_commands.Range[str, 1, 16] | None = None,
        timezone: TimeZoneArg | None = None,
    ) -> None:
        """Get the story of the day in your DMs (or resume it, or change its time)."""
        done = await self.bot.daily.enable_dm(user_id=interaction.user.id, at=time, zone=timezone)
        when = await self.bot.daily.next_post(done.subscription)
        await interaction.response.send_message(
            dm_enabled_message(done.subscription, done.previous, when), ephemeral=True
        )

    @dm.command(name="disable", extras={"example": "/daily dm disable"})
    async def dm_disable(self, interaction: Interaction) -> None:
        """Stop the story of the day in your DMs."""
        await self.bot.daily.disable_dm(interaction.user.id)
        await interaction.response.send_message("Done: no more stories by DM.", ephemeral=True)


async def setup(bot: ConteurBot) -> None:
    await bot.add_cog(DailyCog(bot))
