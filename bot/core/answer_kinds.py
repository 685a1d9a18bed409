"""What a piece must hold to answer a question of a given shape, and the scene a
where-answer is in: the patterns of a person, a place, a time, a reason, a means, a number,
an age, a sum of money, a duration, a time of day, a name given; who may answer a
what-did-X-say question. Used by `answering.find_answer`.

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from functools import lru_cache

from bot.core.answer_units import NARRATOR, Unit
from bot.core.cast import Character
from bot.core.question_shape import Shape
from bot.core.search import STOP_WORDS
from bot.core.text import fold, words

# How far back a where-question looks for the place its scene is in.
_SCENE_REACH = 60
# How many pieces on, in the same paragraph, it looks for the place someone arrives at.
_ARRIVAL_REACH = 3

# A sentence that gives a name: "a girl named May", "his name was Tom" (not "her name was
# like a summons").
_NAMING_RE = re.compile(r"\b(?:named|called|name\s+(?:is|was))\s+[\"“‘]?(?P<name>[A-Z][\w'’-]*)")
_NEW_NAME_RE = re.compile(
    r"\b(?:named|called|calls|christened|dubbed|nicknamed|registered\s+as|known\s+as)\s+"
    r"(?:\w+\s+)?[\"“‘]?[A-Z]"
)
# A capitalised word inside a sentence or a quotation, or two opening one: a name.
_NAME_RE = re.compile(
    r"^\s*(?P<first>[A-Z][\w'’-]+)\s+[A-Z][\w'’-]+"
    r"|(?P<inside>\b[a-z,;:—–-]+\s+)?(?<![\w'’])(?P<name>[A-Z][\w'’-]+)"
)
# A capital after a lower-case word or a comma: a name, wherever the story writes one.
_INSIDE_NAME_RE = re.compile(r"\b[a-z,;:—–-]+\s+([A-Z][\w'’-]+)")
# Someone by a noun: "a man", "the girl". A bare "he" or "she" says who to no reader.
_PERSON_NOUN_RE = re.compile(r"\b(?:man|woman|boy|girl|lady|men|women|boys|girls|ladies)\b")
_PLACE_RE = re.compile(
    r"\b(?:in|into|at|to|from|inside|beneath|under|near|on)\s+(?:the|a|an|his|her|their|my)\b"
)
_NUMBER_WORDS = (
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|hundred|thousand|million|a|an|half\s+an?)(?:-\w+)?"
)
_TIME_UNITS = r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?)"
_TIME_RE = re.compile(
    rf"\b(?:o'clock|o’clock|morning|evening|night|noon|midnight|dawn|dusk|{_TIME_UNITS}|ago|"
    r"later|january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|\d+)\b",
    re.I,
)
# A time of day: "at nine o'clock", "ten minutes to ten", "half past six", "at noon".
_CLOCK_RE = re.compile(
    r"\bo['’]clock\b|\b(?:minutes?|quarter|half)\s+(?:to|past)\b|\bnoon\b|\bmidnight\b"
    r"|\b\d{1,2}[.:]\d{2}\b",
    re.I,
)
# Where someone went by its direction: "I have gone south", "sailed west", "went abroad".
_DIRECTION_RE = re.compile(
    r"\b(?:gone|went|go|goes|going|sailed|moved|travel(?:l)?ed|headed|set\s+off|left)\s+"
    r"(?:north|south|east|west|abroad|overseas|inland)(?:wards?)?\b",
    re.I,
)
# A place by its name: "in Elmore", "at the Golden Lion", "from Paris".
_PLACE_NAMED_RE = re.compile(r"\b(?:in|at|from|to|near|into)\s+(?:the\s+)?([A-Z][\w-]+)(?![\w'’-])")
# How something is done: "by telling him", "by a second telegram".
_MANNER_RE = re.compile(r"\bby\s+(?:\w+ing|a|an|the|his|her|their|my|means)\b", re.I)
_DURATION_RE = re.compile(rf"\b{_NUMBER_WORDS}\s+{_TIME_UNITS}\b", re.I)
_REASON_RE = re.compile(
    r"\b(?:because|since|so that|in order|that is why|reason|owing to|on account of|"
    r"for fear|lest|wanted to|meant to|hoped to|escape|purpose|"
    # A reason as a participle: "Knowing that she had a weak heart, they …".
    r"(?:knowing|believing|seeing|realising|realizing)\s+that)\b",
    re.I,
)
# A purpose is a reason: "I sold it at Christmas, to pay the doctor". An infinitive set off
# by a comma ("…, to pay", "…, so as to spare her"), not "to" before a person or a thing
# ("…, to a merchant from Tula", "…, to him").
_PURPOSE_RE = re.compile(
    r"[,;]\s+(?:(?:so\s+as|only|partly|chiefly)\s+)?to\s+(?!(?:the|a|an|his|her|their|my|"
    r"your|our|its|him|them|me|us|you|it|this|that|these|those|be|one|each|every|all|"
    r"whom|which)\b)[a-z]+\b"
)
_NUMBER_RE = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty|forty|fifty|hundred|thousand|million|millions|dozen|half)\b",
    re.I,
)
# Money as stories count it: a number, a coin or note by name, a currency sign, or a sum
# said by its size alone ("I stake two millions", "a thousand").
_MONEY_RE = re.compile(
    r"\b(?:\d+|dollars?|cents?|pounds?|shillings?|pence|penny|pennies|florins?|guineas?|"
    r"sovereigns?|crowns?|francs?|sous?|roubles?|rubles?|kopecks?|marks?|lire|lira|"
    r"sixpence|twopence|threepence|dimes?|nickels?|quarters?|farthings?|coins?|"
    r"millions|thousands|(?:a|one|two|three|four|five|six|seven|eight|nine|ten|twenty|"
    r"fifty|a\s+few|several)\s+(?:hundred|thousand|million)s?)\b|[$£€¥₽]\s?\d",
    re.I,
)
# An age as stories give one: "nine years old", "a man of about twenty-five", "aged ten",
# "the nine-year-old girl", "was nine last birthday", "I was nine and".
_AGE_NUMBER = _NUMBER_WORDS.replace("|a|an|half\\s+an?", "")
_AGE_RE = re.compile(
    rf"\b{_AGE_NUMBER}[- ]years?[- ]old\b|\bof\s+(?:about\s+|some\s+)?{_AGE_NUMBER}\b"
    rf"|\baged\s+{_AGE_NUMBER}\b|\bage\s+of\s+{_AGE_NUMBER}\b"
    rf"|\b{_AGE_NUMBER}\s+last\s+birthday\b"
    # "because I was nine": a bare number someone is, with no unit after it.
    rf"|\b(?:I|he|she|who)\s+(?:was|is|am)\s+(?:only\s+|just\s+|nearly\s+|almost\s+)?"
    rf"{_AGE_NUMBER}\b(?![- ](?:of|o['’]clock|minutes?|hours?|days?|weeks?|months?|times?"
    rf"|feet|foot|miles?|yards?|inches|pounds?|dollars?|shillings?|pence|cents?|percent)\b)",
    re.I,
)
# Reported speech: "he told her that …", "she asked him to …", "I promised to …".
_REPORTED_RE = re.compile(
    r"\b(?:said|told|asked|promised|replied|answered|begged|ordered|warned|suggested|"
    r"declared|proposed|wrote)\s+(?:\w+\s+)?(?:that|to|if|whether)\b",
    re.I,
)
# An illness as a story tells one: what the doctor "called it", what someone died of or
# suffered from, or a word for being ill.
_ILLNESS_NAMED = (
    r"\b(?:called|named|pronounced|diagnosed|declared)\s+it\b"
    r"|\b(?:died|dying|die|dies|ill|sick|suffer(?:s|ed|ing)?|laid\s+up)\s+(?:of|from|with)\b"
    r"|\b(?:illness|disease|sickness|fever|ailment|malady|consumption|infirmit(?:y|ies)|"
    r"typhoid|typhus|cholera|influenza|pneumonia|smallpox|plague|measles|diphtheria|"
    r"tuberculosis|pleurisy|apoplexy|palsy|dropsy|gout|cancer|stroke)\b"
)
ILLNESS_RE = re.compile(
    _ILLNESS_NAMED + r"|\b(?:was|were|is|are|fell|been)\s+(?:\w+\s+)?(?:ill|sick)\b", re.I
)
# What names the illness, not only that someone was ill ("In February he fell ill." /
# "It was a fever that came and went …").
_ILLNESS_NAMED_RE = re.compile(_ILLNESS_NAMED, re.I)
# What someone does for a living, as a story says it: "was a clockmaker", "worked as a
# clerk", "a tailor by trade", "kept the inn", "he repaired clocks", "sold ribbon".
TRADE_RE = re.compile(
    r"\b(?:was|is|am|became|worked\s+as|works\s+as|employed\s+as)\s+(?:a|an)\s+(?:[\w-]+\s+)?"
    r"[\w-]*(?:er|or|ist|ian|man|woman|maker|smith|wright|keeper|monger|ant|ent)\b"
    r"|\bby\s+(?:trade|profession)\b|\b(?:earned|earns|made|makes)\s+(?:his|her|their|a)\s+living\b"
    r"|\b(?:repair|mend|make|sell|teach|build|shoe|tailor)(?:s|ed|ing)?\s+[a-z]+s\b"
    r"|\b(?:repaired|mended|made|sold|taught|built)\s+[a-z]+s\b"
    r"|\b(?:kept|keeps|ran|runs)\s+(?:a|an|the)\s+[\w-]*(?:shop|inn|store|farm|mill|school|"
    r"house|tavern|hotel|bakery|forge|ferry|bank|office)\b",
    re.I,
)
_SPEECH_MARK_RE = re.compile(r"[\"“”]|:\s*\S")
_KIND_FEATURES = {
    "where": re.compile(f"{_PLACE_RE.pattern}|(?i:{_DIRECTION_RE.pattern})"),
    "when": _TIME_RE,
    "number": _NUMBER_RE,
    "how": _MANNER_RE,
}


def naming_a_place(
    eligible: Sequence[int],
    units: Sequence[Unit],
    characters: Sequence[Character],
    places: Collection[str],
) -> list[int]:
    """ "In what town …": the pieces that name a place, one the cast knows or a capitalised
    word after in/at/from … that is nobody's name ("at Richard's" is not a town)."""
    names = {word for c in characters for alias in c.aliases for word in words(alias)}
    known = places_re(places) if places else None
    return [
        i
        for i in eligible
        if (known is not None and known.search(units[i].text))
        or any(m.group(1) not in names for m in _PLACE_NAMED_RE.finditer(units[i].text))
    ]


