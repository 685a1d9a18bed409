"""The vocabulary: words as the whole story uses them, for telling names from ordinary
words (is this word used in lower case, capitalised mid-sentence, used as a name), read
once per story before the mentions (scan.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from bot.core.characters.paragraph import Paragraph, previous_words
from bot.core.characters.patterns import (
    APPOSITION_PERSON_NOUNS,
    SPEECH_AFTER_VERB_RE,
    WORD_RE,
)
from bot.core.characters.phrases import NEVER_NAMES, is_capitalised, never_a_name
from bot.core.characters.tokens import LowerCaseWords, Word
from bot.core.lexicon import (
    FUNCTION_WORDS,
    GREETINGS,
    NAME_LIKE_FUNCTION_WORDS,
    NATIONALITIES,
    SPEECH_VERBS,
)

# ((name,), possessive, licensed, place kind): a word's reading wherever it stands alone,
# or None when it never is a mention alone.
_WordReading = tuple[tuple[str], bool, bool, str | None] | None

# What a part of a phrase names, wherever it stands: (words without the title, title,
# possessive, place kind); None for a title alone ("Madame!") or titles only ("Dr. Dr.").
_PartReading = tuple[tuple[str, ...], str | None, bool, str | None]


@dataclass(slots=True)
class Vocabulary:
    """Words as the whole story uses them, for telling names from ordinary words."""

    lower: LowerCaseWords  # "is this word seen in lower case?"
    # Capitalised mid-sentence somewhere: asked only of words that look inflected
    # ("Determined", "Slowly"), so only those are collected.
    mid_sentence_inflected: set[str] = field(default_factory=set)
    # Listed words the text uses as names: "a woman named May", ""...," Will said".
    licensed: set[str] = field(default_factory=set)
    # What each word, standing alone, reads as in this story (see _single_word).
    words: dict[str, _WordReading] = field(default_factory=dict)
    # How each phrase of several words splits into mentions (see mentions_in), by its
    # words and whether it opens a sentence.
    phrases: dict[tuple[tuple[str, ...], bool], list[tuple[int, int, _PartReading | None]]] = field(
        default_factory=dict
    )
    # Per paragraph, its capitalised nationalities ("Russian"), which origins read: found
    # here, where every capitalised word is looked up anyway.
    nationalities: dict[int, list[re.Match[str]]] = field(default_factory=dict)

    def never_a_name(self, word: str) -> bool:
        return word not in self.licensed and never_a_name(word)


_INFLECTED: Final = ("ly", "ed", "ing")


def build_vocabulary(paragraphs: Sequence[Paragraph]) -> Vocabulary:
    vocabulary = Vocabulary(LowerCaseWords("\n".join(p.text for p in paragraphs)))
    # Every capitalised word of the story passes here, so where a word opens a sentence
    # (the slow question) is asked only of the few the answer matters for: a listed word
    # that may be used as a name, and a word that looks inflected.
    mid_sentence = vocabulary.mid_sentence_inflected
    # What each spelling says by itself, read once per story: most capitals recur.
    readings: dict[str, tuple[int, str]] = {}
    for paragraph in paragraphs:
        text = paragraph.text
        nationalities: list[re.Match[str]] = []
        for word in paragraph.capitals:
            spelling = word.group()
            reading = readings.get(spelling)
            if reading is None:
                reading = readings[spelling] = _vocabulary_reading(spelling)
            kind, name = reading
            if kind == _ORDINARY:
                continue
            if kind == _INFLECTED_WORD:
                if not paragraph.opens_sentence(word.start()):
                    mid_sentence.add(name)
                continue
            if kind & _NATIONALITY:
                # (no listed nationality has an apostrophe). As a match, which origins
                # read: the word WORD_RE finds there.
                nationalities.append(_word_match(text, word))
            if (
                kind & _LICENSABLE
                and _used_as_a_name(text, word, name)
                and not paragraph.opens_sentence(word.start())
            ):
                vocabulary.licensed.add(name)
        if nationalities:
            vocabulary.nationalities[paragraph.passage.number] = nationalities
    return vocabulary


# What a capitalised spelling is to the vocabulary (_vocabulary_reading): nothing; a word
# that looks inflected; or a listed word (NEVER_NAMES), a nationality, or one use may
# make a name, or both.
_ORDINARY: Final = 0
_INFLECTED_WORD: Final = 1
_LISTED: Final = 2
_NATIONALITY: Final = 4
_LICENSABLE: Final = 8


def _vocabulary_reading(spelling: str) -> tuple[int, str]:
    """(kind, the name without a possessive) for a capitalised word."""
    possessive = len(spelling) > 3 and spelling.endswith(("'s", "’s"))
    name = spelling[:-2] if possessive else spelling
    lowered = name.lower()
    if lowered in NEVER_NAMES:
        kind = _LISTED
        if not possessive and lowered in NATIONALITIES:
            kind |= _NATIONALITY
        if lowered not in _NEVER_LICENSED:
            kind |= _LICENSABLE
        return kind, name
    if lowered.endswith(_INFLECTED):
        return _INFLECTED_WORD, name
    return _ORDINARY, name


# Function words no use makes a name ("She", "The"; of them only "Will" can be one): what
# _used_as_a_name says of every one of them.
_NEVER_LICENSED: Final = FUNCTION_WORDS - NAME_LIKE_FUNCTION_WORDS


_PERSON_APPOSITION_RE: Final = re.compile(
    r",\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,2}?(?:"
    + "|".join(sorted(APPOSITION_PERSON_NOUNS))
    + r")\b"
)


def _word_match(text: str, word: Word) -> re.Match[str]:
    match = WORD_RE.match(text, word.start())
    assert match is not None and match.end() == word.end()  # the same word, by its test
    return match


def _used_as_a_name(text: str, match: Word, word: str) -> bool:
    """A listed word capitalised mid-sentence and named, or speaking, is a name here:
    "a woman named May", ""...," Will said", ""...," said Will." (not "the French said")."""
    if not is_capitalised(word):
        return False
    lowered = word.lower()
    previous = previous_words(text[max(0, match.start() - 30) : match.start()], 1)
    if previous in (["named"], ["called"]):
        return lowered not in FUNCTION_WORDS or lowered in NAME_LIKE_FUNCTION_WORDS
    if lowered in NATIONALITIES or lowered in GREETINGS:
        return False
    if lowered in FUNCTION_WORDS and lowered not in NAME_LIKE_FUNCTION_WORDS:
        return False
    verb = SPEECH_AFTER_VERB_RE.match(text[match.end() : match.end() + 30])
    if verb and verb.group(1).lower() in SPEECH_VERBS:
        return True
    if _PERSON_APPOSITION_RE.match(text, match.end()):
        return True  # "May, the nine-year-old girl, had shut Agatha in the vault"
    said_before = bool(previous) and previous[0] in SPEECH_VERBS
    return said_before and re.match(r"[.,!?;]", text[match.end() : match.end() + 1]) is not None
