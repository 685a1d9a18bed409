"""A reader's question as terms: each word it is about as the set of forms that count as
it (a character it names is one term, held by any piece about them), split into its main
part and its when/after/before clause, with who it is about and who says it. Used by
`answering.find_answer`.

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.core.answer_units import NEGATION, PRONOUN_TOKENS, Unit, person_token, reader_aliases
from bot.core.cast import Character
from bot.core.lexicon import FEMALE_NOUNS, MALE_NOUNS
from bot.core.question_shape import Shape
from bot.core.search import STOP_WORDS
from bot.core.search.words import spelling_variants
from bot.core.synonyms import PHRASES, synonym_forms
from bot.core.text import fold, words
from bot.core.wordforms import base_form, word_root

# "Why is she unable to go?" asks what "she could not go" answers.
_NEGATIONS = frozenset("not never no nor cannot unable".split())
# Words that frame a question rather than say what it is about.
_FRAME_WORDS = frozenset(
    """can could would will should shall may might must please tell explain describe know
    happen happens happened mean means meant story stories exactly really kind sort each
    every both other also very just even ever own according one""".split()
)
# "What does he wish for first?": an order, not a word the answer holds ("the first man
# had three wishes" is not his first wish).
_ORDER_RE = re.compile(r"\b(?:at\s+)?(?:first|last|finally)\s*[?.!]*\s*$", re.IGNORECASE)
# "Mr. White's first wish": an ordinal after someone's name.
_PERSON_ORDINAL_RE = re.compile(
    r"(?P<owner>[\w.]+)['’]s\s+(?P<ordinal>first|second|third|last|final)\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Terms:
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
    # A character's term → the other characters of their gender. Asked about the end of
    # the story, where the one asked about may never be named, a piece naming another of
    # them ("the banker put the sheet … He went out") has its "he" for that one.
    rivals: dict[frozenset[str], frozenset[str]]


def terms_of_question(shape: Shape, characters: Sequence[Character]) -> Terms:
    """Each word the question is about, as the set of forms that count as it; a character
    it names is one term, held by any piece about them."""
    main, main_people = words_of(
        _ordered(_ORDER_RE.sub("", _one_word(shape.main)), characters), characters
    )
    clause, clause_people = words_of(_one_word(shape.clause), characters)
    said = {next(iter(term)) for term in main if len(term) == 1}
    clause = [term for term in clause if not (len(term) == 1 and next(iter(term)) in said)]
    subject = main_people[0] if main_people else (clause_people[0] if clause_people else None)
    if shape.sayer:
        # "Where does the niece say Framton was chased?": the one who says it is the
        # subject, and when the cast does not know them, no one's words are looked for.
        sayers = words_of(shape.sayer, characters)[1]
        subject = sayers[0] if sayers else None
    optional = frozenset(term_of(word) for word in shape.speech_words)
    if subject is not None:
        # Only the subject's own words are looked at: the verb of saying adds nothing.
        main = [term for term in main if term not in optional]
    optional |= {term_of(word) for word in shape.kind_words}
    pronouns = {}
    rivals = {}
    for index, character in enumerate(characters):
        if character.gender in PRONOUN_TOKENS:
            term = frozenset({person_token(index)})
            pronouns[term] = PRONOUN_TOKENS[character.gender]
            rivals[term] = frozenset(
                person_token(other)
                for other, someone in enumerate(characters)
                if other != index and someone.gender == character.gender
            )
    people = frozenset(main_people + clause_people)
    return Terms(main, clause, people, subject, optional, pronouns, rivals)


_PHRASES_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(phrase) for phrase in PHRASES) + r")\b", re.IGNORECASE
)


def _one_word(text: str) -> str:
    """ "Where was he laid to rest?": a phrase for one word is that word ("buried")."""
    return _PHRASES_RE.sub(lambda match: PHRASES[match.group().casefold()], text)


def _ordered(text: str, characters: Sequence[Character]) -> str:
    """ "Mr. White's first wish" is his wish that came first: after a person's name the
    ordinal orders their acts and is no word the answer holds ("The first man had his
    three wishes" is not it). After a thing ("the paw's first owner") it stays."""
    for match in reversed(list(_PERSON_ORDINAL_RE.finditer(text))):
        owner = fold(match.group("owner"))
        if any(fold(alias).endswith(owner) for c in characters for alias in c.aliases):
            text = text[: match.start("ordinal")] + text[match.end("ordinal") :]
    return text


def words_of(text: str, characters: Sequence[Character]) -> tuple[list[frozenset[str]], list[str]]:
    """The terms of `text`, and the tokens of the characters it names in the order it
    names them (the longest name first where two overlap: "Mangan's sister" is not
    Mangan)."""
    folded = fold(text)
    spans: list[tuple[int, int, int]] = []
    for index, aliases in enumerate(reader_aliases(characters)):
        for alias in aliases:
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
        terms.append(frozenset({NEGATION}) if word == NEGATION else term_of(word))
    return terms, people


def term_of(word: str) -> frozenset[str]:
    base = base_form(word)
    return frozenset({base, word_root(base)})


def _mentions(text: str, phrase: str) -> list[re.Match[str]]:
    """Where `text` (folded) names `phrase`, in any of its forms ("Richards" for
    "Richard", "the Whites'" for "White")."""
    return list(re.finditer(rf"(?<![\w']){re.escape(phrase)}(?:s'|s\b|'s\b|'|(?![\w']))", text))


_GENDERED = FEMALE_NOUNS | MALE_NOUNS


def someone_unnamed(terms: Terms, units: Sequence[Unit]) -> Terms:
    """ "What did the narrator promise the girl?" in a story that never says "girl": she is
    someone the cast does not know by that word, so any "she" or "her" holds the term (it
    then weighs as little as a word on many pages)."""

    def widened(term: frozenset[str]) -> frozenset[str]:
        gender = next(
            ("f" if form in FEMALE_NOUNS else "m" for form in term if form in _GENDERED), None
        )
        if gender is None or any(not unit.forms.isdisjoint(term) for unit in units):
            return term
        return term | {PRONOUN_TOKENS[gender]}

    return replace(
        terms,
        main=[widened(term) for term in terms.main],
        clause=[widened(term) for term in terms.clause],
    )


def as_the_story_spells(terms: Terms, units: Sequence[Unit]) -> Terms:
    """A question word the story never uses, in the story's spelling when it has one: the
    reader's "color", "gray", "traveled" are the text's "colour", "grey", "travelled"; or
    else in the story's words for it (`synonyms`): "vengeance" is the text's "revenge"."""
    used: set[str] = set()
    for unit in units:
        used.update(unit.forms)

    def respelled(term: frozenset[str]) -> frozenset[str]:
        if not used.isdisjoint(term):
            return term
        found = {
            form
            for word in term
            for variant in spelling_variants(word)
            for form in (base_form(variant), word_root(base_form(variant)))
            if form in used
        }
        if not found:
            found = {form for word in term for form in synonym_forms(word) if form in used}
        return term | found

    return replace(
        terms,
        main=[respelled(term) for term in terms.main],
        clause=[respelled(term) for term in terms.clause],
    )
