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
# Words, letters of any alphabet ("Léa", "Ågot"); a name is one that starts upper-case.
_WORD_RE = re.compile(r"(?<![\w'’-])[^\W\d_]+(?:-[^\W\d_]+)?(?![\w'’-])")
_DESCRIBED_RE = re.compile(r"\b[Tt]he ([a-z]+)\b")
# Verbs that only ever say someone speaks: "called" also names ("a town called Summit")
# and "began" also starts ("Paris began to feel like home").
_SAYS = frozenset(
    """said says asked asks replied answered whispered murmured shouted cried exclaimed
    muttered yelled insisted""".split()
)
_SAYS_RE = re.compile(rf" (?:{'|'.join(sorted(_SAYS))})\b")
_PUNCTUATION = "\"“”‘’',.;:!?—–-()"
NOT_NAMES = frozenset(word.capitalize() for word in FUNCTION_WORDS | GREETINGS)


class People:
    """Who the story's people are, decided for the words the retold sentences use only
    (a handful), each once: a name that recurs mid-sentence and speaks, a "the <noun>"
    that speaks ("said the keeper")."""

    def __init__(self, sentences: Sequence[StorySentence]) -> None:
        self.sentences = sentences
        self.text = "\n".join(sentence.text for sentence in sentences)
        # Where each sentence starts in `text`, to find a mention's sentence by bisection.
        self.starts = list(accumulate((len(s.text) + 1 for s in sentences[:-1]), initial=0))
        self.known: dict[str, bool] = {}
        self.speakers = _speakers(self.text)

    def _is_voiced(self, noun: str) -> bool:
        if noun not in self.known:
            self.known[noun] = noun not in FUNCTION_WORDS and self._speaks(f"the {noun}")
        return self.known[noun]

    def _is_named(self, name: str) -> bool:
        # A name that speaks is a person's: "Paris" recurs as much as "Sophie" does.
        if name not in self.known:
            self.known[name] = (
                name not in NOT_NAMES and self._mid_sentence_uses(name) >= _MIN_NAME_USES
            ) and self._speaks(name)
        return self.known[name]

    def _mid_sentence_uses(self, name: str) -> int:
        """Uses after a small letter or a comma: "Then" or "Every" opening a sentence is
        not taken for a name."""
        needle = f" {name}"
        count, start = 0, self.text.find(needle)
        while start >= 0:
            end = start + len(needle)
            if (
                start > 0
                and (self.text[start - 1].islower() or self.text[start - 1] in ",;")
                and not _continues(self.text, end)
            ):
                count += 1
            start = self.text.find(needle, end)
        return count

    def _speaks(self, person: str) -> bool:
        return person in self.speakers

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
        found = {
            name
            for name in _WORD_RE.findall(text)
            if name[0].isupper() and name[1:2].islower() and self._is_named(name)
        }
        described = {noun for noun in _DESCRIBED_RE.findall(text) if self._is_voiced(noun)}
        return found | {f"the {noun}" for noun in described}


def _continues(text: str, end: int) -> bool:
    """Whether the word found ends before `end` only in part ("Paris" in "Parisian")."""
    following = text[end : end + 2]
    return bool(following) and (
        following[0].isalpha() or (following[0] in "'’-" and following[1:].isalpha())
    )


def _speakers(text: str) -> set[str]:
    """Who the text has say something: the name or "the <noun>" just before or after a
    speech verb ("said the keeper", "Sophie asked"). One search for the verbs (a pattern
    opening on a space is fast), then a look at their neighbours."""
    found: set[str] = set()
    for match in _SAYS_RE.finditer(text):
        spoken = text[max(0, match.start() - 40) : match.start()].split()
        if spoken and spoken[-1][-1:] in "\"”’'":
            spoken = []  # the end of the quotation itself: "Yes," said …
        before = [w.strip(_PUNCTUATION) for w in spoken]
        raw = text[match.end() : match.end() + 40].split()
        after = [w.strip(_PUNCTUATION) for w in raw]
        for words in (before[-2:], after[:2]):
            if len(words) == 2 and words[0].lower() == "the":
                found.add(f"the {words[1]}")
        if before and before[-1][:1].isupper():
            found.add(before[-1])
        if after and after[0][:1].isupper():
            found.add(after[0])
            if raw[0].endswith(".") and len(after) > 1:  # "said Mrs. White"
                found.add(after[1])
    return found


def _introduces(text: str) -> bool:
    """Whether a sentence can introduce someone on its own: not half a quotation, not
    "He said:", not a bare "Done!" cried the banker, not a speech of half a page."""
    return (
        _TELLING_WORDS <= len(text.split()) <= _BRIEF_WORDS
        and quotes_balanced(text)
        and not text.rstrip(" \"”’'").endswith(":")
    )


def introductions(people: People, chosen: Sequence[int], room: int) -> list[int]:
    """Up to `room` sentences to add to `chosen` (sorted): for each person a kept
    sentence mentions before any kept sentence has, the first sentence of the text that
    mentions them and can stand alone, when that comes earlier."""
    if room <= 0:
        return []
    sentences = people.sentences
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
