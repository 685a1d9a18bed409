"""Answering a reader's question from the text, for /story ask and @mentions.

Readers' questions are classified (`parse_question`); who/where/meet questions are
answered from character facts (`answer_from_cast`), each fact with the passage it comes
from. Anything else is answered by quoting the sentence that answers it (`find_answer`,
see its docstring), chosen from the passages the caller gives. When a character is known
but the facts are not there, or nothing in the text answers, the answer says the story
doesn't say: nothing is guessed.

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from rapidfuzz import fuzz

from bot.core.answering import Found
from bot.core.cast import PROTAGONIST, SUPPORTING, Cast, Character, Fact
from bot.core.search import STOP_WORDS
from bot.core.text import fold, words

UNANSWERABLE = "The stories don't say."

QuestionKind = Literal["who", "where", "meet", "other"]

# --- readers' questions -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Question:
    kind: QuestionKind
    # The character name the user's words matched, as the story spells it ("valrie" →
    # "Valérie"); the user's own words when they match no name; None for "other".
    subject: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Answer:
    text: str  # a plain-English answer, built only from the text's facts
    refs: tuple[tuple[str, int], ...]  # (story_title, passage number) for each fact used


_SUBJECT = r"(?P<subject>.+?)"
_MEET_RE = re.compile(
    rf"^(?:who|whom)\s+(?:does|did|do|has|have|had|will|would)\s+{_SUBJECT}\s+"
    r"(?:meet|met|get\s+to\s+know|befriend|befriended)(?:\s+.*)?$",
    re.IGNORECASE,
)
_WHERE_RE = re.compile(
    rf"^where\s+(?:does|did|do|is|was|has|had|will|would)\s+{_SUBJECT}"
    r"(?:\s+(?P<verb>go|goes|went|gone|going|travel|travels|travelled|traveled|live|lives|"
    r"lived|stay|stays|stayed|end\s+up|come\s+from|from|work|works|worked|walk|walks|walked|"
    r"be))?$",
    re.IGNORECASE,
)
# The verb of a where-question as the answer says it: "where did Sophie go" → "goes".
_WHERE_VERBS = {
    **dict.fromkeys(("go", "goes", "went", "gone", "going"), "goes"),
    **dict.fromkeys(("travel", "travels", "travelled", "traveled"), "travels"),
    **dict.fromkeys(("live", "lives", "lived"), "lives"),
    **dict.fromkeys(("stay", "stays", "stayed"), "stays"),
    **dict.fromkeys(("work", "works", "worked"), "works"),
    **dict.fromkeys(("walk", "walks", "walked"), "walks"),
    "end up": "ends up",
}
_WHO_RE = re.compile(
    rf"^(?:who\s+is|who's|whos|who\s+was|tell\s+me\s+about|describe)\s+{_SUBJECT}$",
    re.IGNORECASE,
)
_STORY_SUFFIX_RE = re.compile(r"\s+(?:in|from)\s+(?:the|this|that)\s+story$", re.IGNORECASE)
_ORIGIN_QUESTION_RE = re.compile(r"\bfrom\W*$|\bcome\s+from\b", re.IGNORECASE)
# A name is recognised from a typed word at this rapidfuzz ratio ("valrie" vs "valerie"
# is 92, "zo" vs "zoe" 80) and two characters are both meant when within this margin.
NAME_CUTOFF = 75.0
_NAME_MARGIN = 5.0


def _normalised(question: str) -> str:
    text = " ".join(question.replace("’", "'").split()).rstrip(" ?!.")
    return _STORY_SUFFIX_RE.sub("", text)


def parse_question(question: str, cast_names: Collection[str]) -> Question:
    """Classify a reader's question and find whom it is about.

    "who is X", "who's X", "tell me about X" → who; "where does X go", "where is X" →
    where; "who does/did X meet" → meet; anything else → other (for the search engine).
    """
    text = _normalised(question)
    kinds: tuple[tuple[QuestionKind, re.Pattern[str]], ...] = (
        ("meet", _MEET_RE),
        ("where", _WHERE_RE),
        ("who", _WHO_RE),
    )
    for kind, pattern in kinds:
        match = pattern.match(text)
        if match:
            typed = match["subject"].strip()
            return Question(kind, match_name(typed, cast_names) or typed, question)
    return Question("other", None, question)


# Words that frame a question rather than say what it is about: "can you tell me what
# happens at the show?" is about the show. Stop words (who, what, does, is, you…) go too.
_SCAFFOLDING = frozenset(
    """can could would will should shall may might must please tell explain describe know
    happen happens happened mean means meant story stories""".split()
)


def question_terms(question: str) -> list[str]:
    """The words a question is about, folded, in order, each once: what the search engine
    should look for. Empty when the question is all scaffolding ("who are you?")."""
    terms = [
        word
        for word in words(fold(question))
        if word not in STOP_WORDS and word not in _SCAFFOLDING
    ]
    return list(dict.fromkeys(terms))


def is_named(typed: str, character: Character) -> bool:
    """Whether `typed` may mean this character (the test `answer_from_cast` applies), so
    that a caller can load only the casts a question may be about."""
    return bool(_name_scores(typed, sorted({character.name, *character.aliases})))


def match_name(typed: str, names: Collection[str]) -> str | None:
    """The name in `names` that `typed` means, accents and case folded and typos
    forgiven, whole names before single words ("roux" → "Léa Roux"); None if none."""
    scored = _name_scores(typed, sorted(names))
    if not scored:
        return None
    return max(scored, key=lambda pair: pair[1])[0]


def _name_scores(typed: str, names: Sequence[str]) -> list[tuple[str, float]]:
    """(name, score) for each name `typed` may mean, in `names` order."""
    wanted = fold(typed).strip()
    if not wanted:
        return []
    scores: list[tuple[str, float]] = []
    for name in names:
        candidates = [fuzz.ratio(wanted, fold(name))]
        if " " in name:
            # One word of a longer name ("zoe", "ivanov") scores a point less, so that a
            # character called exactly that word wins.
            candidates += [fuzz.ratio(wanted, fold(part)) - 1 for part in name.split()]
        score = max(candidates)
        if score >= NAME_CUTOFF:
            scores.append((name, score))
    return scores


def answer_from_cast(question: Question, casts: Sequence[tuple[str, Cast]]) -> Answer | None:
    """A who/where/meet answer from the casts' facts, story by story; None when no
    character matches (the caller searches the text instead). A character the stories
    know but give no facts of that kind for gets a plain "doesn't say", not a guess."""
    if question.kind == "other" or not question.subject:
        return None
    build = _ANSWER_BUILDERS[question.kind]
    wants_origin = question.kind == "where" and bool(_ORIGIN_QUESTION_RE.search(question.text))
    named = _characters_named(question.subject, casts)
    if not named:
        return None
    parts: list[Answer] = []
    for title, cast, character in named:
        part = (
            _origin_answer(title, cast, character)
            if wants_origin
            else build(title, cast, character)
        )
        if part is not None:
            parts.append(part)
    if not parts:
        return _not_said(question, [(title, character) for title, _cast, character in named])
    refs = tuple(dict.fromkeys(ref for part in parts for ref in part.refs))
    return Answer("\n\n".join(part.text for part in parts), refs)


def _not_said(question: Question, named: Sequence[tuple[str, Character]]) -> Answer:
    """“The Story of Léa Roux” doesn't say where Léa Roux comes from."""
    titles: dict[str, list[str]] = {}
    for title, character in named:
        titles.setdefault(character.name, []).append(title)
    sentences = []
    for name, in_titles in titles.items():
        stories = _and([f"“{title}”" for title in dict.fromkeys(in_titles)])
        does = "doesn't" if len(in_titles) == 1 else "don't"
        sentences.append(f"{stories} {does} {_untold(question, name)}.")
    return Answer(" ".join(sentences), ())


