"""A story cut into the pieces an answer can quote, each knowing whom it is about.

A piece is a sentence, or one sentence of a long speech: the splitter keeps a quotation
whole ("‘Poor aunt … they went out. In crossing the moor … bog. …’" is one sentence), but
the answer to "what happened to them?" is one sentence inside it.

Each piece carries the word forms it holds and a token for every character it is about:
one it names by any alias; one a pronoun stands for (he/she → the last character of that
gender named before, the usual reading of a story); the speaker of a quotation it
belongs to ("… said the old man"), who is also the "I" inside it; a first-person
narrator, who is the "I" outside quotations.

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.core.cast import Character
from bot.core.letters import is_salutation, letter_writers
from bot.core.lexicon import TITLES
from bot.core.models import Passage
from bot.core.parsing import readable_passages
from bot.core.sentences import split_sentences
from bot.core.text import fold, words
from bot.core.wordforms import base_form, word_root

_QUOTED_RE = re.compile(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)")
_DOUBLE_QUOTES_RE = re.compile(r"[\"“”]")
_PRONOUNS = {
    "m": re.compile(r"\b(?:he|him|his|himself)\b", re.I),
    "f": re.compile(r"\b(?:she|her|hers|herself)\b", re.I),
}
_FIRST_PERSON_RE = re.compile(r"\b(?:I|me|my|myself|mine)\b")
# Who speaks a quotation is the subject of its verb of saying: "he said", "said she"; not
# "his sister had said" or "she told him".
_SPEAKING_PRONOUNS = {
    "m": re.compile(r"\bhe\b", re.I),
    "f": re.compile(r"\bshe\b", re.I),
}
_SPEAKING_I_RE = re.compile(r"\bI\b")
NARRATOR = "the narrator"
# "Why can't she go?" is answered by "she could not go": a negation matches any other.
NEGATION = "¬"
# A he or she the story does not say is whom: a token for the pronoun's gender, which
# half-matches any character of that gender.
PRONOUN_TOKENS = {"m": "♂", "f": "♀"}
_NEGATIONS = frozenset("not never no nor cannot nothing nobody none neither unable".split())
# A sentence longer than this that holds a quotation is quoted sentence by sentence; a
# shorter one is quoted whole ("Agreed. You stake two millions," said the lawyer).
SPLIT_ABOVE = 200
_MIN_PIECE_WORDS = 4
_CACHED_STORIES = 8
_DIALOGUE_RE = re.compile(r"^\s*[\"“]")
# A short sentence that only says who spoke: "I asked him.", "Tom cried.", "said she."
_SAYING = r"(?:said|asked|cried|replied|answered|called|shouted|whispered|murmured|exclaimed)"
_ATTRIBUTION_RE = re.compile(
    rf"^\s*(?:(?:[Hh]e|[Ss]he|[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){{0,2}}"
    rf"|(?:[Tt]he|[Hh]is|[Hh]er|[Mm]y)\s+(?:[a-z-]+\s+){{0,2}}[a-z-]+)\s+{_SAYING}"
    rf"|{_SAYING}\s+(?:the\s+(?:[a-z-]+\s+){{0,2}})?\w+)"
    # what may follow: "him", "quietly", ", smiling", ", without looking up"; not "said
    # nothing more", which is no line said
    r"(?!\s+(?:nothing|no|not|never)\b)[^.!?\"“”]{0,40}[.!]\s*$"
)


@dataclass(frozen=True, slots=True)
class Unit:
    """One quotable piece of a story."""

    title: str
    passage: int
    text: str
    forms: frozenset[str]  # word forms and roots, and "@<n>" for each character it is about
    speakers: frozenset[str]  # the tokens of who says it, when it is (part of) a quotation


def narration(text: str) -> str:
    """The words of `text` outside its quotations: "said the host" of “I don't agree,”
    said the host."""
    return _QUOTED_RE.sub(" ", text).strip()


def person_token(index: int) -> str:
    return f"@{index}"


def word_forms(text: str) -> list[str]:
    """Each word's inflection-free form and, where it differs, its root ("proposition" →
    "propos", met by "propose"); a negation also as NEGATION."""
    forms: list[str] = []
    for word in words(text):
        forms.extend(_forms_of_word(word))
    return forms


@lru_cache(maxsize=65_536)
def _forms_of_word(word: str) -> tuple[str, ...]:
    # A story repeats its words: each is worked out once.
    word = fold(word)
    forms = [NEGATION] if word in _NEGATIONS or word.endswith("n't") else []
    # "counter-proposition" is also a proposition.
    for part in dict.fromkeys([word, *word.split("-")] if "-" in word else [word]):
        base = base_form(part)
        forms.append(base)
        root = word_root(base)
        if root != base:
            forms.append(root)
    return tuple(forms)


def story_units(
    sources: Sequence[tuple[str, Sequence[Passage]]], characters: Sequence[Character]
) -> tuple[Unit, ...]:
    """The quotable pieces of `sources` (story title, passages), in text order."""
    return _story_units(
        tuple((title, tuple(passages)) for title, passages in sources), tuple(characters)
    )


# A reader asks a story several questions in a row: its pieces are worked out once. Keyed
# by the texts and the cast themselves (equal values, not the same objects), so a story
# read again from the database finds them; a few stories' worth is kept.
@lru_cache(maxsize=_CACHED_STORIES)
def _story_units(
    sources: tuple[tuple[str, tuple[Passage, ...]], ...], characters: tuple[Character, ...]
) -> tuple[Unit, ...]:
    names = Names(characters)
    narrator = next((i for i, c in enumerate(characters) if NARRATOR in c.aliases), None)
    main = _main_characters(characters)
    units: list[Unit] = []
    for title, passages in sources:
        last: dict[str, int] = {}  # gender → the character of that gender named last
        readable = readable_passages(passages)
        writers = letter_writers([p.text for p in readable], names.signer)
        turns: list[frozenset[str] | None] = []  # each paragraph's speakers; None: narration
        for position, passage in enumerate(readable):
            writer = writers.get(position)
            # In a letter, "I" is its writer, and all of it is what the writer says.
            first_person = narrator if writer is None else writer
            told: list[tuple[str, list[str], frozenset[str]]] = []
            sentences = split_sentences(passage.text)
            for number, sentence in enumerate(sentences):
                people, said_by = _people(sentence, names, characters, first_person, last, main)
                quoted = _QUOTED_RE.search(sentence) is not None
                after = sentences[number + 1] if number + 1 < len(sentences) else ""
                if quoted and not said_by and _ATTRIBUTION_RE.match(after):
                    # '"How long will you stay?" I asked him.': the splitter ends the
                    # question at its mark; the next sentence says who asked it.
                    said_by = _people(
                        f"{sentence} {after}", names, characters, first_person, dict(last), main
                    )[1]
                if writer is not None:
                    people = [*people, person_token(writer)]
                    said_by, quoted = [person_token(writer)], True
                told.append((sentence, people, frozenset(said_by) if quoted else frozenset()))
            turn = _turn(passage.text, told, turns)
            turns.append(turn)
            for sentence, people, speakers in told:
                if turn and not speakers and _QUOTED_RE.search(sentence):
                    speakers = turn  # an unattributed line of dialogue: whose turn it is
                if is_salutation(sentence):
                    continue  # "My dear Clara," answers nothing; the letter it opens may
                for piece in _pieces(sentence):
                    units.append(
                        Unit(
                            title,
                            passage.number,
                            piece,
                            frozenset([*word_forms(piece), *people, *speakers]),
                            speakers,
                        )
                    )
    return tuple(units)


def _turn(
    text: str,
    told: Sequence[tuple[str, list[str], frozenset[str]]],
    turns: Sequence[frozenset[str] | None],
) -> frozenset[str] | None:
    """Who speaks a paragraph of dialogue (one that opens with a quotation): whoever its
    words name as speaking, or, when they name no one and the two paragraphs before are
    dialogue too, the speaker of the one two back, since speakers take turns ("I have my
    doubts." / "Amontillado!" / "As you are engaged, I am on my way to Luchesi.")."""
    if not _DIALOGUE_RE.match(text):
        return None
    named = frozenset(token for _, _, speakers in told for token in speakers)
    if named:
        return named
    if len(turns) >= 2 and turns[-1] is not None and turns[-2]:
        return turns[-2]
    return frozenset()


def _people(
    sentence: str,
    names: Names,
    characters: Sequence[Character],
    narrator: int | None,
    last: dict[str, int],
    main: dict[str, int],
) -> tuple[list[str], list[str]]:
    """The tokens of the characters a sentence is about, and of those who speak its
    quotation (the people its words outside the quotation name: "… said the old man");
    `last` is brought up to date."""
    outside = _QUOTED_RE.sub(lambda m: " " * len(m.group()), sentence)
    named = names.find(sentence)  # character → where it is first named
    if narrator is not None and _FIRST_PERSON_RE.search(outside):
        named.setdefault(narrator, len(sentence))
    found = set(named)
    genders: list[str] = []
    speakers: set[int] = set()
    if len(outside.strip()) < len(sentence.strip()):
        speakers = set(names.find(outside))
        if narrator is not None and _SPEAKING_I_RE.search(outside):
            speakers.add(narrator)
    for gender, pronoun in _PRONOUNS.items():
        match = pronoun.search(sentence)
        if match is None:
            continue
        genders.append(PRONOUN_TOKENS[gender])
        first_named = min(
            (at for i, at in named.items() if characters[i].gender == gender), default=None
        )
        if first_named is None or match.start() < first_named:
            # "he" is the last man named before, or the story's main man, whom a pronoun
            # often means long after another man was named ("her sister Josephine told
            # her": "her" is not Josephine).
            meant = [i for i in (last.get(gender), main.get(gender)) if i is not None]
            found.update(meant)
            quoting = len(outside.strip()) < len(sentence.strip())
            if quoting and _SPEAKING_PRONOUNS[gender].search(outside):
                speakers.update(meant)
    for index in sorted(named, key=lambda i: named[i]):
        said_gender = characters[index].gender
        if said_gender is not None and index != narrator:
            last[said_gender] = index
    people = [person_token(i) for i in sorted(found)] + genders
    return people, [person_token(i) for i in sorted(speakers)]


def _main_characters(characters: Sequence[Character]) -> dict[str, int]:
    """For each gender, the character of it the story mentions most."""
    main: dict[str, int] = {}
    for index, character in enumerate(characters):
        gender = character.gender
        if gender is not None and (
            gender not in main or character.mentions > characters[main[gender]].mentions
        ):
            main[gender] = index
    return main


def _pieces(sentence: str) -> list[str]:
    """The sentence, or, when it is a long one holding a quotation of several sentences,
    each of them: the splitter is run with the double quotes masked, then the pieces are
    cut from the original text at the same places. A piece of a few words ("Agreed.")
    stays with the next one."""
    if len(sentence) <= SPLIT_ABOVE or not _DOUBLE_QUOTES_RE.search(sentence):
        return [sentence]
    masked = _DOUBLE_QUOTES_RE.sub("'", sentence)
    pieces = split_sentences(masked)
    if len(pieces) < 2:
        return [sentence]
    out: list[str] = []
    cursor = 0
    carried = 0  # where a piece too short to stand alone began
    for piece in pieces:
        start = masked.find(piece, cursor)
        if start < 0:
            return [sentence]
        cursor = start + len(piece)
        if len(words(piece)) < _MIN_PIECE_WORDS and piece is not pieces[-1]:
            continue
        piece = sentence[carried:cursor].strip()
        # A piece that begins inside the quotation is still someone speaking: it opens
        # with its quote mark, so that quoted alone it does not read as narration ("I
        # have only to take this half-dead thing…" is the banker's thought).
        opening = _open_quote(masked[:carried], sentence[:carried])
        out.append(opening + piece if opening and not piece.startswith(opening) else piece)
        carried = cursor
    return out


def _open_quote(masked: str, original: str) -> str:
    """The double quote mark open at the end of `original`, or ""."""
    curly = original.count("“") - original.count("”")
    if curly > 0:
        return "“"
    return '"' if original.count('"') % 2 else ""


def reader_aliases(characters: Sequence[Character]) -> list[tuple[str, ...]]:
    """Each character's aliases and the surname of a titled one ("Hollis" for "Mr.
    Hollis"), which a reader types and a signature gives ("J. HOLLIS.") though the text
    always writes the title; never a surname two people share ("Mr. and Mrs. White") or
    another's word."""
    surnames: dict[str, set[int]] = {}
    for index, character in enumerate(characters):
        for alias in character.aliases:
            title, _, rest = alias.partition(" ")
            if rest and title.rstrip(".").casefold() in TITLES and rest[:1].isupper():
                surnames.setdefault(rest, set()).add(index)
    extra: dict[int, list[str]] = {}
    for surname, owners in surnames.items():
        owner = next(iter(owners))
        # A word of anyone's name as written ("Hollis" in "Tom Hollis") is theirs already.
        if len(owners) == 1 and not any(
            surname.casefold() in (word.casefold() for word in alias.split())
            for other, character in enumerate(characters)
            for alias in character.aliases
            if other != owner or alias.casefold() == surname.casefold()
        ):
            extra.setdefault(owner, []).append(surname)
    return [(*c.aliases, *extra.get(i, ())) for i, c in enumerate(characters)]


class Names:
    """Every alias of a cast in one pattern, so a sentence is searched once, not once a
    character: any alias, as written (so "White" the name is not "white" the colour);
    "the lawyer" also as "a lawyer", before the text knows him; a titled name's surname
    alone (`reader_aliases`)."""

    def __init__(self, characters: Sequence[Character]) -> None:
        self._owners: dict[str, list[int]] = {}
        alternatives: dict[str, str] = {}
        for index, aliases in enumerate(reader_aliases(characters)):
            for alias in aliases:
                if alias == NARRATOR:
                    continue  # named only as the narrator: never by a word
                self._owners.setdefault(_key(alias), []).append(index)
                alternatives[alias] = (
                    r"(?:[Tt]he|[Aa]n?)\s+" + re.escape(alias[4:])
                    if alias.startswith("the ")
                    else re.sub(r"['’]", "['’]", re.escape(alias))
                )
        ordered = sorted(alternatives, key=len, reverse=True)
        body = "|".join(alternatives[alias] for alias in ordered) or r"(?!x)x"
        self._pattern = re.compile(rf"(?<![\w'’])(?:{body})(?!\w)")
        self._signature = re.compile(rf"(?<![\w'’])(?:{body})(?!\w)", re.IGNORECASE)

    def signer(self, text: str) -> int | None:
        """The character a signature names, when `text` is a name alone, in any case,
        after a closing such as "Your old friend,"."""
        for match in self._signature.finditer(text):
            owners = self._owners.get(_key(match.group()))
            if owners and not text[match.end() :].strip(" .,!").strip():
                return owners[0]
        return None

    def ending_at(self, text: str) -> int | None:
        """The character whose name `text` ends with ("… said Mr. Lund"), or None."""
        for match in self._pattern.finditer(text):
            if match.end() == len(text):
                owners = self._owners.get(_key(match.group()))
                return owners[0] if owners else None
        return None

    def opening(self, text: str) -> tuple[int, int] | None:
        """The character `text` names at its start (after spaces), with where the name
        ends: "Mr. Lund give the stranger?" → (Mr. Lund's index, 9)."""
        match = self._pattern.match(text, len(text) - len(text.lstrip()))
        if match is None:
            return None
        owners = self._owners.get(_key(match.group()))
        return (owners[0], match.end()) if owners else None

    def find(self, text: str) -> dict[int, int]:
        """Each character `text` names, with where it first names them."""
        found: dict[int, int] = {}
        for match in self._pattern.finditer(text):
            for index in self._owners.get(_key(match.group()), ()):
                found.setdefault(index, match.start())
        return found


def _key(name: str) -> str:
    key = " ".join(name.replace("’", "'").casefold().split())
    return re.sub(r"^(?:an?|the) ", "the ", key)
