"""Deterministic synthetic story corpora for benchmarks, built from the seed stories.

Every story reuses the seed stories' paragraphs as templates, but gets its own cast
(protagonist, friend), places and landmark, and a share of its content words is swapped
for words drawn Zipf-style from a large synthetic lexicon. The vocabulary therefore keeps
growing with the corpus, as real text does (Heaps' law), instead of being capped at the
seed stories' ~600 words, and most passages are told apart by a few rare words.

Everything is driven by seeded `random.Random` instances (never by `hash()` or set
order), so the same arguments give the same corpus, byte for byte, on every run.

Public entry points:
- `iter_stories(n_passages, seed)`: stories (title, paragraphs) adding up to n passages.
- `story_texts(n_stories, seed)`: whole stories as text, for loading benchmarks.
- `make_queries(n_passages, n_queries, seed)`: queries with a known target passage.
"""

from __future__ import annotations

import functools
import math
import random
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent.parent / "data" / "stories"
DEFAULT_SEED = 20240601

# Share of eligible content words replaced by a lexicon word in each story.
SWAP_PROBABILITY = 0.3
# Size of the synthetic lexicon; ranks are drawn log-uniformly (Zipf, s = 1).
LEXICON_SIZE = 400_000
FIRST_NAME_POOL = 6_000
SURNAME_POOL = 40_000
PLACE_POOL = 3_000
# Share of heroes with a surname of their own (the others share Zipf-drawn common ones).
OWN_SURNAME_PROBABILITY = 0.7

QUERY_KINDS = ("exact", "typo", "accents", "swap", "truncate", "partial", "mixed")

_STOP_WORDS = frozenset(
    """a an the and or but of in on at to for with by from as is was were be been being it its
    she her hers he him his they them their this that these those there then than so not no
    into onto over under up down out off about after before again all any some what which who
    when where why how had has have just only also too very like one own once while through
    herself himself itself each more most much even back just""".split()
)
# Placeholders for the names and places of the seed stories, longest first so that
# "Valérie Ivanov" is replaced before "Valérie".
_SEED_NAMES = (
    ("Atelier des Rêves", "{studio}"),
    ("Bolshoi Theatre", "{theatre}"),
    ("Eiffel Tower", "{landmark}"),
    ("Valérie Ivanov", "{hero}"),
    ("Zoe Kuznetsova", "{hero}"),
    ("Léa Roux", "{hero}"),
    ("Valérie", "{first}"),
    ("Zoe", "{first}"),
    ("Sophie", "{friend}"),
    ("Parisian", "{city_adj}"),
    ("Paris", "{city}"),
    ("Montmartre", "{district}"),
    ("Seine", "{river}"),
    ("Russian", "{nation_adj}"),
    ("Russia", "{homeland}"),
    ("France", "{country}"),
)
_BRITISH = {"colors": "colours", "watercolors": "watercolours", "color": "colour"}
_CHUNK_RE = re.compile(r"\{[a-z_]+\}|[^\W_]+(?:['’][^\W_]+)?|[^\w{]+|.", re.UNICODE)
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“{])")

# Plain consonants and open syllables are repeated to make them more frequent, which
# keeps synthetic words about as long as real ones (5-8 letters).
_PLAIN_ONSETS = "b c d l m n p r s t v ".split()
_ONSETS = [
    *"b br c ch d dr f fl g gr h j k l m n p pl pr r s sh st t tr v w z".split(),
    *_PLAIN_ONSETS,
    *_PLAIN_ONSETS,
    "",
    "",
]
_NUCLEI = "a e i o u a e i o a e ou ai ea".split()
_ACCENTED = {"a": "àâ", "e": "éèê", "i": "ïî", "o": "ôö", "u": "ûü"}
_CODAS = [""] * 8 + ["n", "r", "s", "l", "m", "t", "nd", "st", "rt", "x"]
_SYLLABLE_COUNTS = (1, 2, 2, 2, 3, 3)
_LANDMARK_KINDS = ("Tower", "Bridge", "Gate", "Column", "Arch", "Fountain", "Cathedral")


@dataclass(frozen=True, slots=True)
class GeneratedStory:
    """One story of a synthetic corpus.

    `rarity` maps the story's names and swapped-in words to how rare they are across
    corpora (about the Zipf rank: higher is rarer); queries are anchored on rare words.
    """

    index: int
    title: str
    paragraphs: tuple[str, ...]
    rarity: Mapping[str, int] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True, slots=True)
class BenchQuery:
    """A query and the passage it was made from (story index, 1-based passage number)."""

    text: str
    kind: str
    story_index: int
    passage_number: int
    window: str = ""  # the words of the passage the query was made from, unperturbed
    ambiguous: int = 0  # passages holding all the window's words (0: not counted)


