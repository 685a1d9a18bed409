"""Rule-based extraction of a story's characters and places.

Capitalised words are read as phrases ("Dr. Amara Okafor", "Gare de Lyon"), sorted
into people, places and everything else by evidence from the text (what comes before
and after each occurrence), with small word lists for what is never a name: function
words, greetings, days, months, nationalities. Aliases of one person ("Valérie
Ivanov", "Valérie", "Valérie's") are merged, then each character gets the facts the
text states about them, each with the paragraph it comes from.

No story's names are listed here: everything a story names is found from its text.
See docs/characters.md for the rules and their known limits.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from bot.core.cast import PROTAGONIST, SUPPORTING, Cast, Character, Fact, Place
from bot.core.lexicon import (
    CALENDAR_PREPOSITIONS,
    CONTINENTS,
    COUNTRIES,
    DAYS,
    DEMONYM_SUFFIXES,
    FEMALE_NOUNS,
    FUNCTION_WORDS,
    GREETINGS,
    MALE_NOUNS,
    MONTHS,
    NAME_LIKE_FUNCTION_WORDS,
    NATIONALITIES,
    OF_HEADS,
    ORIGIN_NOUNS,
    PARTICLES,
    PERSON_NOUNS,
    PERSON_ROLE_NOUNS,
    PERSON_VERBS,
    PLACE_HEADS,
    PLACE_HYPHEN_PREFIXES,
    PLACE_PREFIXES,
    PRONOUN_GENDER,
    SPEECH_VERBS,
    TIME_WORDS,
    TITLE_SYNONYMS,
    TITLES,
)
from bot.core.models import Passage
from bot.core.parsing import readable_passages
from bot.core.sentences import is_abbreviation, sentence_ends
from bot.core.text import fold

# --------------------------------------------------------------------------- patterns
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+|-[^\W\d_]+)*")
_PRONOUN_RE = re.compile(r"\b(?:she|he|her|his|him)\b", re.IGNORECASE)
_NP = r"[^,.;:!?\"“”()–—]"
_AS_A_RE = re.compile(rf"\b[Aa]s\s+(an?\s+{_NP}{{1,60}}?),\s*$")
_AS_A_PRONOUN_RE = re.compile(rf"\b[Aa]s\s+(an?\s+{_NP}{{1,60}}?),\s*(she|he)\b")
_NAMED_RE = re.compile(
    rf"\b((?:[Tt]he|[Aa]n?)\s+(?:(?!\b(?:the|a|an)\b){_NP}){{1,50}}?)\s+(?:named|called)\s+$"
)
_DETERMINER = r"(?:[Tt]he|[Aa]n?|[Hh]er|[Hh]is|[Tt]heir)"
_CLAUSE_NP_BEFORE_RE = re.compile(
    rf"(?:^|[,.;:!?\"“”–—(]\s*)(?:and\s+|but\s+)?({_DETERMINER}\s+{_NP}{{1,40}}?),\s*$"
)
_APPOSITION_AFTER_RE = re.compile(
    rf"^,\s+((?:the|a|an|her|his|their)\s+{_NP}{{1,60}}?)\s*(?=[,.;:!?–—)]|$)"
)
_LIST_AFTER_RE = re.compile(r"^,\s*([^.;:!?\"“”()]+)")
_IS_A_RE = re.compile(
    rf"^\s+(?:was|is|became|had become)\s+(an?\s+{_NP}{{1,50}}?)"
    r"(?=\s+(?:who|that|which|and|but|with|in|at|on|from|for|to)\b|[,.;:!?–—]|$)"
)
_PRONOUN_IS_A_RE = re.compile(
    rf"\b(she|he)\s+(?:was|is|became)\s+(an?\s+{_NP}{{1,50}}?)"
    r"(?=\s+(?:who|that|which|and|but|with|in|at|on|from|for|to)\b|[,.;:!?–—]|$)",
    re.IGNORECASE,
)
_VAGUE_NP_SECOND_WORDS = frozenset("bit little lot moment few while step".split())

# The words just before a name, as evidence (read right to left, see _previous_words).
_STRONG_PLACE_PREPS = frozenset(
    """in into inside outside near across along through throughout toward towards around
    beyond within onto via past alongside""".split()
)
_WEAK_PLACE_PREPS = frozenset("of from at to on above below beneath".split())
_PLACE_VERBS = frozenset(
    """visit visited visiting leave left leaving reach reached explore explored fled flee
    fleeing toured""".split()
)
_CITY_NOUNS = frozenset("city town village capital port".split())
_DISTRICT_NOUNS = frozenset("district neighbourhood neighborhood quarter".split())
_RIVER_VERBS = frozenset("along across down up".split())
# "smiled at Sophie", "wrote to Marco": the preposition belongs to the verb, not a place.
_PERSON_PREP_VERBS = frozenset(
    """said whispered spoke talked turned handed gave introduced listened waved wrote
    explained replied nodded smiled looked stared glanced laughed belonged""".split()
)
# "went to Sophie" happens, "went to Lisbon" far more often: after these, "to" is weak
# evidence of a place, which anything the text says of a person outweighs.
_MOTION_VERBS = frozenset("came went ran walked hurried rushed drove flew".split())
_PERSON_OBJECT_VERBS = frozenset(
    """met meet meets joined thanked hugged kissed told asked married helped greeted
    introduced invited followed found called""".split()
)
# "his sister Elena", "Tomás and his sister": a relative is a person, and so is whose.
_RELATION_NOUNS = frozenset(
    """sister brother friend wife husband son daughter mother father cousin aunt uncle niece
    nephew grandmother grandfather grandson granddaughter fiancé fiancée fiance fiancee
    partner twin stepmother stepfather stepsister stepbrother""".split()
)
_POSSESSIVE_DETERMINERS = frozenset("his her my their our your".split())
_RELATION_AFTER_RE = re.compile(
    r"^,?\s+and\s+(?:his|her|their)\s+(?:(?:older|younger|elder|little|big|twin|best|old)\s+)?"
    r"(?:" + "|".join(sorted(_RELATION_NOUNS)) + r")\b",
)
# Nouns that make an apposition about a person, beyond the role nouns descriptions use.
_APPOSITION_PERSON_NOUNS = PERSON_ROLE_NOUNS | frozenset(
    """tourist visitor traveller traveler guest elder eldest youngest twin pilgrim passenger
    newcomer foreigner girl boy""".split()
)
# Verbs only a speaker does, enough on their own after an apposition.
_SAYING_VERBS = frozenset(
    """said says asked asks replied answered whispered murmured shouted exclaimed muttered
    insisted""".split()
)
# The verb after an apposition's closing comma; not "said to be", which places are too.
_VERB_AFTER_APPOSITION_RE = re.compile(r",\s+(?:\w+ly\s+)?(\w+)\b(?!\s+to\s+be\b)")
_PLAIN_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_DISTRICT_AFTER_RE = re.compile(r"^\s+(?:district|neighbou?rhood|quarter)\b", re.IGNORECASE)
# "...," called the fisherman's daughter: a speaker the text does not name.
_SELF_NAMING_RE = re.compile(r"\b(?:I'm|I’m|I am|name is|call me)\s+$", re.IGNORECASE)
_UNNAMED_SPEAKER_RES = (
    re.compile(r"^[\s,]*(?:the|a|an)\s+[\w'’-]+(?:\s+[\w'’-]+)?\s+(?:\w+ly\s+)?(\w+)", re.I),
    re.compile(r"^[\s,]*(\w+)\s+(?:the|a|an|his|her|their)\s", re.I),
)
_SPEECH_AFTER_VERB_RE = re.compile(r"^\s+(?:\w+ly\s+)?(\w+)")
_WHO_AFTER_RE = re.compile(r"^,?\s+(?:who|whose)\b")
_LABEL_BEFORE_RE = re.compile(
    r"\b(?:read|reads|reading|titled|entitled|called|named|labell?ed|marked|spelled|word"
    r"|words|sign|signs)\s*:?\s*$",
    re.IGNORECASE,
)
_SPEECH_END = tuple(".,!?…—–-")
_QUOTE_MARK_RE = re.compile(r'["“”«»]')
_OPENING_QUOTES = "“«"
_CLOSING_QUOTES = "”»"
_PLACE_NOUNS_BEFORE_NAMED = frozenset(
    """town village city street place café cafe shop bar restaurant river hotel gallery studio
    country island district quarter neighbourhood neighborhood""".split()
)
_LEAVE_RE = re.compile(
    r"\b(?:leave|left|leaving|fled|flee|fleeing|escaped|escaping)\s+(?:her\s+|his\s+|their\s+)?"
    r"(?:native\s+|home\s+)?$",
    re.IGNORECASE,
)
_BORN_RE = re.compile(
    r"\b(?:born\s+in|(?:grew|grown)\s+up\s+in|raised\s+in|native\s+of|native|(?:came|comes|come|hailed"
    r"|hails|emigrated|immigrated|originally)\s+from)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


# "a gentle, untidy man": adjectives before a noun, joined by commas.
_COMMON_ADJECTIVES = frozenset(
    """tall old young quiet kind warm small thin short big shy proud wise brave calm cold
    bold fierce soft loud sweet dark fair pale slim stout plump lean grey gray white black
    brown red blonde blond strong weak poor rich good bad fine rough sharp shrewd keen odd
    strange stern firm neat tired sad glad wild free true new mild smart long broad deep
    plain frail slight gaunt tiny huge vast great grand round lame blind deaf mute dour
    grim prim smug vain coy sly meek""".split()
)
_ADJECTIVE_SUFFIXES = (
    "le", "y", "ful", "ous", "ive", "al", "ed", "ing", "ish", "ic", "ent", "ant", "less",
    "able", "ible", "some", "id", "ose", "ile",
)  # fmt: skip
# Nouns with an adjective's ending ("family", "parent", "hospital"): a list, not a phrase.
_NOT_ADJECTIVES = (
    PERSON_ROLE_NOUNS
    | PERSON_NOUNS
    | _RELATION_NOUNS
    | TIME_WORDS
    | FUNCTION_WORDS
    | frozenset(PLACE_HEADS)
)
_JOINED_COMMA = "\ue000"  # a private-use character: never in a story, never whitespace
_COORDINATED_START_RE = re.compile(
    r"\b(?:[Aa]n?|[Tt]he|[Hh]er|[Hh]is|[Tt]heir)\s+([a-z][\w'’-]*)(?=,\s+[a-z])"
)
# The next word, then either another comma (the list of adjectives goes on) or the word
# after it: "untidy man" goes on describing, "knitted a scarf" is a verb and its object.
_COORDINATED_NEXT_RE = re.compile(r"\s+([a-z][\w'’-]*)(?:(,)(?=\s+[a-z])|\s+([a-z][\w'’-]*))?")


# --------------------------------------------------------------------------- scanning
@dataclass(slots=True)
class _Mention:
    """One occurrence of a capitalised phrase in a paragraph."""

    passage: int
    start: int  # offset of the phrase (title included) in the paragraph
    end: int  # end of the name, before any possessive 's
    after: int  # end of the occurrence, possessive included
    words: tuple[str, ...]  # the name's words, title excluded
    title: str | None  # normalised title ("mr", "dr") or None
    surface: str  # as written, possessive excluded: "Dr. Amara Okafor"
    possessive: bool
    initial: bool  # starts a sentence (or a quotation)
    quoted: bool  # inside quotation marks
    place_kind: str | None = None  # set when the phrase's own words make it a place
    group: int = -1


@dataclass(slots=True)
class _Paragraph:
    passage: Passage
    quotes: list[tuple[int, int]]  # (opening mark index, closing mark index), in order
    sentence_starts: list[int] = field(default_factory=list)
    quote_opens: list[int] = field(default_factory=list)
    # The text with the commas between coordinated adjectives ("a gentle, untidy man")
    # swapped for a placeholder of the same length, so descriptions read past them.
    np_text: str = ""

    def __post_init__(self) -> None:
        self.quote_opens = [open_ for open_, _ in self.quotes]
        self.np_text = _join_coordinated_adjectives(self.passage.text)

    @property
    def text(self) -> str:
        return self.passage.text

    def quoted(self, position: int) -> bool:
        index = bisect.bisect_left(self.quote_opens, position) - 1
        return index >= 0 and position < self.quotes[index][1]

    def opens_quote(self, index: int) -> bool:
        found = bisect.bisect_left(self.quote_opens, index)
        return found < len(self.quote_opens) and self.quote_opens[found] == index


def _adjective_like(word: str) -> bool:
    lowered = word.lower()
    if lowered in _NOT_ADJECTIVES:
        return False
    return lowered in _COMMON_ADJECTIVES or lowered.endswith(_ADJECTIVE_SUFFIXES)


def _join_coordinated_adjectives(text: str) -> str:
    """ "a gentle, untidy man" -> "a gentle<J> untidy man": one noun phrase, not two."""
    if "," not in text:
        return text
    joined: list[int] = []
    for match in _COORDINATED_START_RE.finditer(text):
        comma = match.end(1)
        word = match.group(1)
        while _adjective_like(word):
            following = _COORDINATED_NEXT_RE.match(text, comma + 1)
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
        chars[comma] = _JOINED_COMMA
    return "".join(chars)


def _continues_noun_phrase(following: re.Match[str]) -> bool:
    """The words after "a gentle," go on describing ("untidy man"); they do not start a
    clause ("the nanny, smiled", "the nanny, knitted a scarf", "the nanny, slept.")."""
    word = following.group(1)
    if word in FUNCTION_WORDS or word in PERSON_VERBS or word in SPEECH_VERBS:
        return False
    after = following.group(3)
    return following.group(2) is not None or (after is not None and after not in FUNCTION_WORDS)


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Pairs of quotation marks; an unclosed one runs to the paragraph's end."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for mark in _QUOTE_MARK_RE.finditer(text):
        char, index = mark.group(), mark.start()
        if opened is None and (char in _OPENING_QUOTES or char == '"'):
            opened = index
        elif opened is not None and (char in _CLOSING_QUOTES or char == '"'):
            spans.append((opened, index))
            opened = None
    if opened is not None:
        spans.append((opened, len(text)))
    return spans


def _sentence_starts(text: str, quotes: list[tuple[int, int]]) -> list[int]:
    starts = {0, *sentence_ends(text)}
    # A quotation starts a sentence of its own: "Bonjour!" is not a name.
    starts.update(open_ + 1 for open_, _ in quotes)
    return sorted(starts)


def _starts_sentence(paragraph: _Paragraph, position: int) -> bool:
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
    return text[index] == "." and not is_abbreviation(text, index)


def _strip_possessive(word: str) -> tuple[str, bool]:
    for suffix in ("'s", "’s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)], True
    return word, False


def _is_capitalised(word: str) -> bool:
    # Acronyms ("NASA", "OK") are left out: rarely a character, often an organisation.
    return word[0].isupper() and not (len(word) > 1 and word.isupper())


def _title_key(word: str) -> str | None:
    key = word.lower().rstrip(".")
    if key not in TITLES:
        return None
    return TITLE_SYNONYMS.get(key, key)


def _is_place_prefix(word: str) -> bool:
    lowered = word.lower()
    return lowered in PLACE_PREFIXES or lowered.startswith(PLACE_HYPHEN_PREFIXES)


def _place_kind_of_phrase(words: Sequence[str]) -> str | None:
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


def _never_a_name(word: str) -> bool:
    lowered = word.lower()
    return (
        lowered in FUNCTION_WORDS
        or lowered in GREETINGS
        or lowered in DAYS
        or lowered in MONTHS
        or lowered in NATIONALITIES
    )


@dataclass(slots=True)
class _Vocabulary:
    """Words as the whole story uses them, for telling names from ordinary words."""

    lower: set[str] = field(default_factory=set)  # seen in lower case
    mid_sentence_capitals: set[str] = field(default_factory=set)
    # Listed words the text uses as names: "a woman named May", ""...," Will said".
    licensed: set[str] = field(default_factory=set)

    def never_a_name(self, word: str) -> bool:
        return word not in self.licensed and _never_a_name(word)


def _build_vocabulary(paragraphs: Sequence[_Paragraph]) -> _Vocabulary:
    vocabulary = _Vocabulary()
    for paragraph in paragraphs:
        for match in _WORD_RE.finditer(paragraph.text):
            word = match.group()
            if word[0].islower():
                vocabulary.lower.add(word)
            elif not _starts_sentence(paragraph, match.start()):
                name = _strip_possessive(word)[0]
                vocabulary.mid_sentence_capitals.add(name)
                if _never_a_name(name) and _used_as_a_name(paragraph.text, match, name):
                    vocabulary.licensed.add(name)
    return vocabulary


def _used_as_a_name(text: str, match: re.Match[str], word: str) -> bool:
    """A listed word capitalised mid-sentence and named, or speaking, is a name here:
    "a woman named May", ""...," Will said", ""...," said Will." (not "the French said")."""
    if not _is_capitalised(word):
        return False
    lowered = word.lower()
    previous = _previous_words(text[max(0, match.start() - 30) : match.start()], 1)
    if previous in (["named"], ["called"]):
        return lowered not in FUNCTION_WORDS or lowered in NAME_LIKE_FUNCTION_WORDS
    if lowered in NATIONALITIES or lowered in GREETINGS:
        return False
    if lowered in FUNCTION_WORDS and lowered not in NAME_LIKE_FUNCTION_WORDS:
        return False
    verb = _SPEECH_AFTER_VERB_RE.match(text[match.end() : match.end() + 30])
    if verb and verb.group(1).lower() in SPEECH_VERBS:
        return True
    said_before = bool(previous) and previous[0] in SPEECH_VERBS
    return said_before and re.match(r"[.,!?;]", text[match.end() : match.end() + 1]) is not None


def _is_sentence_opener(word: str, vocabulary: _Vocabulary) -> bool:
    """A sentence-initial word that is an ordinary word: "Determined", "Slowly"."""
    if word in vocabulary.licensed:
        return False
    if _never_a_name(word) or word.lower() in vocabulary.lower:
        return True
    looks_inflected = word.lower().endswith(("ly", "ed", "ing"))
    return looks_inflected and word not in vocabulary.mid_sentence_capitals


def _phrase_spans(text: str) -> list[list[re.Match[str]]]:
    """Runs of capitalised words joined by single spaces, particles, or "Mr. "."""
    tokens = list(_WORD_RE.finditer(text))
    phrases: list[list[re.Match[str]]] = []
    index = 0
    while index < len(tokens):
        if not _is_capitalised(tokens[index].group()):
            index += 1
            continue
        phrase = [tokens[index]]
        index += 1
        while index < len(tokens):
            previous = phrase[-1]
            if _strip_possessive(previous.group())[1]:
                break
            gap = text[previous.end() : tokens[index].start()]
            dotted = gap == ". " and _title_key(previous.group()) is not None
            if gap != " " and not dotted:
                break
            word = tokens[index].group()
            if _is_capitalised(word):
                phrase.append(tokens[index])
                index += 1
                continue
            joined = _join_connector(text, tokens, index, phrase)
            if joined == 0:
                break
            phrase.extend(tokens[index : index + joined])
            index += joined
        phrases.append(phrase)
    return phrases


def _join_connector(
    text: str, tokens: list[re.Match[str]], index: int, phrase: list[re.Match[str]]
) -> int:
    """How many tokens from `index` continue the name ("de la Concorde"): 0 if none."""
    word = tokens[index].group()
    if re.match(r"^[dl]['’][A-ZÀ-Þ]", word):
        return 1
    takes_of = word == "of" and phrase[-1].group().lower() in OF_HEADS
    if word not in PARTICLES and not takes_of:
        return 0
    for length in (1, 2):  # "de Lyon", "de la Concorde"
        following = index + length
        if following >= len(tokens):
            return 0
        if text[tokens[following - 1].end() : tokens[following].start()] != " ":
            return 0
        if _is_capitalised(tokens[following].group()):
            return length + 1
        if tokens[following].group() not in PARTICLES:
            return 0
    return 0


def _mentions_in(paragraph: _Paragraph, vocabulary: _Vocabulary) -> list[_Mention]:
    mentions: list[_Mention] = []
    text = paragraph.text
    for phrase in _phrase_spans(text):
        for part in _split_phrase(phrase, paragraph, vocabulary):
            mention = _mention_from(part, paragraph)
            if mention is not None:
                mentions.append(mention)
    return mentions


def _split_phrase(
    phrase: list[re.Match[str]], paragraph: _Paragraph, vocabulary: _Vocabulary
) -> list[list[re.Match[str]]]:
    """Drop ordinary words from a phrase's edges; split it at words that are never names."""
    words = [_strip_possessive(t.group())[0] for t in phrase]
    if _place_kind_of_phrase(words) is not None and not _never_a_name(words[0]):
        return [phrase]
    first = phrase[0]
    if (
        len(phrase) > 1
        and _starts_sentence(paragraph, first.start())
        and not _is_place_prefix(first.group())
        and _is_sentence_opener(words[0], vocabulary)
    ):
        phrase = phrase[1:]
    parts: list[list[re.Match[str]]] = [[]]
    for token in phrase:
        if vocabulary.never_a_name(_strip_possessive(token.group())[0]):
            parts.append([])
        else:
            parts[-1].append(token)
    return [
        p
        for p in parts
        if p
        and _is_capitalised(p[0].group())
        and (len(p) > 1 or not _licensed_word_used_otherwise(p[0], paragraph, vocabulary))
    ]


