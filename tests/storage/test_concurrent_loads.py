"""Two loads of one folder at once, each with its own connections, as two `conteur load`
processes (or bot processes starting together, which load the built-in stories) are.

Both decide what to add from a snapshot taken before either writes; the second to
write must find the files the first stored meanwhile and keep them, not add them
again (on PostgreSQL that failed the load on the source path's unique index).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app.library import Library
from bot.storage import Store

STORIES = 12


async def test_two_loads_of_one_folder_at_once_store_each_file_once(
    database: Path | str, tmp_path: Path
) -> None:
    folder = tmp_path / "stories"
    folder.mkdir()
    for number in range(STORIES):
        (folder / f"s{number:02}.txt").write_text(
            f"Title: Tale {number}\n\nAsha Verin {number} walked to the sea.\n\nAsha came home."
        )
    first, second = await Store.open(database), await Store.open(database)
    try:
        reports = await asyncio.gather(
            Library(first).load_paths([folder], index=False),
            Library(second).load_paths([folder], index=False),
        )
        assert all(report.ok for report in reports), [r.summary_lines() for r in reports]
        rows = await first.db.fetchall("SELECT source_path, slug FROM stories ORDER BY id")
        assert len(rows) == STORIES
        assert len({source for source, _slug in rows}) == STORIES
        assert sorted(slug for _source, slug in rows) == sorted(
            f"tale-{number}" for number in range(STORIES)
        )
    finally:
        await first.close()
        await second.close()
