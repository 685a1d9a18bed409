"""Evidence and classification: what the words around each mention say (a person's
verbs, a place's prepositions), and the verdict for each group: person, place or neither."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.core.characters.aliases import Group, gender_votes
from bot.core.characters.paragraph import Paragraph, previous_words
from bot.core.characters.patterns import (
    APPOSITION_AFTER_RE,
    APPOSITION_PERSON_NOUNS,
    CITY_NOUNS,
    CLAUSE_NP_BEFORE_RE,
    DISTRICT_AFTER_RE,
    DISTRICT_NOUNS,
    IS_A_RE,
    IS_A_WORDS,
    MOTION_VERBS,
    PERSON_OBJECT_VERBS,
    PERSON_PREP_VERBS,
    PLACE_NOUNS_BEFORE_NAMED,
    PLACE_VERBS,
    POSSESSIVE_DETERMINERS,
    RELATION_AFTER_RE,
    RELATION_NOUNS,
    RIVER_VERBS,
    SAYING_VERBS,
    SPEECH_AFTER_VERB_RE,
    STRONG_PLACE_PREPS,
    VERB_AFTER_APPOSITION_RE,
    WEAK_PLACE_PREPS,
    WHO_AFTER_RE,
    WORD_RE,
    next_word_may_be,
)
from bot.core.characters.phrases import is_place_prefix
from bot.core.characters.scan import Mention, Vocabulary
from bot.core.letters import SIGN_OFF_RE
from bot.core.lexicon import (
    DEMONYM_SUFFIXES,
    INSTITUTION_HEADS,
    NEVER_PEOPLE,
    OFFICES,
    PEOPLE_PLURALS,
    PERSON_NOUNS,
    PERSON_VERBS,
    PLACE_HEADS,
    SPEECH_VERBS,
)
from bot.core.text import fold


class _Evidence:
    """What a group's occurrences say, summed. A plain class, not a dataclass: compiled,
    a dataclass keeps the __init__ the dataclasses module writes in Python."""

    __slots__ = (
        "after_the",
        "city",
        "country",
        "district",
        "person",
        "place",
        "river",
        "strong_person",
        "with_the",
    )

    def __init__(self) -> None:
        self.person = 0.0
        self.place = 0.0
        self.strong_person = False  # a title, "named X", or a verb only people do
        self.city = 0
        self.country = 0
        self.district = 0
        self.river = 0
        self.with_the = 0
        self.after_the = 0  # place cue or not: "like the Arabian Nights" counts here


def _weigh(mention: Mention, text: str, evidence: _Evidence) -> None:
    """Add what one occurrence says about whether its name is a person or a place."""
    before = text[max(0, mention.start - 60) : mention.start]
    after = text[mention.after : mention.after + 80]
    previous = ["", "", "", *previous_words(before)]  # padded: previous[-3] always exists
    evidence.after_the += previous[-1] == "the"
    if mention.title is not None:
        evidence.person += 5
        evidence.strong_person = True
    _weigh_person_cues(mention, previous, before, after, evidence)
    if not mention.possessive and not _received(previous, before):
        _weigh_place_cues(previous, after, evidence)
    elif previous[-1] in ("at", "to") and _POSSESSIVE_PLACE_RE.match(after):
        evidence.place += 1  # "be at Sully's, for I must see you": his place, not him


def _weigh_person_cues(
    mention: Mention, previous: list[str], before: str, after: str, evidence: _Evidence
) -> None:
    if not mention.possessive:
        verb = SPEECH_AFTER_VERB_RE.match(after)
        if verb and verb.group(1).lower() in PERSON_VERBS:
            evidence.person += 2
            evidence.strong_person = True
        # "Anna Berg was a gentle, untidy woman"; the pattern only where "was" can follow.
        is_a = IS_A_RE.match(after) if next_word_may_be(after, IS_A_WORDS) else None
        if is_a and is_a.group(1).split()[-1].lower() in APPOSITION_PERSON_NOUNS:
            evidence.person += 2
            evidence.strong_person = True
    else:
        following = [w.lower() for w in WORD_RE.findall(after[:40])[:3]]
        evidence.person += 2 if PERSON_NOUNS.intersection(following) else 0.5
    last, second = previous[-1], previous[-2]
    if last in ("named", "called"):
        if second in PLACE_NOUNS_BEFORE_NAMED:
            evidence.place += 3
        else:
            evidence.person += 3
            evidence.strong_person = True
    if last in ("i'm", "i’m") or (second, last) in (("i", "am"), ("name", "is"), ("call", "me")):
        evidence.person += 3
        evidence.strong_person = True
    if _in_a_letter_heading(before, after):
        evidence.person += 3  # "My dear Clara," heads a letter; "Your sister, Margaret" signs it
        evidence.strong_person = True
    if after.startswith(",") and before.endswith(", ") and CLAUSE_NP_BEFORE_RE.search(before):
        evidence.person += 3  # apposition: "the artist, Sophie,"
    if last in SPEECH_VERBS or (last == "the" and second in SPEECH_VERBS):
        evidence.person += 2  # "...," said Sophie; "...," said the Colonel
    if mention.quoted and before.endswith(", ") and _CALLED_AFTER_RE.match(after):
        # Only in a line someone is said to speak: a song ("I said, Bertie, why do you
        # bound?") calls no one.
        evidence.person += 3  # "Take him back, Cronin!": someone spoken to
        evidence.strong_person = True
    if last in ("to", "at", "with") and second in PERSON_PREP_VERBS:
        evidence.person += 2
    elif last == "with" or (last == "and" and not _capitalised_before_and(before)):
        # "Tomás and his sister" says it; "Maw and Meggins" is as likely a firm.
        evidence.person += 1
    if last in PERSON_OBJECT_VERBS:
        evidence.person += 1
    if second in POSSESSIVE_DETERMINERS and last in RELATION_NOUNS:
        evidence.person += 3  # "his sister Elena"
        evidence.strong_person = True
    if next_word_may_be(after.removeprefix(","), "and") and RELATION_AFTER_RE.match(after):
        evidence.person += 3  # "Tomás and his sister"
        evidence.strong_person = True
    if after.startswith(","):
        if WHO_AFTER_RE.match(after):
            evidence.person += 1
        appositive = APPOSITION_AFTER_RE.match(after)
        if appositive:
            _weigh_apposition(appositive, after, evidence)


def _in_a_letter_heading(before: str, after: str) -> bool:
    """A letter's salutation ("My dear Clara,", "Dearest Meg,") or its signature ("Your
    loving sister,\nMargaret"): whoever a letter is to or from is someone. Only where the
    paragraph is the salutation or the sign-off, so "dear old London" in a sentence is not.
    The cheap tests first: they fail for all but a few of a story's names."""
    salutation = after[:1] in (",", "!", ":") and before[-5:].lower() in ("dear ", "rest ")
    if salutation and _SALUTATION_RE.fullmatch(before):
        return len(after.split()) <= 1  # the salutation alone, or wrapped onto the body
    if after.lstrip()[:1] not in ("", ".") or not before.rstrip().endswith(","):
        return False
    return SIGN_OFF_RE.fullmatch(before) is not None and after.strip() in ("", ".")


