"""Extractive retelling: a story told again in a few of its own sentences.

Sentences are ranked by how central they are (TextRank: PageRank over a graph whose edges
are rapidfuzz similarities between sentences), the best ones are kept in their original
order, and the opening sentence and the last one are always kept so the retelling starts
where the story starts and ends where it ends. Nothing is paraphrased: the only edits are
naming the protagonist in place of a leading pronoun and closing a quotation that the
original leaves open across paragraphs.

Plain Python on purpose (no discord import): the bot, the CLI and the benchmarks share it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.core.models import Passage
from bot.core.parsing import guess_protagonist, readable_passages
from bot.core.ranking import KEY_WORD_RE, STEM_LENGTH, rank_sentences
from bot.core.search import STOP_WORDS
from bot.core.sentences import close_quotes, quotes_balanced, split_sentences
from bot.core.text import fold, words

Length = Literal["short", "medium", "long"]

# A short retelling must fit one embed description: Discord allows 4,096 characters and
# the renderer starts a new embed after 4,000. The budget is measured as the text will be
# shown (see `retell`'s `measure`), and the last 100 leave room for the quotes
# `close_quotes` may add.
SHORT_MAX_CHARS = 3900
SHORT_MIN_SENTENCES = 3
# Enough sentences to carry a whole plot (setup, turns, ending) in one embed.
SHORT_MAX_SENTENCES = 12
# Share of the story's sentences a medium / long retelling keeps.
MEDIUM_SHARE = 1 / 3
LONG_SHARE = 1 / 2
# Characters kept free in a short retelling for a protagonist's name not yet known.
_UNKNOWN_NAME_ALLOWANCE = 40

# --- retelling ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetoldSentence:
    text: str
    passage: int  # where it comes from


@dataclass(frozen=True, slots=True)
class Retelling:
    sentences: tuple[RetoldSentence, ...]
    length: str

    @property
    def text(self) -> str:
        """Short: one paragraph. Medium and long: a paragraph break where the source
        passage changes, so a long retelling keeps the story's rhythm."""
        if self.length == "short":
            return " ".join(sentence.text for sentence in self.sentences)
        paragraphs: list[list[str]] = []
        previous: int | None = None
        for sentence in self.sentences:
            if sentence.passage != previous:
                paragraphs.append([])
                previous = sentence.passage
            paragraphs[-1].append(sentence.text)
        return "\n\n".join(" ".join(paragraph) for paragraph in paragraphs)


@dataclass(frozen=True, slots=True)
class _Sentence:
    passage: int
    text: str


def story_sentences(passages: Sequence[Passage]) -> list[tuple[int, str]]:
    """Every sentence of the story as (passage number, sentence), in order; section
    numbers are breaks, not sentences, and _italics_ and "--" read as words and dashes."""
    return [
        (p.number, sentence)
        for p in readable_passages(passages)
        for sentence in split_sentences(p.text)
    ]


def target_sentence_count(total: int, length: Length) -> int:
    """How many sentences a retelling of a story of `total` sentences aims for."""
    short = min(SHORT_MAX_SENTENCES, max(SHORT_MIN_SENTENCES, round(total / 6)))
    if length == "short":
        return short
    medium = max(short, round(total * MEDIUM_SHARE))
    if length == "medium":
        return medium
    return max(medium, round(total * LONG_SHARE))


def retell(
    passages: Sequence[Passage],
    *,
    length: Length,
    protagonist: str | None = None,
    gender: str | None = None,
    measure: Callable[[str], int] = len,
) -> Retelling:
    """A faithful shorter version of the story in its own sentences, in their order.

    short: 3-5 sentences within SHORT_MAX_CHARS, each sentence's size taken by `measure`
    (the caller's, when the text grows on display, as escaped markdown does); medium:
    about a third of the sentences; long: about half. A story with fewer sentences is
    returned whole. Deterministic: the same passages always give the same retelling.

    A story that opens on "She…" gets the protagonist's name there only when the
    protagonist's `gender` (from the cast, or from the pronouns the text uses after their
    name) is the pronoun's; otherwise the pronoun stays and the sentence that first names
    the protagonist is kept too.
    """
    sentences = [_Sentence(number, text) for number, text in story_sentences(passages)]
    if not sentences:
        return Retelling((), length)
    target = target_sentence_count(len(sentences), length)
    if len(sentences) <= target:
        chosen = list(range(len(sentences)))
    else:
        scores = rank_sentences([sentence.text for sentence in sentences])
        # Room for the name that may replace a leading "She", possessive included.
        allowance = measure(protagonist) + 2 if protagonist else _UNKNOWN_NAME_ALLOWANCE
        if length == "short":
            stems = _plot_stems(sentences)
            weighted = _weigh_for_plot(sentences, scores, stems)
            chosen = _choose_plot(
                sentences, stems, weighted, target, SHORT_MAX_CHARS, allowance, measure
            )
        else:
            chosen = _choose(sentences, scores, target)
    texts = [close_quotes(sentences[index].text) for index in chosen]
    opening = _LEADING_PRONOUN_RE.match(texts[0]) or any(
        pattern.match(texts[0]) for pattern in _CLAUSE_PRONOUN_RES
    )
    if opening:
        # Guessed only when needed: reading the whole text for names costs a millisecond.
        name = protagonist or guess_protagonist(" ".join(p.text for p in passages))
        named = name and _refers_to(texts[0], name, sentences, gender)
        if name and named:
            texts[0] = name_protagonist(texts[0], name, _apostrophe(passages))
        elif name:
            # The pronoun stays; the sentence that names whom it means comes with it.
            introduction = _first_naming(sentences, name)
            if introduction is not None and introduction not in chosen:
                chosen = sorted([*chosen, introduction])
                texts = [close_quotes(sentences[index].text) for index in chosen]
    retold = tuple(
        RetoldSentence(text, sentences[index].passage)
        for index, text in zip(chosen, texts, strict=True)
    )
    return Retelling(retold, length)


