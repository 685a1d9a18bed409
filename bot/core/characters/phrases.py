"""Words and phrases: which capitalised words run together into one name ("Dr. Amara
Okafor", "Gare de Lyon", "Comte d'Artagnan"), and what a single word says by itself (a
title, a possessive, a place's own word, a word that is never a name)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from bot.core.characters.patterns import WORD_RE
from bot.core.characters.tokens import Word, starts_word, word_of
from bot.core.lexicon import (
    CONTINENTS,
    COUNTRIES,
    DAYS,
    FUNCTION_WORDS,
    GREETINGS,
    MONTHS,
    NATIONALITIES,
    NEVER_PEOPLE,
    OF_HEADS,
    PARTICLES,
    PLACE_HEADS,
    PLACE_HYPHEN_PREFIXES,
    PLACE_PREFIXES,
    SENTENCE_ADVERBS,
    TITLE_SYNONYMS,
    TITLES,
)


def strip_possessive(word: str) -> tuple[str, bool]:
    for suffix in ("'s", "’s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)], True
    return word, False


def is_capitalised(word: str) -> bool:
    # Acronyms ("NASA", "OK") are left out: rarely a character, often an organisation.
    if 65 <= ord(word[0]) <= 90 and (len(word) == 1 or 97 <= ord(word[1]) <= 122):
        return True  # "Anna" (A-Z, then a-z): what the isupper calls below say, without them
    return word[0].isupper() and not (len(word) > 1 and word.isupper())


def title_key(word: str) -> str | None:
    key = word.lower().rstrip(".")
    if key not in TITLES:
        return None
    return TITLE_SYNONYMS.get(key, key)


def is_place_prefix(word: str) -> bool:
    lowered = word.lower()
    return lowered in PLACE_PREFIXES or lowered.startswith(PLACE_HYPHEN_PREFIXES)


def place_kind_of_phrase(words: Sequence[str]) -> str | None:
    """The kind of place the phrase's own words name, if they do."""
    lowered = [w.lower() for w in words]
    if lowered[0] in PLACE_PREFIXES and len(words) > 1:
        return PLACE_PREFIXES[lowered[0]]
    if lowered[0].startswith(PLACE_HYPHEN_PREFIXES):
        return "place"
    head = lowered[lowered.index("of") - 1] if "of" in lowered[1:] else lowered[-1]
    if len(words) > 1 and head in PLACE_HEADS:
        return PLACE_HEADS[head]
    joined = " ".join(lowered)
    if joined in COUNTRIES:
        return "country"
    if joined in CONTINENTS:
        return "place"
    return None


NEVER_NAMES: Final = (
    FUNCTION_WORDS | GREETINGS | DAYS | MONTHS | NATIONALITIES | NEVER_PEOPLE | SENTENCE_ADVERBS
)
# One word that names a place by itself: a country, a continent, "Saint-Malo".
PLACE_WORDS: Final = COUNTRIES | CONTINENTS


def never_a_name(word: str) -> bool:
    return word.lower() in NEVER_NAMES


# "d'Artagnan", "l'Isle": an elided particle glued to a capital continues a name.
# What may stand between two capitalised words of one name: a space, or ". " after a
# title or an initial, then up to two particles ("de la") or "of" after an "of" head.
_GAP_RE: Final = re.compile(
    r"(\.?) (?:([^\W\d_]+(?:['’][^\W\d_]+|-[^\W\d_]+)*) "
    r"(?:([^\W\d_]+(?:['’][^\W\d_]+|-[^\W\d_]+)*) )?)?"
)


# ". de la " is the longest gap that can join two words of a name ("of" is shorter).
_LONGEST_GAP: Final = len(". ") + 2 * (max(map(len, PARTICLES)) + 1)


