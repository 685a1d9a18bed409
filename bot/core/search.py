"""Forgiving full-text search over story passages, updated in place as the library changes.

Two stages (design, trade-offs and measured numbers: docs/search.md):

1. Candidates. An inverted index maps each accent-folded word ("term") to the ids of the
   passages containing it (`array('i')`). Each query word is expanded to the terms it may
   stand for: itself, its British/American spelling and singular/plural, the terms one or
   two typos away (a SymSpell-style index of deletion variants), and, for the last word,
   completions of a truncated word (with one typo allowed). Words are walked rarest first
   and each passage sums idf x similarity; MaxScore pruning stops once the words left
   cannot lift a new passage into the top, and very common words never create candidates
   once rarer words have.
2. Re-ranking. The best candidates get their exact coverage of the query (the share of
   its idf found in the passage) and rapidfuzz's `partial_ratio` of the folded query
   against the folded passage, which rewards the words appearing together and in order:
   score = 100 x coverage x (0.7 + 0.3 x phrase). Bounds on both let most candidates be
   skipped without changing the results.

Memory stays at a few hundred bytes per passage: postings are 4-byte ints; each passage's
folded text is kept once (re-ranking reads it); the original text is zlib-compressed per
story (only the returned hits need it); the typo index is sorted `array('q')` shards of
hashed deletion variants (8 bytes an entry) rather than a dict of strings.

Updates are incremental: adding a story indexes only its passages; removing one marks its
passages dead (skipped at query time) until a compaction, run once dead passages
outnumber live ones, renumbers everything with C-level passes.

Every public method holds an internal lock: one index can be shared by the event loop and
worker threads (calls are serialised, not parallel).
"""

from __future__ import annotations

import heapq
import math
import re
import threading
import zlib
from array import array
from bisect import bisect_left, insort
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, compress
from operator import itemgetter

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from bot.core.models import Passage
from bot.core.text import fold, words
from bot.errors import InvalidInput

MAX_QUERY_LENGTH = 200
# Words beyond this many are ignored: they add cost and almost never change the answer.
MAX_QUERY_WORDS = 12
MAX_LIMIT = 100

# How many stage-1 candidates are re-ranked with rapidfuzz.
RERANK_CANDIDATES = 150
# MaxScore stops walking rarer-to-commoner words once a new passage could no longer
# enter the top PRUNING_DEPTH by partial score.
PRUNING_DEPTH = 50
# Stage 1 only walks the expansions worth at least this share of their word's weight.
WALKED_WEIGHT_SHARE = 0.5
# Final score = 100 x coverage x (PHRASE_FLOOR + (1 - PHRASE_FLOOR) x phrase / 100): a
# passage with every query word but scattered or out of order keeps 70% of the score.
PHRASE_FLOOR = 0.7

# Similarity of a query word to the terms it expands to (an exact match is 1.0).
VARIANT_SIMILARITY = 0.95
INFLECTION_SIMILARITY = 0.9
TYPO_SIMILARITY = {1: 0.8, 2: 0.65}
# A rare exact match that has a far more common neighbour one typo away is probably a typo
# of that neighbour ("form"/"from"): the neighbour is searched too, a bit less trusted.
TYPO_OVER_RARE_WORD_FACTOR = 10
TYPO_OVER_RARE_WORD_SIMILARITY = 0.85
MAX_COMPLETIONS = 50
_MIN_FUZZY_PREFIX_LENGTH = 4
# A query word found in this many passages is taken as typed, not as a typo.
_TRUSTED_WORD_PASSAGES = 50
_MAX_TWO_TYPO_NEIGHBOURS = 30
MIN_PREFIX_LENGTH = 3
_DISTANT_SUGGESTION_CUTOFF = 0.75

# SymSpell "prefix length": deletion variants are made from a term's first 7 letters,
# which bounds them at 29 per term; full-length distances are verified afterwards.
_DELETION_PREFIX = 7
_MIN_PREFIX_BUCKET = 3

# Compact once dead passages outnumber live ones (and there are enough to matter).
_COMPACT_MIN_DEAD = 1_000
# A word in more than this share of the passages (and more than the floor) never creates
# candidates, unless it is the rarest word of the query; it still counts at re-ranking.
# Walking 50,000 postings costs ~4 ms; at 1M passages a lower cap costs recall.
_MAX_CREATING_SHARE = 0.05
_MAX_CREATING_FLOOR = 10_000
_FOLD_CACHE_LIMIT = 100_000
_ZLIB_LEVEL = 1  # level 6 only saves ~3% more on story-sized texts, for 25% more time

# Letters or digits, with combining marks kept inside the word (decomposed accents).
_SPAN_RE = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+"
)
_SPAN_SPLIT_RE = re.compile(f"({_SPAN_RE.pattern})")
_TOKEN_RE = re.compile(r"[^\W_]+")

# Small words: never typo-expanded (`the` is not a typo of `she`), never alone a reason to
# return a passage when the query has other words, highlighted only inside a phrase.
STOP_WORDS = frozenset(
    """a an the and or but nor of in on at to for with by from as is are was were be been
    being am it its this that these those there here then than so not no yes if into
    onto over under up down out off about after before again all any some such what which
    who whom whose when where why how had has have having do does did done i me my mine we
    us our ours you your yours he him his she her hers they them their theirs himself
    herself itself themselves myself yourself ourselves s t d ll m re ve""".split()
)