# What a short retelling wants from a sentence besides centrality: narration over talk
# (a line of dialogue tells less of the plot than the sentence saying what happened), a
# sentence long enough to say something, and the setup the ending pays off (the rare words
# the last paragraph shares with it: the watch sold, the hair cut).
_DIALOGUE_WEIGHT = 0.45
_TERSE_WEIGHT = 0.5
_TERSE_WORDS = 7
_ENDING_BONUS = 0.6
_ENDING_PASSAGES = 2
_RARE_STEM_SHARE = 0.02


def _plot_stems(sentences: Sequence[_Sentence]) -> list[set[str]]:
    """Each sentence's content-word stems, as the plot measures use them."""
    return [
        {w[:STEM_LENGTH] for w in KEY_WORD_RE.findall(s.text.lower()) if w not in STOP_WORDS}
        for s in sentences
    ]


def _weigh_for_plot(
    sentences: Sequence[_Sentence], scores: Sequence[float], stems: Sequence[set[str]]
) -> list[float]:
    frequency = Counter(stem for found in stems for stem in found)
    rare_limit = max(2, len(sentences) * _RARE_STEM_SHARE)
    last_passages = sorted({s.passage for s in sentences})[-_ENDING_PASSAGES:]
    ending = {
        stem
        for s, found in zip(sentences, stems, strict=True)
        if s.passage in last_passages
        for stem in found
        if frequency[stem] <= rare_limit
    }
    weighted = []
    for sentence, found, score in zip(sentences, stems, scores, strict=True):
        weight = 1.0
        if _is_dialogue(sentence.text):
            weight *= _DIALOGUE_WEIGHT
        if len(sentence.text.split()) < _TERSE_WORDS:
            weight *= _TERSE_WEIGHT
        if sentence.passage not in last_passages:
            weight *= 1 + _ENDING_BONUS * len(found & ending)
        weighted.append(score * weight)
    return weighted


# A quotation, open to the end of the sentence if it does not close there.
_QUOTED_RE = re.compile(r"“[^”]*”?|\"[^\"]*\"?")


def _is_dialogue(text: str) -> bool:
    """A sentence that is mostly someone speaking."""
    if '"' not in text and "“" not in text:
        return False
    inside = sum(len(match.group()) for match in _QUOTED_RE.finditer(text))
    return inside * 2 > len(text)


