"""`conteur load` progress: a bar with rate and ETA on a terminal, plain lines otherwise."""

import io

from bot.progress import MIN_FILES, LoadProgress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_terminal_gets_one_redrawn_bar_with_rate_and_eta():
    stream, clock = io.StringIO(), Clock()
    progress = LoadProgress(stream, terminal=True, clock=clock)
    clock.now += 2.0
    progress(500, 1000)  # 250 files/s, 500 to go: 2 s left
    clock.now += 0.01
    progress(501, 1000)  # too soon to redraw
    clock.now += 2.0
    progress(1000, 1000)
    progress.finish()
    frames = stream.getvalue().split("\r")[1:]
    assert len(frames) == 2
    assert frames[0].startswith("[" + "#" * 15 + "." * 15 + "] 500/1,000 files")
    assert "250/s" in frames[0] and "ETA 0:02" in frames[0]
    assert frames[1].startswith("[" + "#" * 30 + "] 1,000/1,000") and frames[1].endswith("\n")


def test_without_a_terminal_a_plain_line_every_tenth():
    stream, clock = io.StringIO(), Clock()
    progress = LoadProgress(stream, terminal=False, clock=clock)
    for done in range(1, 1001):
        clock.now += 0.001
        progress(done, 1000)
    progress.finish()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10
    assert "\r" not in stream.getvalue()
    assert lines[0].startswith("loading: 1 of 1,000 files (0 %)")
    assert lines[-1].startswith("loading: 901 of 1,000 files (90 %), 1,000 files/s")


def test_small_loads_print_nothing():
    stream = io.StringIO()
    progress = LoadProgress(stream, terminal=True)
    for done in range(MIN_FILES - 1):
        progress(done + 1, MIN_FILES - 1)
    progress.finish()
    assert stream.getvalue() == ""


async def test_a_load_reports_its_progress_up_to_every_file(store, tmp_path):
    from bot.app.library import Library

    for number in range(5):
        (tmp_path / f"{number}.txt").write_text(
            f"Title: Tale {number}\n\nA fox crossed the field, number {number}."
        )
    (tmp_path / "empty.txt").write_text("")
    seen: list[tuple[int, int]] = []
    report = await Library(store).load_paths([tmp_path], progress=lambda d, t: seen.append((d, t)))
    assert len(report.added) == 5 and len(report.rejected) == 1
    assert seen[-1] == (6, 6)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


async def test_a_batch_that_fails_leaves_no_part_of_any_of_its_stories(
    store, tmp_path, monkeypatch, backend
):
    import pytest

    import bot.storage.stories as stories_module
    from bot.app.library import Library
    from bot.storage.bulk_load import BulkWriter

    (tmp_path / "a.txt").write_text("Title: First\n\nA heron by the river.")
    await Library(store).load_paths([tmp_path])
    for name in ("b", "c", "d"):
        (tmp_path / f"{name}.txt").write_text(f"Title: Tale {name}\n\nAn owl flew by, {name}.")
    real = BulkWriter._story_rows
    calls = 0

    def failing(self, write, now, **options):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("disk full")
        real(self, write, now, **options)

    async def failing_cast(db, story_id, cast):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("disk full")
        await real_cast(db, story_id, cast)

    if backend == "sqlite":  # the bulk writer's own connection
        monkeypatch.setattr(BulkWriter, "_story_rows", failing)
    else:  # a server's store is written through the repositories
        real_cast = stories_module.write_cast  # type: ignore[attr-defined]
        monkeypatch.setattr(stories_module, "write_cast", failing_cast)
    with pytest.raises(OSError):
        await Library(store).load_paths([tmp_path])
    assert [s.title for s in await store.stories.visible_stories(None)] == ["First"]
    for table in ("passages", "story_versions", "audit_log"):
        (count,) = await store.db.fetchone(f"SELECT count(*) FROM {table}")
        assert count == 1, table


async def test_a_failed_batch_of_a_deferred_load_leaves_no_story_and_no_pending_cast(
    store, tmp_path, monkeypatch, backend
):
    """A story stored with its cast pending is whole; one from a failed batch is not there."""
    import pytest

    from bot.app.library import Library

    for name in ("b", "c", "d"):
        (tmp_path / f"{name}.txt").write_text(f"Title: Tale {name}\n\nAn owl flew by, {name}.")
    _fail_story_write(monkeypatch, backend, number=2)
    with pytest.raises(OSError):
        await Library(store).load_paths([tmp_path], defer_casts=True)
    assert await store.stories.visible_stories(None) == []
    assert await store.casts.pending_total() == 0
    for table in ("passages", "story_versions", "audit_log"):
        (count,) = await store.db.fetchone(f"SELECT count(*) FROM {table}")
        assert count == 0, table


async def test_a_failing_batch_stops_the_load_and_the_batches_before_it_are_kept_whole(
    store, tmp_path, monkeypatch, backend
):
    """A batch that fails ends the load; every story is there whole or not at all."""
    import pytest

    import bot.app.loading as loading
    from bot.app.library import Library

    monkeypatch.setattr(loading, "BATCH_SIZE", 2)
    for number in range(7):
        text = f"Title: Tale {number}\n\nA grey owl flew by, {number}."
        (tmp_path / f"{number}.txt").write_text(text)
    _fail_story_write(monkeypatch, backend, number=3)  # in the second batch
    with pytest.raises(OSError):
        await Library(store).load_paths([tmp_path], defer_casts=True)
    stored = await store.stories.visible_stories(None)
    assert sorted(s.title for s in stored) == ["Tale 0", "Tale 1"]
    (passages,) = await store.db.fetchone("SELECT count(*) FROM passages")
    assert passages == 2
    assert await store.casts.pending_total() == 2


def _fail_story_write(monkeypatch, backend: str, *, number: int) -> None:
    """The load's `number`-th story write fails as a full disk would, on either backend."""
    from bot.storage.bulk_load import BulkWriter
    from bot.storage.stories import StoryRepository

    calls = 0

    def count() -> None:
        nonlocal calls
        calls += 1
        if calls == number:
            raise OSError("disk full")

    real_rows, real_passages = BulkWriter._story_rows, StoryRepository._insert_passages

    def failing_rows(self, write, now, **options):
        count()
        real_rows(self, write, now, **options)

    async def failing_passages(self, story_id, passages):
        count()
        await real_passages(self, story_id, passages)

    if backend == "sqlite":
        monkeypatch.setattr(BulkWriter, "_story_rows", failing_rows)
    else:
        monkeypatch.setattr(StoryRepository, "_insert_passages", failing_passages)
