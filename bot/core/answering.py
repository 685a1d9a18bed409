"""Which sentence of a story answers a reader's question.

Every sentence of the passages given is scored by how much of the question it holds,
each question word weighed by how rare it is in those passages (a name on every page says
little; "trowel" says a lot), with word forms matched ("sold" answers "sell") and a
character's other names standing for the one asked about ("Mr. White", "the old man").
A sentence next to one that holds the question is a candidate too, since a story often
says the thing in one sentence and its answer in the next ("it was four o'clock …" / "the
visitors came"): the question's kind decides between them (who → a person, where → a
place, when → a time, why → a reason, how many → a number).

"Doesn't say" is the answer only when no sentence holds enough of the question, or when
the question asks for a name and no sentence gives one.

Plain Python (no discord import).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot.core.cast import Character
from bot.core.models import Passage
from bot.core.parsing import readable_passages
from bot.core.search import STOP_WORDS
from bot.core.sentences import split_sentences
from bot.core.text import fold, shorten, words
from bot.core.wordforms import base_form

# Words that frame a question rather than say what it is about.
_FRAME_WORDS = frozenset(
    """can could would will should shall may might must please tell explain describe know
    happen happens happened mean means meant story stories exactly really kind sort each
    every both other also very just even ever own""".split()
)
# A question must find at least this share of its weighed words in one sentence (with
# its neighbour's help) to be answered.
MIN_COVERAGE = 0.3
# How much a neighbouring sentence's coverage lifts a sentence, and what the right kind
# of content (a person for "who") adds.
_NEIGHBOUR_SHARE = 0.4
_KIND_BONUS = 0.15
# The rest of its paragraph counts for a sentence a little less than a neighbour does.
_PARAGRAPH_SHARE = 0.75
_MAX_QUOTE_CHARS = 600
# A second answer, from elsewhere in the text, is quoted when it scores this close to the
# first: two readings of the question, the reader judges.
_MAX_ANSWERS = 2
_RUNNER_UP_SHARE = 0.85

_KIND_RES = {
    "who": re.compile(r"^\s*(?:who|whom|whose)\b", re.I),
    "where": re.compile(r"^\s*where\b", re.I),
    "when": re.compile(r"^\s*(?:when|what\s+time|what\s+day|what\s+year)\b", re.I),
    "why": re.compile(r"^\s*why\b", re.I),
    "number": re.compile(r"^\s*(?:how\s+(?:much|many|old|long|far)|what\s+age)\b", re.I),
}
# "What is the lawyer's name?", "What is the first name of her husband?": only a sentence
# that names someone can answer. ("What name does he register under?" is another kind.)
_NAME_QUESTION_RE = re.compile(
    r"^\s*what(?:'s|’s|\s+is|\s+was)\s+(?:the\s+|her\s+|his\s+|their\s+)?"
    r"(?:[\w.’' -]+?(?:'s|’s)\s+)?"
    r"(?:first\s+|last\s+|real\s+|full\s+|sur)?name\b",
    re.I,
)
# A sentence holding this much of the question restates it; its answer is what follows.
_ECHO = 0.9
# A sentence that gives a name: "a girl named May", "his name was Tom" (not "her name was
# like a summons").
_NAMING_RE = re.compile(r"\b(?:named|called|name\s+(?:is|was))\s+[\"“‘]?[A-Z]")
_PERSON_RE = re.compile(
    r"(?:\b[a-z,;:—–-]+\s+|[\"“‘]\s*)[A-Z][\w'’-]+|\b(?:man|woman|boy|girl|lady|he|she|they)\b"
)
_PLACE_RE = re.compile(
    r"\b(?:in|into|at|to|from|inside|beneath|under|near|on)\s+(?:the|a|an|his|her|their|my)\b"
)
_TIME_RE = re.compile(
    r"\b(?:o'clock|o’clock|morning|evening|night|noon|midnight|dawn|dusk|day|days|week|weeks|"
    r"month|months|year|years|hour|hours|minute|minutes|ago|later|before|after|when|"
    r"january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|\d+)\b",
    re.I,
)
_REASON_RE = re.compile(
    r"\b(?:because|since|so that|in order|for|that is why|so|to|reason|only escape)\b", re.I
)
_NUMBER_RE = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty|thirty|forty|fifty|hundred|thousand|million|millions|dozen|half)\b",
    re.I,
)
_NUMBER_WORDS = (
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|hundred)(?:-\w+)?"
)
_AGE_QUESTION_RE = re.compile(r"^\s*(?:how\s+old|what\s+age)\b", re.I)
# An age as stories give one: "nine years old", "a man of about twenty-five", "aged ten",
# "the nine-year-old girl", "was nine last birthday".
_AGE_RE = re.compile(
    rf"\b{_NUMBER_WORDS}[- ]years?[- ]old\b|\bof\s+(?:about\s+|some\s+)?{_NUMBER_WORDS}\b"
    rf"|\baged\s+{_NUMBER_WORDS}\b|\bage\s+of\s+{_NUMBER_WORDS}\b"
    rf"|\b{_NUMBER_WORDS}\s+last\s+birthday\b",
    re.I,
)
_KIND_FEATURES = {
    "who": _PERSON_RE,
    "where": _PLACE_RE,
    "when": _TIME_RE,
    "why": _REASON_RE,
    "number": _NUMBER_RE,
}


@dataclass(frozen=True, slots=True)
class Found:
    """The sentences that answer, in text order, and where they are."""

    title: str
    passage: int
    text: str


@dataclass(frozen=True, slots=True)
class _Sentence:
    title: str
    passage: int
    text: str
    forms: frozenset[str]


def question_kind(question: str) -> str:
    for kind, pattern in _KIND_RES.items():
        if pattern.match(question):
            return kind
    return "what"


def find_answer(
    question: str,
    sources: Sequence[tuple[str, Sequence[Passage]]],
    characters: Sequence[Character] = (),
) -> list[Found]:
    """The sentence(s) of `sources` (story title, passages) that answer `question`, or []
    when none does."""
    patterns = _name_patterns(characters)
    sentences = [
        _Sentence(title, p.number, text, frozenset([*_forms(text), *_people_in(text, patterns)]))
        for title, passages in sources
        for p in readable_passages(passages)
        for text in split_sentences(p.text)
    ]
    kind = question_kind(question)
    asked = _KIND_RES[kind].sub("", question) if kind in _KIND_RES else question
    naming = _NAME_QUESTION_RE.search(question) is not None
    if naming:
        # Whose name is asked is what the sentence must be about; that it names is given.
        asked = re.sub(r"\b(?:first|last|real|full|sur)?name\b", " ", asked, flags=re.I)
    terms = _terms(asked, characters)
    if not sentences or not terms:
        return []
    coverage, paragraph_coverage = _coverages(terms, sentences)
    eligible = _eligible(question, kind, naming, sentences)
    feature = _KIND_FEATURES.get(kind)
    asked_people = {form for term in terms for form in term if form.startswith("@")}
    scores: dict[int, float] = {}
    contexts: dict[int, float] = {}
    for index in eligible:
        contexts[index] = context = max(
            _neighbour_coverage(index, sentences, coverage),
            _PARAGRAPH_SHARE
            * paragraph_coverage[(sentences[index].title, sentences[index].passage)],
        )
        score = coverage[index] + _NEIGHBOUR_SHARE * context
        if feature is not None and feature.search(sentences[index].text):
            score += _KIND_BONUS
        if kind == "who" and _someone_else(sentences[index].forms, asked_people):
            score += _KIND_BONUS  # "Who told her?": a person the question does not name
        scores[index] = score
    ranked = sorted(scores, key=lambda i: (-scores[i], i))
    answers: list[list[int]] = []
    for index in ranked:
        if len(answers) == _MAX_ANSWERS:
            break
        if max(coverage[index], contexts[index]) < MIN_COVERAGE:
            continue
        if answers and (
            scores[index] < _RUNNER_UP_SHARE * scores[answers[0][0]]
            or any(index in answer for answer in answers)
        ):
            continue
        answers.append(_with_context(index, sentences, coverage, feature))
    # Shortest first: the reader sees the most direct answer before the longer one.
    answers.sort(key=lambda answer: sum(len(sentences[i].text) for i in answer))
    return [
        Found(
            sentences[i].title, sentences[i].passage, shorten(sentences[i].text, _MAX_QUOTE_CHARS)
        )
        for answer in answers
        for i in sorted(answer)
    ]


def _coverages(
    terms: Sequence[frozenset[str]], sentences: Sequence[_Sentence]
) -> tuple[list[float], dict[tuple[str, int], float]]:
    """The share of the question's weight each sentence holds, and each paragraph."""
    weights = _weights(terms, sentences)
    total = sum(weights)

    def held(forms: Collection[str]) -> float:
        found = set(forms)
        return sum(w for term, w in zip(terms, weights, strict=True) if not found.isdisjoint(term))

    paragraph_forms: dict[tuple[str, int], set[str]] = {}
    for sentence in sentences:
        paragraph_forms.setdefault((sentence.title, sentence.passage), set()).update(sentence.forms)
    return (
        [held(sentence.forms) / total for sentence in sentences],
        {key: held(forms) / total for key, forms in paragraph_forms.items()},
    )