# What to do with each chunk of a template sentence, decided once per template.
_KEEP, _CAST, _SWAP, _BRITISH_SWAP = range(4)


@dataclass(frozen=True, slots=True)
class _Sentence:
    chunks: tuple[str, ...]  # words, gaps and placeholders, in order
    actions: tuple[int, ...]  # one of _KEEP, _CAST, _SWAP, _BRITISH_SWAP per chunk


@dataclass(frozen=True, slots=True)
class _Template:
    sentences: tuple[_Sentence, ...]


@functools.cache
def seed_paragraphs() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The seed stories as (file stem, paragraphs), paragraphs split on blank lines."""
    stories = []
    for path in sorted(SEED_DIR.glob("*.txt")):
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
        paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", text) if p.strip())
        stories.append((path.stem, paragraphs))
    return tuple(stories)


@functools.cache
def _templates() -> tuple[tuple[_Template, ...], ...]:
    templates = []
    for _, paragraphs in seed_paragraphs():
        story_templates = []
        for paragraph in paragraphs:
            for name, placeholder in _SEED_NAMES:
                paragraph = paragraph.replace(name, placeholder)
            sentences = tuple(
                _make_sentence(_CHUNK_RE.findall(sentence))
                for sentence in _SENTENCE_RE.split(paragraph)
            )
            story_templates.append(_Template(sentences))
        templates.append(tuple(story_templates))
    return tuple(templates)


def _make_sentence(chunks: list[str]) -> _Sentence:
    actions = []
    for chunk in chunks:
        if chunk.startswith("{"):
            actions.append(_CAST)
        elif len(chunk) >= 4 and chunk.isalpha() and chunk.lower() not in _STOP_WORDS:
            actions.append(_BRITISH_SWAP if chunk in _BRITISH else _SWAP)
        else:
            actions.append(_KEEP)
    return _Sentence(tuple(chunks), tuple(actions))


def _zipf_rank(rng: random.Random, size: int) -> int:
    # Log-uniform ranks give P(rank) ~ 1/rank: a few words are everywhere, most are rare.
    return int(math.exp(rng.random() * math.log(size)))


def _syllable(rng: random.Random, accent_chance: float) -> str:
    nucleus = rng.choice(_NUCLEI)
    if len(nucleus) == 1 and rng.random() < accent_chance:
        nucleus = rng.choice(_ACCENTED[nucleus])
    return rng.choice(_ONSETS) + nucleus + rng.choice(_CODAS)


@functools.lru_cache(maxsize=65_536)
def _synth_word(kind: str, rank: int, accent_chance: float) -> str:
    # Seeded by (kind, rank) alone, so a rank always spells the same word in every corpus.
    rng = random.Random(f"{kind}:{rank}")
    while True:
        count = rng.choice(_SYLLABLE_COUNTS)
        word = "".join(_syllable(rng, accent_chance) for _ in range(count))
        if len(word) >= 3:
            return word


def lexicon_word(rank: int) -> str:
    return _synth_word("word", rank, 0.04)


def first_name(rank: int) -> str:
    return _synth_word("first", rank, 0.25).capitalize()


def surname(rank: int) -> str:
    return _synth_word("last", rank, 0.15).capitalize()


def place_name(rank: int) -> str:
    return _synth_word("place", rank, 0.2).capitalize()


class _StoryMaker:
    """Renders stories one after another from a single seeded random stream."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def story(self, index: int, max_paragraphs: int) -> GeneratedStory:
        rng = self._rng
        rare: dict[str, int] = {}
        cast = self._cast(index, rare)
        template_story = rng.randrange(3)
        british = rng.random() < 0.3
        paragraphs: list[str] = []
        all_templates = _templates()
        for template in all_templates[template_story]:
            if rng.random() < 0.85:
                paragraphs.append(self._paragraph(template, cast, british, rare))
            if rng.random() < 0.15:
                other = rng.choice(rng.choice(all_templates))
                paragraphs.append(self._paragraph(other, cast, british, rare))
        paragraphs = paragraphs[:max_paragraphs] or [
            self._paragraph(all_templates[0][0], cast, british, rare)
        ]
        title = f"The Story of {cast['{hero}']}"
        return GeneratedStory(index, title, tuple(paragraphs), rare)

    def _cast(self, index: int, rare: dict[str, int]) -> dict[str, str]:
        rng = self._rng
        first_rank = _zipf_rank(rng, FIRST_NAME_POOL)
        first = first_name(first_rank)
        if rng.random() < OWN_SURNAME_PROBABILITY:
            last_rank = SURNAME_POOL + index  # outside the shared pool: this story's own
            rare[surname(last_rank)] = LEXICON_SIZE * 10
        else:
            last_rank = _zipf_rank(rng, SURNAME_POOL)
            rare[surname(last_rank)] = last_rank * 10  # a surname is in ~1/10 as many passages
        last = surname(last_rank)
        friend_rank = _zipf_rank(rng, FIRST_NAME_POOL)
        rare[first] = first_rank
        rare[first_name(friend_rank)] = friend_rank
        city = "Paris" if rng.random() < 0.2 else place_name(_zipf_rank(rng, PLACE_POOL))
        landmark = (
            "Eiffel Tower"
            if rng.random() < 0.3
            else f"{place_name(_zipf_rank(rng, PLACE_POOL))} {rng.choice(_LANDMARK_KINDS)}"
        )
        return {
            "{hero}": f"{first} {last}",
            "{first}": first,
            "{friend}": first_name(friend_rank),
            "{city}": city,
            "{city_adj}": city + "ian" if city != "Paris" else "Parisian",
            "{district}": place_name(_zipf_rank(rng, PLACE_POOL)),
            "{river}": place_name(_zipf_rank(rng, PLACE_POOL)),
            "{landmark}": landmark,
            "{theatre}": f"{place_name(_zipf_rank(rng, PLACE_POOL))} Theatre",
            "{studio}": f"Atelier des {place_name(_zipf_rank(rng, PLACE_POOL))}s",
            "{nation_adj}": "Russian" if rng.random() < 0.5 else "Ukrainian",
            "{homeland}": "Russia" if rng.random() < 0.5 else "Ukraine",
            "{country}": "France",
        }

    def _paragraph(
        self, template: _Template, cast: dict[str, str], british: bool, rare: dict[str, int]
    ) -> str:
        rng = self._rng
        sentences = list(template.sentences)
        if len(sentences) >= 3 and rng.random() < 0.15:
            del sentences[rng.randrange(len(sentences))]
        if len(sentences) >= 2 and rng.random() < 0.1:
            i = rng.randrange(len(sentences) - 1)
            sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
        rendered = [self._sentence(sentence, cast, british, rare) for sentence in sentences]
        return " ".join(s.strip() for s in rendered)

    def _sentence(
        self, sentence: _Sentence, cast: dict[str, str], british: bool, rare: dict[str, int]
    ) -> str:
        random_number = self._rng.random
        out: list[str] = []
        for chunk, action in zip(sentence.chunks, sentence.actions, strict=True):
            if action == _KEEP:
                out.append(chunk)
            elif action == _CAST:
                out.append(cast[chunk])
            elif random_number() < SWAP_PROBABILITY:
                out.append(self._swapped_word(chunk, rare))
            elif british and action == _BRITISH_SWAP:
                out.append(_BRITISH[chunk])
            else:
                out.append(chunk)
        return "".join(out)

    def _swapped_word(self, chunk: str, rare: dict[str, int]) -> str:
        rank = _zipf_rank(self._rng, LEXICON_SIZE)
        word = lexicon_word(rank)
        rare[word] = rank
        return word.capitalize() if chunk[0].isupper() else word


