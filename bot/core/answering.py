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
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import pairwise

from bot.core.answer_context import (
    attribution,
    exchange,
    introduced_person,
    introduction,
    later_turn,
    own_reason_after,
    reason_before,
    subject_next_door,
    with_context,
)
from bot.core.answer_kinds import (
    eligible_pieces,
    kind_feature,
    naming_a_place,
    own_names,
    scene,
)
from bot.core.answer_people import described_people
from bot.core.answer_roles import (
    asked_doer,
    doer_contradicts,
    given_to,
    only_a_pronoun_does,
    receiver_of,
    things_it_holds,
    who_verb,
)
from bot.core.answer_terms import (
    Terms,
    as_the_story_spells,
    someone_unnamed,
    term_of,
    terms_of_question,
)
from bot.core.answer_units import (
    NARRATOR,
    NEGATION,
    Names,
    Unit,
    story_units,
)
from bot.core.cast import Character
from bot.core.models import Passage
from bot.core.question_shape import Shape, question_kind, shape_of
from bot.core.sentences import close_quotes
from bot.core.text import fold, shorten, words

__all__ = ["MIN_COVERAGE", "Found", "find_answer", "question_kind"]

# A question must find at least this share of its weighed words in one piece (with its
# neighbour's help) to be answered.
MIN_COVERAGE = 0.3
# How much a neighbouring piece's coverage lifts a piece, and what the right kind of
# content (a person for "who") adds.
_NEIGHBOUR_SHARE = 0.4
_KIND_BONUS = 0.15
# The rest of its paragraph counts for a piece a little less than a neighbour does.
_PARAGRAPH_SHARE = 0.75
# A moment named by one word this common is no moment: see `_vague_moment`.
_VAGUE_USES = 3
# "At the end" / "at the beginning": this share of a story's pieces, at least this many.
_PART_SHARE = 0.1
_PART_PIECES = 8
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
# "at the back of a drawer", "under the floor": a spot the piece itself says, which the
# town the scene is in would only push down.
_AT_A_SPOT_RE = re.compile(
    r"\b(?:at|in|on|under|behind|beneath|inside)\s+the\s+(?:back|bottom|top|side|corner|"
    r"foot|end|middle|floor|bed|ground)\s+of\b|\b(?:under|beneath|behind|inside)\s+(?:the|a|an)\b"
)
# An offer, a promise, a threat is said in the first person and the future tense.
_COMMITMENTS = frozenset(
    "offer offers offered promise promises promised threaten threatens threatened".split()
)
_COMMITS_RE = re.compile(r"\b(?:I\s+(?:will|shall|would|can)|I['’]ll|I['’]d)\b")
# A second answer, from elsewhere in the text, is quoted when it scores this close to the
# first: two readings of the question, the reader judges.
_MAX_ANSWERS = 2
_RUNNER_UP_SHARE = 0.85


@dataclass(frozen=True, slots=True)
class Found:
    """The sentences that answer, in text order, and where they are."""

    title: str
    passage: int
    text: str
    # Where the piece stands among the story's pieces: two of one paragraph that are not
    # next to each other are quoted with "…" between, never run together.
    position: int = -1


