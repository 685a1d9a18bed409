"""Pausing the cyclic collector around a cast: it comes back on, and only if it was on."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from bot.core.gc_pause import gc_paused


@pytest.fixture
def collector_on() -> Iterator[None]:
    """The collector on for the test, and as it was after it, whatever the test did:
    a worker left with it off would never free the test database's connections."""
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_paused_inside_and_back_on_after(collector_on: None) -> None:
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()


def test_back_on_after_an_error(collector_on: None) -> None:
    with pytest.raises(ValueError), gc_paused():
        raise ValueError
    assert gc.isenabled()


def test_left_off_when_it_was_off(collector_on: None) -> None:
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_threads_overlapping_leave_it_on(collector_on: None) -> None:
    """One thread leaves while another is inside: on only when both are out."""
    entered, release = threading.Event(), threading.Event()
    states: list[bool] = []

    def other() -> None:
        with gc_paused():
            entered.set()
            release.wait(5)

    worker = threading.Thread(target=other)
    with gc_paused():
        worker.start()
        entered.wait(5)
    states.append(gc.isenabled())  # the other thread is still inside
    release.set()
    worker.join(5)
    states.append(gc.isenabled())
    assert states == [False, True]
