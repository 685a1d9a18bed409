"""A paragraph as the character rules read it: its quotations, capitalised words, where
its sentences start, its pronouns, and its text with coordinated adjectives joined ("a
gentle, untidy man" is one noun phrase)."""

from __future__ import annotations

import re
from typing import Final

from bot.core.characters.patterns import (
    ADJECTIVE_SUFFIXES,
    CLOSING_QUOTES,
    COMMON_ADJECTIVES,
    COORDINATED_NEXT_RE,
    JOINED_COMMA,
    NOT_ADJECTIVES,
    OPENING_QUOTES,
    PLAIN_WORD_RE,
    PRONOUN_RE,
    coordinated_starts,
)
from bot.core.characters.tokens import (
    Word,
    capitalised_words,
    pronoun_matches,
    space_at,
    word_of,
)
from bot.core.lexicon import FUNCTION_WORDS, PERSON_VERBS, SPEECH_VERBS
from bot.core.models import Passage
from bot.core.sentences import ABBREVIATIONS, is_abbreviation

# The letters PRONOUN_RE's matches end with: a pronoun the end of a range cuts out of a
# longer word ("she" of "shelter") ends with one of them right before the end.
_PRONOUN_LAST_LETTERS: Final = frozenset("eErRsSſmM")


class Paragraph:
    """One paragraph as the rules read it: its quotations, capitalised words, sentence
    starts (worked out the first time something asks) and noun-phrase text."""

    __slots__ = (
        "_opens_sentence",
        "_pronoun_starts",
        "_pronouns",
        "_sentence_starts",
        "capitals",
        "np_text",
        "passage",
        "quote_opens",
        "quotes",
        "text",
    )

    def __init__(self, passage: Passage, quotes: list[tuple[int, int]]) -> None:
        self.passage = passage
        self.text = passage.text
        self.quotes = quotes  # (opening mark index, closing mark index), in order
        self.quote_opens = [open_ for open_, _ in quotes]
        # The words whose first letter is upper-case, as WORD_RE would split them: read
        # once, with their offsets, by the vocabulary and the mentions.
        self.capitals = capitalised_words(passage.text)
        # The text with the commas between coordinated adjectives ("a gentle, untidy
        # man") swapped for a placeholder of the same length, so descriptions read past
        # them.
        self.np_text = _join_coordinated_adjectives(passage.text)
        self._sentence_starts: list[int] | None = None
        self._opens_sentence: dict[int, bool] = {}  # _starts_sentence, asked once each
        self._pronouns: list[Word] | None = None  # PRONOUN_RE's, when first asked
        self._pronoun_starts: list[int] = []

    @property
    def sentence_starts(self) -> list[int]:
        if self._sentence_starts is None:
            self._sentence_starts = paragraph_sentence_starts(self.passage.text, self.quotes)
        return self._sentence_starts

    def pronouns(self, start: int = 0, end: int | None = None) -> list[Word]:
        """What PRONOUN_RE.finditer(text, start, end) finds, from one scan of the paragraph:
        its matches inside the range, and one the range's end cuts out of a longer word
        ("she" of "shelter"), which only a scan that stops there finds."""
        if self._pronouns is None:
            self._pronouns = pronoun_matches(self.text)
            self._pronoun_starts = [m.start() for m in self._pronouns]
        size = len(self.text)
        end = size if end is None or end > size else end
        found = bisect_left(self._pronoun_starts, start, 0)
        inside = bisect_left(self._pronoun_starts, end, found)
        matches = self._pronouns[found:inside]
        if matches and matches[-1].end() > end:
            matches.pop()  # runs past the end: the scan that stops there reads it cut short
        if end < size and self.text[end - 1] in _PRONOUN_LAST_LETTERS:
            # A pronoun is 2-3 letters: a cut one starts at most 3 before the end.
            cut = PRONOUN_RE.search(self.text, max(start, end - 3), end)
            if cut is not None and cut.end() == end and not (matches and matches[-1].end() == end):
                matches.append(word_of(cut))
        return matches

    def quoted(self, position: int) -> bool:
        if not self.quote_opens:
            return False
        index = bisect_left(self.quote_opens, position, 0) - 1
        return index >= 0 and position < self.quotes[index][1]

    def opens_sentence(self, position: int) -> bool:
        """Whether a word at `position` opens a sentence (or a quotation); each position is
        read once, though the vocabulary, the mentions and the evidence all ask."""
        known = self._opens_sentence.get(position)
        if known is None:
            known = self._opens_sentence[position] = _read_sentence_start(self, position)
        return known

    def opens_quote(self, index: int) -> bool:
        found = bisect_left(self.quote_opens, index, 0)
        return found < len(self.quote_opens) and self.quote_opens[found] == index


