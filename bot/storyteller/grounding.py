"""Checking a model's reply against the story before anything is posted.

Each rule returns plain-English problems, which are both what the log says and what
the model is told when it is asked to try again:

- every quotation (three words or more) is in the story (fuzzy: rapidfuzz partial
  ratio, so curly and straight quotes or a dropped comma do not matter);
- every cited ¶ exists, and holds what the sentence citing it says: the sentence's
  quotations, or (without one) a third of its content words;
- every name (a capitalised word inside a sentence) is a word of the story's cast,
  places or title, or is written capitalised in the story;
- no mention of anyone (@everyone, @here, <@…>);
- an answer may have to cite at least one ¶;
- "not in the text" said by the model is not a problem: the caller says it plainly.

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.models import Passage
from bot.core.search import STOP_WORDS
from bot.core.sentences import split_sentences
from bot.core.text import fold, words
from bot.storyteller.prompts import NOT_IN_TEXT

# partial_ratio a quotation needs against a passage: one or two letters may differ.
QUOTE_CUTOFF = 90.0
# Quotations shorter than this many words ("“yes”") are too short to check.
MIN_QUOTE_WORDS = 3
# A content word of a sentence matches a passage's word at this ratio (inflections).
WORD_CUTOFF = 85.0
# A capitalised word is a story's name spelled another way at this ratio: "bolchoi"
# and "bolshoi" score 86, "russie" and "russia" 83, "marcus" and "marco" only 73.
NAME_CUTOFF = 80.0
# Share of a sentence's content words its cited paragraphs must hold.
CLAIM_SHARE = 1 / 3

_QUOTE_RE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
_CITATION_RE = re.compile(r"\(?¶\s*(\d+)(?:\s*[,–-]\s*¶?\s*(\d+))*\)?")
_CITED_NUMBERS_RE = re.compile(r"\d+")
_MENTION_RE = re.compile(r"@(?:everyone|here)\b|<@[!&]?\d+>", re.IGNORECASE)
_NAME_RE = re.compile(r"\b[A-ZÀ-ÖØ-Þ][\w'’-]*")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?…:;—–]\s+|[“\"(\[]\s*)$")
_NOT_IN_TEXT_KEY = fold(NOT_IN_TEXT)


@dataclass(frozen=True, slots=True)
class StoryFacts:
    """What a reply is checked against, prepared once per story."""

    passages: dict[int, str]  # number → text
    folded: dict[int, str]
    names: frozenset[str]  # folded words allowed capitalised
    vocabulary: dict[int, list[str]]  # number → folded content words
    title: str = ""

    @classmethod
    def of(cls, passages: Sequence[Passage], names: Collection[str], title: str = "") -> StoryFacts:
        allowed = {fold(word) for name in [*names, title] for word in words(name)}
        texts = {p.number: p.text for p in passages}
        for text in texts.values():
            allowed.update(fold(match.group()) for match in _NAME_RE.finditer(text))
        return cls(
            texts,
            {n: fold(t) for n, t in texts.items()},
            frozenset(allowed),
            {n: _content_words(t) for n, t in texts.items()},
            title,
        )


@dataclass(frozen=True, slots=True)
class Verdict:
    problems: tuple[str, ...]
    not_in_text: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def says_not_in_text(reply: str) -> bool:
    return _NOT_IN_TEXT_KEY in fold(reply)


def check_reply(reply: str, facts: StoryFacts, *, must_cite: bool) -> Verdict:
    """Every rule above, for a finished reply."""
    if says_not_in_text(reply):
        return Verdict((), not_in_text=True)
    problems = check_sentences(reply, facts)
    if must_cite and not _CITATION_RE.search(reply) and not problems:
        problems.append("it cites no paragraph (write (¶N) after what each one says)")
    if not reply.strip():
        problems.append("it is empty")
    return Verdict(tuple(problems))


def check_sentences(text: str, facts: StoryFacts) -> list[str]:
    """The problems of `text`, sentence by sentence (also used on a stream's prefix)."""
    problems: list[str] = []
    if _MENTION_RE.search(text):
        problems.append("it mentions people (@everyone, @here or a user), which is never allowed")
    for sentence in sentences(text):
        problems.extend(_sentence_problems(sentence, facts))
    return list(dict.fromkeys(problems))


def sentences(text: str) -> list[str]:
    return [s for paragraph in re.split(r"\n\s*\n", text) for s in split_sentences(paragraph)]


def complete_prefix(text: str) -> str:
    """The part of a growing reply made of finished sentences (the last one may still
    be arriving), so a stream shows only what can already be checked."""
    paragraphs = re.split(r"(\n\s*\n)", text)
    done = "".join(paragraphs[:-1])
    last = split_sentences(paragraphs[-1])
    if len(last) > 1:
        # The last sentence may be cut mid-word; everything before it is whole.
        cut = paragraphs[-1].rfind(last[-1])
        done += paragraphs[-1][:cut] if cut > 0 else ""
    return done.rstrip()


def _sentence_problems(sentence: str, facts: StoryFacts) -> list[str]:
    problems: list[str] = []
    quotes = [q for q in _quotes(sentence) if len(words(q)) >= MIN_QUOTE_WORDS]
    for quote in quotes:
        if _best_quote_passage(quote, facts.folded) is None:
            problems.append(f"the quotation “{quote}” is not in the story")
    cited = cited_paragraphs(sentence)
    missing = [n for n in cited if n not in facts.passages]
    for number in missing:
        problems.append(
            f"¶{number} does not exist (the story has {len(facts.passages)} paragraphs)"
        )
    present = [n for n in cited if n in facts.passages]
    if present:
        problems.extend(_claim_problems(sentence, quotes, present, facts))
    problems.extend(_name_problems(sentence, facts))
    return problems


def _quotes(text: str) -> list[str]:
    return [(m.group(1) or m.group(2)).strip() for m in _QUOTE_RE.finditer(text)]


def _best_quote_passage(quote: str, folded: dict[int, str]) -> int | None:
    wanted = fold(quote).strip(" .,;:!?…")
    for number, text in folded.items():
        if fuzz.partial_ratio(wanted, text) >= QUOTE_CUTOFF:
            return number
    return None


def cited_paragraphs(sentence: str) -> list[int]:
    """The ¶ numbers `sentence` cites, in order, each once."""
    numbers: list[int] = []
    for match in _CITATION_RE.finditer(sentence):
        numbers += [int(n) for n in _CITED_NUMBERS_RE.findall(match.group())]
    return list(dict.fromkeys(numbers))


def _claim_problems(
    sentence: str, quotes: Sequence[str], cited: Sequence[int], facts: StoryFacts
) -> list[str]:
    """Whether the cited paragraphs hold what the sentence says they do."""
    where = ", ".join(f"¶{n}" for n in cited)
    cited_text = {n: facts.folded[n] for n in cited}
    problems = [
        f"{where} does not contain “{quote}”"
        for quote in quotes
        if _best_quote_passage(quote, facts.folded) is not None
        and _best_quote_passage(quote, cited_text) is None
    ]
    if quotes:
        return problems
    claim = _content_words(_CITATION_RE.sub(" ", sentence))
    if not claim:
        return problems
    held = [word for n in cited for word in facts.vocabulary[n]]
    found = sum(
        1
        for word in claim
        if process.extractOne(word, held, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF)
    )
    if found < CLAIM_SHARE * len(claim):
        problems.append(f"{where} does not say what this sentence claims: “{sentence.strip()}”")
    return problems


def _name_problems(sentence: str, facts: StoryFacts) -> list[str]:
    outside_quotes = _QUOTE_RE.sub(lambda m: " " * len(m.group()), sentence)
    problems = []
    for match in _NAME_RE.finditer(outside_quotes):
        word = match.group()
        if word == "I" or word.startswith(("I'", "I’")):
            continue
        if _SENTENCE_START_RE.search(outside_quotes[: match.start()]):
            continue  # any word may open a sentence
        if not _known_name(re.sub(r"['’]s$", "", fold(word)), facts):
            problems.append(f"{word} is not a name in the story")
    return problems


def _known_name(word: str, facts: StoryFacts) -> bool:
    """In the story, or a spelling of one of its names in another language ("Bolchoï"
    for "Bolshoi", "Russie" for "Russia"), which a retelling in French may use."""
    if word in facts.names:
        return True
    return (
        process.extractOne(word, facts.names, scorer=fuzz.ratio, score_cutoff=NAME_CUTOFF)
        is not None
    )


def _content_words(text: str) -> list[str]:
    return [w for w in (fold(word) for word in words(text)) if len(w) > 3 and w not in STOP_WORDS]
