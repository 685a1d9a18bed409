"""Talking about a story: discussion questions, and answers drawn only from its text.

Discussion questions are templates filled from the story's cast (protagonist, the other
characters, places, a line someone says) and from its turning point, each used only when
the text supports it ("Why does Valérie leave Russia?" needs a passage where she leaves
Russia). Every capitalised word a question adds is a name from the cast, so a question
never introduces someone or somewhere the story does not have.

Readers' questions are classified here (`parse_question`); who/where/meet questions are
answered from character facts (`answer_from_cast`), each fact with the passage it comes
from, and anything else is answered by the caller's search (for `question_terms`, the
question without its "who is / tell me about" scaffolding), whose best passages
`quote_passages` turns into quotations. When a character is known but the facts are not
there, the answer says the story doesn't say; when nothing matches, the caller says so
(`UNANSWERABLE`): nothing is guessed.

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from bot.core.cast import PROTAGONIST, SUPPORTING, Cast, Character, Fact
from bot.core.models import Passage
from bot.core.parsing import readable_passages
from bot.core.retelling import rank_sentences, story_sentences
from bot.core.search import STOP_WORDS
from bot.core.sentences import split_sentences
from bot.core.text import fold, shorten, words

UNANSWERABLE = "The stories don't say."

QuestionKind = Literal["who", "where", "meet", "other"]

# --- discussion questions -----------------------------------------------------------------

# A quoted line is cut (at a word boundary) to about this many characters.
QUOTE_LENGTH = 50
# Shorter lines ("Bonjour!", "I'm Léa Roux.") say too little to discuss.
_MIN_LINE_WORDS = 6
# A quote cut before a word that is not a name ends at the last clause mark instead,
# if that leaves at least this many words.
_CLAUSE_MARKS = (" – ", " — ", ", ", "; ", ": ")
_MIN_QUOTED_WORDS = 4
_LEAVE_VERBS = r"leave|leaves|leaving|left|flee|flees|fleeing|fled|escape|escapes|escaped"
# "left for Berlin", "fled to Berlin": the place after these is where they go, not
# where they leave, so no word between the verb and the place may be one of them.
_TOWARDS = r"for|to|towards|toward|into|onto"
_GIFT_RE = re.compile(r"\b(?:gift|gifts|gave|gives|give|handed|hands|presented)\b", re.I)
# Occasions and venues a turning point can happen at, when the cast names none.
_OCCASIONS = frozenset(
    """show exhibition exhibit gallery concert performance recital party ball wedding funeral
    festival market fair dinner interview audition competition studio theatre theater museum
    café cafe restaurant bar station church school hospital trial""".split()
)
# When the cast gives too little to fill three questions; they name no one.
_GENERIC_QUESTIONS = (
    "Which moment of the story stays with you most, and why?",
    "What is the turning point of the story?",
    "How would you tell the ending differently?",
)


@dataclass(frozen=True, slots=True)
class _Story:
    """What the question templates read: the passages, the cast, and names worked out once."""

    passages: Sequence[Passage]
    cast: Cast
    title: str
    hero: Character | None
    setting: str | None  # the most mentioned place


def discussion_questions(
    passages: Sequence[Passage], cast: Cast, *, title: str, limit: int = 4
) -> list[str]:
    """Three or four questions about this story, most specific first. Deterministic."""
    story = _Story(readable_passages(passages), cast, title, _hero(cast), _setting(cast))
    allowed = allowed_names(cast)
    questions: list[str] = []
    for template in _TEMPLATES:
        if len(questions) >= limit:
            break  # later templates are less specific, and the turning point costs a ranking
        question = template(story)
        if question and question not in questions and names_allowed(question, allowed):
            questions.append(question)
    for generic in _GENERIC_QUESTIONS:
        if len(questions) >= limit:
            break
        questions.append(generic)
    return questions[:limit]


def _hero(cast: Cast) -> Character | None:
    return cast.protagonist or next(iter(cast.characters), None)


def _setting(cast: Cast) -> str | None:
    if not cast.places:
        return None
    # Ties go to the place the story reaches first (cast.places is in text order).
    return max(cast.places, key=lambda place: place.mentions).name


def called(character: Character) -> str:
    """The name the story calls a character by most briefly: "Valérie", or "Léa Roux"
    when the text never shortens it."""
    return min(character.aliases or (character.name,), key=len)


def _possessive(name: str) -> str:
    return f"{name}'s"


def _others(story: _Story) -> list[Character]:
    return [c for c in story.cast.characters if c is not story.hero]


def _mentions(text: str, character: Character) -> bool:
    return any(re.search(rf"\b{re.escape(alias)}\b", text) for alias in character.aliases)


def _departure_question(story: _Story) -> str | None:
    """Why does Valérie leave Russia? Asked when the protagonist leaves a place that is
    not the story's setting, in a passage that names them."""
    hero = story.hero
    places = [p.name for p in story.cast.places if p.name != story.setting]
    if hero is None or not places:
        return None
    # Longest first, so that "Saint Petersburg" is not read as "Saint".
    alternatives = "|".join(re.escape(name) for name in sorted(places, key=len, reverse=True))
    leaving = re.compile(
        rf"\b(?:{_LEAVE_VERBS})\b(?:\s+(?!(?:{_TOWARDS})\b)[\w'’]+){{0,3}}?\s+({alternatives})\b"
    )
    for passage in story.passages:
        match = leaving.search(passage.text)
        if match and _mentions(passage.text, hero):
            return f"Why does {called(hero)} leave {match.group(1)}?"
    return None