def _licensed_word_used_otherwise(
    token: re.Match[str], paragraph: _Paragraph, vocabulary: _Vocabulary
) -> bool:
    """Where a name that is also a listed word is the word: "May I?", "in May"."""
    word = _strip_possessive(token.group())[0]
    if word not in vocabulary.licensed:
        return False
    text = paragraph.text
    if _starts_sentence(paragraph, token.start()):
        verb = _SPEECH_AFTER_VERB_RE.match(text[token.end() : token.end() + 30])
        return not (verb and verb.group(1).lower() in PERSON_VERBS)
    previous = _previous_words(text[max(0, token.start() - 20) : token.start()], 1)
    calendar = word.lower() in MONTHS or word.lower() in DAYS
    return calendar and bool(previous) and previous[0] in CALENDAR_PREPOSITIONS


def _mention_from(tokens: list[re.Match[str]], paragraph: _Paragraph) -> _Mention | None:
    text = paragraph.text
    words = [t.group() for t in tokens]
    last, possessive = _strip_possessive(words[-1])
    words[-1] = last
    end = tokens[-1].end() - (2 if possessive else 0)
    title = _title_key(words[0])
    if title is not None:
        words = words[1:]
        if not words or any(_title_key(w) for w in words):
            return None  # "Madame!" alone is a form of address; "Dr. Dr." is noise
    start = tokens[0].start()
    return _Mention(
        passage=paragraph.passage.number,
        start=start,
        end=end,
        after=tokens[-1].end(),
        words=tuple(words),
        title=title,
        surface=text[start:end],
        possessive=possessive,
        initial=_starts_sentence(paragraph, start),
        quoted=paragraph.quoted(start),
        place_kind=None if title else _place_kind_of_phrase(words),
    )