# British/American spellings: (one spelling's fragment, the other's), tried both ways
# at any position after the first two letters, and kept only if the result is a term.
_SPELLING_FRAGMENTS = (
    ("our", "or"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ising", "izing"),
    ("isation", "ization"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("tre", "ter"),
    ("tres", "ters"),
    ("ogue", "og"),
    ("elled", "eled"),
    ("elling", "eling"),
    ("eller", "eler"),
    ("ence", "ense"),
)
_SPELLING_WORDS = {
    "grey": "gray",
    "mum": "mom",
    "programme": "program",
    "tyre": "tire",
    "cheque": "check",
    "plough": "plow",
    "jewellery": "jewelry",
    "pyjamas": "pajamas",
    "aluminium": "aluminum",
    "draught": "draft",
    "mould": "mold",
    "smoulder": "smolder",
    "cosy": "cozy",
    "sceptical": "skeptical",
    "aeroplane": "airplane",
    "manoeuvre": "maneuver",
    "whilst": "while",
    "amongst": "among",
}
_SPELLING_WORDS.update({american: british for british, american in _SPELLING_WORDS.items()})


@dataclass(frozen=True, slots=True)
class SearchHit:
    story_id: int
    passage_number: int
    score: float  # 0..100, higher is better
    text: str  # the passage text
    highlights: tuple[tuple[int, int], ...]  # (start, end) offsets in `text` of matched words


# --------------------------------------------------------------------------- validation


def validate_query(query: str) -> str:
    """The query with its whitespace tidied, or InvalidInput saying what is wrong with it."""
    cleaned = " ".join(query.split())
    if not cleaned:
        raise InvalidInput(
            "Type a few words to search for.", hint="For example: `eiffel tower at sunset`."
        )
    if len(cleaned) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            f"That search is {len(cleaned)} characters long; "
            f"the limit is {MAX_QUERY_LENGTH}. Try a few distinctive words."
        )
    if not words(cleaned):
        raise InvalidInput(
            "Search with words, not only punctuation or symbols.",
            hint="For example: `valerie gallery`.",
        )
    return cleaned


# --------------------------------------------------------------------------- folding

_fold_cache: dict[str, str] = {}


def _fold_span(span: str) -> str:
    """The folded tokens of one word span, joined by spaces (usually just one token)."""
    folded = _fold_cache.get(span)
    if folded is None:
        if len(_fold_cache) >= _FOLD_CACHE_LIMIT:
            _fold_cache.clear()  # bounded memory; frequent words come back at once
        folded = " ".join(_TOKEN_RE.findall(fold(span)))
        _fold_cache[span] = folded
    return folded


def folded_text(text: str) -> str:
    """`text` as the index sees it: folded words separated by single spaces."""
    get = _fold_cache.get
    return " ".join([get(span) or _fold_span(span) for span in _SPAN_RE.findall(text)]).strip()


def _folded_query_words(query: str) -> list[str]:
    return list(dict.fromkeys(folded_text(query).split()))[:MAX_QUERY_WORDS]


# --------------------------------------------------------------------------- typo index


def _deletions(word: str, depth: int) -> set[str]:
    """All strings made by deleting up to `depth` letters of `word`, `word` included."""
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier if len(w) > 1 for i in range(len(w))}
        found |= frontier
    return found


def _max_typos(word: str) -> int:
    # Short words have too many neighbours: `cat` is one typo from dozens of words.
    if len(word) <= 2:
        return 0
    return 1 if len(word) <= 4 else 2


class _DeletionIndex:
    """Hashed deletion variant -> term ids, in sorted `array('q')` shards.

    Each entry packs 39 bits of the variant's hash above a 24-bit term id, so an entry is
    8 bytes instead of ~100 for a dict item with a string key. Hash collisions only add
    candidates, which are verified by true edit distance anyway.
    """

    SHARD_BITS = 12
    ID_BITS = 24
    KEY_BITS = 39
    _ID_MASK = (1 << ID_BITS) - 1

    def __init__(self) -> None:
        self._shards = [array("q") for _ in range(1 << self.SHARD_BITS)]
        self._unsorted: set[int] = set()
        self._bulk = False

    def _locate(self, variant: str) -> tuple[array[int], int, int]:
        hashed = hash(variant) & 0xFFFF_FFFF_FFFF_FFFF
        shard_number = hashed & ((1 << self.SHARD_BITS) - 1)
        key = (hashed >> self.SHARD_BITS) & ((1 << self.KEY_BITS) - 1)
        return self._shards[shard_number], shard_number, key << self.ID_BITS

    def add(self, variant: str, term_id: int) -> None:
        shard, number, base = self._locate(variant)
        if self._bulk:
            shard.append(base | term_id)
            self._unsorted.add(number)
        else:
            insort(shard, base | term_id)

    def lookup(self, variant: str) -> list[int]:
        shard, _, base = self._locate(variant)
        low = bisect_left(shard, base)
        high = bisect_left(shard, base + (1 << self.ID_BITS), low)
        return list(map(self._ID_MASK.__and__, shard[low:high]))

    def begin_bulk(self) -> None:
        # Appending then sorting each touched shard once is ~50x faster than insorting.
        self._bulk = True

    def end_bulk(self) -> None:
        for number in self._unsorted:
            self._shards[number] = array("q", sorted(self._shards[number]))
        self._unsorted.clear()
        self._bulk = False

    @property
    def max_term_id(self) -> int:
        return (1 << self.ID_BITS) - 1


