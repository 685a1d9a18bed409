"""Each character introduced before they act: the sentences a short retelling must add.

A retelling that leaves out the sentence bringing someone into the story ("The keeper met
me at the foot of the tower.") and keeps one where they act ("The keeper gave me his old
brass compass.") has them walk in unannounced. Without the cast at hand (extracting it
costs more than the whole retelling), people are found the way a reader spots them: a
capitalised name the text uses again and again mid-sentence, or a "the <someone>" the text
gives a voice to ("said the keeper", "the keeper shouted").

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate

from bot.core.lexicon import FUNCTION_WORDS, GREETINGS
from bot.core.naming import StorySentence
from bot.core.sentences import quotes_balanced

# A name used this often is someone the story follows, worth introducing.
_MIN_NAME_USES = 3
# An introduction says something, briefly: at least and at most this many words.
_TELLING_WORDS = 7
_BRIEF_WORDS = 40
# Mid-sentence (after a small letter or a comma), so "Then" or "Every" opening a
# sentence is not taken for a name; over the whole text at once, which is fast.
_NAME_RE = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b(?!['’-]\w)")
_WORD_RE = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")
_DESCRIBED_RE = re.compile(r"\b[Tt]he ([a-z]+)\b")
# Verbs that only ever say someone speaks: "called" also names ("a town called Summit")
# and "began" also starts ("Paris began to feel like home").
_SAYS = frozenset(
    """said says asked asks replied answered whispered murmured shouted cried exclaimed
    muttered yelled insisted""".split()
)
_NOT_NAMES = frozenset(word.capitalize() for word in FUNCTION_WORDS | GREETINGS)


class _People:
    """Who the story's people are: names counted once over the whole text, and each
    "the <noun>" a retold sentence has looked up once ("said the keeper" anywhere?)."""

    def __init__(self, sentences: Sequence[StorySentence]) -> None:
        self.sentences = sentences
        self.text = "\n".join(sentence.text for sentence in sentences)
        # Where each sentence starts in `text`, to find a mention's sentence by bisection.
        self.starts = list(accumulate((len(s.text) + 1 for s in sentences[:-1]), initial=0))
        uses = Counter(_NAME_RE.findall(self.text))
        recurring = {n for n, count in uses.items() if count >= _MIN_NAME_USES} - _NOT_NAMES
        # A name that speaks is a person's: "Paris" recurs as much as "Sophie" does.
        self.names = {name for name in recurring if self._speaks(name)}
        self.voiced: dict[str, bool] = {}

    def _is_voiced(self, noun: str) -> bool:
        if noun not in self.voiced:
            self.voiced[noun] = noun not in FUNCTION_WORDS and self._speaks(f"the {noun}")
        return self.voiced[noun]

    def _speaks(self, person: str) -> bool:
        """Whether the text has `person` say something: "said the keeper", "Sophie
        asked". Literal searches: a pattern opening on "\b[Tt]he" scans the text slowly."""
        described = person.startswith("the ")
        needle = "he " + person[4:] if described else person
        start = self.text.find(needle)
        while start >= 0:
            end = start + len(needle)
            begin = start - 1 if described else start
            whole = (
                begin >= 0
                and (not described or self.text[begin] in "Tt")
                and (begin == 0 or not self.text[begin - 1].isalpha())
                and not self.text[end : end + 1].isalpha()
            )
            if whole and _speaks_around(self.text, begin, end):
                return True
            start = self.text.find(needle, end)
        return False

    def first_mention(self, person: str, before: int) -> int | None:
        """The first sentence before `before` that mentions `person` and can stand alone."""
        # A literal prefix ("he keeper", "Bellamy") keeps the search fast; what comes
        # before it is checked by hand.
        needle = "he " + person[4:] if person.startswith("the ") else person
        pattern = re.compile(re.escape(needle) + r"\b")
        limit = self.starts[before] if before < len(self.starts) else len(self.text)
        for match in pattern.finditer(self.text, 0, limit):
            start = match.start()
            if person.startswith("the "):
                start -= 1
                if start < 0 or self.text[start] not in "Tt":
                    continue
            if start > 0 and (self.text[start - 1].isalnum() or self.text[start - 1] in "'’-"):
                continue
            index = bisect_right(self.starts, start) - 1
            if _introduces(self.sentences[index].text):
                return index
        return None

    def in_sentence(self, text: str) -> set[str]:
        found = set(_WORD_RE.findall(text)) & self.names
        described = {noun for noun in _DESCRIBED_RE.findall(text) if self._is_voiced(noun)}
        return found | {f"the {noun}" for noun in described}


def _speaks_around(text: str, start: int, end: int) -> bool:
    """ "said the keeper" or "the keeper shouted": a speech verb just before or after."""
    before = text[max(0, start - 16) : start].split()
    after = text[end : end + 16].split()
    return bool((before and before[-1] in _SAYS) or (after and after[0].rstrip(",.;:!?") in _SAYS))


def _introduces(text: str) -> bool:
    """Whether a sentence can introduce someone on its own: not half a quotation, not
    "He said:", not a bare "Done!" cried the banker, not a speech of half a page."""
    return (
        _TELLING_WORDS <= len(text.split()) <= _BRIEF_WORDS
        and quotes_balanced(text)
        and not text.rstrip(" \"”’'").endswith(":")
    )


def introductions(
    sentences: Sequence[StorySentence], chosen: Sequence[int], room: int
) -> list[int]:
    """Up to `room` sentences to add to `chosen` (sorted): for each person a kept
    sentence mentions before any kept sentence has, the first sentence of the text that
    mentions them and can stand alone, when that comes earlier."""
    if room <= 0:
        return []
    people = _People(sentences)
    known: set[str] = set()
    added: list[int] = []
    for index in chosen:
        mentioned = people.in_sentence(sentences[index].text)
        for person in sorted(mentioned - known):
            introduction = people.first_mention(person, index)
            if introduction is None or introduction in chosen or introduction in added:
                continue
            if len(added) < room:
                added.append(introduction)
                known |= people.in_sentence(sentences[introduction].text)
        known |= mentioned
    return sorted(added)