# --------------------------------------------------------------------------- evidence
@dataclass(slots=True)
class _Evidence:
    person: float = 0.0
    place: float = 0.0
    strong_person: bool = False  # a title, "named X", or a verb only people do
    city: int = 0
    country: int = 0
    district: int = 0
    river: int = 0
    with_the: int = 0


def _previous_words(before: str, limit: int = 3) -> list[str]:
    """The lower-cased words right before a name, up to any punctuation: ["along", "the"]."""
    if not before or not before[-1].isspace():
        return []
    words: list[str] = []
    for token in reversed(before.split()[-limit:]):
        if not _PLAIN_WORD_RE.fullmatch(token):
            break
        words.append(token.lower())
    words.reverse()
    return words


def _weigh(mention: _Mention, text: str, evidence: _Evidence) -> None:
    """Add what one occurrence says about whether its name is a person or a place."""
    before = text[max(0, mention.start - 60) : mention.start]
    after = text[mention.after : mention.after + 80]
    previous = ["", "", "", *_previous_words(before)]  # padded: previous[-3] always exists
    if mention.title is not None:
        evidence.person += 5
        evidence.strong_person = True
    _weigh_person_cues(mention, previous, before, after, evidence)
    if not mention.possessive:
        _weigh_place_cues(previous, after, evidence)