def find_answer(
    question: str,
    sources: Sequence[tuple[str, Sequence[Passage]]],
    characters: Sequence[Character] = (),
    places: Collection[str] = (),
) -> list[Found]:
    """The sentence(s) of `sources` (story title, passages) that answer `question`, or []
    when none does. `places` are the names of the stories' places."""
    # "the rider" the cast does not know is someone for this question all the same.
    characters = (*characters, *described_people(question, sources, characters))
    units = story_units(sources, characters)
    shape = shape_of(question)
    terms = terms_of_question(shape, characters)
    if not units or not (terms.main or terms.clause):
        return []
    terms = as_the_story_spells(terms, units)
    if not (shape.naming or shape.new_name):
        # A name must be the named person's own: "her sister" is never any "she".
        terms = someone_unnamed(terms, units)
    # An age, a time, a sum: what the answer must hold already narrows it down.
    if shape.kind not in ("number", "when") and _vague_moment(terms, units):
        return []
    # "What did he give the stranger?": a piece where it goes to someone else holds
    # nothing of the question, nor lends its words to its neighbours; one where it goes to
    # the stranger has the roles asked about.
    names = Names(characters)
    taker = receiver_of(question, names)
    roles = [0] * len(units) if taker is None else [given_to(u, taker, names) for u in units]
    # "Why did she sell it?": never a piece where a he, or another by name, sells it.
    doer = asked_doer(question, names, characters)
    narrator = next((i for i, c in enumerate(characters) if NARRATOR in c.aliases), None)
    if doer is not None:
        roles = [
            -1 if doer_contradicts(unit, doer, names, characters, narrator) else role
            for unit, role in zip(units, roles, strict=True)
        ]
    own, located, paragraph = _coverages(terms, units, shape, roles)
    eligible = eligible_pieces(shape, units, terms.subject)
    if shape.position:
        eligible = _in_part(eligible, units, shape.position)
        if _someone_else_there(eligible, units, terms, characters):
            return []
    eligible = [i for i in eligible if roles[i] >= 0]
    if shape.place_name:
        eligible = naming_a_place(eligible, units, characters, places)
    if shape.naming:
        eligible = own_names(eligible, units, characters, terms.subject)
    feature = kind_feature(shape, places, question, units, characters)
    scores: dict[int, float] = {}
    contexts: dict[int, float] = {}
    # "What time is it when the narrator reaches the bazaar?": the time is the one told
    # where he is (a clock he sees), not one the pieces around give another person.
    state_of = (
        terms.subject
        if shape.kind in ("when", "number")
        and terms.clause
        and not any(term & terms.people for term in terms.main)
        else None
    )
    negated = frozenset({NEGATION}) in terms.main
    committing = not _COMMITMENTS.isdisjoint(shape.speech_words)
    asked_verb = who_verb(question) if shape.kind == "who" else None
    for index in eligible:
        contexts[index] = context = max(
            max((own[i] for i in exchange(index, units)), default=0.0),
            _PARAGRAPH_SHARE * paragraph[(units[index].title, units[index].passage)],
        )
        score = located[index] + _NEIGHBOUR_SHARE * context
        # "Who sold it?" is not answered by "he had sold it": the piece does not say who.
        unnamed = asked_verb is not None and only_a_pronoun_does(
            units[index], asked_verb, names, characters, narrator
        )
        if feature is not None and feature(units[index]) and not unnamed:
            score += _KIND_BONUS
        if shape.kind == "who" and not unnamed and _someone_else(units[index].forms, terms.people):
            score += _KIND_BONUS  # "Who told her?": a person the question does not name
        if shape.speech and terms.subject in units[index].speakers:
            score += _KIND_BONUS  # "What does he promise?": what he says
            if committing and _COMMITS_RE.search(units[index].text):
                score += _KIND_BONUS  # "What does he offer?": "I will pay you a guinea."
        elif _says_he_does(units[index], terms):
            score += _KIND_BONUS  # "What does he wish for?": "I wish for …," he said
        if state_of is not None and state_of in units[index].forms:
            score += _KIND_BONUS
        if roles[index] > 0:
            score += _KIND_BONUS
        if shape.kind == "who" and _someone_says_i_did(units[index], terms):
            score += _KIND_BONUS  # "Who sold it?": "'I sold it at Christmas,' she said"
        if negated and NEGATION in units[index].forms:
            score += _KIND_BONUS  # "Why can't she go?": "She could not go, … because …"
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
        # A piece that gives someone a name is the whole answer to "What name does he
        # use?"; the neighbour that shares the question's other words would come first.
        chosen = (
            [index]
            if shape.new_name
            else with_context(index, units, own, feature, person=shape.kind == "who")
        )
        chosen += subject_next_door(index, chosen, units, shape, terms.subject)
        chosen += later_turn(index, chosen, units, feature)
        if shape.kind == "why":
            chosen += reason_before(index, chosen, units)
            chosen += own_reason_after(index, chosen, units, feature, terms.subject)
        if shape.kind == "who":
            # "'I sold it …'" answers who sold it only with who says it.
            said_by = None if _someone_says_i_did(units[index], terms) else feature
            chosen += attribution(index, chosen, units, said_by)
            chosen += introduced_person([index], units, characters, terms.people, chosen)
        if (
            shape.happened
            and index + 1 < len(units)
            and units[index + 1].passage == units[index].passage
        ):
            chosen.append(index + 1)  # "What happened to them?": what the next sentence says
        if shape.kind == "where" and places and not _AT_A_SPOT_RE.search(units[index].text):
            chosen += scene(chosen, units, places, terms.people, characters)
        if shape.kind == "where":
            chosen += introduction(chosen, units)
        answers.append(chosen)
    # Best first, as ranked: the reader takes the first quotation for the answer, and the
    # shorter runner-up was often the one that only shares a word ("The only escape from
    # bankruptcy …" for "Who tells the banker that the prisoner has escaped?"); on the
    # development set the evidence comes first in 29 answers of 37 this way, 27 shortest
    # first.
    quoted: dict[int, None] = {}
    for answer in answers:
        quoted.update(dict.fromkeys(sorted(i for i in answer if i not in quoted)))
    return [
        Found(
            units[i].title,
            units[i].passage,
            shorten(close_quotes(units[i].text), _MAX_QUOTE_CHARS),
            i,
        )
        for i in quoted
    ]


