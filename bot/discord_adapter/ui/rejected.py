"""What a moderator typed into a form the bot could not accept, kept to offer it back.

A rejected add or edit (too short, a title already taken) would otherwise lose
everything typed: the error offers "Reopen the form" with the text filled in.
Kept in memory, the latest per moderator and a bounded number in all: it is a
convenience for the next minutes, not storage (a restart forgets it).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

KEPT_FORMS = 200


class RejectedForms:
    def __init__(self, limit: int = KEPT_FORMS) -> None:
        self._forms: OrderedDict[int, Callable[[], Any]] = OrderedDict()
        self._limit = limit

    def keep(self, user_id: int, reopen: Callable[[], Any]) -> None:
        """`reopen` builds the form again, filled in with what was typed."""
        self._forms.pop(user_id, None)
        self._forms[user_id] = reopen
        while len(self._forms) > self._limit:
            self._forms.popitem(last=False)

    def take(self, user_id: int) -> Callable[[], Any] | None:
        return self._forms.pop(user_id, None)
