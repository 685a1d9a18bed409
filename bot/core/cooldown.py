"""Per-key cooldowns, so one member (or one busy channel) cannot make the bot spam."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field


@dataclass
class Cooldown:
    """At most `rate` uses per `per` seconds for each key, on an injected monotonic clock.

    Checking (`peek`) and counting (`consume`) are separate so that a caller bound by
    several cooldowns can count a use only when every one of them allows it.
    """

    rate: int
    per: float
    clock: Callable[[], float]
    _uses: dict[Hashable, list[float]] = field(default_factory=dict)

    def peek(self, key: Hashable) -> float:
        """Seconds until `key` may act again; 0 means it may act now. Counts nothing."""
        now = self.clock()
        recent = self._recent(key, now)
        if len(recent) >= self.rate:
            return self.per - (now - recent[0])
        return 0.0

    def consume(self, key: Hashable) -> None:
        """Count one use by `key` now (whether or not it was allowed)."""
        now = self.clock()
        self._uses[key] = [*self._recent(key, now), now]
        if len(self._uses) > 10_000:  # forget idle keys so memory stays bounded
            self._uses = {k: v for k, v in self._uses.items() if now - v[-1] < self.per}

    def retry_after(self, key: Hashable) -> float:
        """`peek`, and count the use when it is allowed."""
        wait = self.peek(key)
        if wait <= 0:
            self.consume(key)
        return wait

    def _recent(self, key: Hashable, now: float) -> list[float]:
        return [t for t in self._uses.get(key, []) if now - t < self.per]
