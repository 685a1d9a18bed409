"""Scanning: capitalised phrases in each paragraph become mentions ("Dr. Amara Okafor",
"Gare de Lyon"), with where they start, whether they open a sentence or sit in a quote."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.core.characters.patterns import (
    ADJECTIVE_SUFFIXES,
    APPOSITION_PERSON_NOUNS,
    CLOSING_QUOTES,
    COMMON_ADJECTIVES,
    COORDINATED_NEXT_RE,
    COORDINATED_START_RE,
    JOINED_COMMA,
    NOT_ADJECTIVES,
    OPENING_QUOTES,
    PLAIN_WORD_RE,
    QUOTE_MARK_RE,
    SPEECH_AFTER_VERB_RE,
    WORD_RE,
)
from bot.core.lexicon import (
    CALENDAR_PREPOSITIONS,
    CONTINENTS,
    COUNTRIES,
    DAYS,
    FUNCTION_WORDS,
    GREETINGS,
    MONTHS,
    NAME_LIKE_FUNCTION_WORDS,
    NATIONALITIES,
    NEVER_PEOPLE,
    OF_HEADS,
    PARTICLES,
    PERSON_VERBS,
    PLACE_HEADS,
    PLACE_HYPHEN_PREFIXES,
    PLACE_PREFIXES,
    SENTENCE_ADVERBS,
    SPEECH_VERBS,
    TIME_WORDS,
    TITLE_SYNONYMS,
    TITLES,
)
from bot.core.models import Passage
from bot.core.sentences import is_abbreviation, sentence_ends


@dataclass(slots=True)
class Mention:
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
class Paragraph:
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
    if lowered in NOT_ADJECTIVES:
        return False
    return lowered in COMMON_ADJECTIVES or lowered.endswith(ADJECTIVE_SUFFIXES)


def _join_coordinated_adjectives(text: str) -> str:
    """ "a gentle, untidy man" -> "a gentle<J> untidy man": one noun phrase, not two."""
    if "," not in text:
        return text
    joined: list[int] = []
    for match in COORDINATED_START_RE.finditer(text):
        comma = match.end(1)
        word = match.group(1)
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


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Pairs of quotation marks; an unclosed one runs to the paragraph's end."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for mark in QUOTE_MARK_RE.finditer(text):
        char, index = mark.group(), mark.start()
        if opened is None and (char in OPENING_QUOTES or char == '"'):
            opened = index
        elif opened is not None and (char in CLOSING_QUOTES or char == '"'):
            spans.append((opened, index))
            opened = None
    if opened is not None:
        spans.append((opened, len(text)))
    return spans


def paragraph_sentence_starts(text: str, quotes: list[tuple[int, int]]) -> list[int]:
    starts = {0, *sentence_ends(text)}
    # A quotation starts a sentence of its own: "Bonjour!" is not a name.
    starts.update(open_ + 1 for open_, _ in quotes)
    return sorted(starts)


def _starts_sentence(paragraph: Paragraph, position: int) -> bool:
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


def is_place_prefix(word: str) -> bool:
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
        or lowered in NEVER_PEOPLE
        or lowered in SENTENCE_ADVERBS
    )


@dataclass(slots=True)
class Vocabulary:
    """Words as the whole story uses them, for telling names from ordinary words."""

    lower: set[str] = field(default_factory=set)  # seen in lower case
    mid_sentence_capitals: set[str] = field(default_factory=set)
    # Listed words the text uses as names: "a woman named May", ""...," Will said".
    licensed: set[str] = field(default_factory=set)

    def never_a_name(self, word: str) -> bool:
        return word not in self.licensed and _never_a_name(word)


def build_vocabulary(paragraphs: Sequence[Paragraph]) -> Vocabulary:
    vocabulary = Vocabulary()
    for paragraph in paragraphs:
        for match in WORD_RE.finditer(paragraph.text):
            word = match.group()
            if word[0].islower():
                vocabulary.lower.add(word)
            elif not _starts_sentence(paragraph, match.start()):
                name = _strip_possessive(word)[0]
                vocabulary.mid_sentence_capitals.add(name)
                if _never_a_name(name) and _used_as_a_name(paragraph.text, match, name):
                    vocabulary.licensed.add(name)
    return vocabulary


_PERSON_APPOSITION_RE = re.compile(
    r",\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,2}?(?:"
    + "|".join(sorted(APPOSITION_PERSON_NOUNS))
    + r")\b"
)


def _used_as_a_name(text: str, match: re.Match[str], word: str) -> bool:
    """A listed word capitalised mid-sentence and named, or speaking, is a name here:
    "a woman named May", ""...," Will said", ""...," said Will." (not "the French said")."""
    if not _is_capitalised(word):
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


def _is_sentence_opener(word: str, vocabulary: Vocabulary) -> bool:
    """A sentence-initial word that is an ordinary word: "Determined", "Slowly"."""
    if word in vocabulary.licensed:
        return False
    if _never_a_name(word) or word.lower() in vocabulary.lower:
        return True
    looks_inflected = word.lower().endswith(("ly", "ed", "ing"))
    return looks_inflected and word not in vocabulary.mid_sentence_capitals


def _phrase_spans(text: str) -> list[list[re.Match[str]]]:
    """Runs of capitalised words joined by single spaces, particles, or "Mr. "."""
    tokens = list(WORD_RE.finditer(text))
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
            # "Mr. Okafor", "Ralph D. Spencer", "St. Louis": a full stop inside a name.
            word_before = previous.group()
            inside_name = (
                _title_key(word_before) is not None
                or (len(word_before) == 1 and word_before.isupper() and len(phrase) > 1)
                or word_before.lower() in ("st", "mt", "ste")
            )
            dotted = gap == ". " and inside_name
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


def mentions_in(paragraph: Paragraph, vocabulary: Vocabulary) -> list[Mention]:
    mentions: list[Mention] = []
    text = paragraph.text
    for phrase in _phrase_spans(text):
        for part in _split_phrase(phrase, paragraph, vocabulary):
            mention = _mention_from(part, paragraph)
            if mention is not None:
                mentions.append(mention)
    mentions.extend(_couples(paragraph))
    mentions.sort(key=lambda m: m.start)
    return mentions


# "Mr. and Mrs. White": the first title is a person too, with the name that follows.
_COUPLE_RE = re.compile(
    r"\b(?P<title>[A-Z][a-z]{1,11})\.?\s+and\s+[A-Z][a-z]{1,11}\.?\s+"
    r"(?P<name>[A-Z][\w'’-]+)"
)


def _couples(paragraph: Paragraph) -> list[Mention]:
    found: list[Mention] = []
    if " and " not in paragraph.text:
        return found
    for match in _COUPLE_RE.finditer(paragraph.text):
        title = _title_key(match["title"])
        second = _title_key(match.group().split()[2])
        name, possessive = _strip_possessive(match["name"])
        if title is None or second is None or _title_key(name) is not None:
            continue
        start = match.start()
        found.append(
            Mention(
                passage=paragraph.passage.number,
                start=start,
                end=match.end("title"),
                after=match.end("title"),
                words=(name,),
                title=title,
                surface=f"{match['title']}. {name}",
                possessive=possessive,
                initial=_starts_sentence(paragraph, start),
                quoted=paragraph.quoted(start),
            )
        )
    return found


def _split_phrase(
    phrase: list[re.Match[str]], paragraph: Paragraph, vocabulary: Vocabulary
) -> list[list[re.Match[str]]]:
    """Drop ordinary words from a phrase's edges; split it at words that are never names."""
    words = [_strip_possessive(t.group())[0] for t in phrase]
    if _place_kind_of_phrase(words) is not None and not _never_a_name(words[0]):
        return [phrase]
    first = phrase[0]
    if (
        len(phrase) > 1
        and _starts_sentence(paragraph, first.start())
        and not is_place_prefix(first.group())
        and _is_sentence_opener(words[0], vocabulary)
    ):
        phrase = phrase[1:]
    parts: list[list[re.Match[str]]] = [[]]
    after_split = False
    for token in phrase:
        word = _strip_possessive(token.group())[0]
        if vocabulary.never_a_name(word) or (after_split and word.lower() in TIME_WORDS):
            # "Christmas Day Anna": the holiday and its "Day" both go.
            parts.append([])
            after_split = True
        else:
            after_split = False
            parts[-1].append(token)
    return [
        p
        for p in parts
        if p
        and _is_capitalised(p[0].group())
        and (len(p) > 1 or not _licensed_word_used_otherwise(p[0], paragraph, vocabulary))
    ]