def _coverages(
    terms: Terms, units: Sequence[Unit], shape: Shape, roles: Sequence[int]
) -> tuple[list[float], list[float], dict[tuple[str, int], float]]:
    """The share of the question's weight each piece holds by itself; the same with the
    clause found anywhere within reach of it; and the share each paragraph holds. A piece
    whose roles contradict the question (`roles` -1) holds none of it."""
    everything = [*terms.main, *terms.clause]
    weights = _weights(everything, units, terms.optional)
    total = sum(weights) or 1.0
    main_weights = weights[: len(terms.main)]
    clause_weights = weights[len(terms.main) :]

    # "'I sold it at Christmas …'": the thing an "it" stands for, held half.
    its = things_it_holds(everything, units)
    main_count = len(terms.main)

    def held(
        forms: Collection[str],
        wanted: Sequence[frozenset[str]],
        w: Sequence[float],
        it: Collection[int] = (),
    ) -> float:
        found = set(forms)
        return sum(
            weight
            if not found.isdisjoint(term)
            else _PRONOUN_SHARE * weight
            if (terms.pronouns.get(term) in found or index in it)
            and (not shape.position or found.isdisjoint(terms.rivals.get(term, ())))
            else 0.0
            for index, (term, weight) in enumerate(zip(wanted, w, strict=True))
        )

    main = [
        held(u.forms, terms.main, main_weights, its[i]) if roles[i] >= 0 else 0.0
        for i, u in enumerate(units)
    ]
    clause = [
        held(u.forms, terms.clause, clause_weights, {j - main_count for j in its[i]})
        if roles[i] >= 0
        else 0.0
        for i, u in enumerate(units)
    ]
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
    for unit, role in zip(units, roles, strict=True):
        if role >= 0:
            paragraph_forms.setdefault((unit.title, unit.passage), set()).update(unit.forms)
    paragraph = {
        key: held(forms, everything, weights) / total for key, forms in paragraph_forms.items()
    }
    return own, located, paragraph


def _vague_moment(terms: Terms, units: Sequence[Unit]) -> bool:
    """Whether the question is only "what does X do" at a moment one common word names
    ("… just before the time is up": "time" is in half a dozen places): any piece about X
    near any "time" would do, so no quotation is better than a guess."""
    people = {frozenset({token}) for token in terms.people}
    if not terms.clause or any(term not in people for term in terms.main):
        return False
    if len(terms.clause) > 1:
        return False
    term = terms.clause[0]
    return sum(1 for unit in units if not unit.forms.isdisjoint(term)) >= _VAGUE_USES


def _someone_else_there(
    eligible: Sequence[int],
    units: Sequence[Unit],
    terms: Terms,
    characters: Sequence[Character],
) -> bool:
    """Whether the part of the story asked about never names the one asked about but
    names another of their gender: its "he" is that other man's ("What does Olaf do at
    the end?" when only Pieter is named there). Names, not the pieces' people: a piece's
    "he" is given to the story's main man too."""
    if terms.subject is None:
        return False
    index = int(terms.subject.removeprefix("@"))
    subject = characters[index]
    if subject.gender is None:
        return False
    text = " ".join(units[i].text for i in eligible)

    def named(character: Character) -> bool:
        return any(
            re.search(rf"(?<![\w'’]){re.escape(alias)}(?![\w'’])", text)
            for alias in character.aliases
        )

    # Someone whose own words are there (a line, a letter they signed) is there too.
    speaks = any(terms.subject in units[i].speakers for i in eligible)
    rivals = [c for i, c in enumerate(characters) if i != index and c.gender == subject.gender]
    return not (speaks or named(subject)) and any(named(rival) for rival in rivals)


def _in_part(eligible: Sequence[int], units: Sequence[Unit], position: str) -> list[int]:
    """The pieces in the last (or first) part of their story: "at the end" is its last
    tenth, never fewer than a few paragraphs' worth of pieces."""
    spans: dict[str, list[int]] = {}
    for index, unit in enumerate(units):
        spans.setdefault(unit.title, []).append(index)
    kept = []
    for index in eligible:
        story = spans[units[index].title]
        share = max(_PART_PIECES, math.ceil(len(story) * _PART_SHARE))
        place = index - story[0]
        if (position == "end" and place >= len(story) - share) or (
            position == "start" and place < share
        ):
            kept.append(index)
    return kept


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


def _says_he_does(unit: Unit, terms: Terms) -> bool:
    """The subject saying "I <the question's verb>": a wish, an oath, a promise is made by
    saying it, so his own words in the first person are the act asked about."""
    if terms.subject is None or terms.subject not in unit.speakers:
        return False
    said = [fold(word) for word in words(unit.text)]
    verbs = [term for term in terms.main if terms.subject not in term]
    return any(
        word == "i" and any(not term_of(after).isdisjoint(term) for term in verbs)
        for word, after in pairwise(said)
    )


def _someone_says_i_did(unit: Unit, terms: Terms) -> bool:
    """A quotation whose "I" does the question's verb, said by someone the question does
    not name: the "I" is its speaker, a person named as surely as by their name."""
    if not unit.speakers or unit.speakers <= terms.people or "i" not in unit.forms:
        return False
    verbs = [term for term in terms.main if not any(form.startswith("@") for form in term)]
    if all(unit.forms.isdisjoint(term) for term in verbs):
        return False
    said = [fold(word) for word in words(unit.text)]
    return any(
        word == "i" and any(not term_of(after).isdisjoint(term) for term in verbs)
        for word, after in pairwise(said)
    )


def _someone_else(forms: frozenset[str], asked: frozenset[str]) -> bool:
    return any(form.startswith("@") and form not in asked for form in forms)


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
