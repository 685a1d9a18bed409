"""Cyclic garbage collection paused around work that allocates much and makes no cycles.

Reading a story's cast makes tens of thousands of short-lived tuples, lists and matches,
all freed by reference counting as they go; the cyclic collector, which runs after every
700 new container objects, would only walk them (and, now and then, every object of the
process) to find nothing. Pausing it is about a twentieth of the time of a cast.

Threads may pause it together (casts are read off the event loop): the first to enter
pauses it, the last to leave turns it back on, and only if it was on.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_state = {"depth": 0, "was_enabled": 0}


@contextmanager
def gc_paused() -> Iterator[None]:
    with _lock:
        if _state["depth"] == 0:
            _state["was_enabled"] = int(gc.isenabled())
            gc.disable()
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0 and _state["was_enabled"]:
                gc.enable()