_SALUTATION_RE = re.compile(r"\s*(?:my\s+)?(?:dear|dearest)\s+", re.IGNORECASE)


_LIKENESS_WORDS = frozenset("like unlike".split())
# Someone's title that names what they are of: "the goddess of Victory", "the patron of
# lost causes". Where a place follows ("the Duke of York"), the text says so elsewhere.
_TITLES_WITH_OF = frozenset(
    """god goddess gods king queen prince princess duke duchess lord lady emperor empress
    patron spirit angel muse""".split()
)
# What the word after the name starts with where DISTRICT_AFTER_RE can match.
_DISTRICT_INITIALS = tuple("dDnNqQ")


_CALLED_AFTER_RE = re.compile(
    r"^[!?.,][^\"”]{0,120}[\"”],?\s+(?:\w+ly\s+)?(?:" + "|".join(sorted(SPEECH_VERBS)) + r")\b"
)
_POSSESSIVE_PLACE_RE = re.compile(r"^(?:\s*[,.;:!?]|\s+(?:place|house|shop|store)\b)")
_CAPITALISED_AND_RE = re.compile(r"\b[A-Z][\w'’-]*\s+and\s+$")


def _capitalised_before_and(before: str) -> bool:
    return _CAPITALISED_AND_RE.search(before) is not None