def _licensed_word_used_otherwise(
    token: re.Match[str], paragraph: Paragraph, vocabulary: Vocabulary
) -> bool:
    """Where a name that is also a listed word is the word: "May I?", "in May"."""
    word = _strip_possessive(token.group())[0]
    if word not in vocabulary.licensed:
        return False
    text = paragraph.text
    if _starts_sentence(paragraph, token.start()):
        verb = SPEECH_AFTER_VERB_RE.match(text[token.end() : token.end() + 30])
        return not (verb and verb.group(1).lower() in PERSON_VERBS)
    previous = previous_words(text[max(0, token.start() - 20) : token.start()], 1)
    calendar = word.lower() in MONTHS or word.lower() in DAYS
    return calendar and bool(previous) and previous[0] in CALENDAR_PREPOSITIONS


def _mention_from(tokens: list[re.Match[str]], paragraph: Paragraph) -> Mention | None:
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
    return Mention(
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


def previous_words(before: str, limit: int = 3) -> list[str]:
    """The lower-cased words right before a name, up to any punctuation: ["along", "the"]."""
    if not before or not before[-1].isspace():
        return []
    words: list[str] = []
    for token in reversed(before.split()[-limit:]):
        if not PLAIN_WORD_RE.fullmatch(token):
            break
        words.append(token.lower())
    words.reverse()
    return words
