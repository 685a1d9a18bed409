"""Progress of a long `conteur load`: a bar on a terminal, plain lines otherwise.

Twice for a big load: its files, then the characters read after it (bot.app.cast_reading).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

# Smaller loads finish before a bar would tell anyone anything.
MIN_FILES = 200
BAR_WIDTH = 30
REDRAW_SECONDS = 0.1  # a terminal redraw at most this often
LINE_SHARE = 0.1  # without a terminal: one line per tenth of the files


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class LoadProgress:
    """Called with (files done, files in all) as a load goes; `finish()` at the end."""

    def __init__(
        self,
        stream: TextIO,
        *,
        terminal: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        doing: str = "loading",
        unit: str = "files",
    ) -> None:
        self.stream = stream
        self.doing, self.unit = doing, unit
        self.terminal = stream.isatty() if terminal is None else terminal
        self.clock = clock
        self.started = clock()
        self._last_draw = float("-inf")
        self._next_line = 0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if total < MIN_FILES:
            return
        now = self.clock()
        if self.terminal:
            if now - self._last_draw >= REDRAW_SECONDS or done == total:
                self._last_draw = now
                self.stream.write("\r" + self.bar(done, total, now))
                self.stream.flush()
                self._drawn = True
        elif done >= self._next_line:
            self._next_line = done + max(1, int(total * LINE_SHARE))
            self.stream.write(self.line(done, total, now) + "\n")
            self.stream.flush()

    def _rate(self, done: int, now: float) -> float:
        return done / max(now - self.started, 1e-9)

    def bar(self, done: int, total: int, now: float) -> str:
        filled = BAR_WIDTH * done // total
        rate = self._rate(done, now)
        eta = (total - done) / rate if rate > 0 else 0.0
        return (
            f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done:,}/{total:,} {self.unit}"
            f"  {rate:,.0f}/s  ETA {_duration(eta)} "
        )

    def line(self, done: int, total: int, now: float) -> str:
        return (
            f"{self.doing}: {done:,} of {total:,} {self.unit} ({100 * done // total} %),"
            f" {self._rate(done, now):,.0f} {self.unit}/s, {_duration(now - self.started)} so far"
        )

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\n")  # the summary starts on a line of its own
            self.stream.flush()