def _weigh_apposition(appositive: re.Match[str], after: str, evidence: _Evidence) -> None:
    """ "Grace, the English tourist beside her, said": an apposition, then what she does."""
    words = appositive.group(1).lower().split()
    about_a_person = bool(APPOSITION_PERSON_NOUNS.intersection(words))
    if about_a_person:
        evidence.person += 2
    verb = VERB_AFTER_APPOSITION_RE.match(after, appositive.end())
    if verb is None:
        return
    verb_word = verb.group(1).lower()
    if verb_word in SAYING_VERBS or (about_a_person and verb_word in PERSON_VERBS):
        evidence.person += 2
        evidence.strong_person = True


# Verbs whose "to" names who receives, not where: "gave the paw to the Sergeant".
_RECIPIENT_VERBS = frozenset(
    """sold sell sells selling gave give gives giving lent lend lends handed hand hands
    showed show shows offered offer offers paid pay pays explained introduced""".split()
)


def _received(previous: list[str], before: str) -> bool:
    """ "sold it at Christmas to the Jew": whom something went to, not where."""
    if "to" not in previous[-2:]:
        return False
    return not _RECIPIENT_VERBS.isdisjoint(previous_words(before, 7)[:-1])


def _weigh_place_cues(previous: list[str], after: str, evidence: _Evidence) -> None:
    third, second, last = previous[-3:]
    if last in ("to", "at", "with") and second in PERSON_PREP_VERBS:
        return  # "smiled at Sophie": the preposition belongs to the verb
    if last == "the" and second in _LIKENESS_WORDS:
        return  # "Sounds like the Arabian Nights": a thing compared, not somewhere
    if last == "to" and second in MOTION_VERBS:
        evidence.place += 1
        return
    if last == "of" and second in _TITLES_WITH_OF:
        return  # "like the goddess of Victory": whose title, not where
    preposition = second if last == "the" else last
    if preposition in STRONG_PLACE_PREPS:
        evidence.place += 2
    elif preposition in WEAK_PLACE_PREPS or preposition in PLACE_VERBS:
        evidence.place += 1
    if last == "the":
        evidence.place += 1
        evidence.with_the += 1
    if last == "of" and second in CITY_NOUNS:
        evidence.place += 2
        evidence.city += 1
    if last == "of" and second == "country":
        evidence.country += 1
    district_next = next_word_may_be(after, _DISTRICT_INITIALS)  # (case-blind: "District")
    if (last == "of" and second in DISTRICT_NOUNS) or (
        district_next and DISTRICT_AFTER_RE.match(after)
    ):
        evidence.place += 1
        evidence.district += 1
    river_verb = second in RIVER_VERBS or (third in ("bank", "banks") and second == "of")
    if (last == "the" and river_verb) or last == "river":
        evidence.river += 1