def bisect_left(values: list[int], target: int, low: int) -> int:
    """bisect.bisect_left(values, target, low), compiled: the module's function is a call
    through Python's machinery that costs more than the search."""
    high = len(values)
    while low < high:
        middle = (low + high) // 2
        if values[middle] < target:
            low = middle + 1
        else:
            high = middle
    return low


def _adjective_like(word: str) -> bool:
    lowered = word.lower()
    if lowered in NOT_ADJECTIVES:
        return False
    return lowered in COMMON_ADJECTIVES or lowered.endswith(ADJECTIVE_SUFFIXES)


def _join_coordinated_adjectives(text: str) -> str:
    """ "a gentle, untidy man" -> "a gentle<J> untidy man": one noun phrase, not two."""
    if "," not in text:
        return text
    joined: list[int] = []
    for word, comma in coordinated_starts(text):
        while _adjective_like(word):
            following = COORDINATED_NEXT_RE.match(text, comma + 1)
            if following is None or not _continues_noun_phrase(following):
                break
            joined.append(comma)
            if not following.group(2):
                break
            word, comma = following.group(1), following.end(1)
    if not joined:
        return text
    chars = list(text)
    for comma in joined:
        chars[comma] = JOINED_COMMA
    return "".join(chars)


def _continues_noun_phrase(following: re.Match[str]) -> bool:
    """The words after "a gentle," go on describing ("untidy man"); they do not start a
    clause ("the nanny, smiled", "the nanny, knitted a scarf", "the nanny, slept.")."""
    word = following.group(1)
    if word in FUNCTION_WORDS or word in PERSON_VERBS or word in SPEECH_VERBS:
        return False
    after = following.group(3)
    return following.group(2) is not None or (after is not None and after not in FUNCTION_WORDS)


_QUOTE_MARKS: Final = ('"', "“", "”", "«", "»")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Pairs of quotation marks; an unclosed one runs to the paragraph's end."""
    spans: list[tuple[int, int]] = []
    if (
        '"' not in text
        and "“" not in text
        and "”" not in text
        and "«" not in text
        and "»" not in text
    ):
        return spans  # no mark: five searches for one character each cost less than a scan
    # Each mark's places from str.find, in order: what QUOTE_MARK_RE.finditer finds.
    marks: list[int] = []
    for quote in _QUOTE_MARKS:
        index = text.find(quote)
        while index >= 0:
            marks.append(index)
            index = text.find(quote, index + 1)
    marks.sort()
    opened: int | None = None
    for index in marks:
        char = text[index]
        if opened is None and (char in OPENING_QUOTES or char == '"'):
            opened = index
        elif opened is not None and (char in CLOSING_QUOTES or char == '"'):
            spans.append((opened, index))
            opened = None
    if opened is not None:
        spans.append((opened, len(text)))
    return spans


def paragraph_sentence_starts(text: str, quotes: list[tuple[int, int]]) -> list[int]:
    starts = {0, *fast_sentence_ends(text)}
    # A quotation starts a sentence of its own: "Bonjour!" is not a name.
    starts.update(open_ + 1 for open_, _ in quotes)
    return sorted(starts)


# sentences.sentence_ends's terminal (its _TERMINAL_RE), kept only where whitespace or the
# end follows: the engine tests that in C, and a terminal it turns down never hides one
# that sentence_ends keeps (what follows the shorter run is the rest of the same run). It
# opens with one character set, where _TERMINAL_RE opens with two alternatives: the engine
# then skips in C to the punctuation, instead of trying the pattern at every character
# (five times faster on a story).
_TERMINAL_BEFORE_SPACE_RE: Final = re.compile(
    r"[.!?…—–](?:(?<=[.!?…])[.!?…]*|(?<=[—–])[—–]*(?=[\"”]))[\"”’')\]]*(?!\S)"
)