def _elided_words(text: str) -> list[Word]:
    """The words "d" or "l" opens before an apostrophe and a capital ("d'Artagnan",
    "l'Isle": A-Z or À-Þ), found from each apostrophe str.find reaches (a pattern
    opening with the marks' set was tried at every character)."""
    found: list[Word] = []
    straight = 0
    for mark in ("'", "’"):
        index = text.find(mark, 1)  # one before it is the "d" or "l"
        while index >= 0:
            after = ord(text[index + 1]) if index + 1 < len(text) else 0
            if 65 <= after <= 90 or 0xC0 <= after <= 0xDE:  # A-Z, À-Þ
                start = index - 1
                if text[start] in "dl" and starts_word(text, start):
                    word = WORD_RE.match(text, start)
                    if word is not None:
                        found.append(word_of(word))
            index = text.find(mark, index + 1)
        if mark == "'":
            straight = len(found)
    if 0 < straight < len(found):
        found.sort(key=Word.start)  # the two marks' words, merged in order
    return found


# Titles written with a full stop: "Dr. Okoro". A title spelt out ends its sentence at
# one: "Sixty-two percent, Captain. Better?" names no "Captain Better".
_TITLE_ABBREVIATIONS: Final = frozenset(
    "mr mrs ms dr prof capt lt sgt col gen rev mme mlle messrs hon gov sen fr".split()
)


def phrase_spans(text: str, capitals: list[Word]) -> list[list[Word]]:
    """Runs of capitalised words joined by single spaces, particles, or "Mr. ".

    Reads only the capitalised words of `text` (and elided particles): whatever else
    stands between two of them is either a joining gap (_GAP_RE) or ends the name."""
    tokens = capitals
    if "'" in text or "’" in text:
        elided = _elided_words(text)
        if elided:
            tokens = sorted([*tokens, *elided], key=lambda m: m.start())
    phrases: list[list[Word]] = []
    index = 0
    count = len(tokens)
    while index < count:
        token = tokens[index]
        index += 1
        first = token.group()
        # An elided particle ("d", "l": every other token is capitalised) or an acronym
        # starts no name. A lower-case ASCII second letter rules out an acronym without
        # the call to isupper.
        if first[0] in "dl" or (
            len(first) > 1 and not 97 <= ord(first[1]) <= 122 and first.isupper()
        ):
            continue
        phrase = [token]
        while index < count:
            previous = phrase[-1]
            word_before = previous.group()
            if word_before.endswith(("'s", "’s")) and len(word_before) > 3:
                break  # a possessive ends the name: "Anna's Tom"
            following = tokens[index]
            gap_start, gap_end = previous.end(), following.start()
            if gap_end - gap_start > _LONGEST_GAP:
                break  # too far apart for a space, a full stop and two particles
            # The two gaps nearly every name has, " " and ". ", read as _GAP_RE reads
            # them (no particle); any other is read by the pattern.
            gap: re.Match[str] | None = None
            if gap_end - gap_start == 1 and text[gap_start] == " ":
                dotted = False
            elif gap_end - gap_start == 2 and text[gap_start] == "." and text[gap_end - 1] == " ":
                dotted = True
            else:
                gap = _GAP_RE.fullmatch(text, gap_start, gap_end)
                if gap is None:
                    break
                dotted = gap.group(1) != ""
            # "Mr. Okafor", "Ralph D. Spencer", "St. Louis": a full stop inside a name.
            if dotted and not (
                word_before.lower() in _TITLE_ABBREVIATIONS
                or (len(word_before) == 1 and word_before.isupper() and len(phrase) > 1)
                or word_before.lower() in ("st", "mt", "ste")
            ):
                break
            word = following.group()
            if gap is None or gap.group(2) is None:  # nothing between: the next word goes on
                if is_capitalised(word) or (word[0] in "dl" and not word[0].isupper()):
                    phrase.append(following)
                    index += 1
                    continue
                break
            joined = _joined_by(gap, previous, word)
            if not joined:
                break
            phrase.extend(_between(text, previous.end(), following.start()))
            phrase.append(following)
            index += 1
        phrases.append(phrase)
    return phrases


def _joined_by(gap: re.Match[str], previous: Word, following: str) -> bool:
    """Whether the particles in the gap join the words around them ("de la Concorde")."""
    first, second = gap.group(2), gap.group(3)
    takes_of = first == "of" and previous.group().lower() in OF_HEADS
    if first not in PARTICLES and not takes_of:
        return False
    if second is not None and second not in PARTICLES:
        return False
    return is_capitalised(following)


def _between(text: str, start: int, end: int) -> list[Word]:
    return [word_of(match) for match in WORD_RE.finditer(text, start, end)]