def _gift_question(story: _Story) -> str | None:
    """What does Sophie's gift mean to Zoe? Asked when another character gives."""
    hero = story.hero
    if hero is None:
        return None
    for passage in story.passages:
        if not _GIFT_RE.search(passage.text):
            continue
        giver = next((c for c in _others(story) if _mentions(passage.text, c)), None)
        if giver is not None:
            return f"What does {_possessive(called(giver))} gift mean to {called(hero)}?"
    return None


def _line_question(story: _Story) -> str | None:
    """What does Sophie mean by “Remember that art is…”? The longest line someone else
    says (the protagonist's own when no one else speaks)."""
    allowed = allowed_names(story.cast)
    speakers = [*_others(story), *([story.hero] if story.hero else [])]
    for speaker in speakers:
        lines = sorted(speaker.lines, key=lambda fact: (-len(fact.text.split()), fact.passage))
        for fact in lines:
            if len(fact.text.split()) >= _MIN_LINE_WORDS:
                quote = quotable(fact.text, allowed)
                return f"What does {called(speaker)} mean by “{quote}”?"
    return None


def quotable(line: str, allowed: Collection[str]) -> str:
    """A line shortened for a question: cut before any capitalised word that is not a
    name of the story, then to at most QUOTE_LENGTH characters at a word boundary."""
    text = line.strip().strip("\"“”‘’'").strip()
    cut = next(
        (
            match.start()
            for match in _CAPITALISED_RE.finditer(text)
            if not _sentence_initial(text, match.start())
            and not _is_allowed(match.group(), allowed)
        ),
        len(text),
    )
    kept = text[:cut]
    if cut < len(text):
        # Cut mid-clause ("…your own story – a"): end at the clause's start instead when
        # enough is left to be worth quoting.
        clause_end = max(kept.rfind(mark) for mark in _CLAUSE_MARKS)
        if len(kept[:clause_end].split()) >= _MIN_QUOTED_WORDS:
            kept = kept[:clause_end]
    kept = kept.rstrip(" ,;:–—-")
    if len(kept) > QUOTE_LENGTH:
        return shorten(kept, QUOTE_LENGTH)
    return kept + "…" if cut < len(text) else kept.rstrip(".,;:")


def _place_change_question(story: _Story) -> str | None:
    """How does Paris change Valérie? Asked when the protagonist comes from elsewhere."""
    hero = story.hero
    if hero is None or story.setting is None:
        return None
    origins = {fact.text for fact in hero.origins}
    if not origins or story.setting in origins:
        return None
    return f"How does {story.setting} change {called(hero)}?"


def _turning_point_question(story: _Story) -> str | None:
    """What changes for Valérie after meeting Sophie? Without a meeting: what changes at
    the venue or occasion of the most central passage of the story's second half."""
    hero = story.hero
    if hero is None:
        return None
    for fact in sorted(hero.meets, key=lambda fact: fact.passage):
        met = story.cast.find(fact.text)
        if met is not None and met is not hero:
            return f"What changes for {called(hero)} after meeting {called(met)}?"
    turning = turning_point(story.passages)
    if turning is None:
        return None
    venues = [p.name for p in story.cast.places if p.kind == "venue" and p.name in turning.text]
    if venues:
        return f"What changes for {called(hero)} at {venues[0]}?"
    occasion = _occasion(story.passages, turning)
    if occasion:
        return f"What changes for {called(hero)} at the {occasion}?"
    return None


def turning_point(passages: Sequence[Passage]) -> Passage | None:
    """The most central passage of the story's second half (by its best sentence)."""
    if not passages:
        return None
    sentences = story_sentences(passages)
    scores = rank_sentences([text for _, text in sentences])
    best: dict[int, float] = {}
    for (number, _), score in zip(sentences, scores, strict=True):
        best[number] = max(best.get(number, 0.0), score)
    second_half = [p for p in passages if p.number > len(passages) / 2] or list(passages)
    return max(second_half, key=lambda p: (best.get(p.number, 0.0), -p.number))


def _occasion(passages: Sequence[Passage], turning: Passage) -> str | None:
    """The occasion the turning point happens at: an occasion word of that passage (else
    of the second half), the one the whole story mentions most."""
    counts = Counter(word for p in passages for word in words(p.text.lower()) if word in _OCCASIONS)
    second_half = " ".join(p.text for p in passages if p.number > len(passages) / 2)
    for text in (turning.text, second_half):
        present = [word for word in words(text.lower()) if word in _OCCASIONS]
        if present:
            return max(dict.fromkeys(present), key=lambda word: counts[word])
    return None