# More letters than the longest abbreviation has ("approx"): a full stop after them ends a
# sentence.
_PAST_ABBREVIATIONS: Final = max(len(a) for a in ABBREVIATIONS) + 1


def fast_sentence_ends(text: str) -> list[int]:
    """What sentences.sentence_ends(text) gives, with less Python per sentence: a full
    stop after more letters than any abbreviation has ends a sentence."""
    ends: list[int] = []
    for match in _TERMINAL_BEFORE_SPACE_RE.finditer(text):
        dot, end = match.span()
        if (
            end - dot == 1
            and text[dot] == "."
            and (dot < _PAST_ABBREVIATIONS or not text[dot - _PAST_ABBREVIATIONS : dot].isalpha())
        ):
            word_start = dot
            while word_start > 0 and (
                text[word_start - 1].isalpha() or text[word_start - 1] == "."
            ):
                word_start -= 1
            if dot - word_start == 1 and text[word_start].isupper():
                continue  # an initial: "J. K. Rowling"
            if _may_be_abbreviation(text, dot) and is_abbreviation(text, dot):
                continue
        ends.append(end)
    return ends


def _read_sentence_start(paragraph: Paragraph, position: int) -> bool:
    text = paragraph.text
    index = position - 1
    while index >= 0 and text[index] in " \t\"“«‘'(*_[":
        if text[index] in '"“«' and paragraph.opens_quote(index):
            return True
        index -= 1
    if index < 0:
        return True
    if text[index] in "!?…:":
        return True
    return text[index] == "." and not (
        _may_be_abbreviation(text, index) and is_abbreviation(text, index)
    )


# The last part of each abbreviation ("g" of "e.g"), and of "no" and "nos", which
# sentences.is_abbreviation reads before a number.
_ABBREVIATION_ENDS: Final = frozenset(
    word.rsplit(".", 1)[-1] for word in (*ABBREVIATIONS, "no", "nos")
)


def _may_be_abbreviation(text: str, dot: int) -> bool:
    """False where sentences.is_abbreviation(text, dot) is surely False: the ASCII
    letters right before the full stop end no abbreviation. Its word is the letters
    (and initials) before the stop, read by a search; this is a few comparisons."""
    start = dot
    while start > 0:
        code = ord(text[start - 1])
        if 97 <= code <= 122 or 65 <= code <= 90:  # a-z, A-Z
            start -= 1
        elif code < 0x80:
            break  # an ASCII character that is no letter ends the word
        else:
            return True  # beyond ASCII: the search decides
    return text[start:dot].lower() in _ABBREVIATION_ENDS


def previous_words(before: str, limit: int = 3) -> list[str]:
    """The lower-cased words right before a name, up to any punctuation: ["along", "the"]."""
    end = len(before)
    if end == 0 or not space_at(before, end - 1):
        return []
    words: list[str] = []
    # The last `limit` words, walked back to from the end: only they are cut out of the
    # text before the name (compiled, each character's test is native).
    while len(words) < limit:
        while end > 0 and space_at(before, end - 1):
            end -= 1
        if end == 0:
            break
        start = end - 1
        while start > 0:
            code = ord(before[start - 1])
            # Printable ASCII past the space is never whitespace: one comparison for most.
            if (32 < code < 128) or not space_at(before, start - 1):
                start -= 1
            else:
                break
        token = before[start:end]
        # A word of letters only is a plain word; the pattern is read only for the others
        # that can be one: with an apostrophe, or of letters and numerals ("x²": neither
        # isalpha nor a digit, but a letter to the pattern). "said," is neither.
        if not (
            token.isalpha()
            or (
                ("'" in token or "’" in token or token.isalnum()) and PLAIN_WORD_RE.fullmatch(token)
            )
        ):
            break
        words.append(token.lower())
        end = start
    words.reverse()
    return words
