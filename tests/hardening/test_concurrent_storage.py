"""Two processes on one SQLite file: both start, both write, neither sees "locked".

Real processes (not threads) where it matters: SQLite's locks are per connection, and
the failures these tests guard against came from a second `conteur` process.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from bot.core.parsing import parse_story_text
from bot.storage import MIGRATIONS, Store
from bot.storage.database import split_statements

TEXT = "Mira Solberg crossed the bridge.\n\nMira looked back at the town.\n\nMira went on."


def _open_at_once(path: str, start: object, results: object) -> None:
    async def main() -> None:
        start.wait()  # type: ignore[attr-defined]  # both processes imported, then at once
        async with await Store.open(path) as store:
            await store.stories.add_story(
                parse_story_text(f"Title: {path[-6:]}\n\n{TEXT}"), guild_id=1
            )

    try:
        asyncio.run(main())
        results.put("ok")  # type: ignore[attr-defined]
    except Exception as error:  # noqa: BLE001 - reported to the test, which shows it
        results.put(f"{type(error).__name__}: {error}")  # type: ignore[attr-defined]


def test_two_processes_opening_a_new_database_at_once_both_succeed(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    for round_number in range(3):
        path = str(tmp_path / f"new{round_number}.sqlite3")
        start, results = context.Barrier(2), context.Queue()
        workers = [
            context.Process(target=_open_at_once, args=(path, start, results)) for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=60) for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
        assert outcomes == ["ok", "ok"]
        connection = sqlite3.connect(path)
        assert connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert connection.execute("SELECT count(*) FROM stories").fetchone()[0] == 2
        connection.close()


async def test_a_write_waits_for_another_process_holding_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    async with await Store.open(path) as store:
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO guild_settings (guild_id) VALUES (99)")
        # Held past SQLite's own busy timeout: the store's backoff must carry the write.
        release = threading.Timer(6.0, lambda: other.execute("COMMIT"))
        release.start()
        added = await store.stories.add_story(parse_story_text(TEXT), guild_id=None)
        release.join()
        other.close()
        assert (await store.stories.get_summary(added.id)) is not None


async def test_reads_and_writes_interleaved_with_another_process_never_fail(
    tmp_path: Path,
) -> None:
    """The bug: reads of many coroutines on the shared connection, another process
    commits, and this process's next write failed at once with "database is locked"."""
    path = tmp_path / "db.sqlite3"
    async with await Store.open(path) as store:
        for number in range(20):
            await store.stories.add_story(
                parse_story_text(f"Title: T{number}\n\n{TEXT}"), guild_id=1
            )
        stop = threading.Event()

        def other_process() -> None:
            other = sqlite3.connect(path, isolation_level=None)
            guild = 1000
            while not stop.is_set():
                other.execute("INSERT INTO guild_settings (guild_id) VALUES (?)", (guild,))
                guild += 1
            other.close()

        writer = threading.Thread(target=other_process)
        writer.start()
        try:
            reads = [store.stories.visible_stories(1) for _ in range(60)]
            writes = [
                store.stories.add_story(parse_story_text(f"Title: New {n}\n\n{TEXT}"), guild_id=1)
                for n in range(15)
            ]
            results = await asyncio.gather(*reads, *writes)
        finally:
            stop.set()
            writer.join()
        assert all(result for result in results)
        assert len(await store.stories.visible_stories(1)) == 35


def test_two_loads_of_one_folder_at_once_store_each_file_once(tmp_path: Path) -> None:
    stories = tmp_path / "stories"
    stories.mkdir()
    for number in range(12):
        (stories / f"s{number:02}.txt").write_text(
            f"Title: Tale {number}\n\nAsha Verin {number} walked to the sea.\n\nAsha came home."
        )
    database = tmp_path / "db.sqlite3"
    command = [sys.executable, "-m", "bot", "load", str(stories), "--db", str(database)]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=180) for run in runs]
    for run, (_, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
    connection = sqlite3.connect(database)
    rows = connection.execute("SELECT count(*), count(DISTINCT source_path) FROM stories")
    assert rows.fetchone() == (12, 12)
    connection.close()


def test_migrations_split_into_whole_statements() -> None:
    for script in MIGRATIONS:
        statements = split_statements(script)
        assert statements
        assert all(sqlite3.complete_statement(statement) for statement in statements)
    trigger = "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE b SET c = 1;\nEND;\nSELECT 1;\n"
    assert len(split_statements(trigger)) == 2
