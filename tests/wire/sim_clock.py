"""Simulated time shared by a test and the bot processes it starts.

The test writes one ISO-8601 moment to a file (`FileClock.set`); every process that
runs `tests.wire.run_bot` with `CONTEUR_TEST_CLOCK` naming that file reads its time
from it, so days pass in seconds and all processes agree on what time it is (the DM
leases compare moments written by different processes). Only this test harness can
turn it on: `conteur run` itself always reads the system clock.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path


class FileClock:
    """A clock read from a file, re-read only when the file is replaced."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int] | None = None
        self._moment: datetime | None = None

    def __call__(self) -> datetime:
        stat = self.path.stat()
        seen = (stat.st_ino, stat.st_mtime_ns)
        if seen != self._seen or self._moment is None:
            self._moment = datetime.fromisoformat(self.path.read_text().strip())
            self._seen = seen
        return self._moment

    def moved(self) -> bool:
        """Whether the file changed since the clock last read it."""
        stat = self.path.stat()
        return (stat.st_ino, stat.st_mtime_ns) != self._seen

    def set(self, moment: datetime) -> None:
        """Move every process's clock to `moment`, atomically (a reader sees old or new)."""
        assert moment.tzinfo is not None, "simulated time is timezone-aware, as the bot's"
        draft = self.path.with_suffix(".next")
        draft.write_text(moment.isoformat())
        draft.replace(self.path)
