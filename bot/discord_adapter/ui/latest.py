"""Views and forms that live in memory: only each member's latest few are kept.

A /search result view holds its query and lines for 15 minutes (~23 KB); 5,000
searches grew the bot by 115 MB. A form (Modal) has no timeout, since writing a story
may take long, and one opened and never sent stayed forever. Discord's client shows
one form at a time, and a member reads the latest results, so older ones are stopped
(released) when a member opens more than `limit`. Stopped paging buttons then get the
short "expired" answer; the persistent buttons on the same messages keep working.
"""

from __future__ import annotations

from collections import deque
from typing import Generic, TypeVar

import discord

Live = TypeVar("Live", discord.ui.View, discord.ui.Modal)

# Every this many additions, members whose views have all ended are forgotten.
PRUNE_EVERY = 1000


class LatestPerMember(Generic[Live]):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._live: dict[int, deque[Live]] = {}
        self._added = 0

    def add(self, user_id: int, item: Live) -> None:
        kept = self._live.setdefault(user_id, deque())
        kept.append(item)
        while len(kept) > self.limit:
            kept.popleft().stop()
        self._added += 1
        if self._added % PRUNE_EVERY == 0:
            self._prune()

    def count(self, user_id: int) -> int:
        return sum(1 for item in self._live.get(user_id, ()) if not item.is_finished())

    def __len__(self) -> int:
        return len(self._live)

    def _prune(self) -> None:
        for user_id in list(self._live):
            kept = deque(item for item in self._live[user_id] if not item.is_finished())
            if kept:
                self._live[user_id] = kept
            else:
                del self._live[user_id]
