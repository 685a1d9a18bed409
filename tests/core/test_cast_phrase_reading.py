"""Phrases of several words are read once per story for each spelling and sentence
position (scan.mentions_in): the mentions are those the plain reading of every phrase
where it stands gives, on the seeds, the hard cases and the random text."""

from __future__ import annotations

from pathlib import Path

from bot.core.characters import scan
from bot.core.characters.paragraph import Paragraph, quote_spans
from bot.core.characters.phrases import (
    is_capitalised,
    is_place_prefix,
    never_a_name,
    phrase_spans,
    place_kind_of_phrase,
    strip_possessive,
    title_key,
)
from bot.core.characters.scan import Mention, Vocabulary, build_vocabulary, mentions_in
from bot.core.characters.tokens import Word
from bot.core.lexicon import TIME_WORDS
from bot.core.models import Passage
from bot.core.parsing import parse_story
from tests.core.test_cast_patterns import TEXTS

DATA = Path(__file__).resolve().parents[1] / "data" / "characters"
SEEDS = Path(__file__).resolve().parents[2] / "data" / "stories"


def _split_phrase(
    phrase: list[Word], paragraph: Paragraph, vocabulary: Vocabulary
) -> list[list[Word]]:
    """The plain form: every phrase read where it stands."""
    words = [strip_possessive(t.group())[0] for t in phrase]
    if place_kind_of_phrase(words) is not None and not never_a_name(words[0]):
        return [phrase]
    first = phrase[0]
    if (
        len(phrase) > 1
        and paragraph.opens_sentence(first.start())
        and not is_place_prefix(first.group())
        and scan._is_sentence_opener(words[0], vocabulary)
    ):
        phrase = phrase[1:]
    parts: list[list[Word]] = [[]]
    after_split = False
    for token in phrase:
        word = strip_possessive(token.group())[0]
        if vocabulary.never_a_name(word) or (after_split and word.lower() in TIME_WORDS):
            parts.append([])
            after_split = True
        else:
            after_split = False
            parts[-1].append(token)
    return [
        p
        for p in parts
        if p
        and is_capitalised(p[0].group())
        and (len(p) > 1 or not scan._licensed_word_used_otherwise(p[0], paragraph, vocabulary))
    ]


def _mention_from(tokens: list[Word], paragraph: Paragraph) -> Mention | None:
    text = paragraph.text
    words = [t.group() for t in tokens]
    last, possessive = strip_possessive(words[-1])
    words[-1] = last
    end = tokens[-1].end() - (2 if possessive else 0)
    title = title_key(words[0])
    if title is not None:
        words = words[1:]
        if not words or any(title_key(w) for w in words):
            return None
    start = tokens[0].start()
    return Mention(
        passage=paragraph.passage.number,
        start=start,
        end=end,
        after=tokens[-1].end(),
        words=tuple(words),
        title=title,
        surface=text[start:end],
        possessive=possessive,
        initial=paragraph.opens_sentence(start),
        quoted=paragraph.quoted(start),
        place_kind=None if title else place_kind_of_phrase(words),
    )


def _stories() -> list[list[str]]:
    files = sorted(DATA.glob("*.txt")) + sorted(SEEDS.glob("*.txt"))
    stories = [[p.text for p in parse_story(f.read_bytes(), f.name).passages] for f in files]
    couple = [
        "Mr. and Mrs. Arthur Penhallow came at noon. Mrs. Arthur Penhallow sat down.",
        "Arthur Penhallow laughed. Dr. Amara Okafor and Mrs. Arthur Penhallow talked.",
    ]
    return [*stories, couple, TEXTS[:1500]]


def test_phrases_read_once_give_the_mentions_of_every_phrase_read_where_it_stands() -> None:
    several = 0
    for texts in _stories():
        paragraphs = [
            Paragraph(Passage(n, t, 0, len(t)), quote_spans(t)) for n, t in enumerate(texts, 1)
        ]
        vocabulary = build_vocabulary(paragraphs)
        for paragraph in paragraphs:
            found = mentions_in(paragraph, vocabulary)
            couples = scan._couples(paragraph)
            # One-word phrases are read by their own path: taken as found.
            alone = {m.start: m for m in found if m not in couples}
            expected: list[Mention] = []
            for phrase in phrase_spans(paragraph.text, paragraph.capitals):
                if len(phrase) == 1:
                    if phrase[0].start() in alone:
                        expected.append(alone[phrase[0].start()])
                    continue
                for part in _split_phrase(phrase, paragraph, vocabulary):
                    mention = _mention_from(part, paragraph)
                    if mention is not None:
                        expected.append(mention)
                        several += 1
            scan._wife_under_his_name(expected, couples)
            expected.extend(couples)
            assert found == sorted(expected, key=lambda m: m.start), paragraph.text
    assert several > 50
