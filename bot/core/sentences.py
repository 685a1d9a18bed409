"""THE sentence splitter and abbreviation list: characters, retelling, answers and
pagination all cut text into sentences here, so "Mr." or "No. 5" never ends a sentence in
one feature and not in another.

A sentence is never cut inside a quotation, after an abbreviation or an initial, or at an
ellipsis or "?" that a lower-case word shows to be mid-sentence. Double quotes are paired
here too (`quotes_balanced`, `close_quotes`), since where a quotation ends decides where a
sentence may.

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.lexicon import TITLES

# Words written with a full stop that does not end the sentence ("Mr. Roux", "St. Denis",
# "Mme. Loisel"). "etc." is left out: it ends sentences as often as not; "No." is one only
# before a number ("No. 5"), since "No." more often is the answer.
ABBREVIATIONS = frozenset(
    [
        *(title for title in TITLES if len(title) <= 4),
        *"""messrs st ste mt jr sr sgt capt col gen lt cmdr rev hon fr vs e.g i.e cf approx
        dept est fig vol""".split(),
    ]
)
_NUMBER_ABBREVIATIONS = frozenset({"no", "nos"})
# A sentence ends with terminal punctuation (an ellipsis counts), or with a dash when a
# speaker is cut off ("I thought—" she…), then any closing quotes or brackets. The
# pattern is written to open with one character set, not two
# alternatives: the engine then skips in C to the next mark instead of trying the pattern
# at every character (five times faster on a story; the same matches as the plain
# form `(?:[.!?…]+|[—–]+(?=["”]))["”’')\]]*`, tests/core/test_sentences.py).
_TERMINAL_RE = re.compile(r"[.!?…—–](?:(?<=[.!?…])[.!?…]*|(?<=[—–])[—–]*(?=[\"”]))[\"”’')\]]*")
# What may come before the first letter of a sentence: opening quotes and brackets.
_SENTENCE_OPENERS = "\"“‘'([*_"
_OPENING_QUOTES = {"“": "”", '"': '"'}
_CLOSING_QUOTES = {"”": "“", '"': '"'}
_QUOTE_RE = re.compile(r"[\"“”]")
_WORD_BEFORE_RE = re.compile(r"((?:[^\W\d_]\.)*[^\W\d_]+)$")
_NUMBER_AFTER_RE = re.compile(r"\s*\d")
# Characters after which a straight quote opens a quotation rather than closing one.
_BEFORE_OPENING_QUOTE = "([{—–-/"


@dataclass(frozen=True, slots=True)
class _QuoteMarks:
    """Where the double quotes of a text pair up, and which ones are left unpaired."""

    spans: tuple[tuple[int, int], ...]  # (index of the opening mark, index after the closing)
    unclosed: tuple[tuple[str, int], ...]  # opening marks with no partner, and where
    unopened: tuple[tuple[str, int], ...]  # closing marks with no partner, and where

    def quoted(self, length: int) -> list[tuple[int, int]]:
        """Every stretch of a text of `length` characters that is inside a quotation: an
        unclosed quotation runs to the end (speech that goes on into the next paragraph),
        an unopened one from the start."""
        return [
            *self.spans,
            *((index, length) for _, index in self.unclosed),
            *((0, index + 1) for _, index in self.unopened),
        ]


def _quote_marks(text: str) -> _QuoteMarks:
    # Only double quotes: single quotes are indistinguishable from apostrophes.
    stack: list[tuple[str, int]] = []
    spans: list[tuple[int, int]] = []
    unopened: list[tuple[str, int]] = []
    for match in _QUOTE_RE.finditer(text):
        char, index = match.group(), match.start()
        if _opens_quote(text, index):
            stack.append((char, index))
        elif stack and _OPENING_QUOTES[stack[-1][0]] == char:
            spans.append((stack.pop()[1], index + 1))
        else:
            unopened.append((char, index))
    return _QuoteMarks(tuple(spans), tuple(stack), tuple(unopened))


def _opens_quote(text: str, index: int) -> bool:
    char = text[index]
    if char == "“":
        return True
    if char == "”":
        return False
    # A straight quote opens when it starts a word: after a space, a bracket or the start.
    before = text[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    return (before.isspace() or before in _BEFORE_OPENING_QUOTE) and not after.isspace()


def quotes_balanced(text: str) -> bool:
    """Whether every double quote in `text` has its partner."""
    if _QUOTE_RE.search(text) is None:
        return True
    marks = _quote_marks(text)
    return not marks.unclosed and not marks.unopened


def close_quotes(text: str) -> str:
    """`text` with partners added for its unpaired quotes (a quotation the original
    continues into the next paragraph is closed where the sentence ends)."""
    marks = _quote_marks(text)
    openers = "".join(_CLOSING_QUOTES[mark] for mark, _ in reversed(marks.unopened))
    closers = "".join(_OPENING_QUOTES[mark] for mark, _ in reversed(marks.unclosed))
    return openers + text + closers


def split_sentences(text: str) -> list[str]:
    """The sentences of one paragraph, whole: never cut inside a quotation, after an
    abbreviation such as "Dr." or an initial, or at an ellipsis or "?" that the next
    word (lower case) shows to be mid-sentence."""
    quoted = _quote_marks(text).quoted(len(text)) if _QUOTE_RE.search(text) else []
    sentences: list[str] = []
    start = 0
    for match in _TERMINAL_RE.finditer(text):
        end = match.end()
        if end >= len(text) or not text[end].isspace():
            continue
        if not _starts_sentence(text, end) or _is_abbreviation(text, match):
            continue
        if any(open_at < end < close_at for open_at, close_at in quoted):
            continue
        sentence = text[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = end
    last = text[start:].strip()
    if last:
        sentences.append(last)
    return sentences


def _starts_sentence(text: str, position: int) -> bool:
    """Whether the text after `position` (spaces, then opening quotes) starts a sentence."""
    index = position
    while index < len(text) and (text[index].isspace() or text[index] in _SENTENCE_OPENERS):
        index += 1
    return index < len(text) and (text[index].isupper() or text[index].isdigit())


def _is_abbreviation(text: str, match: re.Match[str]) -> bool:
    if match.group() != ".":
        return False
    start = match.start()
    index = start
    while index > 0 and (text[index - 1].isalpha() or text[index - 1] == "."):
        index -= 1
    word = text[index:start]
    if len(word) == 1 and word.isupper():  # an initial: "J. K. Rowling"
        return True
    return is_abbreviation(text, start)


def is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at `dot` belongs to an abbreviation ("Mr.", "St.", "No. 5")
    rather than ending a sentence."""
    word = _WORD_BEFORE_RE.search(text, max(0, dot - 16), dot)
    if word is None:
        return False
    folded = word.group(1).casefold()
    if folded in _NUMBER_ABBREVIATIONS:
        return _NUMBER_AFTER_RE.match(text, dot + 1) is not None
    return folded in ABBREVIATIONS


def sentence_ends(text: str) -> list[int]:
    """Where each sentence of `text` ends (the offset after its punctuation and closing
    quotes), quotations included: a sentence inside a quotation ends there too, which is
    what reading names needs ("Bonjour!" opens a sentence). Abbreviations never end one."""
    return [
        match.end()
        for match in _TERMINAL_RE.finditer(text)
        if (match.end() >= len(text) or text[match.end()].isspace())
        and not _is_abbreviation(text, match)
    ]