def classify(group: Group, paragraphs: dict[int, Paragraph], vocabulary: Vocabulary) -> _Evidence:
    """Sets group.kind to person, place or none from all its occurrences' evidence."""
    evidence = _Evidence()
    for mention in group.mentions:
        _weigh(mention, paragraphs[mention.passage].np_text, evidence)
    if group.spouse:
        evidence.person += 5  # as good as the title it was parted from
        evidence.strong_person = True
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
    if group.kind == "place" and _emphasised_common_noun(group, evidence, vocabulary):
        group.kind = "none"
    if group.kind != "none" and _of_an_institution(group, paragraphs):
        group.kind = "none"
    if group.kind == "person" and _never_someone(group, evidence, paragraphs):
        group.kind = "none"
    always_the = evidence.after_the == len(group.mentions)
    if len(group.words) == 1 and group.words[0].lower() in OFFICES:
        # "the Colonel" is nowhere; someone when they speak or act, else a bare office.
        group.kind = "person" if evidence.person >= _OFFICE_ACTS else "none"
        if group.kind == "person" and evidence.after_the * 2 > len(group.mentions):
            group.label = f"the {group.words[0]}"  # as the text calls him
    elif group.kind == "person" and not evidence.strong_person and always_the:
        group.kind = "none"  # always "the X", nothing only people do: "the Arabian Nights"
    return evidence


# Person evidence an office needs to be someone: a line said ("said the Colonel").
_OFFICE_ACTS = 2


def _of_an_institution(group: Group, paragraphs: dict[int, Paragraph]) -> bool:
    """ "a clerk of the Ministry of Public Instruction": what a ministry, a department or
    a bureau is of is its field, part of its name; no one, and nowhere."""
    for mention in group.mentions:
        text = paragraphs[mention.passage].text
        start = mention.start
        if start < 4 or text[start - 1] != " " or text[start - 3 : start - 1] != "of":
            return False  # read the words before only after an "of "
        before = previous_words(text[max(0, start - 40) : start], 2)
        if len(before) < 2 or before[1] != "of" or before[0] not in _FIELD_HEADS:
            return False
    return True


# Institutions named for what they are "of": their field, not a place or a person.
_FIELD_HEADS = frozenset("ministry minister department bureau office board".split())


def _emphasised_common_noun(group: Group, evidence: _Evidence, vocabulary: Vocabulary) -> bool:
    """ "to rid myself of the Eye for ever", in a story that says "his eye" throughout: a
    word the story otherwise writes in lower case, capitalised once after "the", is the
    thing made large, not a place, unless something only places have says so ("in the
    Park")."""
    return (
        len(group.words) == 1
        and len(group.mentions) == 1
        and evidence.after_the == 1
        and evidence.place < _PLACE_SAID
        and group.words[0].lower() in vocabulary.lower
    )


# Place evidence that says "a place" by itself: a strong preposition ("in", "through")
# and "the", or more.
_PLACE_SAID = 3


def _never_someone(group: Group, evidence: _Evidence, paragraphs: dict[int, Paragraph]) -> bool:
    """What reads like a person but is not one: God and holidays ("Heaven help us",
    "Christmas Day"), a firm or an institution ("the Frazzled Wheat Company"), a plural
    ("Two Desperate Men"), or a single word said once, opening a sentence in someone's
    speech, that nothing else marks as a name ("Rats ate up the cake!"). A title, being
    named ("a dog called Rats") or a he/she after it ("Priya waved. She was…") keeps it a
    person."""
    lowered = [word.lower() for word in group.words]
    if any(word in NEVER_PEOPLE for word in lowered):
        return True
    if group.titles:
        return False
    if lowered[-1] in INSTITUTION_HEADS or lowered[-1] in PEOPLE_PLURALS:
        return True
    if _always_after(group, paragraphs, _NOT_BEFORE_A_NAME):
        # "the hem of his Mistress's robe" (Art), "a Michael Angelo's Moses beard" (a
        # kind of beard): no one is "his X" or "a X" by name, but a thing made large or a
        # type is.
        return True
    once = len(group.mentions) == 1 and len(group.words) == 1
    first = group.mentions[0]
    if not (once and first.initial and first.quoted and evidence.person < _NAMED_EVIDENCE):
        return False
    return not gender_votes(group.mentions, paragraphs)


