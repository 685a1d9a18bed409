"""Processes of the wire-level tests and benches: the fake Discord (tests/wire/serve.py)
and `conteur run` (through tests/wire/run_bot.py), which they kill and restart; each
run's log goes to a file read afterwards."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def fake_discord_process(*options: str) -> Iterator[dict[str, Any]]:
    """The fake Discord in a process of its own, with serve.py's options; yields what it
    printed when ready (its port, application and channel ids)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.wire.serve", *options],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stdin is not None
    try:
        line = process.stdout.readline()
        assert line, "the fake Discord did not start"
        yield json.loads(line)
    finally:
        process.stdin.close()  # serve.py stops when its stdin closes
        process.wait(timeout=30)


def wait_for(predicate: Callable[[], bool], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class BotProcess:
    def __init__(self, name: str, env: dict[str, str], logs: Path) -> None:
        self.name, self.env, self.logs, self.runs = name, env, logs, 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.runs += 1
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.wire.run_bot"],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    @property
    def log_path(self) -> Path:
        return self.logs / f"{self.name}-{self.runs}.log"

    def current_log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_text(self) -> str:
        """Every run's log, in the order of the runs."""
        runs = sorted(
            self.logs.glob(f"{self.name}-*.log"), key=lambda p: int(p.stem.rsplit("-")[-1])
        )
        return "\n".join(path.read_text(errors="replace") for path in runs)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
