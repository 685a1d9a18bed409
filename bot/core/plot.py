"""Which sentences a short retelling keeps: the shape of the whole story in one embed.

The opening sentence, the ending with the turn it closes (looked for past a terse
one-line paragraph), the sentences introducing the people it shows, and one sentence from
each stretch between them: the one that adds most of the story's recurring words not yet
told, among those that tell the plot on their own (long enough to say something, short
enough to read at once, with no pronoun that can only mean someone the retelling has not
named, with its speaker when the paragraph names one). Last, the introductions of the
people the middle shows acting, while the sentence limit and the embed allow.

Plain Python (no discord import).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence

from bot.core.introductions import People, introductions
from bot.core.naming import StorySentence, opening_pronoun
from bot.core.ranking import STEM_LENGTH
from bot.core.referents import opens_on_them
from bot.core.sentences import quotes_balanced

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


def weigh_for_plot(
    sentences: Sequence[StorySentence], scores: Sequence[float], stems: Sequence[set[str]]
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


_CAPITALISED_RE = re.compile(r"\b[A-Z][a-z]+")
# A quotation, open to the end of the sentence if it does not close there.
_QUOTED_RE = re.compile(r"“[^”]*”?|\"[^\"]*\"?")


def _is_dialogue(text: str) -> bool:
    """A sentence that is mostly someone speaking."""
    if '"' not in text and "“" not in text:
        return False
    inside = sum(len(match.group()) for match in _QUOTED_RE.finditer(text))
    return inside * 2 > len(text)


def choose_plot(
    sentences: Sequence[StorySentence],
    stems: Sequence[set[str]],
    scores: Sequence[float],
    target: int,
    most: int,
    budget: int,
    allowance: int,
    measure: Callable[[str], int],
    hero_gender: str | None,
    people: People | None = None,
) -> list[int]:
    """A short retelling of `target` sentences (`most` with what the ending needs and
    the introductions): the first sentence and the ending, the sentences introducing the
    people the ending shows (the setup it depends on), then one sentence from each
    stretch of the story in turn, the one that adds most of the story's recurring words
    not yet told (weighed by centrality and narration), and last the introductions of
    the people those show acting, while there is room. Recurring words are the plot's
    things and people (the paw, the wish, the vault); covering each once follows the plot
    instead of retelling its busiest scene three times."""
    last = len(sentences) - 1
    chosen = {0, *_ending(sentences, scores, hero_gender)}
    used = sum(measure(sentences[i].text) + 1 for i in chosen) + allowance
    people = people or People(sentences)
    used += _introduce(people, chosen, most, budget - used, measure)
    frequency = Counter(stem for found in stems for stem in found)
    orphans = _orphaned_lines(sentences)
    covered = set().union(*(stems[i] for i in chosen))
    top = max(scores) or 1.0
    middle = last - 1
    # The opening and the last sentence take two of the target; sentences the ending
    # needs besides (the turn a coda closes) do not take the middle's share, and the
    # middle of the story always has a sentence.
    slots = max(1, min(target - 2, most - len(chosen)))
    stretches = [
        [i for i in range(1, last) if (i - 1) * slots // max(1, middle) == slot]
        for slot in range(slots)
    ]

    # The ending's own words count as told, except for the setup it pays off: the words
    # it shares with the rest of the story (the hair, the watch), which the middle must
    # still tell once before the ending can.
    # Names are not setup: whoever the ending names is introduced on their own.
    ending = set().union(*(stems[i] for i in chosen if i != 0))
    named = {
        word[:STEM_LENGTH].lower()
        for i in chosen
        for word in _CAPITALISED_RE.findall(sentences[i].text)
    }
    setup = {stem for stem in ending - named if frequency[stem] > 1} - stems[0]
    # Set up before the last third, where the story turns towards its ending.
    setup_before = 2 * len(sentences) // 3

    def gain(index: int) -> float:
        # Per word, so a long speech does not win by the number of words it spends.
        new = stems[index] - covered
        if index < setup_before:
            new |= stems[index] & setup
        value = sum(math.log1p(frequency[stem] - 1) for stem in new)
        length = math.sqrt(max(1, len(sentences[index].text.split())))
        return value * (0.5 + scores[index] / top) / length

    for stretch in stretches:
        stretch = [i for i in stretch if i not in chosen]
        usable = [
            i
            for i in stretch
            if quotes_balanced(sentences[i].text)
            and not introduces_what_follows(sentences[i].text)
            # Alone, "They bought another brooch…" is dropped (of whom?): its stretch
            # would tell nothing.
            and (not opens_on_them(sentences[i].text) or i - 1 in chosen)
            and used + measure(sentences[i].text) + 1 <= budget
        ]
        if not usable:
            continue
        best = max(
            usable,
            key=lambda i: (-_tier(sentences[i].text, hero_gender) - (i in orphans), gain(i), -i),
        )
        chosen.add(best)
        used += measure(sentences[best].text) + 1
        line = best + 1
        # '"Six," said Johnsy.' tags the line that tells the plot ('"When the last one
        # falls I must go, too."'): the line comes with its tag, room allowing.
        if (
            line in orphans
            and sentences[line].passage == sentences[best].passage
            and len(sentences[best].text.split()) <= _TAG_WORDS
            and len(chosen) < most
            and used + measure(sentences[line].text) + 1 <= budget
        ):
            chosen.add(line)
            used += measure(sentences[line].text) + 1
            covered |= stems[line]
            setup -= stems[line]
        covered |= stems[best]
        setup -= stems[best]
    _introduce(people, chosen, most, budget - used, measure)
    return sorted(chosen)


def _introduce(
    people: People,
    chosen: set[int],
    most: int,
    left: int,
    measure: Callable[[str], int],
) -> int:
    """Adds to `chosen` the sentences introducing the people it shows, as many as `most`
    sentences and `left` characters allow; returns the characters then used."""
    used = 0
    for index in introductions(people, sorted(chosen), most - len(chosen)):
        size = measure(people.sentences[index].text) + 1
        if used + size <= left:
            chosen.add(index)
            used += size
    return used


# A last sentence this short ("In pace requiescat!") is a coda: the ending is told by
# the sentences before it in its paragraph.
_ENDING_MIN_WORDS = 15
# Below this many sentences a story is all ending; no coda rule.
_ENDING_MIN_SENTENCES = 12
# A line's tag this short ('"Six," said Johnsy, in almost a whisper.') tells nothing
# without the line that follows it.
_TAG_WORDS = 8
# A sentence longer than this (a page-long speech) is a wall in a short retelling.
_TELLING_MAX_WORDS = 60


def _tier(text: str, hero_gender: str | None) -> int:
    """How well a sentence tells the plot on its own, 0 best: one long enough to say
    something and short enough to read at once (1 otherwise), whose opening pronoun, if
    any, can be the protagonist's (2 when it must be someone the retelling has not
    named: "He had been far from the scene" in a story about a woman)."""
    count = len(text.split())
    tier = 0 if _TERSE_WORDS <= count <= _TELLING_MAX_WORDS else 1
    if hero_gender is not None and opening_pronoun(text) not in (None, hero_gender):
        tier += 2
    return tier


def _orphaned_lines(sentences: Sequence[StorySentence]) -> set[int]:
    """Sentences that are all quotation in a paragraph where another sentence says who
    speaks ("Hold the lamp, Pip!" the keeper shouted. "Hold it steady…"): alone, the
    line loses its speaker, and the sentence naming them tells it better. A paragraph
    of dialogue with no "said" at all keeps its lines: there the turns tell who speaks."""
    quoted = {i for i, s in enumerate(sentences) if '"' in s.text or "“" in s.text}
    bare = {
        i for i in quoted if not any(c.isalpha() for c in _QUOTED_RE.sub("", sentences[i].text))
    }
    attributed = {sentences[i].passage for i in quoted - bare}
    return {i for i in bare if sentences[i].passage in attributed}


def _ending(
    sentences: Sequence[StorySentence], scores: Sequence[float], hero_gender: str | None
) -> list[int]:
    """The last sentence, with those before it in its paragraph until the ending says
    enough to be understood; a last paragraph of one sentence is a coda, and the turn
    it closes is the best sentence of the paragraph before."""
    last = len(sentences) - 1
    alone = last == 0 or sentences[last - 1].passage != sentences[last].passage
    if alone and len(sentences) > _ENDING_MIN_SENTENCES:
        turn = _turn_before_coda(sentences, scores, last, hero_gender)
        if turn:
            return [last, *turn]
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


def _turn_before_coda(
    sentences: Sequence[StorySentence], scores: Sequence[float], last: int, hero_gender: str | None
) -> list[int]:
    """The turn a one-sentence last paragraph closes: the best telling sentence of the
    paragraph before it. A paragraph before that is itself one terse sentence ("But
    Richard was too late.") is a second coda: it is kept, and the turn is looked for one
    paragraph further back, so the ending keeps what actually happened."""
    kept: list[int] = []
    index = last - 1
    while index > 0:
        passage = sentences[index].passage
        paragraph = [i for i in range(index + 1) if sentences[i].passage == passage]
        usable = [
            i
            for i in paragraph
            if quotes_balanced(sentences[i].text) and not introduces_what_follows(sentences[i].text)
        ]
        telling = [i for i in usable if len(sentences[i].text.split()) >= _TERSE_WORDS]
        if telling or len(paragraph) > 1 or not usable or kept:
            if usable:
                best = min(_tier(sentences[i].text, hero_gender) for i in usable)
                kept.append(
                    max(
                        (i for i in usable if _tier(sentences[i].text, hero_gender) == best),
                        key=lambda i: (scores[i], i),
                    )
                )
            return kept
        kept.append(usable[0])  # a terse one-sentence paragraph: a coda too
        index = paragraph[0] - 1
    return kept


def introduces_what_follows(text: str) -> bool:
    """ "My aunt said:" says nothing without the next paragraph, so it is never kept alone."""
    return text.rstrip(" \"”’'").endswith(":")