def _eligible(question: str, kind: str, naming: bool, sentences: Sequence[_Sentence]) -> list[int]:
    """The sentences that can answer this kind of question at all."""
    eligible = list(range(len(sentences)))
    if naming:
        # "What is the lawyer's name?": only a sentence that names someone can answer.
        eligible = [i for i in eligible if _NAMING_RE.search(sentences[i].text)]
    if kind == "number":
        # "How many?": only a sentence with a number can say; "how old?", one with an age.
        wanted = _AGE_RE if _AGE_QUESTION_RE.match(question) else _NUMBER_RE
        eligible = [i for i in eligible if wanted.search(sentences[i].text)]
    return eligible


def _with_context(
    best: int,
    sentences: Sequence[_Sentence],
    coverage: Sequence[float],
    feature: re.Pattern[str] | None,
) -> list[int]:
    """The answering sentence, with the neighbour that completes it."""
    chosen = [best]
    neighbour = _best_neighbour(best, sentences, coverage)
    if neighbour is not None and coverage[neighbour] >= coverage[best]:
        chosen.append(neighbour)  # the sentence the question echoes, then its answer
    elif coverage[best] >= _ECHO and best + 1 in _neighbours(best, sentences):
        chosen.append(best + 1)  # "He had a weak point." Then: what it was.
    elif (
        neighbour is not None
        and feature is not None
        and feature.search(sentences[neighbour].text)
        and not feature.search(sentences[best].text)
    ):
        chosen.append(neighbour)  # the time, place or person asked for is next door
    return chosen