def eligible_pieces(shape: Shape, units: Sequence[Unit], subject: str | None) -> list[int]:
    """The pieces that can answer this kind of question at all."""
    if shape.new_name:
        # "What name does the boy give him?": a piece that gives someone a name.
        naming = [i for i, unit in enumerate(units) if _NEW_NAME_RE.search(unit.text)]
        if naming:
            return naming
    if shape.speech and subject is not None:
        # "What does he promise her?": only what he says can answer, when he says anything:
        # his quotations and letters, or a sentence about him with a verb of saying ("he
        # told her that …").
        said = [
            i
            for i, unit in enumerate(units)
            if subject in unit.speakers
            or (subject in unit.forms and _REPORTED_RE.search(unit.text) is not None)
        ]
        if said:
            return said
    wanted: re.Pattern[str] | None = None
    if shape.exact:
        # "What exactly was the insult?": a piece that says what it was ("the insult was
        # …", "the insult: …"), not one that only mentions it.
        wanted = re.compile(rf"\b{re.escape(shape.exact)}\w*\s*(?:was|were|is|are|:|—|–|--)", re.I)
    elif shape.naming:
        wanted = _NAMING_RE  # "What is the lawyer's name?": a piece that names someone
    elif shape.illness:
        wanted = ILLNESS_RE  # "What illness did she have?": a piece that names one
    elif shape.age:
        wanted = _AGE_RE
    elif shape.clock:
        wanted = _CLOCK_RE
    elif shape.money:
        wanted = _MONEY_RE
    elif shape.duration:
        wanted = _DURATION_RE
    elif shape.kind == "number":
        wanted = _NUMBER_RE
    if wanted is None:
        return list(range(len(units)))
    found = [i for i, unit in enumerate(units) if wanted.search(unit.text)]
    if shape.illness:
        named = [i for i in found if _ILLNESS_NAMED_RE.search(units[i].text)]
        return named or found
    return found


