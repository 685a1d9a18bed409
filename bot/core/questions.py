"""Discussion questions about a story, for /story discuss and the daily post.

Templates filled from the story's cast (protagonist, the other characters, places, a line
someone says) and from its turning point, each used only when the text supports it ("Why
does Valérie leave Russia?" needs a passage where she leaves Russia). Every capitalised
word a question adds is a name from the cast, so a question never introduces someone or
somewhere the story does not have.

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from bot.core.cast import SUPPORTING, Cast, Character
from bot.core.models import Passage
from bot.core.parsing import readable_passages
from bot.core.places import surely_a_place
from bot.core.ranking import rank_sentences
from bot.core.relations import related
from bot.core.retelling import story_sentences
from bot.core.stated import at_with, gives, introduced, one_person, present_at
from bot.core.text import shorten, words

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
# An occasion is a noun after one of these ("a show", "the party"), never "show you".
_DETERMINERS = r"(?:[Aa]n?|[Tt]he|[Tt]his|[Tt]hat|[Hh]er|[Hh]is|[Tt]heir|[Mm]y|[Oo]ur)"
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
    asked: list[str]  # the questions chosen so far, which later ones must not repeat

    def name(self, character: Character) -> str:
        return called(character, self.cast, self.passages)


def discussion_questions(
    passages: Sequence[Passage], cast: Cast, *, title: str, limit: int = 4
) -> list[str]:
    """Three or four questions about this story, most specific first. Deterministic."""
    questions: list[str] = []
    story = _Story(readable_passages(passages), cast, title, _hero(cast), _setting(cast), questions)
    allowed = allowed_names(cast)
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


def called(character: Character, cast: Cast | None = None, passages: Sequence[Passage] = ()) -> str:
    """The name the story calls a character by most briefly: "Valérie", or "Léa Roux"
    when the text never shortens it; never a word of someone else's name in the cast
    ("White" is the mother's, the father's and the son's: "Mrs. White"), unless no
    other name is left. With the text at hand, a short form it uses far less than a
    longer one is not the name ("the Chief" once, "Red Chief" eleven times)."""
    names = character.aliases or (character.name,)
    others = {
        word
        for other in (cast.characters if cast else ())
        if other is not character
        for alias in (other.name, *other.aliases)
        for word in alias.split()
    }
    clear = [name for name in names if not set(name.split()) <= others] or list(names)
    if passages and len(clear) > 1:
        uses = _uses_alone(clear, " ".join(passage.text for passage in passages))
        most = max(uses.values())
        if most >= _CLEAR_USES:
            clear = [name for name in clear if uses[name] * 3 >= most] or clear
    return min(clear, key=len)


# A longer name used this often is the name unless the short form is used a third as often.
_CLEAR_USES = 3


def _uses_alone(names: Sequence[str], text: str) -> dict[str, int]:
    """How often the text writes each name other than inside a longer one of `names`."""
    counts = {
        name: len(re.findall(rf"(?<![\w'’-]){re.escape(name)}(?![\w-])", text)) for name in names
    }
    return {
        name: counts[name]
        - sum(counts[longer] for longer in names if longer != name and _inside(name, longer))
        for name in names
    }


def _inside(name: str, longer: str) -> bool:
    return f" {name} " in f" {longer} "


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
            return f"Why does {story.name(hero)} leave {match.group(1)}?"
    return None


def _gift_question(story: _Story) -> str | None:
    """What does Sophie's gift mean to Zoe? Asked when the narration says another
    character gives the protagonist something, not when a paragraph merely has a giving
    word and someone in it ("give" in a promise, "hands" as in her hands)."""
    hero = story.hero
    if hero is None:
        return None
    candidates = [p for p in story.passages if _GIFT_RE.search(p.text)]
    if not candidates:
        return None
    for giver in _others(story):
        if gives(story.passages, giver, hero):
            return f"What does {_possessive(story.name(giver))} gift mean to {story.name(hero)}?"
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
                return f"What does {story.name(speaker)} mean by “{quote}”?"
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
    return f"How does {story.setting} change {story.name(hero)}?"


_PRESENT_MENTIONS = 2


def _turning_point_question(story: _Story) -> str | None:
    """What changes for Valérie after meeting Sophie? Without a meeting: what changes at
    the venue or occasion of the most central passage of the story's second half."""
    hero = story.hero
    if hero is None:
        return None
    for fact in sorted(hero.meets, key=lambda fact: fact.passage):
        met = story.cast.find(fact.text)
        if met is None or met is hero:
            continue
        # Someone named once in passing ("a book by Walter Scott") is not met, kin are
        # not met, and neither is someone there from the start: the text must tell the
        # meeting ("a woman named Sophie greeted her").
        present = met.mentions >= _PRESENT_MENTIONS or bool(met.lines)
        kin = related(story.passages, hero, met, story.cast.characters)
        if present and _meeting_told(story, met, hero) and not kin:
            return f"What changes for {story.name(hero)} after meeting {story.name(met)}?"
    turning = turning_point(story.passages)
    if turning is None:
        return None
    # The venue or occasion must be one the narration puts the protagonist at: not a
    # station someone else says they came from, not "show" the verb.
    venues = [
        p.name
        for p in story.cast.places
        if p.kind == "venue"
        and p.name in turning.text
        and present_at(story.passages, hero, p.name.removeprefix("the "))
    ]
    if venues:
        return f"What changes for {story.name(hero)} at {venues[0]}?"
    occasion = _occasion(story.passages, turning, hero)
    if occasion:
        return f"What changes for {story.name(hero)} at the {occasion}?"
    return None


def _named_again(story: _Story, label: str) -> bool:
    """Whether the text calls someone by `label` in two paragraphs at least."""
    form = "[Tt]he " + re.escape(label[4:]) if label.startswith("the ") else re.escape(label)
    pattern = re.compile(rf"(?<![\w'’]){form}(?!\w)")  # "Wild Jack's" names him too
    return sum(1 for passage in story.passages if pattern.search(passage.text)) >= 2


def _meeting_told(story: _Story, met: Character, hero: Character) -> bool:
    """Whether the paragraph that brings `met` into the story tells them meeting `hero`."""
    passage = next((p for p in story.passages if p.number == met.first_passage), None)
    return passage is not None and introduced(passage, met, hero)


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


def _occasion(passages: Sequence[Passage], turning: Passage, hero: Character) -> str | None:
    """The occasion the turning point happens at: an occasion word of that passage (else
    of the second half), the one the whole story mentions most, among those a sentence
    of the narration puts the protagonist at ("she had a show to get to")."""
    counts = Counter(word for p in passages for word in words(p.text.lower()) if word in _OCCASIONS)
    second_half = " ".join(p.text for p in passages if p.number > len(passages) / 2)
    for text in (turning.text, second_half):
        present = [
            word
            for word in dict.fromkeys(words(text.lower()))
            if word in _OCCASIONS and present_at(passages, hero, word)
        ]
        if present:
            return max(present, key=lambda word: counts[word])
    return None


def _place_role_question(story: _Story) -> str | None:
    """What part does Montmartre play in Léa Roux's story? (The story's main place, when
    the text treats it as one, not "the goddess of Victory", and its narration puts the
    protagonist and the place in one sentence: a wine someone says "let us proceed to",
    or a country only a visitor's tales are set in, is no part of their story.)"""
    if story.hero is None or story.setting is None:
        return None
    text = " ".join(passage.text for passage in story.passages)
    if not surely_a_place(story.setting, text):
        return None
    if not at_with(story.passages, story.hero, rf"\b{re.escape(story.setting)}\b"):
        return None
    return f"What part does {story.setting} play in {_possessive(story.name(story.hero))} story?"


def _title_question(story: _Story) -> str | None:
    """Why is the story called “Montmartre”? Kept only when the title's words are the
    story's names, like every question: "The Story of Léa Roux" is dropped for "Story".
    A title that is only the story's opening words (made up for a text without one) is
    no author's choice to ask about."""
    if not story.title or _title_is_opening(story):
        return None
    return f"Why is the story called “{story.title}”?"


def _title_is_opening(story: _Story) -> bool:
    title = words(story.title.lower())
    opening = words(story.passages[0].text.lower()) if story.passages else []
    return bool(title) and opening[: len(title)] == title


def _relationship_question(story: _Story) -> str | None:
    """What does Sophie see in Valérie? Asked of the first supporting character who
    shares a scene with the protagonist, is not their kin (a sister does not "see
    something in" her brother) and is in no question asked already: after "What changes
    for Framton after meeting Mrs. Sappleton?", what she sees in him asks it again."""
    hero = story.hero
    if hero is None:
        return None
    for other in _others(story):
        if other.role != SUPPORTING or any(_mentions(q, other) for q in story.asked):
            continue
        together = any(story.cast.find(fact.text) is other for fact in hero.meets)
        # A second name of the hero ("registered as Ralph D. Spencer") sees nothing in him,
        # and a name the text uses once ("Buffalo Bill's show") is no one who sees.
        apart = together and not one_person(story.passages, other, hero)
        apart = apart and _named_again(story, story.name(other))
        if apart and not related(story.passages, hero, other, story.cast.characters):
            return f"What does {story.name(other)} see in {story.name(hero)}?"
    return None


def _change_question(story: _Story) -> str | None:
    if story.hero is None:
        return None
    return f"How has {story.name(story.hero)} changed by the end of the story?"


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
