"""Which sentence of a story answers a reader's question.

The story is cut into quotable pieces (`answer_units`: sentences, and the sentences of a
long speech), each knowing the characters it is about, by name, by pronoun or as the
speaker. Every piece is scored by how much of the question it holds, each question word
weighed by how rare it is in the story (a name on every page says little; "trowel" says a
lot), word forms and roots matched ("sold" answers "sell", "proposition" "propose").

The question's shape (`question_shape`) then decides between the pieces that hold it:
its kind wants a person, a place, a time, a reason or a number; a when/after/before
clause only says where to look (the answer is near the piece the clause describes, not in
it); "what does she say/ask/promise" wants a quotation. A piece next to one that holds the
question is a candidate too, since a story often says the thing in one sentence and its
answer in the next ("it was four o'clock …" / "the visitors came"). A where-question
answered by a piece that names no place is answered by the place the scene is in: the
first piece that brings the character there.

"Doesn't say" is the answer only when no piece holds enough of the question, or when the
question asks for a name (an age, a sum) and no piece gives one.

Plain Python (no discord import).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from bot.core.answer_units import NEGATION, PRONOUN_TOKENS, Unit, person_token, story_units
from bot.core.cast import Character
from bot.core.models import Passage
from bot.core.question_shape import Shape, question_kind, shape_of
from bot.core.search import STOP_WORDS
from bot.core.sentences import close_quotes
from bot.core.text import fold, shorten, words
from bot.core.wordforms import base_form, word_root

__all__ = ["MIN_COVERAGE", "Found", "find_answer", "question_kind"]

_NEGATIONS = frozenset("not never no nor cannot".split())
# Words that frame a question rather than say what it is about.
_FRAME_WORDS = frozenset(
    """can could would will should shall may might must please tell explain describe know
    happen happens happened mean means meant story stories exactly really kind sort each
    every both other also very just even ever own according""".split()
)
# A question must find at least this share of its weighed words in one piece (with its
# neighbour's help) to be answered.
MIN_COVERAGE = 0.3
# How much a neighbouring piece's coverage lifts a piece, and what the right kind of
# content (a person for "who") adds.
_NEIGHBOUR_SHARE = 0.4
_KIND_BONUS = 0.15
# The rest of its paragraph counts for a piece a little less than a neighbour does.
_PARAGRAPH_SHARE = 0.75
# A when/after/before clause is looked for this many pieces around the answer.
_CLAUSE_REACH = 3
_BEFORE_REACH = 6
_CLAUSE_SHARE = 0.9
_SELF_CLAUSE_SHARE = 0.6
_STATE_REACH = 8
_STATE_PARAGRAPHS = 4
# What a he or she holds of a character of that gender the piece does not name.
_PRONOUN_SHARE = 0.5
_MAX_QUOTE_CHARS = 600
# A second answer, from elsewhere in the text, is quoted when it scores this close to the
# first: two readings of the question, the reader judges.
_MAX_ANSWERS = 2
_RUNNER_UP_SHARE = 0.85
# A piece holding this much of the question restates it; its answer is what follows.
_ECHO = 0.9
# How far back a where-question looks for the place its scene is in.
_SCENE_REACH = 60

# A sentence that gives a name: "a girl named May", "his name was Tom" (not "her name was
# like a summons").
_NAMING_RE = re.compile(r"\b(?:named|called|name\s+(?:is|was))\s+[\"“‘]?[A-Z]")
_NEW_NAME_RE = re.compile(
    r"\b(?:named|called|calls|christened|dubbed|nicknamed|registered\s+as|known\s+as)\s+"
    r"(?:\w+\s+)?[\"“‘]?[A-Z]"
)
_PERSON_RE = re.compile(
    r"(?:\b[a-z,;:—–-]+\s+|[\"“‘]\s*)[A-Z][\w'’-]+|\b(?:man|woman|boy|girl|lady|he|she|they)\b"
)
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
# A place by its name: "in Elmore", "at the Golden Lion", "from Paris".
_PLACE_NAMED_RE = re.compile(r"\b(?:in|at|from|to|near|into)\s+(?:the\s+)?([A-Z][\w-]+)(?![\w'’-])")
# How something is done: "by telling him", "by a second telegram".
_MANNER_RE = re.compile(r"\bby\s+(?:\w+ing|a|an|the|his|her|their|my|means)\b", re.I)
_DURATION_RE = re.compile(rf"\b{_NUMBER_WORDS}\s+{_TIME_UNITS}\b", re.I)
_REASON_RE = re.compile(
    r"\b(?:because|since|so that|in order|that is why|reason|owing to|on account of|"
    r"for fear|lest|wanted to|meant to|hoped to|escape|purpose)\b",
    re.I,
)
_NUMBER_RE = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty|forty|fifty|hundred|thousand|million|millions|dozen|half)\b",
    re.I,
)
# Money as stories count it: a number, or a coin or note by name.
_MONEY_RE = re.compile(
    r"\b(?:\d+|dollars?|cents?|pounds?|shillings?|pence|penny|pennies|florins?|guineas?|"
    r"sovereigns?|crowns?|francs?|sous?|roubles?|rubles?|kopecks?|marks?|lire|lira|"
    r"sixpence|twopence|threepence|dimes?|nickels?|quarters?|farthings?|coins?)\b",
    re.I,
)
# An age as stories give one: "nine years old", "a man of about twenty-five", "aged ten",
# "the nine-year-old girl", "was nine last birthday".
_AGE_NUMBER = _NUMBER_WORDS.replace("|a|an|half\\s+an?", "")
_AGE_RE = re.compile(
    rf"\b{_AGE_NUMBER}[- ]years?[- ]old\b|\bof\s+(?:about\s+|some\s+)?{_AGE_NUMBER}\b"
    rf"|\baged\s+{_AGE_NUMBER}\b|\bage\s+of\s+{_AGE_NUMBER}\b"
    rf"|\b{_AGE_NUMBER}\s+last\s+birthday\b",
    re.I,
)
# Reported speech: "he told her that …", "she asked him to …", "I promised to …".
_REPORTED_RE = re.compile(
    r"\b(?:said|told|asked|promised|replied|answered|begged|ordered|warned|suggested|"
    r"declared|proposed|wrote)\s+(?:\w+\s+)?(?:that|to|if|whether)\b",
    re.I,
)
_SPEECH_MARK_RE = re.compile(r"[\"“”]|:\s*\S")
_KIND_FEATURES = {
    "who": _PERSON_RE,
    "where": _PLACE_RE,
    "when": _TIME_RE,
    "why": _REASON_RE,
    "number": _NUMBER_RE,
    "how": _MANNER_RE,
}


@dataclass(frozen=True, slots=True)
class Found:
    """The sentences that answer, in text order, and where they are."""

    title: str
    passage: int
    text: str


@dataclass(frozen=True, slots=True)
class _Terms:
    """The question's words, each as the set of forms that count as it: those of its main
    part, then those of its clause."""

    main: list[frozenset[str]]
    clause: list[frozenset[str]]
    people: frozenset[str]  # the tokens of the characters the question names
    subject: str | None  # the token of the one it names first: who says, does …
    # Verbs of saying that weigh nothing when the story never uses them: "what does he
    # promise?" is answered by what he says ("I will bring you something"), promise or not.
    optional: frozenset[frozenset[str]]
    # A character's term → the pronoun token of their gender, which holds half of it.
    pronouns: dict[frozenset[str], str]


def find_answer(
    question: str,
    sources: Sequence[tuple[str, Sequence[Passage]]],
    characters: Sequence[Character] = (),
    places: Collection[str] = (),
) -> list[Found]:
    """The sentence(s) of `sources` (story title, passages) that answer `question`, or []
    when none does. `places` are the names of the stories' places."""
    units = story_units(sources, characters)
    shape = shape_of(question)
    terms = _terms(shape, characters)
    if not units or not (terms.main or terms.clause):
        return []
    own, located, paragraph = _coverages(terms, units, shape)
    eligible = _eligible(shape, units, terms.subject)
    if shape.place_name:
        eligible = _naming_a_place(eligible, units, characters, places)
    feature = _feature(shape, places)
    scores: dict[int, float] = {}
    contexts: dict[int, float] = {}
    for index in eligible:
        contexts[index] = context = max(
            max((own[i] for i in _neighbours(index, units)), default=0.0),
            _PARAGRAPH_SHARE * paragraph[(units[index].title, units[index].passage)],
        )
        score = located[index] + _NEIGHBOUR_SHARE * context
        if feature is not None and feature(units[index]):
            score += _KIND_BONUS
        if shape.kind == "who" and _someone_else(units[index].forms, terms.people):
            score += _KIND_BONUS  # "Who told her?": a person the question does not name
        if shape.speech and terms.subject in units[index].speakers:
            score += _KIND_BONUS  # "What does he promise?": what he says
        scores[index] = score
    ranked = sorted(scores, key=lambda i: (-scores[i], i))
    answers: list[list[int]] = []
    for index in ranked:
        if len(answers) == _MAX_ANSWERS:
            break
        # A name is given by a piece about the one named, not by its neighbour.
        reached = located[index] if shape.naming else max(located[index], contexts[index])
        if reached < MIN_COVERAGE:
            continue
        if answers and (
            scores[index] < _RUNNER_UP_SHARE * scores[answers[0][0]]
            or any(index in answer for answer in answers)
        ):
            continue
        chosen = _with_context(index, units, own, feature)
        chosen += _subject_next_door(index, chosen, units, shape, terms.subject)
        if (
            shape.happened
            and index + 1 < len(units)
            and units[index + 1].passage == units[index].passage
        ):
            chosen.append(index + 1)  # "What happened to them?": what the next sentence says
        if shape.kind == "where" and places:
            chosen += _scene(chosen, units, places, terms.people)
        answers.append(chosen)
    # Shortest first: the reader sees the most direct answer before the longer one.
    answers.sort(key=lambda answer: sum(len(units[i].text) for i in answer))
    quoted: dict[int, None] = {}
    for answer in answers:
        quoted.update(dict.fromkeys(sorted(i for i in answer if i not in quoted)))
    return [
        Found(
            units[i].title, units[i].passage, shorten(close_quotes(units[i].text), _MAX_QUOTE_CHARS)
        )
        for i in quoted
    ]