def kind_feature(
    shape: Shape,
    places: Collection[str],
    question: str,
    units: Sequence[Unit] = (),
    characters: Sequence[Character] = (),
) -> Callable[[Unit], bool] | None:
    """What a piece that answers this kind of question holds, as a test of a piece."""
    if shape.new_name:
        return lambda unit: _NEW_NAME_RE.search(unit.text) is not None
    if shape.speech and shape.kind == "what":
        return lambda unit: bool(unit.speakers) or _SPEECH_MARK_RE.search(unit.text) is not None
    if shape.kind == "where" and places:
        named = places_re(places)
        return lambda unit: (
            named.search(unit.text) is not None
            or _PLACE_RE.search(unit.text) is not None
            or _DIRECTION_RE.search(unit.text) is not None
        )
    if shape.kind == "who":
        # A name the question does not already hold ("Amontillado" in "Who will he consult
        # about the Amontillado?" is no answer), or a person by a noun ("a man", "she"). A
        # capital that opens a quotation or a sentence is a name only when the story writes
        # that word with a capital in mid-sentence too: "Execution kills instantly" names
        # no one, "Luchesi cannot tell" does.
        asked = {re.sub(r"['’]s?$", "", fold(word)) for word in words(question)} | STOP_WORDS
        names = name_words(tuple(units))
        # Or someone the cast knows by a description the question does not use ("The
        # sergeant-major shook hands" answers "Who is the visitor from distant parts?").
        described = described_re(characters, question)

        def is_name(match: re.Match[str]) -> bool:
            word = match.group("name") or match.group("first")
            if fold(word) in asked:
                return False
            if match.group("inside") is not None or match.group("first") is not None:
                return True
            return word in names

        return lambda unit: (
            any(is_name(match) for match in _NAME_RE.finditer(unit.text))
            or _PERSON_NOUN_RE.search(unit.text) is not None
            or (described is not None and described.search(unit.text) is not None)
        )
    if shape.trade:
        return lambda unit: TRADE_RE.search(unit.text) is not None
    if shape.money:
        # A sum, not any number: "one of six" is no price.
        return lambda unit: _MONEY_RE.search(unit.text) is not None
    if shape.kind == "why":
        return lambda unit: (
            _REASON_RE.search(unit.text) is not None or _PURPOSE_RE.search(unit.text) is not None
        )
    pattern = _KIND_FEATURES.get(shape.kind)
    if pattern is None:
        return None
    return lambda unit: pattern.search(unit.text) is not None


