"""Per-key cooldowns, so one member (or one busy channel) cannot make the bot spam."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field


@dataclass
class Cooldown:
    """At most `rate` uses per `per` seconds for each key, on an injected monotonic clock."""

    rate: int
    per: float
    clock: Callable[[], float]
    _uses: dict[Hashable, list[float]] = field(default_factory=dict)

    def retry_after(self, key: Hashable) -> float:
        """Seconds until `key` may act again; 0 means it may act now (and it is counted)."""
        now = self.clock()
        recent = [t for t in self._uses.get(key, []) if now - t < self.per]
        if len(recent) >= self.rate:
            self._uses[key] = recent
            return self.per - (now - recent[0])
        recent.append(now)
        self._uses[key] = recent
        if len(self._uses) > 10_000:  # forget idle keys so memory stays bounded
            self._uses = {k: v for k, v in self._uses.items() if now - v[-1] < self.per}
        return 0.0
