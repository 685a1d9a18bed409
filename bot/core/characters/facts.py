"""Facts about each person, each with the paragraph it comes from: descriptions
("a brilliant mathematician"), origins, and the lines they speak."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from bot.core.cast import Fact
from bot.core.characters.aliases import Group
from bot.core.characters.analysis import (
    Analysis,
    resolve_pronoun,
)
from bot.core.characters.gender_cues import after_preposition
from bot.core.characters.paragraph import Paragraph, previous_words
from bot.core.characters.patterns import (
    APPOSITION_AFTER_RE,
    APPOSITION_PERSON_NOUNS,
    AS_A_PRONOUN_RE,
    AS_A_RE,
    CLAUSE_NP_BEFORE_RE,
    IS_A_RE,
    IS_A_WORDS,
    JOINED_COMMA,
    LABEL_BEFORE_RE,
    LIST_AFTER_RE,
    NAMED_RE,
    PRONOUN_IS_A_RE,
    SELF_NAMING_RE,
    SPEECH_AFTER_VERB_RE,
    SPEECH_END,
    UNNAMED_SPEAKER_RES,
    VAGUE_NP_SECOND_WORDS,
    WORD_RE,
    may_end_label,
    may_end_leave,
    next_word_may_be,
)
from bot.core.characters.scan import Mention
from bot.core.characters.tokens import matches_at
from bot.core.characters.unnamed_speakers import described_speaker, said_by
from bot.core.lexicon import (
    FEMALE_NOUNS,
    MALE_NOUNS,
    ORIGIN_NOUNS,
    SPEECH_VERBS,
    TIME_WORDS,
)
from bot.core.text import fold


class FactSet:
    """Facts found for one person, with their offsets so they can be put in text order.
    A plain class, not a dataclass: compiled, a dataclass keeps the __init__ the
    dataclasses module writes in Python."""

    __slots__ = ("found", "read")

    def __init__(self) -> None:
        self.found: list[tuple[int, int, str]] = []
        # What facts() last gave, until the next add: the cast asks for them more than once.
        self.read: tuple[Fact, ...] | None = None

    def add(self, passage: int, position: int, text: str) -> None:
        cleaned = " ".join(text.replace(JOINED_COMMA, ",").split()).strip(" ,")
        if cleaned:
            self.found.append((passage, position, cleaned))
            self.read = None

    def facts(self) -> tuple[Fact, ...]:
        if self.read is None:
            self.read = self._facts()
        return self.read

    def _facts(self) -> tuple[Fact, ...]:
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
    if len(words) > 1 and words[1].lower() in VAGUE_NP_SECOND_WORDS:
        return False
    if _BODY_PART_RE.match(phrase):
        return False  # "turned to Jimmy, her large eyes full of anguish": not who he is
    return words[-1].lower() not in TIME_WORDS and len(words) <= 10


# "her eyes …", "his hands trembling": an absolute phrase about someone's body, never
# what the person named before it is.
_BODY_PART_RE = re.compile(
    r"(?:his|her|their|its|my)\s+(?:[\w'’-]+\s+){0,2}?(?:eyes?|face|hands?|head|hair|voice|"
    r"lips|mouth|cheeks?|arms?|fingers?|feet|legs?|heart|shoulders?|brow|gaze|knees?)\b",
    re.IGNORECASE,
)


def descriptions_at(mention: Mention, text: str, found: FactSet) -> None:
    """Appositions and "As a ..., X" around one named mention."""
    before = text[max(0, mention.start - 160) : mention.start]
    after = text[mention.end : mention.end + 200]
    _descriptions_before(mention, before, after, found)
    if not mention.possessive:
        _descriptions_after(mention, before, after, found)


def _descriptions_before(mention: Mention, before: str, after: str, found: FactSet) -> None:
    """ "As a brilliant mathematician, X", "the owner, a woman named X", "the artist, X,"."""
    offset = mention.start - len(before)
    previous = previous_words(before, 1)
    after_comma = before.endswith(", ")
    if after_comma and (as_a := as_a_before_comma(before)):
        found.add(mention.passage, offset + as_a.start(1), as_a.group(1))
    if previous in (["named"], ["called"]) and (named := NAMED_RE.search(before)):
        found.add(mention.passage, offset + named.start(1), _lower_article(named.group(1)))
        chained = CLAUSE_NP_BEFORE_RE.search(before[: named.start(1)])
        if chained and _usable_np(chained.group(1)):
            found.add(mention.passage, offset + chained.start(1), _lower_article(chained.group(1)))
    elif after_comma and after.startswith(","):
        clause = CLAUSE_NP_BEFORE_RE.search(before)
        if clause and _usable_np(clause.group(1)):
            found.add(mention.passage, offset + clause.start(1), _lower_article(clause.group(1)))


# What AS_A_RE's noun phrase never holds: a match runs from its "as" to the final comma
# with none of these in between.
_NP_BREAKS = ',.;:!?"“”()–—'


def as_a_before_comma(before: str) -> re.Match[str] | None:
    """AS_A_RE.search(before), for a `before` ending with ", ": searched only from the
    last mark before that comma that a match cannot hold, and only when an "as" or "As"
    stands there (the pattern opens with a word boundary, so it is tried at every offset
    of the 160 characters before a name)."""
    end = len(before) - 2
    start = 0
    for mark in _NP_BREAKS:
        found = before.rfind(mark, 0, end)
        if found >= start:
            start = found + 1
    if before.find("as", start, end) < 0 and before.find("As", start, end) < 0:
        return None
    return AS_A_RE.search(before, start)


_LIST_COMMA_RE = re.compile(r",\s*")
_LEADING_AND_OR_RE = re.compile(r"^(?:and|or)\s+")


def _descriptions_after(mention: Mention, before: str, after: str, found: FactSet) -> None:
    """ "X, a Swiss photographer,", "she was X, artist, dreamer, and ...", "X was a painter"."""
    if after.startswith(","):
        appositive = APPOSITION_AFTER_RE.match(after)
        if appositive and _usable_np(appositive.group(1)):
            found.add(mention.passage, mention.end, appositive.group(1))
        listed = LIST_AFTER_RE.match(after)
        if listed and previous_words(before, 1) in (["was"], ["is"], ["became"], ["remained"]):
            for index, item in enumerate(_LIST_COMMA_RE.split(listed.group(1))):
                item = _LEADING_AND_OR_RE.sub("", item.strip())
                if item and item[0].islower() and len(item.split()) <= 8:
                    found.add(mention.passage, mention.end + index, item)
    elif (
        next_word_may_be(after, IS_A_WORDS)
        and (is_a := IS_A_RE.match(after))
        and _usable_np(is_a.group(1))
    ):
        found.add(mention.passage, mention.end, is_a.group(1))


def pronoun_descriptions(analysis: Analysis, found: dict[int, FactSet]) -> None:
    """ "As a Russian ballerina, she ..." and "she was a painter": for whom she is."""
    for number, paragraph in analysis.paragraphs.items():
        for pattern, np_group, pronoun_group in (
            (AS_A_PRONOUN_RE, 1, 2),
            (PRONOUN_IS_A_RE, 2, 1),
        ):
            if pattern is AS_A_PRONOUN_RE:
                if not _COMMA_SHE_HE_RE.search(paragraph.np_text):
                    continue  # its ", she" is rare: most paragraphs need no scan for "As a"
                matches: Iterable[re.Match[str]] = pattern.finditer(paragraph.np_text)
            else:
                matches = she_was_a_matches(paragraph)
            for match in matches:
                if paragraph.quoted(match.start()) or not _usable_np(match.group(np_group)):
                    continue
                person = resolve_pronoun(
                    analysis, number, match.start(pronoun_group), match.group(pronoun_group)
                )
                if person is not None:
                    found[person.id].add(number, match.start(np_group), match.group(np_group))


# The first letters of PRONOUN_IS_A_RE's verbs ("was", "is", "became", "had been", "has
# been") as re.IGNORECASE reads them ("İs", "ıs"). tests/core/test_cast_guards.py reads
# the verbs from the pattern itself, so a verb added there fails it until added here.
_BEING_INITIALS = "wWiIİıbBhH"


def _may_be_a_verb_of_being(text: str, end: int) -> bool:
    """Whether spaces follow a pronoun ending at `end`, then a letter one of
    PRONOUN_IS_A_RE's verbs can start with: where that pattern can match after it."""
    index = end
    while index < len(text) and text[index].isspace():
        index += 1
    return end < index < len(text) and text[index] in _BEING_INITIALS