def _coverages(
    terms: _Terms, units: Sequence[Unit], shape: Shape
) -> tuple[list[float], list[float], dict[tuple[str, int], float]]:
    """The share of the question's weight each piece holds by itself; the same with the
    clause found anywhere within reach of it; and the share each paragraph holds."""
    everything = [*terms.main, *terms.clause]
    weights = _weights(everything, units, terms.optional)
    total = sum(weights) or 1.0
    main_weights = weights[: len(terms.main)]
    clause_weights = weights[len(terms.main) :]

    def held(forms: Collection[str], wanted: Sequence[frozenset[str]], w: Sequence[float]) -> float:
        found = set(forms)
        return sum(
            weight
            if not found.isdisjoint(term)
            else _PRONOUN_SHARE * weight
            if terms.pronouns.get(term) in found
            else 0.0
            for term, weight in zip(wanted, w, strict=True)
        )

    main = [held(u.forms, terms.main, main_weights) for u in units]
    clause = [held(u.forms, terms.clause, clause_weights) for u in units]
    own = [(m + c) / total for m, c in zip(main, clause, strict=True)]
    located = own
    if terms.clause:
        # The piece that tells the clause is the moment asked about, seldom its answer.
        located = [
            (
                main[i]
                + max(
                    _SELF_CLAUSE_SHARE * clause[i],
                    _CLAUSE_SHARE
                    * max((clause[j] for j in _reach(i, units, shape) if j != i), default=0.0),
                )
            )
            / total
            for i in range(len(units))
        ]
    paragraph_forms: dict[tuple[str, int], set[str]] = {}
    for unit in units:
        paragraph_forms.setdefault((unit.title, unit.passage), set()).update(unit.forms)
    paragraph = {
        key: held(forms, everything, weights) / total for key, forms in paragraph_forms.items()
    }
    return own, located, paragraph