def _weigh_person_cues(
    mention: _Mention, previous: list[str], before: str, after: str, evidence: _Evidence
) -> None:
    if not mention.possessive:
        verb = _SPEECH_AFTER_VERB_RE.match(after)
        if verb and verb.group(1).lower() in PERSON_VERBS:
            evidence.person += 2
            evidence.strong_person = True
        is_a = _IS_A_RE.match(after)  # "Anna Berg was a gentle, untidy woman"
        if is_a and is_a.group(1).split()[-1].lower() in _APPOSITION_PERSON_NOUNS:
            evidence.person += 2
            evidence.strong_person = True
    else:
        following = [w.lower() for w in _WORD_RE.findall(after[:40])[:3]]
        evidence.person += 2 if PERSON_NOUNS.intersection(following) else 0.5
    last, second = previous[-1], previous[-2]
    if last in ("named", "called"):
        if second in _PLACE_NOUNS_BEFORE_NAMED:
            evidence.place += 3
        else:
            evidence.person += 3
            evidence.strong_person = True
    if last in ("i'm", "i’m") or (second, last) in (("i", "am"), ("name", "is"), ("call", "me")):
        evidence.person += 3
        evidence.strong_person = True
    if after.startswith(",") and before.endswith(", ") and _CLAUSE_NP_BEFORE_RE.search(before):
        evidence.person += 3  # apposition: "the artist, Sophie,"
    if last in SPEECH_VERBS:  # "...," said Sophie
        evidence.person += 2
    if last in ("to", "at", "with") and second in _PERSON_PREP_VERBS:
        evidence.person += 2
    elif last in ("with", "and"):
        evidence.person += 1
    if last in _PERSON_OBJECT_VERBS:
        evidence.person += 1
    if second in _POSSESSIVE_DETERMINERS and last in _RELATION_NOUNS:
        evidence.person += 3  # "his sister Elena"
        evidence.strong_person = True
    if _RELATION_AFTER_RE.match(after):
        evidence.person += 3  # "Tomás and his sister"
        evidence.strong_person = True
    if after.startswith(","):
        if _WHO_AFTER_RE.match(after):
            evidence.person += 1
        appositive = _APPOSITION_AFTER_RE.match(after)
        if appositive:
            _weigh_apposition(appositive, after, evidence)


def _weigh_apposition(appositive: re.Match[str], after: str, evidence: _Evidence) -> None:
    """ "Grace, the English tourist beside her, said": an apposition, then what she does."""
    words = appositive.group(1).lower().split()
    about_a_person = bool(_APPOSITION_PERSON_NOUNS.intersection(words))
    if about_a_person:
        evidence.person += 2
    verb = _VERB_AFTER_APPOSITION_RE.match(after, appositive.end())
    if verb is None:
        return
    verb_word = verb.group(1).lower()
    if verb_word in _SAYING_VERBS or (about_a_person and verb_word in PERSON_VERBS):
        evidence.person += 2
        evidence.strong_person = True


def _weigh_place_cues(previous: list[str], after: str, evidence: _Evidence) -> None:
    third, second, last = previous[-3:]
    if last in ("to", "at", "with") and second in _PERSON_PREP_VERBS:
        return  # "smiled at Sophie": the preposition belongs to the verb
    if last == "to" and second in _MOTION_VERBS:
        evidence.place += 1
        return
    preposition = second if last == "the" else last
    if preposition in _STRONG_PLACE_PREPS:
        evidence.place += 2
    elif preposition in _WEAK_PLACE_PREPS or preposition in _PLACE_VERBS:
        evidence.place += 1
    if last == "the":
        evidence.place += 1
        evidence.with_the += 1
    if last == "of" and second in _CITY_NOUNS:
        evidence.place += 2
        evidence.city += 1
    if last == "of" and second == "country":
        evidence.country += 1
    if (last == "of" and second in _DISTRICT_NOUNS) or _DISTRICT_AFTER_RE.match(after):
        evidence.place += 1
        evidence.district += 1
    river_verb = second in _RIVER_VERBS or (third in ("bank", "banks") and second == "of")
    if (last == "the" and river_verb) or last == "river":
        evidence.river += 1


# --------------------------------------------------------------------------- grouping
@dataclass(slots=True)
class _Group:
    """Mentions of one name (and its shorter forms): a person, a place, or neither."""

    id: int
    words: tuple[str, ...]
    titles: set[str] = field(default_factory=set)
    mentions: list[_Mention] = field(default_factory=list)
    kind: str = "none"  # "person" | "place" | "none"
    gender: str | None = None

    @property
    def first(self) -> _Mention:
        return self.mentions[0]


def _name_starts(mentions: Iterable[_Mention]) -> dict[int, list[int]]:
    """Where names (not places, not in quotes) start, per paragraph, in order."""
    starts: dict[int, list[int]] = defaultdict(list)
    for mention in mentions:
        if not mention.place_kind and not mention.quoted:
            starts[mention.passage].append(mention.start)
    for found in starts.values():
        found.sort()
    return starts


def _gender_votes(
    mentions: Sequence[_Mention],
    paragraphs: dict[int, _Paragraph],
    stops: dict[int, list[int]] | None = None,
) -> list[str]:
    """The first he/she-type pronoun after each mention, before anyone else is named
    (a name in `stops`, by default `mentions`). "him" and an object "her" ("smiled at
    her") are someone else, so they do not count."""
    if stops is None:
        stops = _name_starts(mentions)
    votes: list[str] = []
    for mention in mentions:
        if mention.quoted or mention.place_kind:
            continue
        paragraph = paragraphs[mention.passage]
        limit = min(len(paragraph.text), mention.after + 250)
        starts = stops.get(mention.passage, [])
        following = bisect.bisect_right(starts, mention.after)
        if following < len(starts):
            limit = min(limit, starts[following])
        gender = _first_pronoun_gender(paragraph, mention.after, limit)
        if gender is not None:
            votes.append(gender)
    return votes


def _first_pronoun_gender(paragraph: _Paragraph, start: int, end: int) -> str | None:
    """The gender of the first subject or possessive he/she pronoun in text[start:end]."""
    text = paragraph.text
    for match in _PRONOUN_RE.finditer(text, start, end):
        pronoun = match.group().lower()
        if paragraph.quoted(match.start()) or pronoun == "him":
            continue  # "laughed at him": someone else
        if pronoun == "her" and not _possessive_her(text, match.end()):
            continue  # "smiled at her", "gave her the key"; not "shook her head"
        return PRONOUN_GENDER[pronoun]
    return None


def _possessive_her(text: str, end: int) -> bool:
    following = _WORD_RE.match(text, end + 1) if text[end : end + 1] == " " else None
    word = following.group() if following else ""
    return word[:1].islower() and word not in FUNCTION_WORDS


def _noun_votes(mentions: Sequence[_Mention], paragraphs: dict[int, _Paragraph]) -> list[str]:
    """ "his sister Elena", "her husband Tom": the noun right before a name, weighed like
    a title."""
    votes: list[str] = []
    for mention in mentions:
        text = paragraphs[mention.passage].text
        previous = _previous_words(text[max(0, mention.start - 20) : mention.start], 1)
        if not previous:
            continue
        if previous[0] in FEMALE_NOUNS:
            votes += ["f"] * 3
        elif previous[0] in MALE_NOUNS:
            votes += ["m"] * 3
    return votes


def _majority(votes: Iterable[str]) -> str | None:
    counts = Counter(votes)
    if not counts:
        return None
    (top, top_count), *rest = counts.most_common()
    if rest and rest[0][1] == top_count:
        return None
    return top


def _group_mentions(
    mentions: list[_Mention], paragraphs: dict[int, _Paragraph]
) -> dict[int, _Group]:
    """Merge each name's forms: full names first, then titled surnames, then single words."""
    candidates = [m for m in mentions if m.place_kind is None]
    groups: dict[int, _Group] = {}
    by_words: dict[tuple[str, ...], _Group] = {}

    def new_group(words: tuple[str, ...]) -> _Group:
        group = _Group(id=len(groups), words=words)
        groups[group.id] = group
        return group

    def add(group: _Group, mention: _Mention) -> None:
        group.mentions.append(mention)
        mention.group = group.id
        if mention.title:
            group.titles.add(mention.title)

    for mention in sorted(candidates, key=lambda m: -len(m.words)):
        if len(mention.words) > 1:
            group = by_words.get(mention.words) or _longer_form(mention.words, by_words)
            if group is None:
                group = by_words[mention.words] = new_group(mention.words)
            add(group, mention)
    _set_genders(groups.values(), candidates, paragraphs)
    singles = sorted(
        (m for m in candidates if len(m.words) == 1),
        key=lambda m: (m.title is None, m.passage, m.start),
    )
    for mention in singles:
        group, ambiguous = _single_word_group(mention, groups, mentions, paragraphs)
        if ambiguous:
            continue  # "Martin laughed", with Paul and Elena Martin: no one can tell which
        if group is None:
            key = (f"{mention.title}.", *mention.words) if mention.title else mention.words
            group = by_words.get(key) or new_group(mention.words)
            by_words[key] = group
            group.gender = TITLES.get(mention.title or "")
        add(group, mention)
    for group in groups.values():
        group.mentions.sort(key=lambda m: (m.passage, m.start))
    return groups


def _longer_form(words: tuple[str, ...], by_words: dict[tuple[str, ...], _Group]) -> _Group | None:
    """ "Amara Okafor" inside "Amara Ngozi Okafor": same first and last word."""
    for known, group in by_words.items():
        if len(known) > len(words) and known[0] == words[0] and known[-1] == words[-1]:
            return group
    return None