def she_was_a_matches(paragraph: Paragraph) -> list[re.Match[str]]:
    """What PRONOUN_IS_A_RE.finditer(np_text) finds: "she was ..." starts where a pronoun
    does, so it is tried there only: at a "she" or "he" (the pronouns that end with an
    "e"; "her" reads as "he" to it, then wants a space), where one of its verbs may follow."""
    text = paragraph.np_text
    starts = [
        pronoun.start()
        for pronoun in paragraph.pronouns()
        if text[(end := pronoun.end()) - 1] in "eE" and _may_be_a_verb_of_being(text, end)
    ]
    return matches_at(PRONOUN_IS_A_RE, text, starts)


# What every AS_A_PRONOUN_RE match ends with, found from its literal comma.
_COMMA_SHE_HE_RE = re.compile(r",\s*(?:she|he)\b")


def gender_from_descriptions(group: Group, descriptions: Sequence[Fact]) -> None:
    if group.gender is not None:
        return
    nouns = {w.lower() for fact in descriptions for w in WORD_RE.findall(fact.text)}
    if nouns & FEMALE_NOUNS and not nouns & MALE_NOUNS:
        group.gender = "f"
    elif nouns & MALE_NOUNS and not nouns & FEMALE_NOUNS:
        group.gender = "m"


