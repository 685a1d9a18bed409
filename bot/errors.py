"""User-facing errors.

Domain and storage code raise these; one handler (the command tree's, or the
CLI's) turns them into a friendly message. Anything else is a bug: it is logged
with the command name and the user sees a generic apology, never a traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix; the message is shown to them as is."""

    title = "That didn't work"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class NotFound(UserError):
    title = "Not found"


class Ambiguous(NotFound):
    """A name that fits several things equally well: the user has to say which."""

    title = "Which one?"


class InvalidInput(UserError):
    title = "Invalid input"


class NotAllowed(UserError):
    title = "Not allowed"


class StoryRejected(InvalidInput):
    """A story file or text that cannot be stored; `message` is a one-line reason."""

    title = "Story rejected"


class RateLimited(UserError):
    title = "Slow down"


class Busy(UserError):
    """The bot is not ready for this yet (the library is being indexed): try again soon."""

    title = "One moment"


class StillReading(Busy):
    """A story stored by a big load whose characters are not read yet (a minute or so)."""

    def __init__(self, title: str | None = None, *, stories: int = 1) -> None:
        if title is not None:
            message = (
                f"I'm still reading “{title}”: its characters and places will be ready "
                "in a minute or two."
            )
        else:
            count = f"{stories:,} new stories" if stories > 1 else "a new story"
            whose = "their" if stories > 1 else "its"
            message = (
                f"I'm still reading {count}: {whose} characters will be ready in a minute or two."
            )
        super().__init__(message, hint="Try again shortly.")
