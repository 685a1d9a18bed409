"""The completions of a half-typed last word past the most frequent ones.

A last word of three or four letters starts hundreds of terms in a big library ("tes":
663 at a million passages). Only the MAX_COMPLETIONS most frequent are searched (each
is a posting list to walk), and a reader who typed "tes" for the rare "tesex" lost
the passage although the query's other words had made it a candidate: re-ranking did
not count "tesex". The other completions cost nothing until re-ranking, where each
candidate's folded text is searched for a word with that beginning (one regular
expression, C speed) and the best one counts like any completion.

The tail is not in the bound that decides which candidates re-ranking reads (their
partial score plus what the words not walked could add): its best completion would
raise that bound for every query ending in a short word, and re-ranking would read
and score more candidates for all of them (1.2 ms on "a form of" at 100k passages).
So it counts for the candidates read, which is where the benchmark's targets were.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

# What a completion is worth, as in planning._completions: it grows with the typed share.
COMPLETION_BASE = 0.6
COMPLETION_TYPED_SHARE = 0.3


def completion_similarity(typed: int, length: int) -> float:
    return COMPLETION_BASE + COMPLETION_TYPED_SHARE * typed / length


@dataclass(slots=True)
class CompletionTail:
    """The completions of query word `position` that were not searched."""

    position: int
    prefix: str
    cap: float  # the word's idf: no completion is worth more than the word itself
    idf: Callable[[str], float]  # a term's idf in the library
    pattern: re.Pattern[str]
    # The most a completion can be worth: the shortest one, as rare as the cap.
    bound: float
    weights: dict[str, float] = field(default_factory=dict)  # term -> weight, as found

    @classmethod
    def of(
        cls, position: int, prefix: str, cap: float, idf: Callable[[str], float]
    ) -> CompletionTail:
        # A literal first is searched at C speed; "(?:^| )" before it was ten times
        # slower. A match inside a word ("pegasus" for "gas") is dropped by `best`.
        pattern = re.compile(rf"{re.escape(prefix)}\S+")
        bound = completion_similarity(len(prefix), len(prefix) + 1) * cap
        return cls(position, prefix, cap, idf, pattern, bound)

    def best(self, folded: str) -> tuple[float, str]:
        """The best weight of a completion in the passage's `folded` text, and its term
        ("" and 0.0 if none)."""
        best, chosen = 0.0, ""
        for match in self.pattern.finditer(folded):
            start = match.start()
            if start and folded[start - 1] != " ":
                continue
            term = match.group()
            weight = self.weights.get(term)
            if weight is None:
                similarity = completion_similarity(len(self.prefix), len(term))
                weight = self.weights[term] = similarity * min(self.idf(term), self.cap)
            if weight > best:
                best, chosen = weight, term
        return best, chosen