def _sentence_owner(analysis: Analysis, paragraph: Paragraph, start: int, end: int) -> Group | None:
    """Whom a sentence is about: the first person it names, else the first he/she/her."""
    for mention in analysis.person_mentions(paragraph.passage.number):
        if start <= mention.start < end and not mention.quoted:
            return analysis.groups[mention.group]
    for match in paragraph.pronouns(start, end):
        if not paragraph.quoted(match.start()):
            return resolve_pronoun(analysis, paragraph.passage.number, match.start(), match.group())
    return None


def find_origins(analysis: Analysis, found: dict[int, FactSet]) -> None:
    """Nationalities and home countries, from sentences about one person."""
    for number, paragraph in analysis.paragraphs.items():
        nationalities = analysis.nationalities.get(number, ())
        hits = _nationality_origins(paragraph, nationalities) + _place_origins(analysis, paragraph)
        owners: dict[int, Group | None] = {}
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


def _nationality_origins(
    paragraph: Paragraph, nationalities: Sequence[re.Match[str]]
) -> list[tuple[int, str]]:
    """ "Russian heritage", "Norwegian by birth", "a Swiss photographer", "was Irish":
    read at the paragraph's capitalised nationalities."""
    text = paragraph.text
    origins: list[tuple[int, str]] = []
    for match in nationalities:
        word = match.group()
        if paragraph.quoted(match.start()):
            continue
        following = [w.lower() for w in WORD_RE.findall(text[match.end() : match.end() + 40])]
        before = text[max(0, match.start() - 40) : match.start()]
        # "a Russian ballerina", not "a little Irish" (a language, said at the end) nor
        # "a Japanese napkin" (a thing's origin, not a person's).
        in_description = (
            bool(following)
            and following[0] in APPOSITION_PERSON_NOUNS
            and _ARTICLE_BEFORE_RE.search(before) is not None
        )
        by_birth = following[:2] == ["by", "birth"]
        said_to_be = previous_words(before, 1) in (["was"], ["is"])
        if ORIGIN_NOUNS.intersection(following[:2]) or in_description or by_birth or said_to_be:
            origins.append((match.start(), word))
    return origins


_ARTICLE_BEFORE_RE = re.compile(r"\ban?\s+(?:\w+\s+)?$")


def _place_origins(analysis: Analysis, paragraph: Paragraph) -> list[tuple[int, str]]:
    """ "born in Lyon", "grew up in Galway", "to leave Russia" (countries only)."""
    origins: list[tuple[int, str]] = []
    places = analysis.places_by_words
    for mention in analysis.by_passage.get(paragraph.passage.number, []):
        if mention.quoted or mention.possessive:
            continue
        words = mention.words
        if words not in places:
            places[words] = analysis.places.get(analysis.fold(" ".join(words)))
        place = places[words]
        if place is None:
            continue
        before = paragraph.text[max(0, mention.start - 40) : mention.start]
        if (_may_end_born_in(before) and ends_born_in(before)) or (
            place.kind == "country" and may_end_leave(before) and ends_leaving(before)
        ):
            origins.append((mention.start, place.name))
    return origins


