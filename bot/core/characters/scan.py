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
    JOINED_COMMA,
    NOT_ADJECTIVES,
    OPENING_QUOTES,
    PLAIN_WORD_RE,
    PRONOUN_RE,
    QUOTE_MARK_RE,
    SPEECH_AFTER_VERB_RE,
    coordinated_starts,
)
from bot.core.characters.phrases import (
    NEVER_NAMES,
    PLACE_WORDS,
    is_capitalised,
    is_place_prefix,
    never_a_name,
    phrase_spans,
    place_kind_of_phrase,
    strip_possessive,
    title_key,
)
from bot.core.characters.tokens import LowerCaseWords, capitalised_words
from bot.core.lexicon import (
    CALENDAR_PREPOSITIONS,
    DAYS,
    FUNCTION_WORDS,
    GREETINGS,
    MONTHS,
    NAME_LIKE_FUNCTION_WORDS,
    NATIONALITIES,
    PERSON_VERBS,
    PLACE_HYPHEN_PREFIXES,
    SPEECH_VERBS,
    TIME_WORDS,
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
        # The words whose first letter is upper-case, as WORD_RE would split them.
        self.capitals = capitalised_words(passage.text)
        # The text with the commas between coordinated adjectives ("a gentle, untidy
        # man") swapped for a placeholder of the same length, so descriptions read past
        # them.
        self.np_text = _join_coordinated_adjectives(passage.text)
        self._sentence_starts: list[int] | None = None
        self._opens_sentence: dict[int, bool] = {}  # _starts_sentence, asked once each
        self._pronouns: list[re.Match[str]] | None = None  # PRONOUN_RE's, when first asked
        self._pronoun_starts: list[int] = []

    @property
    def sentence_starts(self) -> list[int]:
        if self._sentence_starts is None:
            self._sentence_starts = paragraph_sentence_starts(self.passage.text, self.quotes)
        return self._sentence_starts

    def pronouns(self, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
        """What PRONOUN_RE.finditer(text, start, end) finds, from one scan of the paragraph:
        its matches inside the range, and one the range's end cuts out of a longer word
        ("she" of "shelter"), which only a scan that stops there finds."""
        if self._pronouns is None:
            self._pronouns = list(PRONOUN_RE.finditer(self.text))
            self._pronoun_starts = [m.start() for m in self._pronouns]
        size = len(self.text)
        end = size if end is None or end > size else end
        found = bisect.bisect_left(self._pronoun_starts, start)
        inside = bisect.bisect_left(self._pronoun_starts, end, found)
        matches = self._pronouns[found:inside]
        if matches and matches[-1].end() > end:
            matches.pop()  # runs past the end: the scan that stops there reads it cut short
        if end < size:
            # A pronoun is 2-3 letters: a cut one starts at most 3 before the end.
            cut = PRONOUN_RE.search(self.text, max(start, end - 3), end)
            if cut is not None and cut.end() == end and not (matches and matches[-1].end() == end):
                matches.append(cut)
        return matches

    def quoted(self, position: int) -> bool:
        index = bisect.bisect_left(self.quote_opens, position) - 1
        return index >= 0 and position < self.quotes[index][1]

    def opens_sentence(self, position: int) -> bool:
        """Whether a word at `position` opens a sentence (or a quotation); each position is
        read once, though the vocabulary, the mentions and the evidence all ask."""
        known = self._opens_sentence.get(position)
        if known is None:
            known = self._opens_sentence[position] = _read_sentence_start(self, position)
        return known

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
    return paragraph.opens_sentence(position)


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
    return text[index] == "." and not is_abbreviation(text, index)


@dataclass(slots=True)
class Vocabulary:
    """Words as the whole story uses them, for telling names from ordinary words."""

    lower: LowerCaseWords  # "is this word seen in lower case?"
    mid_sentence_capitals: set[str] = field(default_factory=set)
    # Listed words the text uses as names: "a woman named May", ""...," Will said".
    licensed: set[str] = field(default_factory=set)

    def never_a_name(self, word: str) -> bool:
        return word not in self.licensed and never_a_name(word)


def build_vocabulary(paragraphs: Sequence[Paragraph]) -> Vocabulary:
    vocabulary = Vocabulary(LowerCaseWords("\n".join(p.text for p in paragraphs)))
    # Every capitalised word of the story passes here: strip_possessive and never_a_name
    # are spelled out inline.
    mid_sentence = vocabulary.mid_sentence_capitals
    for paragraph in paragraphs:
        opens_sentence = paragraph.opens_sentence
        for match in paragraph.capitals:
            if not opens_sentence(match.start()):
                name = match.group()
                if len(name) > 3 and name.endswith(("'s", "’s")):
                    name = name[:-2]
                mid_sentence.add(name)
                if name.lower() in NEVER_NAMES and _used_as_a_name(paragraph.text, match, name):
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


def _is_sentence_opener(word: str, vocabulary: Vocabulary) -> bool:
    """A sentence-initial word that is an ordinary word: "Determined", "Slowly"."""
    if word in vocabulary.licensed:
        return False
    if never_a_name(word) or word.lower() in vocabulary.lower:
        return True
    looks_inflected = word.lower().endswith(("ly", "ed", "ing"))
    return looks_inflected and word not in vocabulary.mid_sentence_capitals


def mentions_in(paragraph: Paragraph, vocabulary: Vocabulary) -> list[Mention]:
    mentions: list[Mention] = []
    for phrase in phrase_spans(paragraph.text, paragraph.capitals):
        if len(phrase) == 1:  # most are: "She", "The", "Anna"
            mention = _single_word_mention(phrase[0], paragraph, vocabulary)
            if mention is not None:
                mentions.append(mention)
            continue
        for part in _split_phrase(phrase, paragraph, vocabulary):
            mention = _mention_from(part, paragraph)
            if mention is not None:
                mentions.append(mention)
    mentions.extend(_couples(paragraph))
    mentions.sort(key=lambda m: m.start)
    return mentions


# "Mr. and Mrs. White": the first title is a person too, with the name that follows.
# (The capital comes first and the word boundary after it, so the engine skips ahead to
# capitals in C; the same matches as r"\b[A-Z]...".)
_COUPLE_RE = re.compile(
    r"(?P<title>[A-Z](?<!\w.)[a-z]{1,11})\.?\s+and\s+[A-Z][a-z]{1,11}\.?\s+"
    r"(?P<name>[A-Z][\w'’-]+)"
)


# What every couple has in the middle, searched from its literal "and" first: cheap.
_AND_TITLE_RE = re.compile(r"and\s+[A-Z][a-z]{1,11}\.?\s+[A-Z]")


def _couples(paragraph: Paragraph) -> list[Mention]:
    found: list[Mention] = []
    if " and " not in paragraph.text or not _AND_TITLE_RE.search(paragraph.text):
        return found
    for match in _COUPLE_RE.finditer(paragraph.text):
        title = title_key(match["title"])
        second = title_key(match.group().split()[2])
        name, possessive = strip_possessive(match["name"])
        if title is None or second is None or title_key(name) is not None:
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


def _single_word_mention(
    token: re.Match[str], paragraph: Paragraph, vocabulary: Vocabulary
) -> Mention | None:
    """_split_phrase then _mention_from for a one-word phrase, without the lists."""
    word = token.group()
    possessive = word.endswith(("'s", "’s")) and len(word) > 3
    name = word[:-2] if possessive else word
    lowered = name.lower()
    never = lowered in NEVER_NAMES
    placeish = lowered in PLACE_WORDS or lowered.startswith(PLACE_HYPHEN_PREFIXES)
    if never or not placeish:
        licensed = name in vocabulary.licensed
        if never and not licensed:
            return None
        if licensed and _licensed_word_used_otherwise(token, paragraph, vocabulary):
            return None
    if title_key(name) is not None:
        return None  # "Madame!" alone is a form of address
    start = token.start()
    end = token.end() - (2 if possessive else 0)
    return Mention(
        passage=paragraph.passage.number,
        start=start,
        end=end,
        after=token.end(),
        words=(name,),
        title=None,
        surface=paragraph.passage.text[start:end],
        possessive=possessive,
        initial=_starts_sentence(paragraph, start),
        quoted=paragraph.quoted(start),
        place_kind=place_kind_of_phrase((name,)) if placeish else None,
    )


def _split_phrase(
    phrase: list[re.Match[str]], paragraph: Paragraph, vocabulary: Vocabulary
) -> list[list[re.Match[str]]]:
    """Drop ordinary words from a phrase's edges; split it at words that are never names."""
    words = [strip_possessive(t.group())[0] for t in phrase]
    if place_kind_of_phrase(words) is not None and not never_a_name(words[0]):
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
        word = strip_possessive(token.group())[0]
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
        and is_capitalised(p[0].group())
        and (len(p) > 1 or not _licensed_word_used_otherwise(p[0], paragraph, vocabulary))
    ]


def _licensed_word_used_otherwise(
    token: re.Match[str], paragraph: Paragraph, vocabulary: Vocabulary
) -> bool:
    """Where a name that is also a listed word is the word: "May I?", "in May"."""
    word = strip_possessive(token.group())[0]
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
    last, possessive = strip_possessive(words[-1])
    words[-1] = last
    end = tokens[-1].end() - (2 if possessive else 0)
    title = title_key(words[0])
    if title is not None:
        words = words[1:]
        if not words or any(title_key(w) for w in words):
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
        place_kind=None if title else place_kind_of_phrase(words),
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