def iter_stories(n_passages: int, seed: int = DEFAULT_SEED) -> Iterator[GeneratedStory]:
    """Stories whose passages add up to exactly `n_passages` (the last one is cut short)."""
    maker = _StoryMaker(seed)
    remaining = n_passages
    index = 0
    while remaining > 0:
        story = maker.story(index, remaining)
        remaining -= len(story.paragraphs)
        index += 1
        yield story


def story_texts(n_stories: int, seed: int = DEFAULT_SEED) -> list[tuple[str, str]]:
    """`n_stories` whole stories as (title, text); paragraphs are joined by blank lines."""
    maker = _StoryMaker(seed)
    stories = (maker.story(index, 1_000) for index in range(n_stories))
    return [(story.title, story.text) for story in stories]


class QueryMaker:
    """Picks target passages of a corpus and turns them into queries.

    Feed it every story of `iter_stories(n_passages, seed)` in order with `observe`
    (e.g. while building an index from them, to generate the corpus only once), then
    call `queries`. Each query is a window of 3-6 words around the rarest word (a name or
    an uncommon word) of its target passage, perturbed by its kind: typos (1-2 per word),
    dropped accents, swapped word order, a truncated last word, missing or extra small
    words, or all of these mixed. Kinds rotate so each gets the same share.

    With `anchored=False` the window is anywhere in the passage (same targets, same
    perturbations): what a reader remembers is not always the passage's rarest word.
    """

    def __init__(
        self,
        n_passages: int,
        n_queries: int = 210,
        seed: int = DEFAULT_SEED,
        *,
        anchored: bool = True,
    ) -> None:
        self._anchored = anchored
        self._rng = random.Random(seed * 7919 + n_passages)
        targets = sorted(self._rng.sample(range(n_passages), min(n_queries, n_passages)))
        self._wanted = {position: i for i, position in enumerate(targets)}
        self._captured: dict[int, tuple[GeneratedStory, int]] = {}
        self._position = 0

    def observe(self, story: GeneratedStory) -> None:
        for number in range(1, len(story.paragraphs) + 1):
            if self._position in self._wanted:
                self._captured[self._wanted[self._position]] = (story, number)
            self._position += 1

    def queries(self) -> list[BenchQuery]:
        if len(self._captured) != len(self._wanted):
            raise RuntimeError("observe() every story of the corpus before asking for queries")
        queries = []
        for i in range(len(self._wanted)):
            story, number = self._captured[i]
            kind = QUERY_KINDS[i % len(QUERY_KINDS)]
            paragraph = story.paragraphs[number - 1]
            text, window = _make_query(self._rng, paragraph, story.rarity, kind, self._anchored)
            queries.append(BenchQuery(text, kind, story.index, number, window))
        return queries