def _set_genders(
    groups: Iterable[_Group], candidates: Sequence[_Mention], paragraphs: dict[int, _Paragraph]
) -> None:
    """Each full name's likely gender: titles, then pronouns after its first-name mentions."""
    stops = _name_starts(candidates)
    for group in groups:
        related = [
            m
            for m in candidates
            if m.group == group.id or (m.words == (group.words[0],) and m.title is None)
        ]
        votes = _gender_votes(related, paragraphs, stops) + _noun_votes(related, paragraphs)
        votes += [g for t in group.titles if (g := TITLES.get(t)) for _ in range(3)]
        group.gender = _majority(votes)


def _compatible(group: _Group, title: str | None) -> bool:
    """Can a "Title Surname" form be this person? Mr. Okafor is not Dr. Amara Okafor."""
    if title is None:
        return True
    if group.titles:
        return title in group.titles
    wanted = TITLES.get(title)
    return wanted is None or group.gender is None or group.gender == wanted


def _single_word_group(
    mention: _Mention,
    groups: dict[int, _Group],
    mentions: Sequence[_Mention],
    paragraphs: dict[int, _Paragraph],
) -> tuple[_Group | None, bool]:
    """The person a one-word form refers to, if any, and whether it is ambiguous.

    Several people answering to it are told apart by the pronoun after it ("Martin shook
    his head"); failing that, by their titles (the nearest one before: "Mr. Okafor brought
    bread ... Okafor laughed"); several with no title (Paul and Elena Martin), not at all:
    the word is no one's."""
    word = mention.words[0]
    matches = [
        g
        for g in groups.values()
        if g.mentions and word in (g.words[0], g.words[-1]) and _compatible(g, mention.title)
    ]
    if mention.title is not None:
        exact = [g for g in matches if mention.title in g.titles]
        matches = exact or [g for g in matches if len(g.words) > 1 and not g.titles]
        matches = [g for g in matches if g.words[-1] == word]
    elif len(matches) > 1:
        # Several people answer to it ("Okafor"): a full or titled name, never a bare word.
        matches = [g for g in matches if len(g.words) > 1 or g.titles]
        if len(matches) > 1:
            gender = _pronoun_after(mention, paragraphs[mention.passage], mentions)
            fitting = [g for g in matches if g.gender == gender]
            others_differ = all(g.gender not in (None, gender) for g in matches if g not in fitting)
            if gender is not None and len(fitting) == 1 and others_differ:
                return fitting[0], False
            if sum(1 for g in matches if not g.titles) > 1:
                return None, True
    if len(matches) <= 1:
        return (matches[0] if matches else None), False
    return _nearest_before(mention, matches, mentions), False


def _pronoun_after(
    mention: _Mention, paragraph: _Paragraph, mentions: Sequence[_Mention]
) -> str | None:
    """The gender of the first he/she-type pronoun after a name, in its sentence and
    before anyone else is named: "Reyes, the elder, shook his head" is a man."""
    text = paragraph.text
    index = bisect.bisect_right(paragraph.sentence_starts, mention.start)
    end = paragraph.sentence_starts[index] if index < len(paragraph.sentence_starts) else len(text)
    for other in mentions:
        if other.passage == mention.passage and mention.after < other.start < end:
            end = other.start
    return _first_pronoun_gender(paragraph, mention.after, end)


def _nearest_before(
    mention: _Mention, choices: Sequence[_Group], mentions: Sequence[_Mention]
) -> _Group:
    ids = {g.id for g in choices}
    position = (mention.passage, mention.start)
    earlier = [m for m in mentions if m.group in ids and (m.passage, m.start) < position]
    if earlier:
        nearest = max(earlier, key=lambda m: (m.passage, m.start))
        return next(g for g in choices if g.id == nearest.group)
    return min(choices, key=lambda g: (g.first.passage, g.first.start))


def _classify(
    group: _Group, paragraphs: dict[int, _Paragraph], vocabulary: _Vocabulary
) -> _Evidence:
    """Sets group.kind to person, place or none from all its occurrences' evidence."""
    evidence = _Evidence()
    for mention in group.mentions:
        _weigh(mention, paragraphs[mention.passage].np_text, evidence)
    multi_word = len(group.words) > 1
    if multi_word:
        evidence.person += 1  # "First Last" with no place word in it is usually someone
    if all(m.initial for m in group.mentions):
        # Seen only where every word is capitalised: a name only if it acts like a person.
        acts = evidence.strong_person or _reads_as_a_full_name(group, evidence)
        group.kind = "person" if acts and not _ordinary(group, vocabulary) else "none"
    elif evidence.person > evidence.place and evidence.person > 0:
        group.kind = "person"
    elif evidence.place > 0:
        group.kind = "place"
    if group.kind == "place" and _is_demonym_like(group.words):
        group.kind = "none"
    return evidence


def _ordinary(group: _Group, vocabulary: _Vocabulary) -> bool:
    return any(w.lower() in vocabulary.lower for w in group.words)


def _reads_as_a_full_name(group: _Group, evidence: _Evidence) -> bool:
    """ "Tomás Reyes ... Tomás kept watch.": Given Surname, of no listed or place word,
    that the text treats as someone's (the first name used alone, "Tomás Reyes, who"),
    even if it only ever opens sentences. A pronoun after it is not enough, or "Hong
    Kong glittered. She loved it." would make Hong Kong someone."""
    if not 2 <= len(group.words) <= 3 or all(m.quoted for m in group.mentions):
        return False
    if any(w.lower() in PLACE_HEADS or _is_place_prefix(w) for w in group.words):
        return False
    first_name_alone = any(m.words == group.words[:1] for m in group.mentions)
    return first_name_alone or evidence.person >= 2  # 1 is the bonus for two words


def _people_by_surname(groups: Iterable[_Group], vocabulary: _Vocabulary) -> None:
    """ "Elena Reyes" is someone, so "Tomás Reyes", seen only opening sentences, is too."""
    groups = list(groups)
    surnames = {g.words[-1] for g in groups if g.kind == "person" and len(g.words) > 1}
    for group in groups:
        if (
            group.kind == "none"
            and 2 <= len(group.words) <= 3
            and group.words[-1] in surnames
            and not _ordinary(group, vocabulary)
            and not all(m.quoted for m in group.mentions)
        ):
            group.kind = "person"


def _is_demonym_like(words: tuple[str, ...]) -> bool:
    """ "Parisian life": an adjective from a place, not a place."""
    return len(words) == 1 and words[0].lower().endswith(("ian", "ese", "ish"))


# --------------------------------------------------------------------------- places
@dataclass(slots=True)
class _PlaceInfo:
    name: str
    kind: str
    mentions: list[_Mention] = field(default_factory=list)


def _place_kind_from(evidence: _Evidence) -> str:
    for kind, count in (
        ("city", evidence.city),
        ("country", evidence.country),
        ("district", evidence.district),
        ("river", evidence.river),
    ):
        if count:
            return kind
    return "place"


def _collect_places(
    mentions: Sequence[_Mention],
    groups: dict[int, _Group],
    evidence: dict[int, _Evidence],
) -> dict[str, _PlaceInfo]:
    places: dict[str, _PlaceInfo] = {}
    for mention in mentions:
        if mention.place_kind is not None:
            name, kind = " ".join(mention.words), mention.place_kind
        elif mention.group >= 0 and groups[mention.group].kind == "place":
            group = groups[mention.group]
            group_evidence = evidence[group.id]
            name = " ".join(group.words)
            # "the Seine" is how the text names it when it nearly always says "the".
            if group_evidence.with_the * 2 > len(group.mentions) and len(group.words) == 1:
                name = f"the {name}"
            kind = _place_kind_from(group_evidence)
        else:
            continue
        key = fold(name.removeprefix("the "))
        places.setdefault(key, _PlaceInfo(name, kind)).mentions.append(mention)
    _drop_demonym_places(places)
    return places


def _drop_demonym_places(places: dict[str, _PlaceInfo]) -> None:
    """ "Parisian" is Paris's adjective, never a place of its own."""
    for key in list(places):
        for other in places:
            derived = len(other) >= 4 and key.startswith(other) and other != key
            if derived and key[len(other) :] in DEMONYM_SUFFIXES:
                del places[key]
                break


