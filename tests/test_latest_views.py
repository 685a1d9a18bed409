"""Only each member's latest views and forms stay in memory."""

from __future__ import annotations

import discord

from bot.discord_adapter.ui import latest
from bot.discord_adapter.ui.latest import LatestPerMember


async def test_a_members_older_views_are_stopped_past_the_limit() -> None:
    kept = LatestPerMember[discord.ui.View](limit=3)
    views = [discord.ui.View(timeout=None) for _ in range(5)]
    for view in views:
        kept.add(1, view)
    assert [view.is_finished() for view in views] == [True, True, False, False, False]
    assert kept.count(1) == 3
    other = discord.ui.View(timeout=None)
    kept.add(2, other)
    assert not other.is_finished()  # one member's searches never end another's


async def test_members_whose_views_all_ended_are_forgotten(monkeypatch) -> None:
    monkeypatch.setattr(latest, "PRUNE_EVERY", 10)
    kept = LatestPerMember[discord.ui.View](limit=1)
    for user_id in range(20):
        view = discord.ui.View(timeout=None)
        kept.add(user_id, view)
        view.stop()  # timed out, or answered
    assert len(kept) < 20


async def test_views_of_restart_safe_items_only_are_not_kept() -> None:
    from bot.discord_adapter.ui.reading import PageButton
    from bot.discord_adapter.ui.restart_safe import keeping_only_live_views

    kept: list[object] = []
    store = keeping_only_live_views(lambda view, message_id=None: kept.append(view))
    dynamic = discord.ui.View(timeout=None)
    dynamic.add_item(PageButton(1, 2, "next"))
    live = discord.ui.View(timeout=60)
    live.add_item(discord.ui.Button(label="Next", custom_id="paging"))
    store(dynamic, 5)
    store(live, 6)
    assert kept == [live]