def make_queries(
    n_passages: int, n_queries: int = 210, seed: int = DEFAULT_SEED
) -> list[BenchQuery]:
    """Queries with a known target passage for the corpus `iter_stories(n_passages, seed)`."""
    maker = QueryMaker(n_passages, n_queries, seed)
    for story in iter_stories(n_passages, seed):
        maker.observe(story)
    return maker.queries()


def _make_query(
    rng: random.Random, paragraph: str, rarity: Mapping[str, int], kind: str, anchored: bool
) -> tuple[str, str]:
    """The query, and the window of the passage it was made from (before perturbing)."""
    # Anchored on the passage's rarest word: a reader looking for a passage remembers
    # what is distinctive about it. Unanchored windows are the harder, luckier case.
    words = _WORD_RE.findall(paragraph)
    if anchored:
        scores = [rarity.get(word.lower(), rarity.get(word, 0)) for word in words]
        anchor = max(range(len(words)), key=lambda i: (scores[i], -i))
    else:
        anchor = rng.randrange(len(words))
    width = rng.randint(3, 6)
    start = max(0, min(anchor - rng.randrange(width), len(words) - width))
    window = words[start : start + width]
    if rng.random() < 0.8:
        window = [word.lower() for word in window]
    return " ".join(_perturb(rng, window, kind)), " ".join(window)


def _perturb(rng: random.Random, window: list[str], kind: str) -> list[str]:
    if kind == "typo":
        return _with_typos(rng, window)
    if kind == "accents":
        return [_strip_accents(word) for word in window]
    if kind == "swap":
        return _swapped(rng, window)
    if kind == "truncate":
        return _truncated(window)
    if kind == "partial":
        return _partial(rng, window)
    if kind == "mixed":
        mixed = [_strip_accents(word) for word in _with_typos(rng, window)]
        return _truncated(_swapped(rng, mixed)) if len(mixed) > 2 else mixed
    return window


def _with_typos(rng: random.Random, window: list[str]) -> list[str]:
    longest = sorted(range(len(window)), key=lambda i: -len(window[i]))
    out = list(window)
    for i in longest[: rng.randint(1, 2)]:
        word = out[i]
        if len(word) >= 4:
            edits = 2 if len(word) >= 7 and rng.random() < 0.5 else 1
            for _ in range(edits):
                word = _typo(rng, word)
            out[i] = word
    return out


def _typo(rng: random.Random, word: str) -> str:
    # Mostly not on the first letter: people rarely mistype how a word starts.
    position = rng.randrange(1, len(word)) if rng.random() < 0.9 else 0
    operation = rng.choice(("delete", "insert", "substitute", "transpose"))
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    if operation == "delete" and len(word) > 3:
        return word[:position] + word[position + 1 :]
    if operation == "insert":
        return word[:position] + letter + word[position:]
    if operation == "transpose" and position < len(word) - 1:
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    return word[:position] + letter + word[position + 1 :]


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _swapped(rng: random.Random, window: list[str]) -> list[str]:
    if len(window) < 2:
        return window
    out = list(window)
    while out == window:
        rng.shuffle(out)
    return out


def _truncated(window: list[str]) -> list[str]:
    # Cut the longest-enough word that can move to the end: a half-typed last word.
    last = window[-1]
    if len(last) >= 5:
        return [*window[:-1], last[: max(3, math.ceil(len(last) * 0.6))]]
    return window


def _partial(rng: random.Random, window: list[str]) -> list[str]:
    if len(window) >= 4 and rng.random() < 0.6:
        out = list(window)
        del out[rng.randrange(1, len(out) - 1)]
        return out
    out = list(window)
    out.insert(rng.randrange(len(out) + 1), rng.choice(("the", "and", "of", "a", "with")))
    return out