def described_re(characters: Sequence[Character], question: str) -> re.Pattern[str] | None:
    """The cast's descriptions of people ("the sergeant-major", "the banker") that
    `question` does not hold, as one pattern; None when there are none."""
    asked = fold(question)
    descriptions = sorted(
        {
            alias[4:]
            for character in characters
            for alias in character.aliases
            if alias.startswith("the ") and alias != NARRATOR and fold(alias[4:]) not in asked
        },
        key=len,
        reverse=True,
    )
    if not descriptions:
        return None
    body = "|".join(re.escape(description) for description in descriptions)
    return re.compile(rf"\b(?:[Tt]he|[Aa]n?)\s+(?:{body})(?![\w'’])")


@lru_cache(maxsize=8)
def name_words(units: tuple[Unit, ...]) -> frozenset[str]:
    """The words a story writes with a capital in mid-sentence: its names (worked out once
    for the several questions a reader asks about one story)."""
    return frozenset(
        match.group(1) for unit in units for match in _INSIDE_NAME_RE.finditer(unit.text)
    )


def places_re(places: Collection[str]) -> re.Pattern[str]:
    names = sorted(places, key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(name) for name in names)})(?!\w)")


def scene(
    chosen: Sequence[int],
    units: Sequence[Unit],
    places: Collection[str],
    people: frozenset[str],
    characters: Sequence[Character] = (),
) -> list[int]:
    """For a where-question whose answer names no place: the next piece of its paragraph
    that names one (where they arrive), or else the piece that first brings the
    character asked about to the place the scene is in (the last place the story puts
    someone in, at or to before it: "in Elmore", not "passes for Amontillado"). A town the
    cast's places missed counts too: a capitalised word after in/at/to that is nobody's
    name ("remained in Harlow")."""
    named = places_re(places)
    if any(named.search(units[i].text) or _DIRECTION_RE.search(units[i].text) for i in chosen):
        return []
    # "Where does he lead him?" answered by setting out ("bowed him through several suites
    # of rooms"): the place he arrives at is told next, in the same paragraph.
    end = max(chosen)
    for index in range(end + 1, min(len(units), end + 1 + _ARRIVAL_REACH)):
        if (units[index].title, units[index].passage) != (units[end].title, units[end].passage):
            break
        if named.search(units[index].text):
            return [index]
    located = located_re(places, characters)
    start = min(chosen)
    title = units[start].title
    place = None
    for index in range(start - 1, max(-1, start - _SCENE_REACH), -1):
        if units[index].title != title:
            break
        match = located.search(units[index].text)
        if match is not None:
            place = match.group("place")
            break
    if place is None:
        return []
    for index, unit in enumerate(units[:start]):
        match = located.search(unit.text)
        if (
            unit.title == title
            and match is not None
            and match.group("place") == place
            and (not people or unit.forms & people)
        ):
            return [index]
    return []


