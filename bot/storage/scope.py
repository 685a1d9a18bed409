"""Which stories a server may see, and how a story row becomes a summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.models import StorySummary

SUMMARY_COLUMNS = "id, slug, title, author, guild_id, word_count, passage_count, protagonist"
# For joins with tables that have columns of the same names (hidden_stories.guild_id).
QUALIFIED_SUMMARY_COLUMNS = ", ".join(f"stories.{c}" for c in SUMMARY_COLUMNS.split(", "))
# What one server (or a DM, guild_id NULL) may see: built-ins it has not hidden,
# and its own stories, never anything removed.
VISIBLE = (
    "stories.deleted_at IS NULL"
    " AND (stories.guild_id IS NULL OR stories.guild_id = :guild_id)"
    " AND NOT EXISTS (SELECT 1 FROM hidden_stories AS h"
    " WHERE h.story_id = stories.id AND h.guild_id = :guild_id)"
)


def summary_from_row(row: Sequence[Any]) -> StorySummary:
    return StorySummary(
        id=row[0],
        slug=row[1],
        title=row[2],
        author=row[3],
        guild_id=row[4],
        word_count=row[5],
        passage_count=row[6],
        protagonist=row[7],
    )
