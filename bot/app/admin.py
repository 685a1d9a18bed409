"""What the bot's owners (CONTEUR_OWNER_IDS) may do from Discord: reload, check health.

Built-in stories are the host's: owners add files to the stories folder (or run
`conteur load`) and reload here, without restarting the bot.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.app.library import Library, LoadReport


@dataclass(frozen=True, slots=True)
class Health:
    builtin_stories: int
    server_stories: int
    removed_stories: int
    indexed_passages: int | None  # None while the search index is being built
    channel_subscriptions: int
    dm_subscriptions: int
    database: str
    database_bytes: int | None  # None for an in-memory database
    casts_pending: int = 0  # stories a big load stored whose characters are still being read


async def reload_builtins(library: Library, stories_dir: Path) -> LoadReport:
    """Load new or changed files from the stories folder; searchable at once (characters
    of a big reload a minute or two later, read in the background)."""
    report = await library.load_paths([stories_dir])
    library.cast_reading.start()
    return report


def _file_size(path: str) -> int | None:
    if path == ":memory:":
        return None
    try:
        return Path(path).stat().st_size
    except OSError:
        return None


async def health(library: Library) -> Health:
    store = library.store
    builtin, own, removed = await store.stories.counts()
    channels, dms = await store.daily.count()
    return Health(
        builtin_stories=builtin,
        server_stories=own,
        removed_stories=removed,
        indexed_passages=len(library.index) if library.index_is_ready else None,
        channel_subscriptions=channels,
        dm_subscriptions=dms,
        database=store.path,
        database_bytes=_file_size(store.path),
        casts_pending=await store.casts.pending_total(),
    )