def located_re(places: Collection[str], characters: Sequence[Character] = ()) -> re.Pattern[str]:
    options = [re.escape(name) for name in sorted(places, key=len, reverse=True)]
    if characters:
        people = {word for c in characters for alias in c.aliases for word in alias.split()}
        nobody = "".join(rf"(?!{re.escape(word)}(?![\w'’-]))" for word in sorted(people))
        options.append(rf"{nobody}[A-Z][\w-]+(?![\w'’-])")
    names = "|".join(options)
    return re.compile(
        rf"\b(?:in|at|to|into|reached|entered|near)\s+(?:the\s+)?(?P<place>{names})(?!\w)"
    )


def own_names(
    eligible: Sequence[int],
    units: Sequence[Unit],
    characters: Sequence[Character],
    subject: str | None,
) -> list[int]:
    """For "What was the rider's name?": the pieces that give a name which is not another
    character's ("a son … was to be called Bram" names the grandson after Bram, and says
    nothing of the rider's name)."""
    if subject is None:
        return list(eligible)
    asked = int(subject.removeprefix("@"))
    others = {
        word
        for index, character in enumerate(characters)
        if index != asked
        for alias in character.aliases
        for word in alias.split()
        if word[:1].isupper()
    }
    return [
        i
        for i in eligible
        if any(match["name"] not in others for match in _NAMING_RE.finditer(units[i].text))
    ]
