"""Partial scores of a search's candidates: passage id -> score, one dict per id range.

Why not one dict: a dict that grows is rehashed whole, in one C-level step that holds
the interpreter lock (here 6 ms at 180,000 entries, 13 ms at 360,000). At 1M passages a
common word's walk makes dicts of 150,000 passages, and searches run in a worker
thread beside the event loop: the loop waited that long, once a search stalled it for
14 ms. A shard never holds more than SHARD_SIZE passages, so its rehash stays under a
millisecond, and no call below hands C more than SHARD_SIZE items at once (about
0.7 ms for `dict.fromkeys`).

Iteration goes shard by shard (passage id ranges, oldest first), each in the order its
passages were scored.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain

# 16,384 passage ids per dict: a rehash of at most ~11,000 entries (under 0.5 ms), and
# 61 dicts at 1M passages.
SHARD_BITS = 14
SHARD_SIZE = 1 << SHARD_BITS


class Scores:
    """Passage id -> partial score; a passage without one is not a candidate."""

    __slots__ = ("_shards",)

    def __init__(self) -> None:
        self._shards: dict[int, dict[int, float]] = {}

    @classmethod
    def of(cls, scores: dict[int, float]) -> Scores:
        made = cls()
        for pid, score in scores.items():
            made._shard(pid >> SHARD_BITS)[pid] = score
        return made

    def __len__(self) -> int:
        return sum(map(len, self._shards.values()))

    def __contains__(self, pid: int) -> bool:
        shard = self._shards.get(pid >> SHARD_BITS)
        return shard is not None and pid in shard

    def __getitem__(self, pid: int) -> float:
        return self._shards[pid >> SHARD_BITS][pid]

    def __iter__(self) -> Iterator[int]:
        return chain.from_iterable(self._ordered())

    def values(self) -> Iterator[float]:
        return chain.from_iterable(shard.values() for shard in self._ordered())

    def items(self) -> Iterator[tuple[int, float]]:
        return chain.from_iterable(shard.items() for shard in self._ordered())

    def put(self, pids: Sequence[int], score: float, mask: bytearray | None = None) -> None:
        """Give each of `pids` (ascending) this score, replacing the one it had; with a
        `mask`, only those whose byte in it is set."""
        shards = self._shards
        start, end = 0, len(pids)
        while start < end:
            key = pids[start] >> SHARD_BITS
            stop = bisect_left(pids, (key + 1) << SHARD_BITS, start, end)
            part = pids[start:stop]
            if mask is not None:
                # A comprehension, not compress(map(mask.__getitem__, ...)): calling a
                # bound method per passage costs three times the comparison.
                part = [pid for pid in part if mask[pid]]
            shard = shards.get(key)
            if shard is None:
                shards[key] = dict.fromkeys(part, score)
            else:
                shard.update(dict.fromkeys(part, score))
            start = stop

    def add(self, other: Scores) -> Scores:
        """The sum of both (a passage in one only keeps its score); both are throw-away:
        each shard of the result is the larger of the two, updated."""
        shards = self._shards
        for key, small in other._shards.items():
            large = shards.get(key)
            if large is None:
                shards[key] = small
                continue
            if len(small) > len(large):
                large, small = small, large
                shards[key] = large
            # One Python pass over the smaller: the thread can give the interpreter lock
            # back between items.
            get = large.get
            for pid, score in small.items():
                large[pid] = get(pid, 0.0) + score
        return self

    def increase(self, gains: Iterable[tuple[int, float]]) -> None:
        """Add each gain to its passage's score (the passages have one)."""
        shards = self._shards
        for pid, gain in gains:
            shards[pid >> SHARD_BITS][pid] += gain

    def _shard(self, key: int) -> dict[int, float]:
        shard = self._shards.get(key)
        if shard is None:
            shard = self._shards[key] = {}
        return shard

    def _ordered(self) -> list[dict[int, float]]:
        return [self._shards[key] for key in sorted(self._shards)]