# --------------------------------------------------------------------------- analysis
@dataclass(slots=True)
class _Analysis:
    paragraphs: dict[int, _Paragraph]
    mentions: list[_Mention]
    groups: dict[int, _Group]
    people: list[_Group]
    places: dict[str, _PlaceInfo]
    by_passage: dict[int, list[_Mention]] = field(default_factory=dict)  # all, in order
    people_by_passage: dict[int, list[_Mention]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for mention in self.mentions:  # scanned paragraph by paragraph, left to right
            self.by_passage.setdefault(mention.passage, []).append(mention)
            if mention.group >= 0 and self.groups[mention.group].kind == "person":
                self.people_by_passage.setdefault(mention.passage, []).append(mention)

    def person_mentions(self, passage: int) -> list[_Mention]:
        return self.people_by_passage.get(passage, [])


def _analyse(passages: Sequence[Passage]) -> _Analysis:
    paragraphs: dict[int, _Paragraph] = {}
    for passage in passages:
        quotes = _quote_spans(passage.text)
        paragraphs[passage.number] = _Paragraph(
            passage, quotes, _sentence_starts(passage.text, quotes)
        )
    vocabulary = _build_vocabulary(list(paragraphs.values()))
    mentions = [m for p in paragraphs.values() for m in _mentions_in(p, vocabulary)]
    groups = _group_mentions(mentions, paragraphs)
    evidence = {g.id: _classify(g, paragraphs, vocabulary) for g in groups.values()}
    _people_by_surname(groups.values(), vocabulary)
    people = [g for g in groups.values() if g.kind == "person"]
    for person in people:
        person.gender = person.gender or _majority(
            _gender_votes(person.mentions, paragraphs) + _noun_votes(person.mentions, paragraphs)
        )
    places = _collect_places(mentions, groups, evidence)
    return _Analysis(paragraphs, mentions, groups, people, places)


def _resolve_pronoun(
    analysis: _Analysis, passage: int, position: int, pronoun: str
) -> _Group | None:
    """The person a he/she refers to: the latest named before it, of a fitting gender."""
    gender = PRONOUN_GENDER.get(pronoun.lower())
    for number in (passage, passage - 1, passage - 2):
        earlier = [
            m
            for m in analysis.person_mentions(number)
            if (number < passage or m.start < position) and not m.quoted
        ]
        for mention in sorted(earlier, key=lambda m: -m.start):
            group = analysis.groups[mention.group]
            if gender is None or group.gender in (None, gender):
                return group
    return None


# --------------------------------------------------------------------------- facts
@dataclass(slots=True)
class _FactSet:
    """Facts found for one person, with their offsets so they can be put in text order."""

    found: list[tuple[int, int, str]] = field(default_factory=list)

    def add(self, passage: int, position: int, text: str) -> None:
        cleaned = " ".join(text.replace(_JOINED_COMMA, ",").split()).strip(" ,")
        if cleaned:
            self.found.append((passage, position, cleaned))

    def facts(self) -> tuple[Fact, ...]:
        seen: set[str] = set()
        result: list[Fact] = []
        for passage, _, text in sorted(self.found):
            key = fold(text)
            if key not in seen:
                seen.add(key)
                result.append(Fact(text, passage))
        return tuple(result)


def _lower_article(phrase: str) -> str:
    """ "The gallery owner" opening a sentence is "the gallery owner" in a description."""
    first, _, rest = phrase.partition(" ")
    if first in ("The", "A", "An", "Her", "His", "Their"):
        return f"{first.lower()} {rest}"
    return phrase


def _usable_np(phrase: str) -> bool:
    words = phrase.split()
    if len(words) > 1 and words[1].lower() in _VAGUE_NP_SECOND_WORDS:
        return False
    return words[-1].lower() not in TIME_WORDS and len(words) <= 10


def _descriptions_at(mention: _Mention, text: str, found: _FactSet) -> None:
    """Appositions and "As a ..., X" around one named mention."""
    before = text[max(0, mention.start - 160) : mention.start]
    after = text[mention.end : mention.end + 200]
    _descriptions_before(mention, before, after, found)
    if not mention.possessive:
        _descriptions_after(mention, before, after, found)


def _descriptions_before(mention: _Mention, before: str, after: str, found: _FactSet) -> None:
    """ "As a brilliant mathematician, X", "the owner, a woman named X", "the artist, X,"."""
    offset = mention.start - len(before)
    previous = _previous_words(before, 1)
    after_comma = before.endswith(", ")
    if after_comma and (as_a := _AS_A_RE.search(before)):
        found.add(mention.passage, offset + as_a.start(1), as_a.group(1))
    if previous in (["named"], ["called"]) and (named := _NAMED_RE.search(before)):
        found.add(mention.passage, offset + named.start(1), _lower_article(named.group(1)))
        chained = _CLAUSE_NP_BEFORE_RE.search(before[: named.start(1)])
        if chained and _usable_np(chained.group(1)):
            found.add(mention.passage, offset + chained.start(1), _lower_article(chained.group(1)))
    elif after_comma and after.startswith(","):
        clause = _CLAUSE_NP_BEFORE_RE.search(before)
        if clause and _usable_np(clause.group(1)):
            found.add(mention.passage, offset + clause.start(1), _lower_article(clause.group(1)))


def _descriptions_after(mention: _Mention, before: str, after: str, found: _FactSet) -> None:
    """ "X, a Swiss photographer,", "she was X, artist, dreamer, and ...", "X was a painter"."""
    if after.startswith(","):
        appositive = _APPOSITION_AFTER_RE.match(after)
        if appositive and _usable_np(appositive.group(1)):
            found.add(mention.passage, mention.end, appositive.group(1))
        listed = _LIST_AFTER_RE.match(after)
        if listed and _previous_words(before, 1) in (["was"], ["is"], ["became"], ["remained"]):
            for index, item in enumerate(re.split(r",\s*", listed.group(1))):
                item = re.sub(r"^(?:and|or)\s+", "", item.strip())
                if item and item[0].islower() and len(item.split()) <= 8:
                    found.add(mention.passage, mention.end + index, item)
    elif (is_a := _IS_A_RE.match(after)) and _usable_np(is_a.group(1)):
        found.add(mention.passage, mention.end, is_a.group(1))


def _pronoun_descriptions(analysis: _Analysis, found: dict[int, _FactSet]) -> None:
    """ "As a Russian ballerina, she ..." and "she was a painter": for whom she is."""
    for number, paragraph in analysis.paragraphs.items():
        for pattern, np_group, pronoun_group in (
            (_AS_A_PRONOUN_RE, 1, 2),
            (_PRONOUN_IS_A_RE, 2, 1),
        ):
            for match in pattern.finditer(paragraph.np_text):
                if paragraph.quoted(match.start()) or not _usable_np(match.group(np_group)):
                    continue
                person = _resolve_pronoun(
                    analysis, number, match.start(pronoun_group), match.group(pronoun_group)
                )
                if person is not None:
                    found[person.id].add(number, match.start(np_group), match.group(np_group))


def _gender_from_descriptions(group: _Group, descriptions: Sequence[Fact]) -> None:
    if group.gender is not None:
        return
    nouns = {w.lower() for fact in descriptions for w in _WORD_RE.findall(fact.text)}
    if nouns & FEMALE_NOUNS and not nouns & MALE_NOUNS:
        group.gender = "f"
    elif nouns & MALE_NOUNS and not nouns & FEMALE_NOUNS:
        group.gender = "m"


def _sentence_owner(
    analysis: _Analysis, paragraph: _Paragraph, start: int, end: int
) -> _Group | None:
    """Whom a sentence is about: the first person it names, else the first he/she/her."""
    for mention in analysis.person_mentions(paragraph.passage.number):
        if start <= mention.start < end and not mention.quoted:
            return analysis.groups[mention.group]
    for match in _PRONOUN_RE.finditer(paragraph.text, start, end):
        if not paragraph.quoted(match.start()):
            return _resolve_pronoun(
                analysis, paragraph.passage.number, match.start(), match.group()
            )
    return None


def _origins(analysis: _Analysis, found: dict[int, _FactSet]) -> None:
    """Nationalities and home countries, from sentences about one person."""
    for number, paragraph in analysis.paragraphs.items():
        hits = _nationality_origins(paragraph) + _place_origins(analysis, paragraph)
        owners: dict[int, _Group | None] = {}
        for position, origin in hits:
            sentence = bisect.bisect_right(paragraph.sentence_starts, position) - 1
            if sentence not in owners:
                start = paragraph.sentence_starts[sentence]
                ends = paragraph.sentence_starts[sentence + 1 : sentence + 2]
                end = ends[0] if ends else len(paragraph.text)
                owners[sentence] = _sentence_owner(analysis, paragraph, start, end)
            owner = owners[sentence]
            if owner is not None:
                found[owner.id].add(number, position, origin)


def _nationality_origins(paragraph: _Paragraph) -> list[tuple[int, str]]:
    """ "Russian heritage", "Norwegian by birth", "a Swiss photographer", "was Irish"."""
    text = paragraph.text
    origins: list[tuple[int, str]] = []
    for match in _WORD_RE.finditer(text):
        word = match.group()
        if not word[0].isupper() or word.lower() not in NATIONALITIES:
            continue
        if paragraph.quoted(match.start()):
            continue
        following = [w.lower() for w in _WORD_RE.findall(text[match.end() : match.end() + 40])]
        before = text[max(0, match.start() - 40) : match.start()]
        # "a Russian ballerina", not "a little Irish" (a language, said at the end).
        in_description = re.search(r"\ban?\s+(?:\w+\s+)?$", before) and re.match(
            r" [a-z]", text[match.end() : match.end() + 2]
        )
        by_birth = following[:2] == ["by", "birth"]
        said_to_be = _previous_words(before, 1) in (["was"], ["is"])
        if ORIGIN_NOUNS.intersection(following[:2]) or in_description or by_birth or said_to_be:
            origins.append((match.start(), word))
    return origins


def _place_origins(analysis: _Analysis, paragraph: _Paragraph) -> list[tuple[int, str]]:
    """ "born in Lyon", "grew up in Galway", "to leave Russia" (countries only)."""
    origins: list[tuple[int, str]] = []
    for mention in analysis.by_passage.get(paragraph.passage.number, []):
        if mention.quoted or mention.possessive:
            continue
        place = analysis.places.get(fold(" ".join(mention.words)))
        if place is None:
            continue
        before = paragraph.text[max(0, mention.start - 40) : mention.start]
        if _BORN_RE.search(before) or (place.kind == "country" and _LEAVE_RE.search(before)):
            origins.append((mention.start, place.name))
    return origins


# --------------------------------------------------------------------------- lines
def _is_speech(paragraph: _Paragraph, open_: int, close: int) -> bool:
    """Dialogue, not a sign or a title: "Atelier des Rêves" is read, not said."""
    content = paragraph.text[open_ + 1 : close].strip()
    if not content or _LABEL_BEFORE_RE.search(paragraph.text[max(0, open_ - 30) : open_]):
        return False
    return content.endswith(_SPEECH_END) or len(content.split()) >= 4


def _speaker_after(
    analysis: _Analysis, paragraph: _Paragraph, close: int, people: list[_Mention]
) -> _Group | None:
    """ "...," Sophie said / "...," said Sophie / "...," she whispered."""
    text = paragraph.text
    tail = text[close + 1 : close + 60]
    for mention in people:
        gap = text[close + 1 : mention.start]
        if mention.start > close and re.fullmatch(r"[\s,]*", gap):
            verb = _SPEECH_AFTER_VERB_RE.match(text[mention.end : mention.end + 30])
            if verb and verb.group(1).lower() in SPEECH_VERBS:
                return analysis.groups[mention.group]
        said_before_name = re.fullmatch(r"[\s,]*(\w+)\s+", gap)  # "...," said Sophie
        if (
            mention.start > close
            and said_before_name
            and (said_before_name.group(1).lower() in SPEECH_VERBS)
        ):
            return analysis.groups[mention.group]
    pronoun = re.match(r"^[\s,]*(she|he)\s+(?:\w+ly\s+)?(\w+)", tail, re.IGNORECASE)
    if pronoun and pronoun.group(2).lower() in SPEECH_VERBS:
        return _resolve_pronoun(
            analysis, paragraph.passage.number, close + 1 + pronoun.start(1), pronoun.group(1)
        )
    return None


def _speaker_before(
    analysis: _Analysis, paragraph: _Paragraph, open_: int, people: list[_Mention]
) -> _Group | None:
    """Sophie said, "..." / Sophie said softly: "..." """
    text = paragraph.text
    for mention in reversed(people):
        if mention.end >= open_ or open_ - mention.end > 60:
            continue
        between = text[mention.end : open_]
        verb = _SPEECH_AFTER_VERB_RE.match(between)
        said = verb is not None and verb.group(1).lower() in SPEECH_VERBS
        # The verb and the quote must be one clause: "Sophie said, "..."", no full stop between.
        one_clause = re.search(r"[,:]\s*$", between) and not re.search(r"[.!?\"“”]", between)
        if said and one_clause:
            return analysis.groups[mention.group]
    return None


def _self_named(
    analysis: _Analysis, paragraph: _Paragraph, open_: int, close: int
) -> _Group | None:
    """ "I'm Léa Roux": the quote is Léa's."""
    for mention in analysis.person_mentions(paragraph.passage.number):
        if open_ < mention.start < close and not mention.possessive:
            before = paragraph.text[max(open_ + 1, mention.start - 12) : mention.start]
            if _SELF_NAMING_RE.search(before):
                return analysis.groups[mention.group]
    return None


def _spoken_by_someone_unnamed(paragraph: _Paragraph, close: int) -> bool:
    """ "...," called the fisherman's daughter / "...," a voice said: not a named person."""
    tail = paragraph.text[close + 1 : close + 60]
    for pattern in _UNNAMED_SPEAKER_RES:
        match = pattern.match(tail)
        if match and match.group(1).lower() in SPEECH_VERBS:
            return True
    return False


def _lines(analysis: _Analysis, found: dict[int, _FactSet]) -> dict[int, set[int]]:
    """Attribute each quotation; returns the paragraphs each person speaks in."""
    spoken_in: dict[int, set[int]] = defaultdict(set)
    for number, paragraph in analysis.paragraphs.items():
        people = sorted(analysis.person_mentions(number), key=lambda m: m.start)
        narrators = {m.group for m in people if not m.quoted}
        previous: _Group | None = None
        for open_, close in paragraph.quotes:
            if not _is_speech(paragraph, open_, close):
                continue
            unquoted = [m for m in people if not m.quoted]
            if _spoken_by_someone_unnamed(paragraph, close):
                previous = None
                continue
            speaker = (
                _self_named(analysis, paragraph, open_, close)
                or _speaker_after(analysis, paragraph, close, unquoted)
                or _speaker_before(analysis, paragraph, open_, unquoted)
                or previous
            )
            if speaker is None and len(narrators) == 1:
                speaker = analysis.groups[next(iter(narrators))]
            if speaker is None:
                continue
            previous = speaker
            spoken_in[speaker.id].add(number)
            found[speaker.id].add(number, open_, paragraph.text[open_ + 1 : close])
    return spoken_in


# --------------------------------------------------------------------------- assembly
def _aliases(group: _Group) -> tuple[str, ...]:
    """Every form, fullest first; the display name is always one of them."""
    forms: dict[str, tuple[int, int]] = {}
    for order, mention in enumerate(group.mentions):
        forms.setdefault(mention.surface, (-len(mention.surface.split()), order))
    name = _display_name(group)
    forms.setdefault(name, (-len(name.split()), len(forms)))
    return tuple(sorted(forms, key=lambda f: forms[f]))


def _display_name(group: _Group) -> str:
    """The fullest name: "Amara Okafor" (not "Dr. Amara Okafor"), or "Mr. Okafor" if that
    is all the text gives, so first_name is a name wherever the text allows."""
    counts = Counter(m.surface for m in group.mentions)

    def fullness(mention: _Mention) -> tuple[int, bool, int, int, int]:
        titled_single = len(mention.words) == 1 and mention.title is not None
        return (
            len(mention.words),
            titled_single,
            counts[mention.surface],
            -mention.passage,
            -mention.start,
        )

    best = max(group.mentions, key=fullness)
    return " ".join(best.words) if len(best.words) > 1 else best.surface


def _meets(analysis: _Analysis, spoken_in: dict[int, set[int]]) -> dict[int, list[Fact]]:
    present: dict[int, set[int]] = defaultdict(set)
    for mention in analysis.mentions:
        if mention.group >= 0 and analysis.groups[mention.group].kind == "person":
            present[mention.passage].add(mention.group)
    for group_id, numbers in spoken_in.items():
        for number in numbers:
            present[number].add(group_id)
    names = {g.id: _display_name(g) for g in analysis.people}
    meets: dict[int, dict[int, int]] = defaultdict(dict)
    for number in sorted(present):
        for one in present[number]:
            for other in present[number] - {one}:
                meets[one].setdefault(other, number)
    return {
        one: [
            Fact(names[other], number) for other, number in sorted(met.items(), key=lambda i: i[1])
        ]
        for one, met in meets.items()
    }


def _places_of(
    analysis: _Analysis, group: _Group, spoken_in: set[int], origins: Sequence[Fact]
) -> tuple[Fact, ...]:
    """Places named in the paragraphs where the person is, first time each; not origins."""
    numbers = {m.passage for m in group.mentions} | spoken_in
    origin_keys = {fold(f.text) for f in origins}
    located: list[tuple[int, int, str]] = []
    for key, place in analysis.places.items():
        if key in origin_keys or fold(place.name) in origin_keys:
            continue
        here = [m for m in place.mentions if m.passage in numbers]
        if here:
            first = here[0]
            located.append((first.passage, first.start, place.name))
    return tuple(Fact(name, passage) for passage, _, name in sorted(located))


def _centrality(character: Character, paragraphs_present: int, total: int) -> float:
    # Mentions weigh most; being there early and often breaks near-ties.
    earliness = 1 - (character.first_passage - 1) / max(1, total)
    return character.mentions + paragraphs_present + 3 * earliness


def extract_cast(passages: Sequence[Passage]) -> Cast:
    """Characters (protagonist first, then by mentions) and places (by first appearance)."""
    passages = readable_passages(passages)
    if not passages:
        return Cast()
    analysis = _analyse(passages)
    descriptions: dict[int, _FactSet] = defaultdict(_FactSet)
    for mention in analysis.mentions:
        group = analysis.groups.get(mention.group)
        if group is not None and group.kind == "person" and not mention.quoted:
            text = analysis.paragraphs[mention.passage].np_text
            _descriptions_at(mention, text, descriptions[group.id])
    for person in analysis.people:
        _gender_from_descriptions(person, descriptions[person.id].facts())
    _pronoun_descriptions(analysis, descriptions)
    origins: dict[int, _FactSet] = defaultdict(_FactSet)
    _origins(analysis, origins)
    for group_id, described in descriptions.items():
        for fact in described.facts():
            for word in _WORD_RE.findall(fact.text):
                if word.lower() in NATIONALITIES and word[0].isupper():
                    origins[group_id].add(fact.passage, 0, word)
    lines: dict[int, _FactSet] = defaultdict(_FactSet)
    spoken_in = _lines(analysis, lines)
    meets = _meets(analysis, spoken_in)
    characters: list[tuple[float, Character]] = []
    for person in analysis.people:
        origin_facts = origins[person.id].facts()
        character = Character(
            name=_display_name(person),
            aliases=_aliases(person),
            mentions=len(person.mentions),
            first_passage=person.first.passage,
            role=SUPPORTING,
            descriptions=descriptions[person.id].facts(),
            origins=origin_facts,
            lines=lines[person.id].facts(),
            meets=tuple(meets.get(person.id, ())),
            places=_places_of(analysis, person, spoken_in[person.id], origin_facts),
        )
        paragraphs_present = len({m.passage for m in person.mentions})
        characters.append((_centrality(character, paragraphs_present, len(passages)), character))
    return Cast(characters=_rank(characters), places=_place_list(analysis))


def _rank(scored: list[tuple[float, Character]]) -> tuple[Character, ...]:
    if not scored:
        return ()
    ordered = sorted(scored, key=lambda s: (-s[0], s[1].first_passage, s[1].name))
    protagonist = ordered[0][1]
    others = sorted(
        (c for _, c in ordered[1:]), key=lambda c: (-c.mentions, c.first_passage, c.name)
    )
    return (replace(protagonist, role=PROTAGONIST), *others)


def _place_list(analysis: _Analysis) -> tuple[Place, ...]:
    places = [
        (p.mentions[0].passage, p.mentions[0].start, p)
        for p in analysis.places.values()
        if p.mentions
    ]
    return tuple(
        Place(p.name, p.kind, len(p.mentions), passage)
        for passage, _, p in sorted(places, key=lambda item: (item[0], item[1]))
    )


def place_in_sentence(name: str) -> str:
    """How a place reads inside a sentence: "the Eiffel Tower", "Paris", "the Seine"."""
    words = name.split()
    if len(words) < 2 or words[0].lower() == "the":
        return name
    lowered = [w.lower() for w in words]
    head = lowered[lowered.index("of") - 1] if "of" in lowered[1:] else lowered[-1]
    return f"the {name}" if head in PLACE_HEADS else name


def is_nationality(word: str) -> bool:
    """ "Russian", "French", "Parisian": a nationality, language or demonym."""
    return word.lower() in NATIONALITIES


# --------------------------------------------------------------------------- arc
# Words that say how someone is, or has become: the sentences an arc is built from.
_STATE_WORDS = frozenset(
    "was were is felt feel feels been became become becomes realised realized longer".split()
)
# "him" is left out: "she had found him the job" is about her, not him.
_ARC_PRONOUN_RE = re.compile(r"\b(?:she|he|her|his)\b", re.IGNORECASE)
_MIN_ARC_WORDS = 4
_CLAUSE_SPLIT_RE = re.compile(r",\s+|;\s+|:\s+|\s+[–—-]\s+")
_LEADING_CONJUNCTION_RE = re.compile(r"^(?:and|but|yet|so|or)\s+", re.IGNORECASE)
_MAX_ARC_CLAUSE = 120


def character_arc(passages: Sequence[Passage], character: Character) -> tuple[Fact, ...]:
    """How the text first and last shows the character: (start, end) clauses, quoted as
    written, from the first and last narrative sentences about them that say how they are.

    Empty when the character is not found; one fact when only one sentence qualifies.
    """
    analysis = _analyse(readable_passages(passages))
    group = _group_for(analysis, character)
    if group is None:
        return ()
    clauses = [
        clause
        for paragraph in analysis.paragraphs.values()
        for clause in _state_clauses(analysis, paragraph, group)
    ]
    if not clauses:
        return ()
    first, last = clauses[0], clauses[-1]
    return (first,) if first == last else (first, last)


def _group_for(analysis: _Analysis, character: Character) -> _Group | None:
    names = set(character.aliases) | {character.name}
    for person in analysis.people:
        if _display_name(person) == character.name:
            return person
    for person in analysis.people:
        if names & {m.surface for m in person.mentions}:
            return person
    return None


def _state_clauses(analysis: _Analysis, paragraph: _Paragraph, group: _Group) -> list[Fact]:
    """One clause per narrative sentence that refers to the person and says how they are."""
    text = paragraph.text
    number = paragraph.passage.number
    bounds = [*paragraph.sentence_starts, len(text)]
    found: list[Fact] = []
    for start, end in itertools.pairwise(bounds):
        sentence = text[start:end]
        if paragraph.quoted(start) or any(q in sentence for q in '"“”«»'):
            continue  # dialogue says how others see them; the arc keeps to the narration
        references = _reference_spans(analysis, paragraph, group, start, end)
        if not references:
            continue
        clause = _best_clause(sentence, start, references)
        if clause is not None:
            found.append(Fact(clause, number))
    return found


def _reference_spans(
    analysis: _Analysis, paragraph: _Paragraph, group: _Group, start: int, end: int
) -> list[int]:
    """Offsets in the sentence where it names the person or uses a pronoun for them."""
    positions = [
        m.start
        for m in analysis.person_mentions(paragraph.passage.number)
        if m.group == group.id and start <= m.start < end and not m.possessive
    ]
    for match in _ARC_PRONOUN_RE.finditer(paragraph.text, start, end):
        resolved = _resolve_pronoun(
            analysis, paragraph.passage.number, match.start(), match.group()
        )
        if resolved is not None and resolved.id == group.id:
            positions.append(match.start())
    return positions


def _best_clause(sentence: str, offset: int, references: list[int]) -> str | None:
    """The sentence's clause that both refers to the person and states something; failing
    that, one that refers to them, if the sentence states something at all."""
    pieces: list[tuple[int, str]] = []
    position = 0
    for part in _CLAUSE_SPLIT_RE.split(sentence):
        start = sentence.find(part, position)
        position = start + len(part)
        pieces.append((offset + start, part))
    states = [_STATE_WORDS.intersection(w.lower() for w in _WORD_RE.findall(p)) for _, p in pieces]
    if not any(states):
        return None
    refers = [any(s <= r < s + len(p) for r in references) for s, p in pieces]
    long_enough = [len(p.split()) >= _MIN_ARC_WORDS for _, p in pieces]
    ranked = [i for i in range(len(pieces)) if refers[i] and states[i] and long_enough[i]]
    ranked += [i for i in range(len(pieces)) if refers[i] and long_enough[i]]
    if not ranked:
        return None
    clause = _LEADING_CONJUNCTION_RE.sub("", pieces[ranked[0]][1].strip()).rstrip(".!?…,;")
    if len(clause) > _MAX_ARC_CLAUSE:
        clause = clause[:_MAX_ARC_CLAUSE].rsplit(" ", 1)[0] + "…"
    return clause