def _always_after(group: Group, paragraphs: dict[int, Paragraph], words: frozenset[str]) -> bool:
    for mention in group.mentions:
        text = paragraphs[mention.passage].text
        before = previous_words(text[max(0, mention.start - 12) : mention.start], 1)
        if not before or before[0] not in words:
            return False
    return True


# What no one's name comes right after, though a common noun does.
_NOT_BEFORE_A_NAME = frozenset("his her my their our your its a an".split())
# "named X", "I'm X", "his sister X" weigh 3 or more: a name, even said once.
_NAMED_EVIDENCE = 3


def _ordinary(group: Group, vocabulary: Vocabulary) -> bool:
    return any(w.lower() in vocabulary.lower for w in group.words)


def _reads_as_a_full_name(group: Group, evidence: _Evidence) -> bool:
    """ "Tomás Reyes ... Tomás kept watch.": Given Surname, of no listed or place word,
    that the text treats as someone's (the first name used alone, "Tomás Reyes, who"),
    even if it only ever opens sentences. A pronoun after it is not enough, or "Hong
    Kong glittered. She loved it." would make Hong Kong someone."""
    if not 2 <= len(group.words) <= 3 or all(m.quoted for m in group.mentions):
        return False
    if any(w.lower() in PLACE_HEADS or is_place_prefix(w) for w in group.words):
        return False
    first_name_alone = any(m.words == group.words[:1] for m in group.mentions)
    return first_name_alone or evidence.person >= 2  # 1 is the bonus for two words


def people_by_surname(groups: Iterable[Group], vocabulary: Vocabulary) -> None:
    """ "Elena Reyes" is someone, so "Tomás Reyes", seen only opening sentences, is too;
    "the Reyeses" are her family, not a place."""
    groups = list(groups)
    surnames = {g.words[-1] for g in groups if g.kind == "person" and len(g.words) > 1}
    families = {
        f"{g.words[-1]}{ending}" for g in groups if g.kind == "person" for ending in ("s", "es")
    }
    for group in groups:
        if group.kind == "place" and len(group.words) == 1 and group.words[0] in families:
            group.kind = "none"  # "the Tregarthens had retired": the family, not a place
            continue
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


class PlaceInfo:
    """A place and its mentions. A plain class (see _Evidence); the dataclass's equality
    and repr."""

    __slots__ = ("kind", "mentions", "name")

    def __init__(self, name: str, kind: str, mentions: list[Mention] | None = None) -> None:
        self.name = name
        self.kind = kind
        self.mentions: list[Mention] = [] if mentions is None else mentions

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PlaceInfo):
            return NotImplemented
        return (self.name, self.kind, self.mentions) == (other.name, other.kind, other.mentions)

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    def __repr__(self) -> str:
        return f"PlaceInfo(name={self.name!r}, kind={self.kind!r}, mentions={self.mentions!r})"


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


def collect_places(
    mentions: Sequence[Mention],
    groups: dict[int, Group],
    evidence: dict[int, _Evidence],
) -> dict[str, PlaceInfo]:
    places: dict[str, PlaceInfo] = {}
    keys: dict[str, str] = {}  # folding is the slow part, and names repeat
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
        key = keys.get(name)
        if key is None:
            key = keys[name] = fold(name.removeprefix("the "))
        places.setdefault(key, PlaceInfo(name, kind)).mentions.append(mention)
    _drop_demonym_places(places)
    return places


def _drop_demonym_places(places: dict[str, PlaceInfo]) -> None:
    """ "Parisian" is Paris's adjective, never a place of its own."""
    for key in [key for key in places if key.endswith(DEMONYM_SUFFIXES)]:
        for other in places:
            derived = len(other) >= 4 and key.startswith(other) and other != key
            if derived and key[len(other) :] in DEMONYM_SUFFIXES:
                del places[key]
                break