def _place_role_question(story: _Story) -> str | None:
    """What part does Montmartre play in Léa Roux's story? (The story's main place.)"""
    if story.hero is None or story.setting is None:
        return None
    return f"What part does {story.setting} play in {_possessive(called(story.hero))} story?"


def _title_question(story: _Story) -> str | None:
    """Why is the story called “Montmartre”? Kept only when the title's words are the
    story's names, like every question: "The Story of Léa Roux" is dropped for "Story"."""
    return f"Why is the story called “{story.title}”?" if story.title else None


def _relationship_question(story: _Story) -> str | None:
    """What does Sophie see in Valérie? (The first supporting character.)"""
    others = [c for c in _others(story) if c.role == SUPPORTING]
    if story.hero is None or not others:
        return None
    return f"What does {called(others[0])} see in {called(story.hero)}?"


def _change_question(story: _Story) -> str | None:
    if story.hero is None:
        return None
    return f"How has {called(story.hero)} changed by the end of the story?"


_TEMPLATES: tuple[Callable[[_Story], str | None], ...] = (
    _departure_question,
    _gift_question,
    _line_question,
    _place_change_question,
    _turning_point_question,
    _place_role_question,
    _title_question,
    _relationship_question,
    _change_question,
)

# --- names in questions -------------------------------------------------------------------

_CAPITALISED_RE = re.compile(r"\b[^\W\d_a-z][\w'’-]*")
# The pronoun "I" and its contractions are capitalised without being names.
_FIRST_PERSON = frozenset({"I", "I'm", "I’m", "I've", "I’ve", "I'll", "I’ll", "I'd", "I’d"})
_SENTENCE_STARTS = '.!?…“"‘('


def allowed_names(cast: Cast) -> frozenset[str]:
    """Every word of every name in the cast: characters (all aliases) and places."""
    names = [
        *(alias for c in cast.characters for alias in (c.name, *c.aliases)),
        *(place.name for place in cast.places),
    ]
    return frozenset(word for name in names for word in words(name))


def _is_allowed(word: str, allowed: Collection[str]) -> bool:
    bare = re.sub(r"['’]s$", "", word)
    return word in _FIRST_PERSON or word in allowed or bare in allowed


def _sentence_initial(text: str, index: int) -> bool:
    before = text[:index].rstrip()
    return not before or before[-1] in _SENTENCE_STARTS


def names_allowed(question: str, allowed: Collection[str]) -> bool:
    """Whether every capitalised word of `question`, other than a sentence's first word
    and "I", is a word of a name in `allowed`."""
    return all(
        _sentence_initial(question, match.start()) or _is_allowed(match.group(), allowed)
        for match in _CAPITALISED_RE.finditer(question)
    )


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

# A question word matches a sentence word at this rapidfuzz ratio (typos forgiven).
_WORD_CUTOFF = 80.0
# A second sentence is quoted when it is next to the best one and nearly as relevant.
_SECOND_SENTENCE_SHARE = 0.8
_MAX_QUOTE_CHARS = 900


def quote_passages(hits: Sequence[tuple[str, int, str]], question: str) -> Answer:
    """Quote the sentence(s) of each hit (story title, passage number, passage text) most
    relevant to `question`: “…” — <title>, ¶<n>, one hit a paragraph."""
    parts: list[str] = []
    refs: list[tuple[str, int]] = []
    for title, number, text in hits:
        quote = _relevant_sentences(text, question)
        if quote:
            parts.append(f"“{_nested(quote)}” — {title}, ¶{number}")
            refs.append((title, number))
    if not parts:
        return Answer(UNANSWERABLE, ())
    return Answer("\n\n".join(parts), tuple(refs))


def _content_words(text: str) -> list[str]:
    return [word for word in words(fold(text)) if word not in STOP_WORDS]


def _relevance(question_words: Sequence[str], sentence: str) -> float:
    """How much of the question a sentence covers: each question word's best rapidfuzz
    match among the sentence's words, averaged (0-100)."""
    sentence_words = _content_words(sentence)
    if not question_words or not sentence_words:
        return 0.0
    total = 0.0
    for word in question_words:
        best = process.extractOne(
            word, sentence_words, scorer=fuzz.ratio, score_cutoff=_WORD_CUTOFF
        )
        total += best[1] if best else 0.0
    return total / len(question_words)


def _relevant_sentences(text: str, question: str) -> str:
    sentences = split_sentences(text)
    if not sentences:
        return ""
    question_words = _content_words(question)
    scores = [_relevance(question_words, sentence) for sentence in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    chosen = [best]
    for neighbour in (best + 1, best - 1):
        nearly_as_good = scores[best] > 0 and (
            0 <= neighbour < len(sentences)
            and scores[neighbour] >= _SECOND_SENTENCE_SHARE * scores[best]
        )
        if nearly_as_good:
            chosen.append(neighbour)
            break
    quote = " ".join(sentences[i] for i in sorted(chosen))
    return shorten(quote, _MAX_QUOTE_CHARS)


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
            out.append("‘" if before.isspace() or before in "([—–-" else "’")
        else:
            out.append(char)
    return "".join(out)