def _reach(index: int, units: Sequence[Unit], shape: Shape) -> list[int]:
    """The pieces, in the same story, where the clause of a question answered by piece
    `index` may be told. "What does he do when she screams?": the scream comes first, a few
    pieces before; "before he opens the vault", a few after. A state ("how old was he
    when …", "what time was it when …") holds for a while: a paragraph or two either way."""
    here = units[index]
    if shape.kind in ("number", "when") or shape.relation == "while":
        low, high = index - _STATE_REACH, index + _STATE_REACH
    elif shape.relation in ("before", "until"):
        low, high = index, index + _BEFORE_REACH  # "before" says nothing of how long
    else:
        low, high = index - _CLAUSE_REACH, index
    return [
        i
        for i in range(max(0, low), min(len(units), high + 1))
        if units[i].title == here.title
        and abs(units[i].passage - here.passage) <= _STATE_PARAGRAPHS
    ]


def _naming_a_place(
    eligible: Sequence[int],
    units: Sequence[Unit],
    characters: Sequence[Character],
    places: Collection[str],
) -> list[int]:
    """ "In what town …": the pieces that name a place, one the cast knows or a capitalised
    word after in/at/from … that is nobody's name ("at Richard's" is not a town)."""
    names = {word for c in characters for alias in c.aliases for word in words(alias)}
    known = _places_re(places) if places else None
    return [
        i
        for i in eligible
        if (known is not None and known.search(units[i].text))
        or any(m.group(1) not in names for m in _PLACE_NAMED_RE.finditer(units[i].text))
    ]


