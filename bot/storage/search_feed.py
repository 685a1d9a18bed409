"""What the search index reads from the database: what changed, and the passages to index.

The index lives beside the database, not in it, so it needs to notice writes made by
another process (`conteur load` while the bot runs). SQLite's `PRAGMA data_version`
changes exactly when another connection has committed, and costs one round trip, so it
is checked before searches; only then are the stories' stamps compared.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.models import Passage
from bot.storage.database import Database

# What identifies one saved state of a story (id, updated_at, content hash): an edit
# changes both, a same-second re-save of other text still changes the hash.
StoryStamp = tuple[int, str, str]


class SearchFeedRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def data_version(self) -> int:
        """Changes whenever another connection (another process) has committed."""
        return await self._db.data_version()

    async def live_story_stamps(self) -> list[tuple[int, str, str]]:
        """Every live story's (id, updated_at, content hash), as rows: at 100,000 stories
        the caller turns them into what it keeps in a worker thread, off the event loop."""
        rows: list[StoryStamp] = await self._db.fetchall(
            "SELECT id, updated_at, content_hash FROM stories WHERE deleted_at IS NULL"
        )
        return rows

    async def fingerprint(self) -> tuple[int, int, int, str]:
        """(newest audit entry, live stories, sum of their ids, newest update): moves with
        every change to the library, by any process, for two seeks and a scan of
        `stories` (no text read). A saved search index stamped with the same one is
        current without comparing every story's stamp.
        """
        audit = await self._db.fetchone("SELECT max(id) FROM audit_log")
        row = await self._db.fetchone(
            "SELECT count(*), coalesce(sum(id), 0), coalesce(max(updated_at), '')"
            " FROM stories WHERE deleted_at IS NULL"
        )
        assert row is not None
        latest = int(audit[0]) if audit and audit[0] is not None else 0
        return latest, int(row[0]), int(row[1]), str(row[2])

    async def live_passage_count(self) -> int:
        row = await self._db.fetchone(
            "SELECT coalesce(sum(passage_count), 0) FROM stories WHERE deleted_at IS NULL"
        )
        return int(row[0])

    async def passages_of(self, story_ids: Sequence[int]) -> dict[int, list[Passage]]:
        """The passages of these stories (removed ones included), in order."""
        grouped: dict[int, list[Passage]] = {story_id: [] for story_id in story_ids}
        for first in range(0, len(story_ids), 500):  # SQLite's bound-parameter limit
            chunk = story_ids[first : first + 500]
            rows = await self._db.fetchall(
                'SELECT story_id, number, text, start, "end" FROM passages'
                f" WHERE story_id IN ({','.join('?' * len(chunk))})"
                " ORDER BY story_id, number",
                list(chunk),
            )
            for story_id, number, text, start, end in rows:
                grouped[story_id].append(Passage(number, text, start, end))
        return grouped
