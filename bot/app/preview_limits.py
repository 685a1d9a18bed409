"""How often a moderator may ask for a story preview.

A preview parses the text, extracts its characters (seconds of CPU for a long,
name-heavy text) and compares it with the library: unlimited, one member could keep
the bot busy for everyone.
"""

from __future__ import annotations

from bot.core.clock import Clock
from bot.core.cooldown import Cooldown
from bot.errors import RateLimited

PREVIEWS_PER_MINUTE = 12


class PreviewLimits:
    def __init__(self, clock: Clock) -> None:
        def seconds() -> float:
            return clock().timestamp()

        self._per_member = Cooldown(rate=PREVIEWS_PER_MINUTE, per=60.0, clock=seconds)

    def check(self, user_id: int) -> None:
        """Count a preview, or raise a friendly error when one comes too soon."""
        wait = self._per_member.retry_after(user_id)
        if wait > 0:
            raise RateLimited(
                f"That's a lot of previews: try again in {max(1, round(wait))} seconds.",
                hint=f"Each moderator can preview {PREVIEWS_PER_MINUTE} stories a minute.",
            )