# BORN_RE and LEAVE_RE end where the text before a name does ("born in ", "to leave her
# native "): spelled backwards and matched at the start of that text reversed, each is
# tried once, not at every offset of it. tests/core/test_cast_fast_scans.py holds each to
# the pattern it stands for.
_BORN_REVERSED_RE = re.compile(
    r"(?:\s+eht)?\s+(?:ni\s+(?:nrob|pu\s+(?:werg|nworg)|desiar)|fo\s+evitan|evitan"
    r"|morf\s+(?:emac|semoc|emoc|deliah|sliah|detargime|detargimmi|yllanigiro))\b",
    re.IGNORECASE,
)
_LEAVE_REVERSED_RE = re.compile(
    r"(?:\s+(?:evitan|emoh))?(?:\s+(?:reh|sih|rieht))?"
    r"\s+(?:evael|tfel|gnivael|delf|eelf|gnieelf|depacse|gnipacse)\b",
    re.IGNORECASE,
)


def ends_born_in(before: str) -> bool:
    """Whether BORN_RE.search(before) finds anything."""
    return _BORN_REVERSED_RE.match(before[::-1]) is not None


def ends_leaving(before: str) -> bool:
    """Whether LEAVE_RE.search(before) finds anything."""
    return _LEAVE_REVERSED_RE.match(before[::-1]) is not None


def _may_end_born_in(before: str) -> bool:
    """Whether `before` can end as BORN_RE wants ("born in ", "came from the "): a space,
    after a word that ends like "in", "of", "native", "from" or "the". Cheaper than the
    pattern, which opens with a word boundary and so is tried at every offset."""
    stripped = before.rstrip()
    return len(stripped) < len(before) and stripped[-1:] in "nNfFeEmM"


def _is_speech(paragraph: Paragraph, open_: int, close: int) -> bool:
    """Dialogue, not a sign or a title: "Atelier des Rêves" is read, not said."""
    content = paragraph.text[open_ + 1 : close].strip()
    before = paragraph.text[max(0, open_ - 30) : open_]
    if not content or (may_end_label(before) and LABEL_BEFORE_RE.search(before)):
        return False
    return content.endswith(SPEECH_END) or len(content.split()) >= 4


_GAP_RE = re.compile(r"[\s,]*")
_SAID_GAP_RE = re.compile(r"[\s,]*(\w+)\s+")
_PRONOUN_SAID_RE = re.compile(r"^[\s,]*(she|he)\s+(?:\w+ly\s+)?(\w+)", re.IGNORECASE)
_CLAUSE_END_RE = re.compile(r"[,:]\s*$")
_SENTENCE_MARK_RE = re.compile(r"[.!?\"“”]")


def _speaker_after(
    analysis: Analysis, paragraph: Paragraph, close: int, people: list[Mention]
) -> Group | None:
    """ "...," Sophie said / "...," said Sophie / "...," she whispered."""
    text = paragraph.text
    tail = text[close + 1 : close + 60]
    for mention in people:
        if mention.start <= close:
            continue
        if _GAP_RE.fullmatch(text, close + 1, mention.start):
            verb = SPEECH_AFTER_VERB_RE.match(text[mention.end : mention.end + 30])
            if verb and verb.group(1).lower() in SPEECH_VERBS:
                return analysis.groups[mention.group]
        said_before_name = _SAID_GAP_RE.fullmatch(text, close + 1, mention.start)
        if said_before_name and said_before_name.group(1).lower() in SPEECH_VERBS:
            return analysis.groups[mention.group]  # "...," said Sophie
    pronoun = _PRONOUN_SAID_RE.match(tail)
    if pronoun and pronoun.group(2).lower() in SPEECH_VERBS:
        at = close + 1 + pronoun.start(1)
        number = paragraph.passage.number
        described, person = described_speaker(analysis, number, at, pronoun.group(1))
        if described:
            return person  # "the busy doctor … he said": the doctor's, or no one's known
        return said_by(analysis, number, at, pronoun.group(1))
    return None


