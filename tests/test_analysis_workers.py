"""Extraction workers never outlive a `conteur load` that was killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bot.app.analysis import POOL_THRESHOLD

ROOT = Path(__file__).resolve().parents[1]


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # The parent id is the second field after the command name (which may hold spaces).
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited


def _wait(condition: Callable[[], object], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def test_killing_a_load_ends_its_extraction_workers(tmp_path: Path) -> None:
    if not Path("/proc").is_dir():
        import pytest

        pytest.skip("needs /proc to see the workers")
    stories = tmp_path / "stories"
    stories.mkdir()
    names = " ".join(f"Name{n} Person{n}" for n in range(400))
    for number in range(POOL_THRESHOLD * 3):
        # Each text its own (a duplicate is rejected before anyone reads its characters).
        (stories / f"{number:04}.txt").write_text(
            f"Title: Tale {number}\n\n{names} Number{number}.\n\nThe end."
        )
    load = subprocess.Popen(
        [sys.executable, "-m", "bot", "load", str(stories), "--db", str(tmp_path / "db.sqlite3")],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait(lambda: len(_children(load.pid)) >= 2, 60), "no workers started"
        workers = _children(load.pid)
        load.send_signal(signal.SIGKILL)
        load.wait(timeout=10)
        survivors = lambda: {pid for pid in workers if _alive(pid)}  # noqa: E731
        assert _wait(lambda: not survivors(), 10), f"still running: {survivors()}"
    finally:
        if load.poll() is None:
            load.kill()
