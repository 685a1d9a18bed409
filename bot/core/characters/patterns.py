"""Regular expressions and small word tables the character rules read the text with.

Kept apart from the rules so a reader can see every phrase the extractor recognises in
one place; the shared vocabulary (titles, nationalities, verbs) is in bot.core.lexicon."""

from __future__ import annotations

import re
from typing import Final

from bot.core.characters.tokens import space_at, word_char_at
from bot.core.lexicon import (
    FUNCTION_WORDS,
    PERSON_NOUNS,
    PERSON_ROLE_NOUNS,
    PLACE_HEADS,
    TIME_WORDS,
)

WORD_RE: Final = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+|-[^\W\d_]+)*")


# Patterns that would open with a word boundary open with their first letter instead, the
# boundary checked right after it ("(?<!\w.)"): the engine then skips in C to where a
# match can start. Case-blind letters are spelled out as re.IGNORECASE matches them
# ("ſ" is an "s", "ı" and "İ" are an "i"), so each finds exactly what the plain form did.
_SHE_HE: Final = r"[sSſhH](?<!\w.)(?:(?<=[sSſ])[hH][eE]|(?<=[hH])[eE])"
# r"\b(?:she|he|her|his|him)\b", case-blind.
PRONOUN_RE: Final = re.compile(
    r"[sSſhH](?<!\w.)(?:(?<=[sSſ])[hH][eE]|(?<=[hH])(?:[eE]|[eE][rR]|[iIİı][sSſ]|[iIİı][mM]))\b"
)


_NP: Final = r"[^,.;:!?\"“”()–—]"


AS_A_RE: Final = re.compile(rf"\b[Aa]s\s+(an?\s+{_NP}{{1,60}}?),\s*$")


AS_A_PRONOUN_RE: Final = re.compile(
    rf"(?:A(?<!\w.)s|a(?<!\w.)s)\s+(an?\s+{_NP}{{1,60}}?),\s*(she|he)\b"
)


NAMED_RE: Final = re.compile(
    rf"\b((?:[Tt]he|[Aa]n?)\s+(?:(?!\b(?:the|a|an)\b){_NP}){{1,50}}?)\s+(?:named|called)\s+$"
)


_DETERMINER: Final = r"(?:[Tt]he|[Aa]n?|[Hh]er|[Hh]is|[Tt]heir)"


CLAUSE_NP_BEFORE_RE: Final = re.compile(
    rf"(?:^|[,.;:!?\"“”–—(]\s*)(?:and\s+|but\s+)?({_DETERMINER}\s+{_NP}{{1,40}}?),\s*$"
)


APPOSITION_AFTER_RE: Final = re.compile(
    rf"^,\s+((?:the|a|an|her|his|their)\s+{_NP}{{1,60}}?)\s*(?=[,.;:!?–—)]|$)"
)


LIST_AFTER_RE: Final = re.compile(r"^,\s*([^.;:!?\"“”()]+)")


IS_A_RE: Final = re.compile(
    rf"^\s+(?:was|is|became|had become|had been|has been)\s+(an?\s+{_NP}{{1,50}}?)"
    r"(?=\s+(?:who|that|which|and|but|with|in|at|on|from|for|to)\b|[,.;:!?–—]|$)"
)


# What the word after a name starts with where IS_A_RE can match.
IS_A_WORDS: Final = ("was", "is", "became", "had", "has")


def next_word_may_be(after: str, starts: str | tuple[str, ...]) -> bool:
    """Whether spaces open `after` and what follows them starts with one of `starts`: a
    test in C that spares a pattern wanting that, which most texts after a name fail."""
    size = len(after)
    if size == 0 or not space_at(after, 0):
        return False
    index = 1
    while index < size and space_at(after, index):
        index += 1  # compiled, a native test per space: no stripped copy, no method call
    rest = after[index:]
    # Narrowed, so that compiled each is the native startswith of its argument's type.
    if isinstance(starts, str):
        return rest.startswith(starts)
    return rest.startswith(starts)


# r"\b(she|he)\s+(?:was|is|became|had been|has been)\s+(an?\s+NP)(?=...)", case-blind.
PRONOUN_IS_A_RE: Final = re.compile(
    rf"({_SHE_HE})(?i:\s+(?:was|is|became|had been|has been)\s+(an?\s+{_NP}{{1,50}}?)"
    r"(?=\s+(?:who|that|which|and|but|with|in|at|on|from|for|to)\b|[,.;:!?–—]|$))"
)


VAGUE_NP_SECOND_WORDS: Final = frozenset("bit little lot moment few while step".split())


# The words just before a name, as evidence (read right to left, see previous_words).
STRONG_PLACE_PREPS: Final = frozenset(
    """in into inside outside near across along through throughout toward towards around
    beyond within onto via past alongside""".split()
)