def _untold(question: Question, name: str) -> str:
    if question.kind == "meet":
        return f"name anyone {name} meets"
    if _ORIGIN_QUESTION_RE.search(question.text):
        return f"say where {name} comes from"
    match = _WHERE_RE.match(_normalised(question.text))
    verb = " ".join((match["verb"] or "").lower().split()) if match else ""
    return f"say where {name} {_WHERE_VERBS.get(verb, 'is')}"


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _characters_named(
    subject: str, casts: Sequence[tuple[str, Cast]]
) -> list[tuple[str, Cast, Character]]:
    """Every character, in every story, that `subject` names (Sophie in two stories is
    two characters), the best matches only."""
    scored: list[tuple[float, str, Cast, Character]] = []
    for title, cast in casts:
        for character in cast.characters:
            names = sorted({character.name, *character.aliases})
            best = max((score for _, score in _name_scores(subject, names)), default=0.0)
            if best:
                scored.append((best, title, cast, character))
    if not scored:
        return []
    top = max(score for score, *_ in scored)
    return [(title, cast, c) for score, title, cast, c in scored if score >= top - _NAME_MARGIN]


def _refs(title: str, facts: Iterable[Fact]) -> list[tuple[str, int]]:
    return [(title, fact.passage) for fact in facts]


def _listed(facts: Sequence[Fact]) -> str:
    """The facts as a list: a (¶2), b (¶3) and c (¶6)."""
    items = [f"{fact.text} (¶{fact.passage})" for fact in facts]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _unique(facts: Iterable[Fact]) -> list[Fact]:
    """Facts with distinct texts (the first occurrence of each), in text order."""
    seen: dict[str, Fact] = {}
    for fact in sorted(facts, key=lambda fact: fact.passage):
        seen.setdefault(fold(fact.text), fact)
    return list(seen.values())


