"""What the search index last saw of each story, to tell what changed since.

A story's stamp is (updated_at, content hash); the index keeps a 64-bit digest of it per
story id, in two arrays: 1.8 MB at 110,000 stories, where a dict of the strings was 31
MB and a dict of ints 12. Built and compared in worker threads (a pass over every
story), saved with the index as two byte strings.
"""

from __future__ import annotations

from array import array
from hashlib import blake2b
from typing import Any

from bot.storage.search_feed import StoryStamp


class Stamps:
    __slots__ = ("digests", "ids")

    def __init__(self, ids: array[int], digests: array[int]) -> None:
        if len(ids) != len(digests):
            raise ValueError("stamps of another shape")
        self.ids = ids
        self.digests = digests

    @classmethod
    def of(cls, rows: list[StoryStamp]) -> Stamps:
        """From the database's rows (id, updated_at, content hash)."""
        digests = array(
            "Q",
            (
                int.from_bytes(blake2b(f"{u}\x00{h}".encode(), digest_size=8).digest(), "little")
                for _, u, h in rows
            ),
        )
        return cls(array("q", (row[0] for row in rows)), digests)

    def changes(self, newer: Stamps) -> tuple[list[int], list[int]]:
        """(stories new or changed in `newer`, stories gone from it)."""
        old = dict(zip(self.ids, self.digests, strict=True))
        changed = [
            story_id
            for story_id, digest in zip(newer.ids, newer.digests, strict=True)
            if old.pop(story_id, None) != digest
        ]
        return changed, list(old)

    def saved(self) -> tuple[bytes, bytes]:
        return self.ids.tobytes(), self.digests.tobytes()

    @classmethod
    def from_saved(cls, saved: Any) -> Stamps:
        """What `saved` returned, read back; ValueError or TypeError if it is not that."""
        ids, digests = saved
        return cls(array("q", ids), array("Q", digests))
