"""What the text itself states between two characters, for questions that presuppose it.

"What does Sophie's gift mean to Zoe?" presupposes that Sophie gives Zoe something, and
"What changes for Valérie after meeting Sophie?" that they meet. Sharing a paragraph is
not that: the warden who hands Jimmy his pardon gives no gift, and a husband's friend who
is there from the first page is never met. These tests read the narration (never what
someone says: "I will give you letters" is a promise, not a gift) for the sentence that
says it.

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.cast import Character
from bot.core.models import Passage
from bot.core.sentences import split_sentences

# Quoted speech, open to the end of the sentence when it does not close there.
_SPEECH_RE = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
# Verbs that give; "handed" and "hands" only hand over unless the text calls it a gift.
_GIVES = r"gave|gives|give|presented|handed|hands"
_HANDS_ONLY = frozenset({"handed", "hands"})
_GIFT_WORD_RE = re.compile(r"\bgifts?\b", re.IGNORECASE)
# An adverb or two between giver and verb: "Sophie quietly handed her…".
_ADVERBS = r"(?:\w+ly\s+){0,2}"
_OBJECT_PRONOUNS = {"f": "her", "m": "him"}
_SUBJECT_PRONOUNS = {"f": "[Ss]he|[Hh]er", "m": "[Hh]e|[Hh]im|[Hh]is"}
_ANY_PRONOUN = "[Ss]he|[Hh]er|[Hh]e|[Hh]im|[Hh]is"


def names_pattern(character: Character) -> str:
    """Any of the character's names, longest first, "the keeper" also as "The keeper"."""
    forms = sorted(character.aliases or (character.name,), key=len, reverse=True)
    return "|".join(
        "[Tt]he " + re.escape(form[4:]) if form.startswith("the ") else re.escape(form)
        for form in forms
    )


def narration(passage: Passage) -> list[str]:
    """The passage's sentences with what anyone says left out."""
    return [_SPEECH_RE.sub(" … ", sentence) for sentence in split_sentences(passage.text)]


def _recipient(character: Character) -> str:
    """How a sentence names whom something is given to: a name, a pronoun of the right
    gender, or "me" for a narrator."""
    forms = [names_pattern(character), _OBJECT_PRONOUNS.get(character.gender or "", "her|him")]
    if "the narrator" in character.aliases:
        forms.append("me")
    return "|".join(forms)


def gives(passages: Sequence[Passage], giver: Character, receiver: Character) -> bool:
    """Whether the narration says `giver` gives `receiver` something ("Sophie handed her a
    small canvas", "The keeper gave me his old brass compass"), a handing-over counting
    only when the paragraph or the next calls it a gift."""
    pattern = re.compile(
        rf"(?<![\w'’])(?:{names_pattern(giver)})\s+{_ADVERBS}(?P<verb>{_GIVES})\s+"
        rf"(?:{_recipient(receiver)})\b"
    )
    for index, passage in enumerate(passages):
        for sentence in narration(passage):
            found = pattern.search(sentence)
            if found is None:
                continue
            if found["verb"] not in _HANDS_ONLY:
                return True
            following = passages[index + 1].text if index + 1 < len(passages) else ""
            if _GIFT_WORD_RE.search(passage.text + " " + following):
                return True
    return False


