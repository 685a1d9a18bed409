"""The index's data: passages, terms, posting lists, updates and compaction."""

from __future__ import annotations

import threading
import zlib
from array import array
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, compress

from bot.core.models import Passage
from bot.core.search.typos import _DeletionIndex, _term_variants
from bot.core.search.words import _fold_cache, folded_text

# Compact once dead passages outnumber live ones (and there are enough to matter).
_COMPACT_MIN_DEAD = 1_000
# A word in more than this share of the passages (and more than the floor) never creates
_ZLIB_LEVEL = 1  # level 6 only saves ~3% more on story-sized texts, for 25% more time
# Prefix buckets (completions of a truncated last word) are keyed by this many letters.
_MIN_PREFIX_BUCKET = 3


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


# Scopes (one per server that searched) kept until the index changes; a mask is a byte a
# passage, so this bounds them at a few megabytes at 1M passages.
_SCOPES_KEPT = 16


@dataclass(slots=True, frozen=True)
class _Scope:
    slots: set[int] | None  # allowed story slots; None: all
    mask: bytearray | None  # passage id -> 1 if it may be returned; None: every one may


class Postings:
    """Passages and their terms, updated in place; searching is built on top of it."""

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
        self._scopes: dict[frozenset[int], _Scope] = {}

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
        self._scopes.clear()

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
        self._scopes.clear()

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

    def _scope(self, story_ids: Collection[int] | None) -> _Scope:
        """The allowed story slots and a mask over passage ids (1: may be returned).

        Built once per scope and kept until the index changes: the bot passes the same
        frozenset of a server's visible stories to every search, and turning 11,000 ids
        into slots cost more than the rest of a search at 100k passages.
        """
        key = story_ids if isinstance(story_ids, frozenset) else None
        if key is not None and key in self._scopes:
            return self._scopes[key]
        slots = None
        if story_ids is not None:
            slots = {self._slot_of[sid] for sid in story_ids if sid in self._slot_of}
            if len(slots) == len(self._slot_of):
                slots = None  # every story: only removed passages need filtering
        scope = _Scope(slots, self._mask(slots))
        if key is not None:
            if len(self._scopes) >= _SCOPES_KEPT:
                self._scopes.clear()
            self._scopes[key] = scope
        return scope

    def _mask(self, slots: set[int] | None) -> bytearray | None:
        if slots is None and not self._dead:
            return None
        mask = bytearray(len(self._pid_slot))
        for slot, story in enumerate(self._stories):
            if story is not None and (slots is None or slot in slots):
                mask[story.first_pid : story.first_pid + story.count] = b"\x01" * story.count
        return mask

    @staticmethod
    def _in_scope(weights: dict[int, float], mask: bytearray | None) -> dict[int, float]:
        """`weights` of the passages the mask allows (all, without a mask)."""
        if mask is None:
            return weights
        kept = list(compress(weights, map(mask.__getitem__, weights)))
        return dict(zip(kept, map(weights.__getitem__, kept), strict=True))