def _speaker_before(
    analysis: Analysis, paragraph: Paragraph, open_: int, people: list[Mention]
) -> Group | None:
    """Sophie said, "..." / Sophie said softly: "..." """
    text = paragraph.text
    for mention in reversed(people):
        if mention.end >= open_ or open_ - mention.end > 60:
            continue
        between = text[mention.end : open_]
        verb = SPEECH_AFTER_VERB_RE.match(between)
        said = verb is not None and verb.group(1).lower() in SPEECH_VERBS
        # The verb and the quote must be one clause: "Sophie said, "..."", no full stop between.
        if said and _CLAUSE_END_RE.search(between) and not _SENTENCE_MARK_RE.search(between):
            return analysis.groups[mention.group]
    return None


def _self_named(analysis: Analysis, paragraph: Paragraph, open_: int, close: int) -> Group | None:
    """ "I'm Léa Roux": the quote is Léa's."""
    for mention in analysis.person_mentions(paragraph.passage.number):
        if open_ < mention.start < close and not mention.possessive:
            before = paragraph.text[max(open_ + 1, mention.start - 12) : mention.start]
            if SELF_NAMING_RE.search(before):
                return analysis.groups[mention.group]
    return None


def _spoken_by_someone_unnamed(paragraph: Paragraph, close: int) -> bool:
    """ "...," called the fisherman's daughter / "...," a voice said: not a named person."""
    tail = paragraph.text[close + 1 : close + 60]
    for pattern in UNNAMED_SPEAKER_RES:
        match = pattern.match(tail)
        if match and match.group(1).lower() in SPEECH_VERBS:
            return True
    return False


def _said_by_a_described_person(analysis: Analysis, paragraph: Paragraph, close: int) -> bool:
    """ "...," he said, where the nearest man is "her father", whom the text never names."""
    pronoun = _PRONOUN_SAID_RE.match(paragraph.text[close + 1 : close + 60])
    if pronoun is None or pronoun.group(2).lower() not in SPEECH_VERBS:
        return False
    at = close + 1 + pronoun.start(1)
    number = paragraph.passage.number
    described, person = described_speaker(analysis, number, at, pronoun.group(1))
    return described and person is None


def _named_as_subject(paragraph: Paragraph, people: list[Mention]) -> bool:
    """Whether the narration names its one person somewhere other than after a
    preposition."""
    return any(not m.quoted and not after_preposition(paragraph.text, m.start) for m in people)


def attribute_lines(analysis: Analysis, found: dict[int, FactSet]) -> dict[int, set[int]]:
    """Attribute each quotation; returns the paragraphs each person speaks in."""
    spoken_in: dict[int, set[int]] = defaultdict(set)
    for number, paragraph in analysis.paragraphs.items():
        people = sorted(analysis.person_mentions(number), key=lambda m: m.start)
        narrators = {m.group for m in people if not m.quoted}
        # The one person the paragraph's narration names speaks its unattributed lines,
        # unless named only as someone written or spoken to, or from ("She wrote to
        # Madame Valmondé." / "My mother, they tell me…"; "not from Hélène").
        previous: Group | None = None
        for open_, close in paragraph.quotes:
            if not _is_speech(paragraph, open_, close):
                continue
            unquoted = [m for m in people if not m.quoted]
            after = _speaker_after(analysis, paragraph, close, unquoted)
            if after is None and (
                _spoken_by_someone_unnamed(paragraph, close)
                or _said_by_a_described_person(analysis, paragraph, close)
            ):
                previous = None
                continue
            speaker = (
                _self_named(analysis, paragraph, open_, close)
                or after
                or _speaker_before(analysis, paragraph, open_, unquoted)
                or previous
            )
            if speaker is None and len(narrators) == 1 and _named_as_subject(paragraph, people):
                speaker = analysis.groups[next(iter(narrators))]
            if speaker is None:
                continue
            previous = speaker
            spoken_in[speaker.id].add(number)
            found[speaker.id].add(number, open_, paragraph.text[open_ + 1 : close])
    return spoken_in