def introduced(passage: Passage, newcomer: Character, host: Character) -> bool:
    """Whether the paragraph where `newcomer` first appears tells them meeting `host`:
    one sentence of its narration names both (a pronoun of the host's gender will do)
    and introduces the newcomer as someone new: "a warm-eyed woman named Sophie greeted
    her", "Zoe introduced herself, and the artist, Sophie…", "He met Miss Annabel
    Adams". Someone already known ("Her husband's friend Richards was there") or only
    named in passing ("a prominent citizen named Ebenezer Dorset") is not met."""
    if passage.number != newcomer.first_passage:
        return False
    names = names_pattern(newcomer)
    proper = "|".join(re.escape(form) for form in newcomer.aliases if not form.startswith("the "))
    patterns = [
        rf"\bintroduc\w*\b.*(?:{names})|(?:{names}).*\bintroduc",
        rf"\b(?:met|meets|meet)\s+(?:{names})\b",
        rf"(?<![\w'’])(?:{names}),\s+(?:a|an)\s",
        rf"\b(?:a|an)\s+[\w-]+(?:\s+[\w-]+)?,\s+(?:{names})\b",
    ]
    if proper:  # "called the watchman" calls out to him; "a man called Ivan" names him
        patterns.append(rf"\b(?:named|called)\s+(?:{proper})\b")
    host_named = _named_re(host)
    return any(
        host_named.search(sentence) and any(re.search(p, sentence) for p in patterns)
        for sentence in narration(passage)
    )


def at_with(passages: Sequence[Passage], character: Character, phrase: str) -> bool:
    """Whether one sentence of the narration names `character` (or a pronoun that can
    be theirs) together with `phrase` (a regular expression): "she had a show to get
    to" puts her at the show; "I have come from the Gare de Lyon," said by someone
    else, does not put her there."""
    named, wanted = _named_re(character), re.compile(phrase)
    return any(
        named.search(sentence) and wanted.search(sentence)
        for passage in passages
        for sentence in narration(passage)
    )


# Being at or going to a venue or an occasion, said of someone: "she approached the
# gallery", "smiled at the crowd at the show", "she had a show to get to". A word before
# the occasion may describe it ("the small gallery").
_PRESENCE = (
    r"at|to|into|in|inside|towards?|reached|entered|attended|visited|approached|had|has|"
    r"down|through|along|across|within"
)
_DETERMINER = r"(?:[Aa]n?|[Tt]he|[Tt]his|[Tt]hat|[Hh]er|[Hh]is|[Tt]heir|[Mm]y|[Oo]ur)"
_SUBJECTS = {"f": "[Ss]he", "m": "[Hh]e"}


def present_at(
    passages: Sequence[Passage], character: Character, word: str, *, proper: bool = False
) -> bool:
    """Whether the narration says `character` is at, goes to or has the venue or occasion
    `word`: they are the subject (a name, he/she, "I" for a narrator) of a clause that
    puts them there. Sharing a sentence is not enough: "his business to decay; and …
    an ordinary banker, trembling at every rise and fall in the market" puts no one at
    a market. A `proper` name needs no article ("came to Paris", "down Buckingham
    Street")."""
    pattern = re.compile(
        rf"(?<![\w'’])(?:{_subjects(character)})(?![\w'’])[^.;:!?…]{{0,80}}?"
        rf"\b(?:{_PRESENCE})\s+(?:{_DETERMINER}\s+){'?' if proper else ''}(?:[\w-]+\s+)?"
        rf"{re.escape(word)}\b"
    )
    return any(pattern.search(sentence) for passage in passages for sentence in narration(passage))


def _subjects(character: Character) -> str:
    """How a sentence's subject may name them: a name, he/she, "I" for a narrator."""
    if "the narrator" in character.aliases:
        # The narration says "I" of its narrator: its "he" is the dealer, not them.
        return f"{names_pattern(character)}|I"
    subjects = [names_pattern(character), _SUBJECTS.get(character.gender or "", "[Ss]he|[Hh]e")]
    return "|".join(subjects)


# Being somewhere, said of someone: a preposition or verb of place a few words after
# them in one clause, the place a few words on ("stepped back into the bustling streets
# of Paris", "strode down Buckingham Street", "reached the station").
_TO_PLACE = (
    r"in|into|(?<!going )(?<!was )to|at|onto|through|down|across|over|towards?|reached|entered|"
    r"visited"
)
_WORDS_TO = r"(?:[^\w.;:!?…]+[\w'’-]+){0,8}?[^\w.;:!?…]+"
_WORDS_ON = r"(?:[\w'’-]+\s+){0,4}?"