def _term_variants(term: str) -> set[str]:
    """What the typo index stores for a term (the term itself is found by exact lookup)."""
    depth = _max_typos(term)
    if depth == 0:
        return set()
    head = term[:_DELETION_PREFIX]
    variants = _deletions(head, depth)
    if head == term:
        variants.discard(term)
    return variants


# --------------------------------------------------------------------------- spelling


def _spelling_variants(word: str) -> set[str]:
    """British <-> American spellings of `word` (candidates; the caller keeps real terms)."""
    found = set()
    if word in _SPELLING_WORDS:
        found.add(_SPELLING_WORDS[word])
    for one, other in _SPELLING_FRAGMENTS:
        for old, new in ((one, other), (other, one)):
            position = word.find(old, 2)
            while position != -1:
                found.add(word[:position] + new + word[position + len(old) :])
                position = word.find(old, position + 1)
    for old, new in (("ae", "e"), ("oe", "e")):  # paediatric, manoeuvre; one way only
        if word.find(old, 1) != -1:
            found.add(word.replace(old, new))
    found.discard(word)
    return found


def _inflections(word: str) -> set[str]:
    """Singular/plural neighbours; crude on purpose, the caller keeps only real terms."""
    if len(word) < 4 or not word.isalpha():
        return set()
    found = {word + "s", word + "es"}
    if word.endswith("es"):
        found.add(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        found.add(word[:-1])
    if word.endswith("ies"):
        found.add(word[:-3] + "y")
    if word.endswith("y"):
        found.add(word[:-1] + "ies")
    return found


# --------------------------------------------------------------------------- index


@dataclass(slots=True)
class _Story:
    """One story's passages: numbers, folded texts, compressed original texts."""

    story_id: int
    first_pid: int
    count: int
    numbers: array[int] | None  # passage numbers, or None for the usual 1..count
    # Folded words of each passage, concatenated: what re-ranking reads. Stop words are
    # kept: "hours had cosstet and the sun" is found by its phrase "costt and the".
    folded: str
    folded_ends: array[int]  # end offset of each passage's folded text in `folded`
    compressed: bytes  # zlib of the UTF-8 original texts, concatenated
    original_ends: array[int]  # end offset of each original text, in UTF-8 bytes

    def number(self, index: int) -> int:
        return self.numbers[index] if self.numbers is not None else index + 1

    def original_passage(self, index: int, decompressed: bytes | None = None) -> str:
        """Passage `index`'s text; pass the story's decompressed bytes to reuse them."""
        raw = decompressed if decompressed is not None else zlib.decompress(self.compressed)
        start = self.original_ends[index - 1] if index else 0
        return raw[start : self.original_ends[index]].decode("utf-8")


@dataclass(slots=True)
class _QueryWord:
    text: str
    is_stop: bool
    expansions: dict[int, float]  # term id -> similarity to the query word
    # The word itself: as typed, its other spellings and its singular/plural (term ids).
    same_word: frozenset[int]
    size: int = 0  # postings over all expansions (an upper bound of matching passages)
    idf: float = 0.0  # the most a passage can get for this word
    weights: dict[int, float] = field(default_factory=dict)  # term id -> weight (<= idf)


@dataclass(slots=True)
class _Plan:
    text: str  # the folded query, as rapidfuzz compares it with folded passages
    words: list[_QueryWord]
    total_weight: float  # sum of the words' idf: a passage matching all of them exactly
    # term -> (query word position, weight) for every word the term stands for
    term_weights: dict[str, list[tuple[int, float]]]
    terms: frozenset[str]  # the keys of term_weights, for fast intersections
    # term -> 2 for a content word, 1 for a stop word (only highlighted inside a phrase)
    highlight_levels: dict[str, int]


@dataclass(slots=True)
class _Candidates:
    scores: dict[int, float]  # passage id -> partial score over the walked words
    threshold: float | None  # the PRUNING_DEPTH-th best score, if stage 1 computed it
    slack: float  # the most exact scoring can add to a partial score


class SearchIndex:
    """An in-memory, incrementally updated search index over story passages."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._reset()

    def _reset(self) -> None:
        self._term_ids: dict[str, int] = {}
        self._terms: list[str] = []
        self._postings: list[array[int]] = []
        self._typos = _DeletionIndex()
        self._prefixes: dict[str, list[str]] = {}
        self._pid_slot = array("i")  # passage id -> story slot, or -1 once removed
        self._stories: list[_Story | None] = []
        self._slot_of: dict[int, int] = {}
        self._live = 0
        self._dead = 0

    def __len__(self) -> int:
        return self._live

    @property
    def story_count(self) -> int:
        return len(self._slot_of)

    @property
    def vocabulary_size(self) -> int:
        return len(self._terms)

    # ------------------------------------------------------------------ updates

    def add_story(self, story_id: int, passages: Sequence[Passage]) -> None:
        """Index a story's passages, replacing any story already indexed with that id."""
        with self._lock:
            self._remove(story_id)
            self._add(story_id, passages)
            self._compact_if_needed()

    def add_stories(self, stories: Iterable[tuple[int, Sequence[Passage]]]) -> None:
        """Index many stories at once (start-up load): much faster than add_story in a loop."""
        with self._lock:
            self._typos.begin_bulk()
            try:
                for story_id, passages in stories:
                    self._remove(story_id)
                    self._add(story_id, passages)
            finally:
                self._typos.end_bulk()
                _fold_cache.clear()  # only useful while indexing: give the memory back
            self._compact_if_needed()

    def remove_story(self, story_id: int) -> None:
        """Forget a story; removing an unknown id does nothing."""
        with self._lock:
            self._remove(story_id)
            self._compact_if_needed()

    def compact(self) -> None:
        """Drop removed passages and unused terms now (also done automatically)."""
        with self._lock:
            self._rebuild()

    def _add(self, story_id: int, passages: Sequence[Passage]) -> None:
        if not passages:
            return
        slot = len(self._stories)
        first_pid = len(self._pid_slot)
        folded_parts: list[str] = []
        folded_ends = array("I")
        length = 0
        for offset, passage in enumerate(passages):
            folded = folded_text(passage.text)
            self._post(first_pid + offset, folded.split())
            folded_parts.append(folded)
            length += len(folded)
            folded_ends.append(length)
        self._pid_slot.extend([slot] * len(passages))
        numbers = [p.number for p in passages]
        self._stories.append(
            _Story(
                story_id=story_id,
                first_pid=first_pid,
                count=len(passages),
                numbers=None
                if numbers == list(range(1, len(numbers) + 1))
                else array("i", numbers),
                folded="".join(folded_parts),
                folded_ends=folded_ends,
                compressed=zlib.compress(
                    "".join(p.text for p in passages).encode("utf-8"), _ZLIB_LEVEL
                ),
                original_ends=array("I", accumulate(len(p.text.encode()) for p in passages)),
            )
        )
        self._slot_of[story_id] = slot
        self._live += len(passages)

    def _post(self, pid: int, tokens: list[str]) -> None:
        term_ids = self._term_ids
        postings = self._postings
        for term in dict.fromkeys(tokens):
            term_id = term_ids.get(term)
            if term_id is None:
                term_id = self._new_term(term)
            postings[term_id].append(pid)

    def _new_term(self, term: str) -> int:
        term_id = len(self._terms)
        if term_id > self._typos.max_term_id:
            raise RuntimeError("search vocabulary is full (16.7 million distinct words)")
        self._term_ids[term] = term_id
        self._terms.append(term)
        self._postings.append(array("i"))
        for variant in _term_variants(term):
            self._typos.add(variant, term_id)
        if len(term) >= _MIN_PREFIX_BUCKET:
            self._prefixes.setdefault(term[:_MIN_PREFIX_BUCKET], []).append(term)
        return term_id

    def _remove(self, story_id: int) -> None:
        slot = self._slot_of.pop(story_id, None)
        if slot is None:
            return
        story = self._stories[slot]
        assert story is not None
        end = story.first_pid + story.count
        self._pid_slot[story.first_pid : end] = array("i", [-1]) * story.count
        self._stories[slot] = None
        self._live -= story.count
        self._dead += story.count

    def _compact_if_needed(self) -> None:
        if self._dead >= _COMPACT_MIN_DEAD and self._dead > self._live:
            self._rebuild()

    def _rebuild(self) -> None:
        """Drop dead passages and unused terms; renumber passages and terms densely.

        Posting lists are filtered and renumbered with C-level passes (they stay sorted,
        since stories keep their order), so nothing is re-tokenised. The typo index and
        prefix buckets are rebuilt for the surviving terms.
        """
        live = [story for story in self._stories if story is not None]
        alive = bytearray(slot >= 0 for slot in self._pid_slot)
        renumber = array("i", bytes(4 * len(self._pid_slot)))
        old_terms, old_postings = self._terms, self._postings
        self._reset()
        for slot, story in enumerate(live):
            first = len(self._pid_slot)
            renumber[story.first_pid : story.first_pid + story.count] = array(
                "i", range(first, first + story.count)
            )
            story.first_pid = first
            self._pid_slot.extend([slot] * story.count)
            self._stories.append(story)
            self._slot_of[story.story_id] = slot
            self._live += story.count
        self._typos.begin_bulk()
        try:
            for term, postings in zip(old_terms, old_postings, strict=True):
                kept = array(
                    "i",
                    map(renumber.__getitem__, compress(postings, map(alive.__getitem__, postings))),
                )
                if kept:
                    self._postings[self._new_term(term)] = kept
        finally:
            self._typos.end_bulk()

    # ------------------------------------------------------------------ search

    def search(
        self, query: str, *, story_ids: Collection[int] | None = None, limit: int = 10
    ) -> list[SearchHit]:
        """The best passages for `query`, best first; only `story_ids` if given.

        Raises InvalidInput for an empty, punctuation-only or too long query. Returns an
        empty list when no word of the query matches anything (see `suggest`).
        """
        cleaned = validate_query(query)
        if limit < 1:
            raise ValueError("limit must be at least 1")
        with self._lock:
            slots = self._allowed_slots(story_ids)
            if slots is not None and not slots:
                return []
            plan = self._plan(cleaned)
            if not self._worth_searching(plan):
                return []
            candidates = self._candidates(plan, slots)
            ranked = self._rerank(plan, candidates, min(limit, MAX_LIMIT))
            texts: dict[int, bytes] = {}  # one decompression per story per search
            return [
                self._hit(plan, pid, score, texts) for pid, score in ranked[: min(limit, MAX_LIMIT)]
            ]

    @staticmethod
    def _worth_searching(plan: _Plan) -> bool:
        # Passages that only share "the" and "of" with the query are not results, unless
        # the query is made of nothing but such words.
        content = [word for word in plan.words if not word.is_stop]
        return any(word.expansions for word in content or plan.words)

    def _allowed_slots(self, story_ids: Collection[int] | None) -> set[int] | None:
        if story_ids is None:
            return None
        return {self._slot_of[sid] for sid in story_ids if sid in self._slot_of}

    # ---- planning: what each query word may stand for

    def _plan(self, cleaned: str) -> _Plan:
        texts = _folded_query_words(cleaned)
        plan_words = []
        for position, text in enumerate(texts):
            is_last = position == len(texts) - 1
            plan_words.append(self._query_word(text, is_last=is_last))
        self._weigh(plan_words)
        only_stop_words = all(word.is_stop for word in plan_words)
        term_weights: dict[str, list[tuple[int, float]]] = {}
        for position, word in enumerate(plan_words):
            for term_id, weight in word.weights.items():
                term_weights.setdefault(self._terms[term_id], []).append((position, weight))
        # Stop words are only highlighted inside a phrase, unless they are all there is.
        levels: dict[str, int] = {}
        for word in plan_words:
            level = 1 if word.is_stop and not only_stop_words else 2
            for term_id in word.expansions:
                term = self._terms[term_id]
                levels[term] = max(levels.get(term, 0), level)
        return _Plan(
            text=" ".join(texts),
            words=plan_words,
            total_weight=sum(word.idf for word in plan_words),
            term_weights=term_weights,
            terms=frozenset(term_weights),
            highlight_levels=levels,
        )

    def _query_word(self, text: str, *, is_last: bool) -> _QueryWord:
        is_stop = text in STOP_WORDS
        expansions: dict[int, float] = {}
        exact = self._term_ids.get(text)
        exact_df = len(self._postings[exact]) if exact is not None else 0
        if exact is not None and exact_df:
            expansions[exact] = 1.0
        if not is_stop:
            self._add_known(expansions, _spelling_variants(text), VARIANT_SIMILARITY)
            self._add_known(expansions, _inflections(text), INFLECTION_SIMILARITY)
        same_word = frozenset(expansions)
        if not is_stop:
            self._add_typos(expansions, text, exact_df)
            if is_last and len(text) >= MIN_PREFIX_LENGTH:
                completions = self._completions(text)
                if not exact_df and len(text) >= _MIN_FUZZY_PREFIX_LENGTH:
                    completions += self._fuzzy_completions(text)
                for term_id, similarity in completions:
                    expansions[term_id] = max(expansions.get(term_id, 0.0), similarity)
        return _QueryWord(text, is_stop, expansions, same_word)

    def _add_known(self, expansions: dict[int, float], terms: set[str], similarity: float) -> None:
        for term in terms:
            term_id = self._term_ids.get(term)
            if term_id is not None and self._postings[term_id]:
                expansions[term_id] = max(expansions.get(term_id, 0.0), similarity)

    def _add_typos(self, expansions: dict[int, float], text: str, exact_df: int) -> None:
        if exact_df >= _TRUSTED_WORD_PASSAGES:
            return  # a word the library uses this often is what the reader meant
        for term_id, distance in self._typo_neighbours(text, _max_typos(text)):
            if term_id in expansions:
                continue
            if not exact_df:
                expansions[term_id] = TYPO_SIMILARITY[distance]
            elif len(self._postings[term_id]) >= TYPO_OVER_RARE_WORD_FACTOR * exact_df:
                expansions[term_id] = TYPO_SIMILARITY[distance] * TYPO_OVER_RARE_WORD_SIMILARITY

    def _typo_neighbours(self, text: str, max_distance: int) -> list[tuple[int, int]]:
        """Live terms within `max_distance` edits (swapping two letters is one edit).

        All one-edit neighbours are kept; of the two-edit ones, only the most frequent
        (the likeliest meant, and in a big library a short word has hundreds).
        """
        if max_distance == 0:
            return []
        candidates: set[int] = set()
        term_ids = self._term_ids
        for variant in _deletions(text[:_DELETION_PREFIX], max_distance):
            term_id = term_ids.get(variant)
            if term_id is not None:
                candidates.add(term_id)
            candidates.update(self._typos.lookup(variant))
        ids = list(candidates)
        terms = list(map(self._terms.__getitem__, ids))
        found = process.extract(
            text, terms, scorer=DamerauLevenshtein.distance, score_cutoff=max_distance, limit=None
        )
        near: list[tuple[int, int]] = []
        far: list[tuple[int, int]] = []
        for _, distance, index in found:
            term_id = ids[index]
            # A mistyped word is rarely meant as "the" or "her" (but may be "before").
            short_stop_word = len(terms[index]) < 5 and terms[index] in STOP_WORDS
            if distance and self._postings[term_id] and not short_stop_word:
                (near if distance == 1 else far).append((term_id, int(distance)))
        if len(far) > _MAX_TWO_TYPO_NEIGHBOURS:
            far = heapq.nlargest(
                _MAX_TWO_TYPO_NEIGHBOURS, far, key=lambda item: len(self._postings[item[0]])
            )
        return near + far

    def _completions(self, prefix: str) -> list[tuple[int, float]]:
        """The most frequent terms that `prefix` starts (a truncated last word)."""
        bucket = self._prefixes.get(prefix[:_MIN_PREFIX_BUCKET], [])
        longer = [term for term in bucket if len(term) > len(prefix) and term.startswith(prefix)]
        return self._likeliest(longer, len(prefix), 0.6)

    def _fuzzy_completions(self, prefix: str) -> list[tuple[int, float]]:
        """Terms that start with `prefix` give or take one typo (typo + truncation)."""
        bucket = self._prefixes.get(prefix[:_MIN_PREFIX_BUCKET], [])
        length = len(prefix)
        heads = [term[:length] for term in bucket]
        found = process.extract(
            prefix, heads, scorer=DamerauLevenshtein.distance, score_cutoff=1, limit=None
        )
        longer = [bucket[i] for _, distance, i in found if distance and len(bucket[i]) > length]
        return self._likeliest(longer, length, 0.5)

    def _likeliest(self, terms: list[str], typed: int, base: float) -> list[tuple[int, float]]:
        """Up to MAX_COMPLETIONS live completions, most frequent first.

        A completion's similarity grows with the share of it that was typed.
        """
        ids = [self._term_ids[term] for term in terms]
        best = heapq.nlargest(
            MAX_COMPLETIONS, ids, key=lambda term_id: len(self._postings[term_id])
        )
        return [
            (term_id, base + 0.3 * typed / len(self._terms[term_id]))
            for term_id in best
            if self._postings[term_id]
        ]

    def _weigh(self, plan_words: list[_QueryWord]) -> None:
        """What each expansion of each word is worth: similarity x idf, capped.

        The cap (the word's `idf`, the most a passage can get for it) is the idf of the
        word itself (as typed, other spellings, singular/plural: all equally worth the
        cap) when the library has it, else the idf of all its expansions together.
        Typo neighbours and completions are worth their own idf, within the cap. So a
        typo that happens to match a rare unrelated term cannot outweigh the common
        word the reader meant, and a rare word typed exactly is not diluted by the
        common words one typo away from it.
        """
        matched_caps = []
        for word in plan_words:
            document_frequency = {t: len(self._postings[t]) for t in word.expansions}
            word.size = sum(document_frequency.values())
            if not word.expansions:
                continue
            same = word.same_word
            typed = sum(document_frequency[t] for t in same) if same else word.size
            word.idf = self._idf(typed)
            word.weights = {
                term_id: similarity
                * (
                    word.idf
                    if term_id in same
                    else min(self._idf(document_frequency[term_id]), word.idf)
                )
                for term_id, similarity in word.expansions.items()
            }
            matched_caps.append(word.idf)
        # A word that matches nothing still counts in the normalisation, as an average word.
        average = sum(matched_caps) / len(matched_caps) if matched_caps else 1.0
        for word in plan_words:
            if not word.expansions:
                word.idf = average

    def _idf(self, matching: int) -> float:
        total = max(1, self._live)
        matching = min(matching, total)
        return math.log(1 + (total - matching + 0.5) / (matching + 0.5))

    # ---- stage 1: candidates

    def _candidates(self, plan: _Plan, slots: set[int] | None) -> _Candidates:
        """Passage id -> partial score: idf x similarity summed over the *essential* words.

        MaxScore: words are taken rarest first; once the idf of the words left cannot lift
        a passage that matched none of the earlier ones above the current top-K score,
        the words left are not walked (they are scored exactly at re-ranking, for the
        candidates only). Stop words (unless the query has nothing else), and very common
        words once there are candidates, are never walked: their postings would cost
        milliseconds for nothing.
        """
        content = [word for word in plan.words if word.expansions and not word.is_stop]
        if not content:  # a query of stop words only
            content = [word for word in plan.words if word.expansions]
        ordered = sorted(content, key=lambda word: -word.idf)
        scores: dict[int, float] = {}
        remaining = sum(word.idf for word in ordered)
        walked_idf = 0.0
        threshold: float | None = None
        walked: list[_QueryWord] = []
        too_common = max(_MAX_CREATING_FLOOR, int(_MAX_CREATING_SHARE * self._live))
        for word in ordered:
            if scores and (word.size > too_common or remaining <= (threshold or 0)):
                break
            scores = self._merge(scores, self._word_scores(word, slots))
            walked.append(word)
            remaining -= word.idf
            walked_idf += word.idf
            # The threshold is at most the walked words' idf: skip computing it while that
            # bound alone shows the next word must still be walked.
            threshold = self._threshold(scores) if remaining <= walked_idf else None
        return _Candidates(scores, threshold, self._slack(plan, walked))

    @staticmethod
    def _slack(plan: _Plan, walked: list[_QueryWord]) -> float:
        """The most exact scoring can add to a partial score: the words not walked, and
        the best weak (not walked) expansion of each walked word."""
        slack = 0.0
        for word in plan.words:
            if word not in walked:
                slack += word.idf if word.expansions else 0.0
                continue
            strong = WALKED_WEIGHT_SHARE * word.idf
            slack += max((w for w in word.weights.values() if w < strong), default=0.0)
        return slack

    def _word_scores(self, word: _QueryWord, slots: set[int] | None) -> dict[int, float]:
        """Passage id -> this word's best weight, over its strong expansions.

        Weak expansions (a common word one typo from a rare word typed exactly) would
        create thousands of candidates for little; re-ranking still counts them.
        """
        weights: dict[int, float] = {}
        strong = WALKED_WEIGHT_SHARE * word.idf
        for term_id, weight in sorted(word.weights.items(), key=itemgetter(1)):
            # Ascending weight: a passage with several expansions keeps the best one.
            if weight >= strong:
                weights.update(dict.fromkeys(self._postings[term_id], weight))
        return self._in_scope(weights, slots)

    def _in_scope(self, weights: dict[int, float], slots: set[int] | None) -> dict[int, float]:
        """`weights` without removed passages and, if `slots` is given, other stories'."""
        if slots is None and not self._dead:
            return weights
        slot_of = self._pid_slot
        if slots is None:
            keep = map((-1).__lt__, map(slot_of.__getitem__, weights))
        else:
            keep = map(slots.__contains__, map(slot_of.__getitem__, weights))
        kept = list(compress(weights, keep))
        return dict(zip(kept, map(weights.__getitem__, kept), strict=True))

    @staticmethod
    def _merge(scores: dict[int, float], word_scores: dict[int, float]) -> dict[int, float]:
        """The sum of two score dicts, mutating the larger (both are throw-away)."""
        large, small = (
            (scores, word_scores) if len(scores) >= len(word_scores) else (word_scores, scores)
        )
        # C-level union; only the passages in both need adding up in Python.
        both = [(pid, large[pid]) for pid in large.keys() & small.keys()]
        large.update(small)
        for pid, weight in both:
            large[pid] += weight
        return large

    @staticmethod
    def _threshold(scores: dict[int, float]) -> float:
        if len(scores) < PRUNING_DEPTH:
            return 0.0
        return heapq.nlargest(PRUNING_DEPTH, scores.values())[-1]

    # ---- stage 2: re-ranking

    def _rerank(self, plan: _Plan, candidates: _Candidates, limit: int) -> list[tuple[int, float]]:
        """The `limit` best candidates, scored 100 x coverage x (floor + rest x phrase).

        Coverage is the share of the query's weight found in the passage (every word's
        best expansion); the phrase score is rapidfuzz's partial_ratio of the folded
        query against the folded passage, which rewards the words appearing together
        and in order. The phrase score only modulates: it cannot lift a passage that
        lacks the query's words, and so 100 x coverage bounds the final score, which
        lets most candidates be skipped. The results equal scoring every candidate.
        """
        covered = self._coverages(plan, candidates, limit)
        covered.sort(key=lambda item: (-item[0], item[1]))
        best: list[tuple[float, int]] = []  # min-heap of (score, -pid): the top `limit`
        for coverage, pid, folded in covered:
            ceiling = 100.0 * coverage
            if len(best) == limit and ceiling < best[0][0]:
                break  # sorted by coverage: no later candidate can enter either
            # The phrase score this passage needs to beat the current `limit`-th.
            needed = (
                (best[0][0] / ceiling - PHRASE_FLOOR) / (1 - PHRASE_FLOOR) * 100.0
                if (len(best) == limit)
                else 0.0
            )
            phrase = fuzz.partial_ratio(plan.text, folded, score_cutoff=max(0.0, needed))
            entry = (ceiling * (PHRASE_FLOOR + (1 - PHRASE_FLOOR) * phrase / 100.0), -pid)
            if len(best) < limit:
                heapq.heappush(best, entry)
            elif entry > best[0]:
                heapq.heapreplace(best, entry)
        ranked = sorted(best, reverse=True)
        return [(-negative_pid, round(score, 2)) for score, negative_pid in ranked]

    def _coverages(
        self, plan: _Plan, candidates: _Candidates, limit: int
    ) -> list[tuple[float, int, str]]:
        """(coverage 0..1, pid, folded text) of the candidates that may make the top.

        Taken best partial score first; stops once a candidate's partial score plus the
        stage-1 slack (an upper bound of its coverage) cannot beat the score that
        `limit` candidates are already sure of (their coverage with the phrase floor).
        """
        scores = candidates.scores
        pids = self._top_candidates(scores, candidates.threshold)
        pids.sort()  # ties go to the oldest passage
        pids.sort(key=scores.__getitem__, reverse=True)
        total = plan.total_weight or 1.0
        floor: list[float] = []  # min-heap: the `limit` best sure scores so far (coverage)
        covered = []
        # Hot loop (up to RERANK_CANDIDATES passes): helpers inlined, lookups hoisted.
        stories, pid_slot = self._stories, self._pid_slot
        terms, term_weights = plan.terms, plan.term_weights
        slack = candidates.slack
        for pid in pids:
            if len(floor) == limit and (scores[pid] + slack) / total < floor[0]:
                break
            story = stories[pid_slot[pid]]
            assert story is not None
            index = pid - story.first_pid
            ends = story.folded_ends
            folded = story.folded[ends[index - 1] if index else 0 : ends[index]]
            best: dict[int, float] = {}  # query word position -> best weight found
            for term in terms.intersection(folded.split()):
                for position, weight in term_weights[term]:
                    if weight > best.get(position, 0.0):
                        best[position] = weight
            coverage = min(1.0, sum(best.values()) / total)
            covered.append((coverage, pid, folded))
            sure = coverage * PHRASE_FLOOR
            if len(floor) < limit:
                heapq.heappush(floor, sure)
            elif sure > floor[0]:
                heapq.heapreplace(floor, sure)
        return covered

    @staticmethod
    def _top_candidates(scores: dict[int, float], threshold: float | None) -> list[int]:
        """The RERANK_CANDIDATES best-scored passage ids; ties go to the oldest passages.

        `threshold`, when stage 1 computed it, is the PRUNING_DEPTH-th best score.
        """
        if len(scores) <= RERANK_CANDIDATES:
            return list(scores)
        # C-level passes only: many candidates often share the same few score values.
        if threshold is None or RERANK_CANDIDATES != PRUNING_DEPTH:
            threshold = heapq.nlargest(RERANK_CANDIDATES, scores.values())[-1]
        if threshold <= 0.0:
            return sorted(scores)[:RERANK_CANDIDATES]
        above = list(compress(scores, map(threshold.__lt__, scores.values())))
        tied = sorted(compress(scores, map(threshold.__eq__, scores.values())))
        return above + tied[: RERANK_CANDIDATES - len(above)]

    def _hit(self, plan: _Plan, pid: int, score: float, texts: dict[int, bytes]) -> SearchHit:
        slot = self._pid_slot[pid]
        story = self._stories[slot]
        assert story is not None
        if slot not in texts:
            texts[slot] = zlib.decompress(story.compressed)
        index = pid - story.first_pid
        text = story.original_passage(index, texts[slot])
        return SearchHit(
            story_id=story.story_id,
            passage_number=story.number(index),
            score=score,
            text=text,
            highlights=_highlights(text, plan.highlight_levels),
        )

    # ------------------------------------------------------------------ suggestions

    def suggest(
        self, query: str, *, story_ids: Collection[int] | None = None, limit: int = 5
    ) -> list[str]:
        """Real words of the (scoped) library closest to the query's words: "did you mean".

        Words are returned as the stories spell them ("Valérie", not "valerie"). Only
        words that occur in `story_ids` are suggested, so nothing leaks between servers.
        """
        cleaned = validate_query(query)
        with self._lock:
            slots = self._allowed_slots(story_ids)
            if slots is not None and not slots:
                return []
            texts = _folded_query_words(cleaned)
            content = [text for text in texts if text not in STOP_WORDS] or texts
            suggestions: list[str] = []
            for text in content:
                for term_id in self._closest_terms(text, slots):
                    form = self._display_form(term_id, slots)
                    if form and form.casefold() not in {s.casefold() for s in suggestions}:
                        suggestions.append(form)
            return suggestions[:limit]

    def _closest_terms(self, text: str, slots: set[int] | None) -> list[int]:
        exact = self._term_ids.get(text)
        if exact is not None and self._first_visible_pid(exact, slots) is not None:
            return []  # the word is in the library: nothing to correct
        near: list[tuple[float, int, int]] = [
            (distance, -len(self._postings[term_id]), term_id)
            for term_id, distance in self._typo_neighbours(text, max(1, _max_typos(text)))
        ]
        if not near:
            near = self._distant_terms(text)
        near.sort()
        visible = [t for *_, t in near if self._first_visible_pid(t, slots) is not None]
        return [t for t in visible if self._terms[t] not in STOP_WORDS][:2]

    def _distant_terms(self, text: str) -> list[tuple[float, int, int]]:
        # Rare path (nothing within two typos): a linear rapidfuzz scan of the vocabulary.
        # Jaro-Winkler favours a shared beginning, which is how words are misremembered
        # ("paintbrushes" -> "paintings", where plain ratio prefers "instruments").
        found = process.extract(
            text,
            self._terms,
            scorer=JaroWinkler.normalized_similarity,
            limit=20,
            score_cutoff=_DISTANT_SUGGESTION_CUTOFF,
        )
        # Ranked after every term within two typos (distance 1-2), best similarity first.
        return [
            (3.0 - score, -len(self._postings[term_id]), term_id)
            for _, score, term_id in found
            if self._postings[term_id]
        ]

    def _first_visible_pid(self, term_id: int, slots: set[int] | None) -> int | None:
        # Bounded scan: a term only found in other servers' stories is never suggested.
        for pid in self._postings[term_id][:10_000]:
            slot = self._pid_slot[pid]
            if slot >= 0 and (slots is None or slot in slots):
                return pid
        return None

    def _display_form(self, term_id: int, slots: set[int] | None) -> str | None:
        """How the stories spell a term: a lower-case use wins, else the first one seen."""
        pid = self._first_visible_pid(term_id, slots)
        if pid is None:
            return None
        story = self._stories[self._pid_slot[pid]]
        assert story is not None
        text = story.original_passage(pid - story.first_pid)
        term = self._terms[term_id]
        forms = [span for span in _SPAN_RE.findall(text) if _fold_span(span) == term]
        lower = [form for form in forms if form == form.lower()]
        chosen: str = (lower or forms or [term])[0]
        return chosen


def _highlights(text: str, levels: dict[str, int]) -> tuple[tuple[int, int], ...]:
    """Offsets of the words of `text` that matched the query, adjacent ones merged.

    Stop words ("at", "the") are only highlighted between two highlighted words, so
    "Eiffel Tower at sunset" is one highlight but a lone "the" is not.
    """
    # split() with a capturing group alternates gaps and words, and running sums of their
    # lengths give every offset: no Python-level loop over the words that did not match.
    parts = _SPAN_SPLIT_RE.split(text)
    ends = list(accumulate(map(len, parts)))
    get_folded = _fold_cache.get
    folded = [get_folded(word) or _fold_span(word) for word in parts[1::2]]
    word_levels = list(map(levels.get, folded))
    chosen = [
        (ends[2 * i], ends[2 * i + 1])
        for i in compress(range(len(word_levels)), word_levels)
        if word_levels[i] == 2 or _inside_phrase(word_levels, i)
    ]
    return _merge_adjacent(text, chosen)


def _inside_phrase(word_levels: list[int | None], i: int) -> bool:
    if not 0 < i < len(word_levels) - 1:
        return False
    before, after = word_levels[i - 1], word_levels[i + 1]
    return bool(before and after and 2 in (before, after))


def _merge_adjacent(text: str, spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and text[merged[-1][1] : start].isspace():
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)
