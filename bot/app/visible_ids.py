"""Which stories each server may see, as the sets searches and the daily rotation take.

A set of a server's visible story ids is 0.5 MB at 10,000 stories, and one was kept per
server that ever searched, for as long as the library did not change. Most servers see
exactly the built-in library: they now share one set (the same object, which the search
index's scope cache also finds at once). The others, which hide built-ins or have
their own stories, keep their own set, the most recently used `KEPT` of them; another
is read again when asked for (one indexed read).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable

KEPT = 32


class VisibleIds:
    def __init__(self, read: Callable[[int | None], Awaitable[list[int]]]) -> None:
        self._read = read
        self._builtin: frozenset[int] | None = None  # what a direct message sees
        self._sharing: set[int] = set()  # servers that see just that
        self._servers: OrderedDict[int, frozenset[int]] = OrderedDict()

    async def of(self, guild_id: int | None) -> frozenset[int]:
        builtin = self._builtin
        if builtin is None:
            builtin = self._builtin = frozenset(await self._read(None))
        if guild_id is None or guild_id in self._sharing:
            return builtin
        ids = self._servers.get(guild_id)
        if ids is not None:
            self._servers.move_to_end(guild_id)
            return ids
        ids = frozenset(await self._read(guild_id))
        if self._builtin is not builtin:  # the library changed meanwhile: keep nothing
            return ids
        if ids == builtin:
            self._sharing.add(guild_id)
            return builtin
        self._servers[guild_id] = ids
        if len(self._servers) > KEPT:
            self._servers.popitem(last=False)
        return ids

    def forget(self, guild_id: int) -> None:
        self._sharing.discard(guild_id)
        self._servers.pop(guild_id, None)

    def clear(self) -> None:
        self._builtin = None
        self._sharing.clear()
        self._servers.clear()