def goes_to(passages: Sequence[Passage], character: Character, place: str) -> bool:
    """Whether the narration has `character` (a name, he/she, "I" for a narrator) go to
    or be at `place` in one clause. The extractor's places come from the paragraph, so
    "Only the banker goes to the Christian State" was "unfitted to a Christian State" in
    a sentence about the guests, "the burglar's tools in the East" are where the tools
    are, a dozen words after him, and "was going to Little Rock" is a plan."""
    pattern = re.compile(
        rf"(?<![\w'’])(?:{_subjects(character)})(?![\w'’]){_WORDS_TO}"
        rf"(?:{_TO_PLACE})\s+{_WORDS_ON}{re.escape(place)}\b"
    )
    return any(pattern.search(sentence) for passage in passages for sentence in narration(passage))


def renamed_as(passages: Sequence[Passage], character: Character, name: str) -> bool:
    """Whether the narration gives `name` as another name of `character` ("Jimmy …
    registered as Ralph D. Spencer")."""
    return _renamed(passages, names_pattern(character), re.escape(name))


SAYS = (
    r"said|says|say|asked|asks|replied|answered|cried|exclaimed|whispered|murmured|"
    r"shouted|muttered|called|went on|added|continued|began|thought|remarked|observed"
)


def spoken_by(passage: Passage, character: Character) -> bool:
    """Whether the paragraph's narration names `character` as a speaker: a name, a pronoun
    of their gender, or "I" for a narrator, next to a verb of saying; a narrator's line
    in a paragraph where only "he said" speaks is someone else's."""
    told = " ".join(narration(passage))
    names = names_pattern(character)
    if "the narrator" in character.aliases:
        names += "|I"  # never "he said": that is someone else talking to the narrator
    elif character.gender in _SUBJECTS:
        names += "|" + _SUBJECTS[character.gender]
    pattern = re.compile(
        rf"(?<![\w'’])(?:{names})(?![\w'’])\s+(?:\w+ly\s+)?(?:{SAYS})\b|"
        rf"\b(?:{SAYS})\s+(?:{names})(?![\w'’])"
    )
    return pattern.search(told) is not None


def one_person(passages: Sequence[Passage], one: Character, other: Character) -> bool:
    """Whether the narration gives one of the two as the other's second name: "Jimmy went
    to the Planters' Hotel, registered as Ralph D. Spencer".
    A cast may list such names as two people; nothing is asked of one about the other."""
    return _renamed(passages, names_pattern(one), names_pattern(other))


# Taking a second name: "registered as", "known as", "passing as", "signed himself",
# "under the name of", "alias". "A woman named Sophie" names someone new, and "as I
# best could" renames no one, so "as", "named" and "called" alone do not count.
_RENAMED = (
    r"[^.;:!?…]{0,60}?\b(?:(?:registered|known|going|passing|travell?ing|signed|disguised|"
    r"introduced)\s+(?:himself\s+|herself\s+)?(?:as|under the name(?: of)?)|"
    r"under the name(?: of)?|alias)\s+"
)


def _renamed(passages: Sequence[Passage], mine: str, other: str) -> bool:
    pattern = re.compile(
        rf"(?<![\w'’])(?:(?:{mine}){_RENAMED}(?:{other})|(?:{other}){_RENAMED}(?:{mine}))"
        r"(?![\w'’])"
    )
    return any(pattern.search(sentence) for passage in passages for sentence in narration(passage))


def _named_re(character: Character) -> re.Pattern[str]:
    """A character in a sentence: a name, a pronoun of their gender (either, when the
    text never tells it), "I" for a narrator."""
    forms = [names_pattern(character)]
    forms.append(_SUBJECT_PRONOUNS.get(character.gender or "", _ANY_PRONOUN))
    if "the narrator" in character.aliases:
        forms.append("I|me|my")
    return re.compile(rf"(?<![\w'’])(?:{'|'.join(forms)})(?![\w'’])")