def _eligible(shape: Shape, units: Sequence[Unit], subject: str | None) -> list[int]:
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
    return [i for i, unit in enumerate(units) if wanted.search(unit.text)]


def _feature(shape: Shape, places: Collection[str]) -> Callable[[Unit], bool] | None:
    """What a piece that answers this kind of question holds, as a test of a piece."""
    if shape.new_name:
        return lambda unit: _NEW_NAME_RE.search(unit.text) is not None
    if shape.speech:
        return lambda unit: bool(unit.speakers) or _SPEECH_MARK_RE.search(unit.text) is not None
    if shape.kind == "where" and places:
        named = _places_re(places)
        return lambda unit: (
            named.search(unit.text) is not None or _PLACE_RE.search(unit.text) is not None
        )
    pattern = _KIND_FEATURES.get(shape.kind)
    if pattern is None:
        return None
    return lambda unit: pattern.search(unit.text) is not None


def _places_re(places: Collection[str]) -> re.Pattern[str]:
    names = sorted(places, key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(name) for name in names)})(?!\w)")


def _scene(
    chosen: Sequence[int], units: Sequence[Unit], places: Collection[str], people: frozenset[str]
) -> list[int]:
    """For a where-question whose answer names no place: the piece that first brings the
    character asked about to the place the scene is in (the last place the story puts
    someone in, at or to before it: "in Elmore", not "passes for Amontillado")."""
    if any(_places_re(places).search(units[i].text) for i in chosen):
        return []
    located = _located_re(places)
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


def _located_re(places: Collection[str]) -> re.Pattern[str]:
    names = "|".join(re.escape(name) for name in sorted(places, key=len, reverse=True))
    return re.compile(
        rf"\b(?:in|at|to|into|reached|entered|near)\s+(?:the\s+)?(?P<place>{names})(?!\w)"
    )


def _with_context(
    best: int,
    units: Sequence[Unit],
    coverage: Sequence[float],
    feature: Callable[[Unit], bool] | None,
) -> list[int]:
    """The answering piece, with the neighbour that completes it."""
    chosen = [best]
    options = _neighbours(best, units)
    neighbour = max(options, key=lambda i: coverage[i]) if options else None
    if neighbour is not None and coverage[neighbour] >= coverage[best]:
        chosen.append(neighbour)  # the piece the question echoes, then its answer
    elif coverage[best] >= _ECHO and best + 1 in options:
        chosen.append(best + 1)  # "He had a weak point." Then: what it was.
    elif feature is not None and not feature(units[best]):
        # The time, place, person or words asked for are next door (after, first).
        chosen += [i for i in sorted(options, reverse=True) if feature(units[i])][:1]
    return chosen