WEAK_PLACE_PREPS: Final = frozenset("of from at to on above below beneath".split())


PLACE_VERBS: Final = frozenset(
    """visit visited visiting leave left leaving reach reached explore explored fled flee
    fleeing toured""".split()
)


CITY_NOUNS: Final = frozenset("city town village capital port".split())


DISTRICT_NOUNS: Final = frozenset("district neighbourhood neighborhood quarter".split())


RIVER_VERBS: Final = frozenset("along across down up".split())


PERSON_PREP_VERBS: Final = frozenset(
    """said whispered spoke talked turned handed gave introduced listened waved wrote
    explained replied nodded smiled looked stared glanced laughed belonged""".split()
)


# evidence of a place, which anything the text says of a person outweighs.
MOTION_VERBS: Final = frozenset("came went ran walked hurried rushed drove flew".split())


PERSON_OBJECT_VERBS: Final = frozenset(
    """met meet meets joined thanked hugged kissed told asked married helped greeted
    introduced invited followed found called""".split()
)


RELATION_NOUNS: Final = frozenset(
    """sister brother friend wife husband son daughter mother father cousin aunt uncle niece
    nephew grandmother grandfather grandson granddaughter fiancé fiancée fiance fiancee
    partner twin stepmother stepfather stepsister stepbrother""".split()
)


POSSESSIVE_DETERMINERS: Final = frozenset("his her my their our your".split())


RELATION_AFTER_RE: Final = re.compile(
    r"^,?\s+and\s+(?:his|her|their)\s+(?:(?:older|younger|elder|little|big|twin|best|old)\s+)?"
    r"(?:" + "|".join(sorted(RELATION_NOUNS)) + r")\b",
)


APPOSITION_PERSON_NOUNS: Final = PERSON_ROLE_NOUNS | frozenset(
    """tourist visitor traveller traveler guest elder eldest youngest twin pilgrim passenger
    newcomer foreigner girl boy""".split()
)


SAYING_VERBS: Final = frozenset(
    """said says asked asks replied answered whispered murmured shouted exclaimed muttered
    insisted""".split()
)


VERB_AFTER_APPOSITION_RE: Final = re.compile(r",\s+(?:\w+ly\s+)?(\w+)\b(?!\s+to\s+be\b)")


PLAIN_WORD_RE: Final = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


DISTRICT_AFTER_RE: Final = re.compile(r"^\s+(?:district|neighbou?rhood|quarter)\b", re.IGNORECASE)


SELF_NAMING_RE: Final = re.compile(r"\b(?:I'm|I’m|I am|name is|call me)\s+$", re.IGNORECASE)


UNNAMED_SPEAKER_RES: Final = (
    re.compile(r"^[\s,]*(?:the|a|an)\s+[\w'’-]+(?:\s+[\w'’-]+)?\s+(?:\w+ly\s+)?(\w+)", re.I),
    re.compile(r"^[\s,]*(\w+)\s+(?:the|a|an|his|her|their)\s", re.I),
)


SPEECH_AFTER_VERB_RE: Final = re.compile(r"^\s+(?:\w+ly\s+)?(\w+)")


WHO_AFTER_RE: Final = re.compile(r"^,?\s+(?:who|whose)\b")


LABEL_BEFORE_RE: Final = re.compile(
    r"\b(?:read|reads|reading|titled|entitled|called|named|labell?ed|marked|spelled|word"
    r"|words|sign|signs)\s*:?\s*$",
    re.IGNORECASE,
)
# The last letters of its words, as re.IGNORECASE reads them ("ſ" is an "s").
_LABEL_LAST_LETTERS: Final = "dDsSſgGnN"


def may_end_label(before: str) -> bool:
    """Whether `before` can end as LABEL_BEFORE_RE wants: a last word ending like one of
    its words, then spaces and a colon. A test in C that spares the pattern, which opens
    with a word boundary and so is tried at every offset."""
    stripped = before.rstrip()
    if stripped.endswith(":"):
        stripped = stripped[:-1].rstrip()
    return stripped[-1:] in _LABEL_LAST_LETTERS and stripped != ""


SPEECH_END: Final = tuple(".,!?…—–-")


QUOTE_MARK_RE: Final = re.compile(r'["“”«»]')


OPENING_QUOTES: Final = "“«"


CLOSING_QUOTES: Final = "”»"


PLACE_NOUNS_BEFORE_NAMED: Final = frozenset(
    """town village city street place café cafe shop bar restaurant river hotel gallery studio
    country island district quarter neighbourhood neighborhood""".split()
)


