"""Scanning: capitalised phrases in each paragraph become mentions ("Dr. Amara Okafor",
"Gare de Lyon"), with where they start, whether they open a sentence or sit in a quote."""

from __future__ import annotations

import re
from typing import Final

from bot.core.characters.paragraph import Paragraph, previous_words
from bot.core.characters.patterns import (
    SPEECH_AFTER_VERB_RE,
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
from bot.core.characters.tokens import Word, space_at
from bot.core.characters.vocabulary import (
    Vocabulary,
    _PartReading,
    _WordReading,
    build_vocabulary,
)
from bot.core.lexicon import (
    CALENDAR_PREPOSITIONS,
    DAYS,
    MONTHS,
    PERSON_VERBS,
    PLACE_HYPHEN_PREFIXES,
    TIME_WORDS,
    TITLES,
)

# The vocabulary is built in vocabulary.py; the mentions are read with it here.
__all__ = ["Mention", "Vocabulary", "build_vocabulary", "mentions_in"]


class Mention:
    """One occurrence of a capitalised phrase in a paragraph.

    A plain class, not a dataclass: compiled by mypyc, a dataclass keeps the __init__ the
    dataclasses module writes in Python, and calling it cost more than the rest of
    making a mention."""

    __slots__ = (
        "after",
        "end",
        "group",
        "initial",
        "passage",
        "place_kind",
        "possessive",
        "quoted",
        "start",
        "surface",
        "title",
        "words",
    )

    def __init__(
        self,
        passage: int,
        start: int,  # offset of the phrase (title included) in the paragraph
        end: int,  # end of the name, before any possessive 's
        after: int,  # end of the occurrence, possessive included
        words: tuple[str, ...],  # the name's words, title excluded
        title: str | None,  # normalised title ("mr", "dr") or None
        surface: str,  # as written, possessive excluded: "Dr. Amara Okafor"
        possessive: bool,
        initial: bool,  # starts a sentence (or a quotation)
        quoted: bool,  # inside quotation marks
        place_kind: str | None = None,  # set when the phrase's own words make it a place
        group: int = -1,
    ) -> None:
        self.passage = passage
        self.start = start
        self.end = end
        self.after = after
        self.words = words
        self.title = title
        self.surface = surface
        self.possessive = possessive
        self.initial = initial
        self.quoted = quoted
        self.place_kind = place_kind
        self.group = group

    def _fields(self) -> tuple[object, ...]:
        return (
            self.passage,
            self.start,
            self.end,
            self.after,
            self.words,
            self.title,
            self.surface,
            self.possessive,
            self.initial,
            self.quoted,
            self.place_kind,
            self.group,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mention):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable (group is set later), as before

    def __repr__(self) -> str:
        return f"Mention{self._fields()!r}"


def _is_sentence_opener(word: str, vocabulary: Vocabulary) -> bool:
    """A sentence-initial word that is an ordinary word: "Determined", "Slowly". Never a
    title before a name ("Madame Duval stopped.", in a story whose talk says "madame")."""
    if word in vocabulary.licensed or title_key(word) is not None:
        return False
    if never_a_name(word) or word.lower() in vocabulary.lower:
        return True
    looks_inflected = word.lower().endswith(("ly", "ed", "ing"))
    return looks_inflected and word not in vocabulary.mid_sentence_inflected


def mentions_in(paragraph: Paragraph, vocabulary: Vocabulary) -> list[Mention]:
    mentions: list[Mention] = []
    number = paragraph.passage.number
    text = paragraph.text
    readings = vocabulary.words
    for phrase in phrase_spans(text, paragraph.capitals):
        if len(phrase) == 1:  # most are: "She", "The", "Anna"
            # _split_phrase then _mention_from for a one-word phrase, without the lists:
            # what a word says by itself is worked out once per story (_single_word).
            token = phrase[0]
            word = token.group()
            known = readings.get(word, _UNSEEN)
            if known is _UNSEEN:
                known = readings[word] = _single_word(word, vocabulary)
            if known is None:
                continue
            words, possessive, licensed, place_kind = known
            if licensed and _licensed_word_used_otherwise(token, paragraph, vocabulary):
                continue
            start = token.start()
            after = token.end()
            end = after - 2 if possessive else after
            mentions.append(
                Mention(
                    number,
                    start,
                    end,
                    after,
                    words,
                    None,
                    text[start:end],
                    possessive,
                    paragraph.opens_sentence(start),
                    paragraph.quoted(start),
                    place_kind,
                )
            )
            continue
        # A phrase of several words: how it splits and what each part names are read
        # once per story for each spelling and sentence position ("Valérie Ivanov"
        # recurs); only where each part stands is read here.
        texts = tuple(token.group() for token in phrase)
        key = (texts, paragraph.opens_sentence(phrase[0].start()))
        plan = vocabulary.phrases.get(key)
        if plan is None:
            plan = vocabulary.phrases[key] = [
                (first, last, _part_reading(texts[first:last]))
                for first, last in _phrase_parts(texts, key[1], vocabulary)
            ]
        for first, last, reading in plan:
            if last - first == 1 and _licensed_word_used_otherwise(
                phrase[first], paragraph, vocabulary
            ):
                continue
            if reading is not None:
                mentions.append(_placed(reading, phrase[first:last], paragraph))
    couples = _couples(paragraph)
    _wife_under_his_name(mentions, couples)
    if couples:
        # "M." read alone before the couple was seen: the couple's title, no one's name.
        titles = {couple.start for couple in couples}
        mentions = [m for m in mentions if not (m.start in titles and m.surface == "M")]
    mentions.extend(couples)
    mentions.sort(key=lambda m: m.start)
    return mentions


# "Mr. and Mrs. White": the first title is a person too, with the name that follows.
# (The capital comes first and the word boundary after it, so the engine skips ahead to
# capitals in C; the same matches as r"\b[A-Z]...".)
# "Mr. and Mrs. Arthur Penhallow": he is Arthur Penhallow; she, by the custom of the
# day, is Mrs. Penhallow under her husband's name.
_COUPLE_RE: Final = re.compile(
    r"(?P<title>[A-Z](?<!\w.)(?:[a-z]{1,11}|(?=\.)))\.?\s+and\s+(?P<second>[A-Z][a-z]{1,11})\.?\s+"
    r"(?P<name>[A-Z][\w'’-]+)(?:\s+(?P<surname>[A-Z][\w'’-]+))?"
)


# What every couple has in the middle, searched from its literal "and" first: cheap.
_AND_TITLE_RE: Final = re.compile(r"and\s+[A-Z][a-z]{1,11}\.?\s+[A-Z]")


def _has_and_title(text: str) -> bool:
    """Whether _AND_TITLE_RE finds a match: each "and" str.find reaches is read on by
    character codes (the pattern's search stepped through the paragraph in the engine)."""
    size = len(text)
    index = text.find("and")
    while index >= 0:
        # \s+[A-Z][a-z]{1,11}\.?\s+[A-Z]: the run of a-z is whole, or [A-Z] cannot follow.
        at = index + 3
        while at < size and space_at(text, at):
            at += 1
        if at > index + 3 and at < size and 65 <= ord(text[at]) <= 90:
            run = at + 1
            while run < size and 97 <= ord(text[run]) <= 122:
                run += 1
            if 1 <= run - at - 1 <= 11:
                if run < size and text[run] == ".":
                    run += 1
                spaces = run
                while spaces < size and space_at(text, spaces):
                    spaces += 1
                if spaces > run and spaces < size and 65 <= ord(text[spaces]) <= 90:
                    return True
        index = text.find("and", index + 1)
    return False


def _couples(paragraph: Paragraph) -> list[Mention]:
    found: list[Mention] = []
    if " and " not in paragraph.text or not _has_and_title(paragraph.text):
        return found
    for match in _COUPLE_RE.finditer(paragraph.text):
        # "M. and Madame Loisel": M. is Monsieur only as the first of a couple; alone it
        # may be anyone's initial ("J. M. Barrie").
        title = "monsieur" if match["title"] == "M" else title_key(match["title"])
        second = title_key(match["second"])
        name, possessive = strip_possessive(match["name"])
        if title is None or second is None or title_key(name) is not None:
            continue
        words: tuple[str, ...] = (name,)
        if match["surname"] and not possessive and TITLES.get(title) == "m":
            surname, possessive = strip_possessive(match["surname"])
            if not never_a_name(surname):
                words = (name, surname)
        start = match.start()
        found.append(
            Mention(
                passage=paragraph.passage.number,
                start=start,
                end=match.end("title"),
                after=match.end("title"),
                words=words,
                title=title,
                surface=f"{match['title']}. {' '.join(words)}",
                possessive=possessive,
                initial=paragraph.opens_sentence(start),
                quoted=paragraph.quoted(start),
            )
        )
    return found


def _wife_under_his_name(mentions: list[Mention], couples: list[Mention]) -> None:
    """ "Mrs. Arthur Penhallow" beside "Mr. and": her mention is Mrs. Penhallow."""
    for husband in couples:
        if len(husband.words) < 2:
            continue
        for mention in mentions:
            if mention.start > husband.start and mention.words == husband.words:
                mention.words = husband.words[-1:]
                mention.surface = f"{mention.surface.split()[0]} {husband.words[-1]}"
                break


_UNSEEN: Final[_WordReading] = (("",), False, False, None)


def _single_word(word: str, vocabulary: Vocabulary) -> _WordReading:
    possessive = word.endswith(("'s", "’s")) and len(word) > 3
    name = word[:-2] if possessive else word
    lowered = name.lower()
    never = lowered in NEVER_NAMES
    placeish = lowered in PLACE_WORDS or lowered.startswith(PLACE_HYPHEN_PREFIXES)
    licensed = False
    if never or not placeish:
        licensed = name in vocabulary.licensed
        if never and not licensed:
            return None
    if title_key(name) is not None:
        return None  # "Madame!" alone is a form of address
    return (name,), possessive, licensed, place_kind_of_phrase((name,)) if placeish else None


def _phrase_parts(
    texts: tuple[str, ...], opens_sentence: bool, vocabulary: Vocabulary
) -> list[tuple[int, int]]:
    """Which words of a phrase are names, as (first, last) ranges: ordinary words dropped
    from its start, the phrase split at words that are never names. Read from the words
    alone and whether the phrase opens a sentence (see mentions_in)."""
    words = [strip_possessive(text)[0] for text in texts]
    if place_kind_of_phrase(words) is not None and not never_a_name(words[0]):
        return [(0, len(texts))]
    begin = 0
    if (
        len(texts) > 1
        and opens_sentence
        and not is_place_prefix(texts[0])
        and _is_sentence_opener(words[0], vocabulary)
    ):
        begin = 1
    parts: list[tuple[int, int]] = []
    after_split = False
    for index in range(begin, len(texts)):
        word = words[index]
        if vocabulary.never_a_name(word) or (after_split and word.lower() in TIME_WORDS):
            # "Christmas Day Anna": the holiday and its "Day" both go.
            parts.append((begin, index))
            begin = index + 1
            after_split = True
        else:
            after_split = False
    parts.append((begin, len(texts)))
    return [(first, last) for first, last in parts if last > first and is_capitalised(texts[first])]


def _part_reading(texts: tuple[str, ...]) -> _PartReading | None:
    words = list(texts)
    words[-1], possessive = strip_possessive(words[-1])
    title = title_key(words[0])
    if title is not None:
        words = words[1:]
        if not words or any(title_key(w) for w in words):
            return None  # "Madame!" alone is a form of address; "Dr. Dr." is noise
    return tuple(words), title, possessive, None if title else place_kind_of_phrase(words)


def _placed(reading: _PartReading, tokens: list[Word], paragraph: Paragraph) -> Mention:
    words, title, possessive, place_kind = reading
    start = tokens[0].start()
    after = tokens[-1].end()
    end = after - 2 if possessive else after
    return Mention(
        passage=paragraph.passage.number,
        start=start,
        end=end,
        after=after,
        words=words,
        title=title,
        surface=paragraph.text[start:end],
        possessive=possessive,
        initial=paragraph.opens_sentence(start),
        quoted=paragraph.quoted(start),
        place_kind=place_kind,
    )


def _licensed_word_used_otherwise(
    token: Word, paragraph: Paragraph, vocabulary: Vocabulary
) -> bool:
    """Where a name that is also a listed word is the word: "May I?", "in May"."""
    word = strip_possessive(token.group())[0]
    if word not in vocabulary.licensed:
        return False
    text = paragraph.text
    if paragraph.opens_sentence(token.start()):
        verb = SPEECH_AFTER_VERB_RE.match(text[token.end() : token.end() + 30])
        return not (verb and verb.group(1).lower() in PERSON_VERBS)
    previous = previous_words(text[max(0, token.start() - 20) : token.start()], 1)
    calendar = word.lower() in MONTHS or word.lower() in DAYS
    return calendar and bool(previous) and previous[0] in CALENDAR_PREPOSITIONS
