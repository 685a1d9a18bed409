"""Extractive retelling: a story told again in a few of its own sentences.

Sentences are ranked by how central they are (TextRank: PageRank over a graph whose edges
are rapidfuzz similarities between sentences), the best ones are kept in their original
order, and the opening sentence and the last one are always kept so the retelling starts
where the story starts and ends where it ends; a short retelling picks for the plot
instead (bot.core.plot). Nothing is paraphrased: the only edits are naming the
protagonist in place of a leading pronoun when it can mean no one else (bot.core.naming)
and closing a quotation that the original leaves open across paragraphs.

Plain Python on purpose (no discord import): the bot, the CLI and the benchmarks share it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from bot.core.introductions import People
from bot.core.models import Passage
from bot.core.naming import (
    CLAUSE_PRONOUN_RES,
    LEADING_PRONOUN_RE,
    StorySentence,
    first_naming,
    name_protagonist,
    pronoun_gender,
    refers_to,
)
from bot.core.parsing import guess_protagonist, readable_passages
from bot.core.plot import choose_plot, introduces_what_follows, weigh_for_plot
from bot.core.ranking import rank_sentences, sentence_stems, with_irregular_bases
from bot.core.referents import Referents, keep_referents
from bot.core.sentences import close_quotes, quotes_balanced, split_sentences
from bot.core.turns import keep_turns

__all__ = [
    "SHORT_MAX_CHARS",
    "SHORT_MAX_SENTENCES",
    "SHORT_MIN_SENTENCES",
    "SHORT_PARAGRAPHS_FROM",
    "Length",
    "Retelling",
    "RetoldSentence",
    "name_protagonist",
    "retell",
    "story_sentences",
    "target_sentence_count",
]

Length = Literal["short", "medium", "long"]

# A short retelling must fit one embed description: Discord allows 4,096 characters and
# the renderer starts a new embed after 4,000. The budget is measured as the text will be
# shown (see `retell`'s `measure`), and the last 100 leave room for the quotes
# `close_quotes` may add.
SHORT_MAX_CHARS = 3900
SHORT_MIN_SENTENCES = 3
# Enough sentences to carry a whole plot (setup, turns, ending) in one embed: the opening
# and the last sentence, and a sentence from each of up to ten stretches between them.
_SHORT_TARGET = 12
# The ending (the turn a coda closes) and the introductions of the people the kept
# sentences show acting may bring a quarter more, never past this.
SHORT_MAX_SENTENCES = 15
# A short retelling of this many sentences or more is shown as beginning, middle and end.
SHORT_PARAGRAPHS_FROM = 6
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
    # Which third of the story it comes from (0 beginning, 1 middle, 2 end): a short
    # retelling's paragraphs.
    part: int = 0


@dataclass(frozen=True, slots=True)
class Retelling:
    sentences: tuple[RetoldSentence, ...]
    length: str

    @property
    def text(self) -> str:
        """Short: the beginning, middle and end of the story as up to three paragraphs
        (one when there are too few sentences to make paragraphs of), so a dozen
        sentences do not read as one wall. Medium and long: a paragraph break where the
        source passage changes, so a long retelling keeps the story's rhythm."""
        short = self.length == "short"
        if short and len(self.sentences) < SHORT_PARAGRAPHS_FROM:
            return _joined([sentence.text for sentence in self.sentences])
        paragraphs: list[list[str]] = []
        previous: int | None = None
        for sentence in self.sentences:
            where = sentence.part if short else sentence.passage
            if where != previous:
                paragraphs.append([])
                previous = where
            paragraphs[-1].append(sentence.text)
        return "\n\n".join(_joined(paragraph) for paragraph in paragraphs)


def _joined(texts: Sequence[str]) -> str:
    """Sentences run on, but a heading keeps its own line: a letter's dateline or its
    signature run into a sentence would read as one ("Thornbury, 3rd March I mean to…")."""
    joined = texts[0] if texts else ""
    for before, text in pairwise(texts):
        joined += ("\n" if is_heading(before) or is_heading(text) else " ") + text
    return joined


def is_heading(text: str) -> bool:
    """A dateline ("Thornbury, 3rd March"), a letter's salutation or sign-off, a chapter's
    name: a few words with nothing to end them, as no sentence of the story is."""
    stripped = text.rstrip()
    if not stripped or stripped[-1] in _SENTENCE_ENDS:
        return False
    return len(stripped.split()) <= _HEADING_WORDS