def _someone_else(forms: frozenset[str], asked: set[str]) -> bool:
    return any(form.startswith("@") and form not in asked for form in forms)


def _forms(text: str) -> list[str]:
    return [base_form(word) for word in words(fold(text))]


def _terms(question: str, characters: Sequence[Character]) -> list[frozenset[str]]:
    """Each word the question is about, as the set of forms that count as it; a character
    it names is one term, held by any sentence naming them by any of their names."""
    folded = fold(question)
    terms: list[frozenset[str]] = []
    seen: set[str] = set()
    name_words: set[str] = set()
    for index, character in enumerate(characters):
        said = [a for a in character.aliases if _says(folded, fold(a))]
        if said:
            terms.append(frozenset({_person_token(index)}))
            name_words.update(word for alias in said for word in words(fold(alias)))
    for word in words(folded):
        if word in STOP_WORDS or word in _FRAME_WORDS or word in seen or word in name_words:
            continue
        seen.add(word)
        terms.append(frozenset({base_form(word)}))
    return terms


def _person_token(index: int) -> str:
    return f"@{index}"


def _people_in(text: str, patterns: Sequence[re.Pattern[str]]) -> list[str]:
    return [_person_token(i) for i, pattern in enumerate(patterns) if pattern.search(text)]


def _name_patterns(characters: Sequence[Character]) -> list[re.Pattern[str]]:
    """How each character is named in a sentence: any alias, as written (so "White" the
    name is not "white" the colour); a narrator, by "I"."""
    patterns = []
    for character in characters:
        forms = sorted(character.aliases, key=len, reverse=True)
        # "the lawyer" is also "a lawyer" before the text knows him.
        alternatives = [
            r"(?:[Tt]he|[Aa]n?)\s+" + re.escape(form[4:])
            if form.startswith("the ")
            else re.escape(form)
            for form in forms
        ]
        if "the narrator" in character.aliases:
            alternatives.append(r"I|me|my|myself")
        patterns.append(re.compile(rf"(?<![\w'’])(?:{'|'.join(alternatives)})(?![\w'’])"))
    return patterns


def _says(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w']){re.escape(phrase)}(?![\w'])", text) is not None


def _weights(terms: Sequence[frozenset[str]], sentences: Sequence[_Sentence]) -> list[float]:
    """Inverse sentence frequency: a word in every sentence weighs little."""
    frequency: Counter[int] = Counter()
    for sentence in sentences:
        for index, term in enumerate(terms):
            if sentence.forms & term:
                frequency[index] += 1
    count = len(sentences)
    return [math.log(1 + count / (1 + frequency[index])) for index in range(len(terms))]


def _neighbours(index: int, sentences: Sequence[_Sentence]) -> list[int]:
    here = sentences[index]
    found = []
    for other in (index - 1, index + 1):
        if 0 <= other < len(sentences):
            there = sentences[other]
            if there.title == here.title and abs(there.passage - here.passage) <= 1:
                found.append(other)
    return found


def _neighbour_coverage(
    index: int, sentences: Sequence[_Sentence], coverage: Sequence[float]
) -> float:
    return max((coverage[i] for i in _neighbours(index, sentences)), default=0.0)


def _best_neighbour(
    index: int, sentences: Sequence[_Sentence], coverage: Sequence[float]
) -> int | None:
    options = _neighbours(index, sentences)
    return max(options, key=lambda i: coverage[i]) if options else None