def _role(character: Character) -> str:
    if character.role == PROTAGONIST:
        return "the main character"
    if character.role == SUPPORTING:
        return "a supporting character"
    return "a character"


def _who_answer(title: str, cast: Cast, character: Character) -> Answer:
    name = character.name
    sentences = [
        f"In “{title}”, {name} is {_role(character)}, "
        f"first appearing in ¶{character.first_passage}."
    ]
    refs = [(title, character.first_passage)]
    descriptions = _unique(character.descriptions)
    if descriptions:
        sentences.append(f"The story describes {name} as {_listed(descriptions)}.")
        refs += _refs(title, descriptions)
    origin = _origin_sentence(cast, character)
    if origin:
        sentences.append(origin)
        refs += _refs(title, character.origins)
    return Answer(" ".join(sentences), tuple(refs))


def _origin_sentence(cast: Cast, character: Character) -> str | None:
    """Valérie Ivanov is Russian (¶2) and comes from Russia (¶3). None without origins."""
    places = {place.name for place in cast.places}
    origins = _unique(character.origins)
    nationalities = [fact for fact in origins if fact.text not in places]
    homelands = [fact for fact in origins if fact.text in places]
    clauses = []
    if nationalities:
        clauses.append(f"is {_listed(nationalities)}")
    if homelands:
        clauses.append(f"comes from {_listed(homelands)}")
    return f"{character.name} {' and '.join(clauses)}." if clauses else None


def _origin_answer(title: str, cast: Cast, character: Character) -> Answer | None:
    sentence = _origin_sentence(cast, character)
    if sentence is None:
        return None
    return Answer(f"In “{title}”, {sentence}", tuple(_refs(title, character.origins)))


def _where_answer(title: str, cast: Cast, character: Character) -> Answer | None:
    places = _unique(character.places)
    if not places:
        return None
    text = f"In “{title}”, the story takes {character.name} to {_listed(places)}."
    return Answer(text, tuple(_refs(title, places)))


def _meet_answer(title: str, cast: Cast, character: Character) -> Answer | None:
    met = _unique(character.meets)
    if not met:
        return None
    text = f"In “{title}”, {character.name} meets {_listed(met)}."
    return Answer(text, tuple(_refs(title, met)))


_ANSWER_BUILDERS: dict[str, Callable[[str, Cast, Character], Answer | None]] = {
    "who": _who_answer,
    "where": _where_answer,
    "meet": _meet_answer,
}

# --- quoted answers -----------------------------------------------------------------------


def quote_found(found: Sequence[Found]) -> Answer:
    """The sentences that answer, quoted with their paragraph: “…” — <title>, ¶<n>; the
    sentences of one paragraph in one quotation."""
    if not found:
        return Answer(UNANSWERABLE, ())
    grouped: dict[tuple[str, int], list[Found]] = {}
    for item in found:
        grouped.setdefault((item.title, item.passage), []).append(item)
    parts = [
        f"“{_nested(_joined(items))}” — {title}, ¶{number}"
        for (title, number), items in grouped.items()
    ]
    return Answer("\n\n".join(parts), tuple(grouped))


def _joined(items: Sequence[Found]) -> str:
    """The pieces of one paragraph in the text's order; where the text has sentences
    between two of them, "…" says so (run together, "He recollected further …" and "The
    least attempt …" would read as one passage)."""
    ordered = sorted(items, key=lambda item: item.position)
    text = ordered[0].text
    for before, item in pairwise(ordered):
        known = before.position >= 0 and item.position >= 0
        apart = known and item.position != before.position + 1
        text += (" … " if apart else " ") + item.text
    return text


def _nested(text: str) -> str:
    """Double quotes inside a quotation become single ones: “She said ‘yes’.”"""
    out = []
    for index, char in enumerate(text):
        if char == "“":
            out.append("‘")
        elif char == "”":
            out.append("’")
        elif char == '"':
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            # A mark after a dash closes a broken-off line ("He will tell me--") when
            # nothing follows it.
            opening = before.isspace() or (before in "([—–-" and not after.isspace())
            out.append("‘" if opening else "’")
        else:
            out.append(char)
    return "".join(out)
