"""What /admin shows the bot's owners."""

from __future__ import annotations

import discord

from bot.app.admin import Health
from bot.app.library import LoadReport
from bot.core.text import shorten
from bot.discord_adapter.rendering import STORY_COLOUR


def health_embed(health: Health, *, servers: int, latency_ms: float | None) -> discord.Embed:
    embed = discord.Embed(title="Conteur health", colour=STORY_COLOUR)
    indexed = (
        f"{health.indexed_passages:,} passages"
        if health.indexed_passages is not None
        else "being built"
    )
    embed.add_field(
        name="Library",
        value=f"{health.builtin_stories:,} built in, {health.server_stories:,} added by servers, "
        f"{health.removed_stories:,} removed (restorable)",
        inline=False,
    )
    embed.add_field(name="Search index", value=indexed, inline=False)
    if health.casts_pending:
        stories = "story" if health.casts_pending == 1 else "stories"
        embed.add_field(
            name="Characters",
            value=f"still being read for {health.casts_pending:,} {stories} loaded in bulk",
            inline=False,
        )
    embed.add_field(
        name="Story of the day",
        value=f"{health.channel_subscriptions:,} channels, {health.dm_subscriptions:,} DMs",
        inline=False,
    )
    size = f", {health.database_bytes / 1_048_576:.1f} MB" if health.database_bytes else ""
    embed.add_field(
        name="Database", value=shorten(f"`{health.database}`{size}", 1024), inline=False
    )
    gateway = f"{latency_ms:.0f} ms" if latency_ms is not None else "not connected"
    embed.add_field(name="Discord", value=f"{servers:,} servers, latency {gateway}", inline=False)
    return embed


SHOWN_LINES = 10
LINE_WIDTH = 150  # 10 of them and the summary stay well inside a message's 2,000


def reload_message(report: LoadReport) -> str:
    summary, *details = report.summary_lines()
    text = f"Reloaded the built-in stories: {summary}."
    if details:
        shown = [shorten(line.replace("`", "'"), LINE_WIDTH) for line in details[:SHOWN_LINES]]
        if len(details) > SHOWN_LINES:
            shown.append(f"…and {len(details) - SHOWN_LINES} more (the host's log has all)")
        text += "\n```\n" + "\n".join(shown) + "\n```"
    return text