LEAVE_RE: Final = re.compile(
    r"\b(?:leave|left|leaving|fled|flee|fleeing|escaped|escaping)\s+(?:her\s+|his\s+|their\s+)?"
    r"(?:native\s+|home\s+)?$",
    re.IGNORECASE,
)
_LEAVE_LAST_LETTERS: Final = "eEtTgGdDrRsSſ"


def may_end_leave(before: str) -> bool:
    """Whether `before` can end as LEAVE_RE wants: spaces after a word that ends like
    one of its words (see may_end_label)."""
    stripped = before.rstrip()
    return len(stripped) < len(before) and stripped != "" and stripped[-1] in _LEAVE_LAST_LETTERS


BORN_RE: Final = re.compile(
    r"\b(?:born\s+in|(?:grew|grown)\s+up\s+in|raised\s+in|native\s+of|native|(?:came|comes|come|hailed"
    r"|hails|emigrated|immigrated|originally)\s+from)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


# "a gentle, untidy man": adjectives before a noun, joined by commas.
COMMON_ADJECTIVES: Final = frozenset(
    """tall old young quiet kind warm small thin short big shy proud wise brave calm cold
    bold fierce soft loud sweet dark fair pale slim stout plump lean grey gray white black
    brown red blonde blond strong weak poor rich good bad fine rough sharp shrewd keen odd
    strange stern firm neat tired sad glad wild free true new mild smart long broad deep
    plain frail slight gaunt tiny huge vast great grand round lame blind deaf mute dour
    grim prim smug vain coy sly meek""".split()
)


ADJECTIVE_SUFFIXES: Final = (
    "le", "y", "ful", "ous", "ive", "al", "ed", "ing", "ish", "ic", "ent", "ant", "less",
    "able", "ible", "some", "id", "ose", "ile",
)  # fmt: skip


NOT_ADJECTIVES: Final = (
    PERSON_ROLE_NOUNS
    | PERSON_NOUNS
    | RELATION_NOUNS
    | TIME_WORDS
    | FUNCTION_WORDS
    | frozenset(PLACE_HEADS)
)


JOINED_COMMA: Final = "\ue000"  # a private-use character: never in a story, never whitespace


COORDINATED_START_RE: Final = re.compile(
    r"(?:A(?<!\w.)n?|a(?<!\w.)n?|T(?<!\w.)he|t(?<!\w.)he|H(?<!\w.)er|h(?<!\w.)er"
    r"|H(?<!\w.)is|h(?<!\w.)is|T(?<!\w.)heir|t(?<!\w.)heir)\s+([a-z][\w'’-]*)(?=,\s+[a-z])"
)


# after it: "untidy man" goes on describing, "knitted a scarf" is a verb and its object.
COORDINATED_NEXT_RE: Final = re.compile(
    r"\s+([a-z][\w'’-]*)(?:(,)(?=\s+[a-z])|\s+([a-z][\w'’-]*))?"
)


# COORDINATED_START_RE's matches, read from their commas: the word before a comma (its
# whole run of word characters, apostrophes and hyphens, lower-case first), spaces, and a
# determiner that is a word of its own; a lower-case word after spaces must follow the
# comma. No comma stands inside such a match, so each comma is read alone. (A pattern
# on the reversed text did this; the engine's loop cost more than reading each comma.)
_DETERMINERS: Final = frozenset(["a", "A", "an", "An", "the", "The", "her", "Her", "his", "His",
                                 "their", "Their"])  # fmt: skip


def coordinated_starts(text: str) -> list[tuple[str, int]]:
    """(word, the comma after it) for each match of COORDINATED_START_RE, in order."""
    found: list[tuple[str, int]] = []
    size = len(text)
    comma = text.find(",")
    while comma >= 0:
        after = comma + 1
        while after < size and space_at(text, after):
            after += 1
        if after > comma + 1 and after < size and 97 <= ord(text[after]) <= 122:  # a-z
            start = comma
            while start > 0 and (word_char_at(text, start - 1) or text[start - 1] in "'’-"):
                start -= 1
            if start < comma and 97 <= ord(text[start]) <= 122:
                space = start
                while space > 0 and space_at(text, space - 1):
                    space -= 1
                if space < start and _determiner_ends(text, space):
                    found.append((text[start:comma], comma))
        comma = text.find(",", comma + 1)
    return found


def _determiner_ends(text: str, end: int) -> bool:
    """Whether one of the determiners ends at `end`, as a word of its own."""
    if end == 0 or text[end - 1] not in "aAners":
        return False  # no determiner ends with another letter
    for length in (1, 2, 3, 5):
        begin = end - length
        if begin < 0:
            return False
        if text[begin:end] in _DETERMINERS:
            return begin == 0 or not word_char_at(text, begin - 1)
    return False
