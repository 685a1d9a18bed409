"""The words the character rules look at, found without reading every word in Python.

Most of a story's words are lower-case and never a name, so only the capitalised words
are read: from the paragraph's bytes with each letter turned into "A" or "a" (one
translate in C, then str.find from capital to capital), or, where a letter lies beyond
Latin-1, by the regular expression engine. "Does the story use this word in lower
case?" is answered by searching for that word, not by collecting every word of the
story. Both give exactly what splitting the text into words with patterns.WORD_RE
would: same words, same offsets. The pronouns are read from each "h" str.find reaches.

Each word read is a Word: offsets and text as plain fields, with re.Match's method
names, so that every stage reads it as it read a match, but compiled without calls into
the engine's objects. Compiled, a loop over ord(text[i]) is native and str.find runs in
C, where the engine's own loop costs some fifty instructions a character: hence the
loops here (pure Python, they are slower than the patterns they replace).
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any, Final, final


@final
class Word:
    """A word of a paragraph as the rules read it: where it starts and ends, and its
    text, read once. Its methods have re.Match's names, so a rule reads a word as it
    reads a match; compiled, they are field reads, not calls into the engine's objects
    (each of which cost hundreds of instructions, and the rules ask thousands a story)."""

    __slots__ = ("_end", "_start", "_text")

    def __init__(self, start: int, end: int, text: str) -> None:
        self._start = start
        self._end = end
        self._text = text

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self) -> str:
        return self._text

    def span(self) -> tuple[int, int]:
        return self._start, self._end

    def __repr__(self) -> str:
        return f"Word({self._start}, {self._end}, {self._text!r})"


def space_at(text: str, index: int) -> bool:
    """text[index].isspace(), from the character's code: compiled, ord(text[i]) makes
    no one-character string, and an ASCII code is compared natively."""
    code = ord(text[index])
    if code < 128:
        return code == 32 or 9 <= code <= 13 or 28 <= code <= 31
    return text[index].isspace()


def word_char_at(text: str, index: int) -> bool:
    """Whether text[index] is what the patterns' \\w matches (alphanumeric, or "_"), from
    its code as space_at reads it."""
    code = ord(text[index])
    if code < 128:
        return 97 <= code <= 122 or 65 <= code <= 90 or 48 <= code <= 57 or code == 95
    return text[index].isalnum()


def word_of(match: re.Match[str]) -> Word:
    return Word(match.start(), match.end(), match.group())


_LETTER: Final = r"[^\W\d_]"
_TAIL: Final = rf"{_LETTER}*(?:['’]{_LETTER}+|-{_LETTER}+)*"
# A word starts where the previous character is no letter, and no apostrophe or hyphen
# right after a letter (which would have continued the previous word).
_NOT_INSIDE: Final = rf"(?<!{_LETTER}.)(?<!{_LETTER}['’-].)"


def _ranges(codes: list[int]) -> str:
    spans: list[list[int]] = []
    for code in codes:
        if spans and spans[-1][1] == code - 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in spans
    )


def _is_letter(char: str) -> bool:
    r"""What `[^\W\d_]` matches: a word character that is no digit and no underscore."""
    return char.isalnum() and not char.isdecimal() and char != "_"


def _upper_letters(first: int, last: int) -> str:
    return _ranges([c for c in range(first, last) if chr(c).isupper() and _is_letter(chr(c))])


# Upper-case letters of the Basic Multilingual Plane as one character set: the engine
# tests a character against it in constant time and skips to the next candidate in C. A
# set with astral characters is scanned range by range, so texts with astral characters
# (rare, but emoji are) take the general pattern.
_BMP_UPPER: Final = _upper_letters(0, 0x10000)
_CAPITAL_BMP_RE: Final = re.compile(rf"([{_BMP_UPPER}]{_NOT_INSIDE}{_TAIL})")


@functools.cache
def _capital_any_re() -> re.Pattern[str]:
    upper = _BMP_UPPER + _upper_letters(0x10000, sys.maxunicode + 1)
    return re.compile(rf"((?<!{_LETTER})(?<!{_LETTER}['’-])(?=[{upper}]){_LETTER}{_TAIL})")


def capitalised_words(text: str) -> list[Word]:
    """Every word of `text` (as WORD_RE splits it) whose first letter is upper-case."""
    # isascii() is a flag CPython keeps on each string: no scan to know it.
    if text.isascii():
        return _capitals_of_classes(text, text.encode("ascii").translate(_BYTE_CLASSES))
    classes = _latin1_classes(text)
    if classes is not None:
        return _capitals_of_classes(text, classes)
    # A letter or a digit beyond Latin-1 ("Ł", "œ", "٣"): the engine reads the text.
    pattern = _CAPITAL_BMP_RE
    if has_astral(text):
        pattern = _capital_any_re()
    # The pattern is one group: split gives the text between the words and the words, in
    # turn, as strings made in C; their offsets are the lengths before them.
    pieces = pattern.split(text)
    words: list[Word] = []
    position = 0
    for index in range(1, len(pieces), 2):
        position += len(pieces[index - 1])
        word = pieces[index]
        end = position + len(word)
        words.append(Word(position, end, word))
        position = end
    return words


def _byte_classes() -> bytes:
    r"""A table for bytes.translate: an upper-case letter becomes "A", any other letter
    (as the patterns read letters, [^\W\d_]) "a", every other byte itself."""
    table = bytearray(range(256))
    for code in range(256):
        char = chr(code)
        if _is_letter(char):
            table[code] = _UPPER if char.isupper() else _LOWER
    return bytes(table)


_UPPER: Final = 65  # "A"
_LOWER: Final = 97  # "a"
_BYTE_CLASSES: Final = _byte_classes()


def _latin1_classes(text: str) -> bytes | None:
    """The class of each character of `text` as _BYTE_CLASSES gives it, one byte each,
    or None when a character beyond Latin-1 is a letter or a digit. Encoding replaces
    each character beyond Latin-1 by one "?", so offsets stay; those are read one by one
    ("—", "“" are no word's; "’" may continue one, as "'" does)."""
    data = text.encode("latin-1", "replace")
    replaced = data.count(b"?") - text.count("?")
    if replaced == 0:
        return data.translate(_BYTE_CLASSES)
    classes = bytearray(data.translate(_BYTE_CLASSES))
    index = data.find(b"?")
    while index >= 0 and replaced > 0:
        if text[index] != "?":
            replaced -= 1
            if text[index] == "’":
                classes[index] = 39  # read as "'"
            elif word_char_at(text, index):
                return None
        index = data.find(b"?", index + 1)
    return bytes(classes)


def _capitals_of_classes(text: str, class_bytes: bytes) -> list[Word]:
    """capitalised_words read from the classes of the text's characters (upper-case
    letters "A", other letters "a", "'" for both apostrophes), without the engine:
    str.find reaches each capital. The engine's loop cost some fifty instructions a
    character; the translate and the searches, a few. (As a str, decoded from Latin-1
    in C: compiled, str.find and ord(classes[i]) are native, bytes.find is a call.)"""
    classes = class_bytes.decode("latin-1")
    size = len(classes)
    words: list[Word] = []
    index = classes.find("A")
    while index >= 0:
        end = index + 1
        # A word starts here unless a letter, or a letter and an apostrophe or a hyphen,
        # comes right before (which would have continued that word).
        before = ord(classes[index - 1]) if index > 0 else 32
        if not (
            before == _UPPER
            or before == _LOWER
            or (
                (before == 39 or before == 45)  # ' or -
                and index > 1
                and (ord(classes[index - 2]) == _UPPER or ord(classes[index - 2]) == _LOWER)
            )
        ):
            # The tail: letters, and an apostrophe or a hyphen followed by more letters.
            while True:
                while end < size and (ord(classes[end]) == _UPPER or ord(classes[end]) == _LOWER):
                    end += 1
                if (
                    end + 1 < size
                    and (ord(classes[end]) == 39 or ord(classes[end]) == 45)
                    and (ord(classes[end + 1]) == _UPPER or ord(classes[end + 1]) == _LOWER)
                ):
                    end += 2
                    continue
                break
            words.append(Word(index, end, text[index:end]))
        index = classes.find("A", end)
    return words


def has_astral(text: str) -> bool:
    """Whether `text` holds a character beyond the Basic Multilingual Plane: in UTF-16
    those take two units, the others one. Encoding copies in C what a search for such a
    character tests character by character, at a seventh of its cost; "surrogatepass"
    keeps a lone surrogate, which a str may hold, one unit as well."""
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


def starts_word(text: str, index: int) -> bool:
    """Whether a word of WORD_RE starts at `index`, a letter: not inside another word."""
    if index == 0:
        return True
    before = text[index - 1]
    if _is_letter(before):
        return False
    return not (before in "'’-" and index >= 2 and _is_letter(text[index - 2]))


def ends_word(text: str, end: int) -> bool:
    """Whether a word reaching `end` stops there rather than running on."""
    if end >= len(text):
        return True
    char = text[end]
    if _is_letter(char):
        return False
    return not (char in "'’-" and end + 1 < len(text) and _is_letter(text[end + 1]))


class LowerCaseWords:
    """ "Does the story use `word`, in lower case, as a word of its own?" for a story's
    text, answered by searching for the word (and remembered for this story only)."""

    __slots__ = ("_answers", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._answers: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word or not word[0].islower():
            return False
        answer = self._answers.get(word)
        if answer is None:
            answer = self._answers[word] = self._find(word)
        return answer

    def _find(self, word: str) -> bool:
        text = self._text
        index = text.find(word)
        while index >= 0:
            if starts_word(text, index) and ends_word(text, index + len(word)):
                return True
            index = text.find(word, index + 1)
        return False


def word_trie(words: Iterable[str]) -> str:
    """An alternation of `words` as a regular expression that shares their prefixes
    ("m(?:a(?:id|n)|other)"): the engine tests a few letters, not every word in turn.
    Where one word is a prefix of another the longer is tried first, as in an
    alternation sorted longest first."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


def literal_starts(texts: Sequence[str], literals: Iterable[str]) -> list[set[int]]:
    """Per text, where each literal starts that a whitespace character follows, as a
    search of the texts joined by newlines finds them: so a literal that ends a text
    counts, unless the text is the last. Found with str.find, which reaches each
    occurrence in C; a pattern's finditer made a match object for each."""
    starts: list[set[int]] = [set() for _ in texts]
    last = len(texts) - 1
    for literal in literals:
        size = len(literal)
        for number, text in enumerate(texts):
            found = starts[number]
            length = len(text)
            index = text.find(literal)
            while index >= 0:
                after = index + size
                if after < length:
                    if space_at(text, after):
                        found.add(index)
                        index = text.find(literal, after)
                        continue
                elif number < last:
                    found.add(index)  # the newline that joined the texts follows
                index = text.find(literal, index + 1)
    return starts


def matches_at(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> list[re.Match[str]]:
    """What pattern.finditer(text) finds, when every match starts at one of `starts`:
    tried there in order, each after the end of the last."""
    found: list[re.Match[str]] = []
    end = 0
    for start in sorted(starts):
        if start >= end and (match := pattern.match(text, start)) is not None:
            found.append(match)
            end = match.end()
    return found


def pronoun_matches(text: str) -> list[Word]:
    """What PRONOUN_RE.finditer(text) finds ("she", "HIS", "ſhe"), without a scan that
    tries the pattern at every "s" and "h": each of its matches holds an "h" or "H",
    first or second, which str.find reaches in C; the letters around it are then read as
    the pattern reads them (a whole word, so no match hides another), by their codes."""
    found: list[Word] = []
    size = len(text)
    lower_found = 0
    for letter in ("h", "H"):
        index = text.find(letter)
        while index >= 0:
            after = _code(text, index + 1, size)
            if _is_e(after) or after in _I_CODES:
                if _word_may_start(text, index):
                    end = _pronoun_end(text, index, after, size)
                    if end > 0:
                        found.append(Word(index, end, text[index:end]))
                elif (
                    index > 0
                    and _is_e(after)
                    and ord(text[index - 1]) in _S_CODES
                    and _word_may_start(text, index - 1)
                    and _word_ends(text, index + 2, size)
                ):
                    found.append(Word(index - 1, index + 2, text[index - 1 : index + 2]))
            index = text.find(letter, index + 1)
        if letter == "h":
            lower_found = len(found)
    if 0 < lower_found < len(found):
        found.sort(key=Word.start)  # the two letters' words, merged in order
    return found


def _pronoun_end(text: str, index: int, after: int, size: int) -> int:
    """Where "he", "her", "his" or "him" starting at `index` ends as a whole word, as
    the pattern tries them ("he" before "her"), or -1."""
    third = _code(text, index + 2, size)
    if _is_e(after):
        if _word_ends(text, index + 2, size):
            return index + 2
        if (third == 114 or third == 82) and _word_ends(text, index + 3, size):  # r, R
            return index + 3
    elif (third in _S_CODES or third == 109 or third == 77) and _word_ends(  # m, M
        text, index + 3, size
    ):
        return index + 3
    return -1


def _code(text: str, index: int, size: int) -> int:
    return ord(text[index]) if index < size else 0


def _is_e(code: int) -> bool:
    return code == 101 or code == 69


# The letters PRONOUN_RE spells as "i" and "s" (as re.IGNORECASE reads them), by code.
_I_CODES: Final = frozenset([ord(c) for c in "iIİı"])
_S_CODES: Final = frozenset([ord(c) for c in "sSſ"])


def _word_may_start(text: str, index: int) -> bool:
    """No word character before `index`: the \\b a match needs there may hold."""
    return index == 0 or not word_char_at(text, index - 1)


def _word_ends(text: str, end: int, size: int) -> bool:
    """No word character at `end`: a \\b after the letters before it."""
    return end >= size or not word_char_at(text, end)