def _choose_plot(
    sentences: Sequence[_Sentence],
    stems: Sequence[set[str]],
    scores: Sequence[float],
    target: int,
    budget: int,
    allowance: int,
    measure: Callable[[str], int],
) -> list[int]:
    """A short retelling: the first and last sentences, then one sentence from each
    stretch of the story in turn, the one that adds most of the story's recurring words
    not yet told (weighed by centrality and narration). Recurring words are the plot's
    things and people (the paw, the wish, the vault); covering each once follows the plot
    instead of retelling its busiest scene three times."""
    last = len(sentences) - 1
    chosen = {0, *_ending(sentences, scores)}
    used = sum(measure(sentences[i].text) + 1 for i in chosen) + allowance
    frequency = Counter(stem for found in stems for stem in found)
    covered = set().union(*(stems[i] for i in chosen))
    top = max(scores) or 1.0
    middle = last - 1
    slots = max(1, target - len(chosen))
    stretches = [
        [i for i in range(1, last) if (i - 1) * slots // max(1, middle) == slot]
        for slot in range(slots)
    ]

    def gain(index: int) -> float:
        # Per word, so a long speech does not win by the number of words it spends.
        new = stems[index] - covered
        value = sum(math.log1p(frequency[stem] - 1) for stem in new)
        length = math.sqrt(max(1, len(sentences[index].text.split())))
        return value * (0.5 + scores[index] / top) / length

    for stretch in stretches:
        stretch = [i for i in stretch if i not in chosen]
        usable = [
            i
            for i in stretch
            if quotes_balanced(sentences[i].text)
            and not _introduces_what_follows(sentences[i].text)
            and used + measure(sentences[i].text) + 1 <= budget
        ]
        if not usable:
            continue
        best = max(usable, key=lambda i: (gain(i), -i))
        chosen.add(best)
        used += measure(sentences[best].text) + 1
        covered |= stems[best]
    return sorted(chosen)


# A last sentence this short ("In pace requiescat!") is a coda: the ending is told by
# the sentences before it in its paragraph.
_ENDING_MIN_WORDS = 15
# Below this many sentences a story is all ending; no coda rule.
_ENDING_MIN_SENTENCES = 12


def _ending(sentences: Sequence[_Sentence], scores: Sequence[float]) -> list[int]:
    """The last sentence, with those before it in its paragraph until the ending says
    enough to be understood; a last paragraph of one sentence is a coda, and the turn
    it closes is the best sentence of the paragraph before."""
    last = len(sentences) - 1
    alone = last == 0 or sentences[last - 1].passage != sentences[last].passage
    before = [
        i
        for i in range(last)
        if sentences[i].passage == sentences[last - 1].passage
        and quotes_balanced(sentences[i].text)
        and not _introduces_what_follows(sentences[i].text)
    ]
    if alone and before and len(sentences) > _ENDING_MIN_SENTENCES:
        telling = [i for i in before if len(sentences[i].text.split()) >= _TERSE_WORDS]
        return [last, max(telling or before, key=lambda i: (scores[i], i))]
    ending = [last]
    words = len(sentences[last].text.split())
    index = last - 1
    while (
        words < _ENDING_MIN_WORDS
        and index > 0
        and sentences[index].passage == sentences[last].passage
        and quotes_balanced(sentences[index].text)
    ):
        ending.append(index)
        words += len(sentences[index].text.split())
        index -= 1
    return ending


def _choose(sentences: Sequence[_Sentence], scores: Sequence[float], target: int) -> list[int]:
    """Medium and long: the first and the last sentences, then the most central ones."""
    last = len(sentences) - 1
    chosen = {0, last}
    for index in _candidates(sentences, scores):
        if len(chosen) >= target:
            break
        chosen.add(index)
    return sorted(chosen)


_GENDERED_PRONOUNS = {"she": "f", "her": "f", "he": "m", "his": "m"}
_PRONOUN_WORD_RE = re.compile(r"\b(?:she|he|her|his)\b", re.IGNORECASE)


def _refers_to(
    sentence: str, name: str, sentences: Sequence[_Sentence], gender: str | None
) -> bool:
    """Whether the opening pronoun of `sentence` can only mean the protagonist: its
    gender is theirs, and they are named soon (the first paragraphs), before anyone
    else could be meant."""
    pronoun = _PRONOUN_WORD_RE.search(sentence)
    if pronoun is None:
        return False  # "They": too often a group
    wanted = _GENDERED_PRONOUNS[pronoun.group().lower()]
    known = gender or _pronoun_gender(sentences, name)
    if known != wanted:
        return False
    naming = _first_naming(sentences, name)
    return naming is not None and sentences[naming].passage <= sentences[0].passage + 2


def _first_naming(sentences: Sequence[_Sentence], name: str) -> int | None:
    first = fold(name.split()[0])
    return next((i for i, s in enumerate(sentences) if first in words(fold(s.text))), None)


def _pronoun_gender(sentences: Sequence[_Sentence], name: str) -> str | None:
    """The gender of the pronouns the text uses right after the name, when they agree
    two to one: "Léa Roux walked in. She smiled." is a woman."""
    first = name.split()[0]
    votes: Counter[str] = Counter()
    for index, sentence in enumerate(sentences):
        position = sentence.text.find(first)
        if position < 0:
            continue
        following = sentence.text[position + len(first) :]
        if index + 1 < len(sentences):
            following += " " + sentences[index + 1].text
        pronoun = _PRONOUN_WORD_RE.search(following)
        if pronoun is not None:
            votes[_GENDERED_PRONOUNS[pronoun.group().lower()]] += 1
    if not votes:
        return None
    (top, count), *rest = votes.most_common()
    return top if not rest or count >= 2 * rest[0][1] else None


def _candidates(sentences: Sequence[_Sentence], scores: Sequence[float]) -> list[int]:
    """The sentences between the first and the last, best first.

    A sentence whose quotation continues in another sentence comes after all the others,
    because half a quotation cannot be shown; one ending at a colon ("My aunt said:") is
    never a candidate, since what it introduces is the next paragraph.
    """
    middle = len(sentences) - 2
    return sorted(
        (i for i in range(1, middle + 1) if not _introduces_what_follows(sentences[i].text)),
        key=lambda i: (not quotes_balanced(sentences[i].text), -scores[i], i),
    )


def _introduces_what_follows(text: str) -> bool:
    """ "My aunt said:" says nothing without the next paragraph, so it is never kept alone."""
    return text.rstrip(" \"”’'").endswith(":")


def _apostrophe(passages: Sequence[Passage]) -> str:
    """The apostrophe the story itself uses, for "Léa Roux’s" or "Léa Roux's"."""
    curly = sum(p.text.count("’") for p in passages)
    straight = sum(p.text.count("'") for p in passages)
    return "’" if curly > straight else "'"


# Only a pronoun that starts the sentence: inside a quotation ("She told me," he said)
# a speaker is talking, and the pronoun may be anyone.
_LEADING_PRONOUN_RE = re.compile(
    r"^(?P<pronoun>She|He|They|Her|His|Their)"
    r"(?P<contraction>['’](?:s|ll|re|ve))?(?=\s)(?P<rest>\s+(?P<verb>[\w’']+))?"
)
# The subject of a sentence that opens with a clause: "When she woke, …", "In the
# morning, she …". Only she/he/her/his: "they" there is too often a group.
_CLAUSE_PRONOUN_RES = (
    re.compile(
        r"^(?P<lead>(?:When|As|After|Before|While|Once|Although|Though|Because|Since|Until)"
        r"\s+)(?P<pronoun>she|he|her|his)\b"
    ),
    # Not after a fronted pronoun: in "Her, he never forgot." he is someone else.
    re.compile(
        r"^(?!(?:Her|Him|His|She|He|They|Them|Their)\b)"
        r"(?P<lead>[A-Z][^,\"“”]{0,60},\s+)(?P<pronoun>she|he|her|his)\b"
    ),
)
_POSSESSIVES = frozenset({"Her", "His", "Their"})
# "They were" becomes "Léa Roux was": a single person takes the singular verb.
_SINGULAR_VERBS = {
    "are": "is",
    "were": "was",
    "have": "has",
    "do": "does",
    "aren't": "isn't",
    "weren't": "wasn't",
    "haven't": "hasn't",
    "don't": "doesn't",
    "aren’t": "isn’t",
    "weren’t": "wasn’t",
    "haven’t": "hasn’t",
    "don’t": "doesn’t",
}
_CONTRACTIONS = {"s": "{a}s", "ll": " will", "re": " is", "ve": " has"}


def name_protagonist(sentence: str, name: str, apostrophe: str = "'") -> str:
    """`sentence` with a leading She/He/They (or Her/His/Their) replaced by `name`.

    "Her paintings were…" → "Léa Roux's paintings were…"; "They were late" → "Léa Roux
    was late". A sentence that already names the protagonist is left as it is.
    """
    if fold(name.split()[0]) in words(fold(sentence)):
        return sentence
    match = _LEADING_PRONOUN_RE.match(sentence)
    if match is None:
        return _name_after_opening_clause(sentence, name, apostrophe)
    pronoun = match["pronoun"]
    contraction = (match["contraction"] or "")[1:]
    if pronoun in _POSSESSIVES:
        replacement = f"{name}{apostrophe}s"
    elif contraction:
        replacement = name + _CONTRACTIONS[contraction].format(a=apostrophe)
    else:
        replacement = name
    rest = match["rest"] or ""
    if pronoun == "They" and not contraction and match["verb"] in _SINGULAR_VERBS:
        verb = match["verb"]
        rest = rest[: len(rest) - len(verb)] + _SINGULAR_VERBS[verb]
    return replacement + rest + sentence[match.end() :]


def _name_after_opening_clause(sentence: str, name: str, apostrophe: str) -> str:
    """ "When she woke, …" → "When Léa Roux woke, …"; "At dawn, his …" → "At dawn, Léa Roux's …"."""
    for pattern in _CLAUSE_PRONOUN_RES:
        match = pattern.match(sentence)
        if match is not None:
            # At a clause's start "her" is possessive ("When her mother…"), like "his".
            possessive = match["pronoun"] in ("her", "his")
            replacement = f"{name}{apostrophe}s" if possessive else name
            return match["lead"] + replacement + sentence[match.end() :]
    return sentence