def _subject_next_door(
    best: int, chosen: Sequence[int], units: Sequence[Unit], shape: Shape, subject: str | None
) -> list[int]:
    """ "How does he make sure no one is home?" answered by "There was no one at home"
    (which restates it) is completed by the next piece about him ("I had told them …"):
    what the subject does is the answer, in a piece about the subject."""
    if shape.kind in ("who", "where", "number") or subject is None:
        return []
    if any(subject in units[i].forms for i in chosen):
        return []
    for other in sorted(_neighbours(best, units), reverse=True):
        if subject in units[other].forms and other not in chosen:
            return [other]
    return []


def _someone_else(forms: frozenset[str], asked: frozenset[str]) -> bool:
    return any(form.startswith("@") and form not in asked for form in forms)


def _terms(shape: Shape, characters: Sequence[Character]) -> _Terms:
    """Each word the question is about, as the set of forms that count as it; a character
    it names is one term, held by any piece about them."""
    main, main_people = _words_of(shape.main, characters)
    clause, clause_people = _words_of(shape.clause, characters)
    said = {next(iter(term)) for term in main if len(term) == 1}
    clause = [term for term in clause if not (len(term) == 1 and next(iter(term)) in said)]
    subject = main_people[0] if main_people else (clause_people[0] if clause_people else None)
    optional = frozenset(_term(word) for word in shape.speech_words)
    if subject is not None:
        # Only the subject's own words are looked at: the verb of saying adds nothing.
        main = [term for term in main if term not in optional]
    pronouns = {}
    for index, character in enumerate(characters):
        if character.gender in PRONOUN_TOKENS:
            pronouns[frozenset({person_token(index)})] = PRONOUN_TOKENS[character.gender]
    return _Terms(main, clause, frozenset(main_people + clause_people), subject, optional, pronouns)


def _words_of(text: str, characters: Sequence[Character]) -> tuple[list[frozenset[str]], list[str]]:
    """The terms of `text`, and the tokens of the characters it names in the order it
    names them (the longest name first where two overlap: "Mangan's sister" is not
    Mangan)."""
    folded = fold(text)
    spans: list[tuple[int, int, int]] = []
    for index, character in enumerate(characters):
        for alias in character.aliases:
            spans += [(m.start(), m.end(), index) for m in _mentions(folded, fold(alias))]
    taken: list[tuple[int, int, int]] = []
    for start, end, index in sorted(spans, key=lambda span: span[0] - span[1]):
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, index))
    people = list(dict.fromkeys(person_token(index) for _, _, index in sorted(taken)))
    terms = [frozenset({token}) for token in people]
    rest = list(folded)
    for start, end, _ in taken:
        rest[start:end] = " " * (end - start)
    seen: set[str] = set()
    for word in words("".join(rest)):
        if word in _NEGATIONS or word.endswith("n't"):
            word = NEGATION
        elif word in STOP_WORDS or word in _FRAME_WORDS:
            continue
        if word in seen:
            continue
        seen.add(word)
        terms.append(frozenset({NEGATION}) if word == NEGATION else _term(word))
    return terms, people


def _term(word: str) -> frozenset[str]:
    base = base_form(word)
    return frozenset({base, word_root(base)})


def _mentions(text: str, phrase: str) -> list[re.Match[str]]:
    """Where `text` (folded) names `phrase`, in any of its forms ("Richards" for
    "Richard", "the Whites'" for "White")."""
    return list(re.finditer(rf"(?<![\w']){re.escape(phrase)}(?:s'|s\b|'s\b|'|(?![\w']))", text))


def _weights(
    terms: Sequence[frozenset[str]], units: Sequence[Unit], optional: Collection[frozenset[str]]
) -> list[float]:
    """Inverse piece frequency: a word in every piece weighs little; an optional word the
    story never uses, nothing."""
    frequency: Counter[int] = Counter()
    for unit in units:
        for index, term in enumerate(terms):
            if unit.forms & term:
                frequency[index] += 1
    count = len(units)
    return [
        0.0
        if term in optional and not frequency[index]
        else math.log(1 + count / (1 + frequency[index]))
        for index, term in enumerate(terms)
    ]


def _neighbours(index: int, units: Sequence[Unit]) -> list[int]:
    here = units[index]
    found = []
    for other in (index - 1, index + 1):
        if 0 <= other < len(units):
            there = units[other]
            if there.title == here.title and abs(there.passage - here.passage) <= 1:
                found.append(other)
    return found