_SENTENCE_ENDS = frozenset(".!?…:;\"”’')]—-*_")
_HEADING_WORDS = 8


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
    short = min(_SHORT_TARGET, max(SHORT_MIN_SENTENCES, round(total / 6)))
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

    short: the shape of the whole story (bot.core.plot), up to twelve sentences plus what
    its ending needs, within SHORT_MAX_CHARS, each sentence's size taken by `measure`
    (the caller's, when the text grows on display, as escaped markdown does); medium:
    about a third of the sentences; long: about half. A story with fewer sentences is
    returned whole. Deterministic: the same passages always give the same retelling.

    A story that opens on "She…" gets the protagonist's name there only when the
    protagonist's `gender` (from the cast, or from the pronouns the text uses after their
    name) is the pronoun's; otherwise the pronoun stays and the sentence that first names
    the protagonist is kept too.
    """
    sentences = _without_signature(
        [StorySentence(number, text) for number, text in story_sentences(passages)]
    )
    if not sentences:
        return Retelling((), length)
    target = target_sentence_count(len(sentences), length)
    people = People(sentences)
    if len(sentences) <= target:
        chosen = list(range(len(sentences)))
    else:
        stems = sentence_stems([sentence.text for sentence in sentences])
        scores = rank_sentences([sentence.text for sentence in sentences], stems)
        # Room for the name that may replace a leading "She", possessive included.
        allowance = measure(protagonist) + 2 if protagonist else _UNKNOWN_NAME_ALLOWANCE
        if length == "short":
            stems = with_irregular_bases(stems)
            weighted = weigh_for_plot(sentences, scores, stems)
            known = gender or (pronoun_gender(sentences, protagonist) if protagonist else None)
            # What the ending and the introductions may add stays in proportion (a story
            # of twenty sentences is told in five at most), with one place left for the
            # sentence that introduces whom an opening "She" means.
            most = min(SHORT_MAX_SENTENCES, target + max(1, target // 3))
            most -= 1 if _opens_on_pronoun(sentences[0].text) else 0
            budget = (SHORT_MAX_CHARS, allowance)
            chosen = choose_plot(
                sentences, stems, weighted, target, most, *budget, measure, known, people
            )
        else:
            chosen = _choose(sentences, scores, target)
    texts = [close_quotes(sentences[index].text) for index in chosen]
    if _opens_on_pronoun(texts[0]):
        # Guessed only when needed: reading the whole text for names costs a millisecond.
        name = protagonist or guess_protagonist(" ".join(p.text for p in passages))
        named = name and refers_to(texts[0], name, sentences, gender)
        if name and named:
            texts[0] = name_protagonist(texts[0], name, _apostrophe(passages))
        elif name:
            # The pronoun stays; the sentence that names whom it means comes with it.
            introduction = first_naming(sentences, name)
            if introduction is not None and introduction not in chosen:
                chosen = sorted([*chosen, introduction])
                texts = [close_quotes(sentences[index].text) for index in chosen]
    # Sentences were left out: each kept pronoun must still mean whom the text means.
    referents = Referents(sentences, protagonist, gender, people)
    room = (
        SHORT_MAX_CHARS - sum(measure(text) + 1 for text in texts) if length == "short" else 10**9
    )
    chosen, texts = keep_referents(referents, chosen, texts, _apostrophe(passages), room)
    # And each kept line of dialogue must still be said by whom the text has say it.
    chosen, texts = keep_turns(sentences, chosen, texts)
    retold = tuple(
        RetoldSentence(text, sentences[index].passage, index * 3 // len(sentences))
        for index, text in zip(chosen, texts, strict=True)
    )
    return Retelling(retold, length)


def _without_signature(sentences: list[StorySentence]) -> list[StorySentence]:
    """A story that ends on a letter's signature ("Your sister, Margaret") ends, for the
    retelling, on the sentence before it: that is the ending to keep and the turn it
    closes, not the signature's."""
    while (
        len(sentences) > 1
        and sentences[-2].passage != sentences[-1].passage
        and is_heading(sentences[-1].text)
    ):
        sentences = sentences[:-1]
    return sentences


def _opens_on_pronoun(text: str) -> bool:
    return LEADING_PRONOUN_RE.match(text) is not None or any(
        pattern.match(text) for pattern in CLAUSE_PRONOUN_RES
    )


def _choose(sentences: Sequence[StorySentence], scores: Sequence[float], target: int) -> list[int]:
    """Medium and long: the first and the last sentences, then the most central ones."""
    last = len(sentences) - 1
    chosen = {0, last}
    for index in _candidates(sentences, scores):
        if len(chosen) >= target:
            break
        chosen.add(index)
    return sorted(chosen)


def _candidates(sentences: Sequence[StorySentence], scores: Sequence[float]) -> list[int]:
    """The sentences between the first and the last, best first.

    A sentence whose quotation continues in another sentence comes after all the others,
    because half a quotation cannot be shown; one ending at a colon ("My aunt said:") is
    never a candidate, since what it introduces is the next paragraph.
    """
    middle = len(sentences) - 2
    return sorted(
        (i for i in range(1, middle + 1) if not introduces_what_follows(sentences[i].text)),
        key=lambda i: (not quotes_balanced(sentences[i].text), -scores[i], i),
    )


def _apostrophe(passages: Sequence[Passage]) -> str:
    """The apostrophe the story itself uses, for "Léa Roux’s" or "Léa Roux's"."""
    curly = sum(p.text.count("’") for p in passages)
    straight = sum(p.text.count("'") for p in passages)
    return "’" if curly > straight else "'"
