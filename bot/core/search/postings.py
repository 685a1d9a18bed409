"""The index's data: passages, terms, posting lists, updates and compaction.

Layout (docs/search.md, "Memory"): no Python object per passage or per story. Per
passage, flat arrays (its story slot, its number, where its folded text is); per story
slot, flat arrays (story id, first passage, count, where its compressed original texts
are). The texts and the posting lists are `Blob`s: in a saved index they stay in the
file and a search reads the few it needs; what changed since is held in memory.
"""

from __future__ import annotations

import threading
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, compress
from zlib import crc32

from bot.core.models import Passage
from bot.core.search.blobs import Blob, IndexDamaged, PostingLists
from bot.core.search.typos import _DeletionIndex, _term_variants
from bot.core.search.words import _fold_cache, folded_text

# Compact once dead passages outnumber live ones (and there are enough to matter).
_COMPACT_MIN_DEAD = 1_000
_ZLIB_LEVEL = 1  # level 6 only saves ~3% more on story-sized texts, for 25% more time
# Prefix buckets (completions of a truncated last word) are keyed by this many letters.
_MIN_PREFIX_BUCKET = 3

# Scopes (one per server that searched) kept until the index changes; a mask is a byte a
# passage, so this bounds them at a few megabytes at 1M passages.
_SCOPES_KEPT = 16


def _decompressed(originals: Blob, at: int, size: int) -> bytes:
    """A story's original texts; zlib's own checksum tells a damaged file."""
    try:
        return zlib.decompress(originals.read(at, size))
    except zlib.error as error:
        raise IndexDamaged(f"story texts at {at}: {error}") from error


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
        self._postings = PostingLists()
        self._typos = _DeletionIndex()
        # Completions: a saved index brings its terms' ids in alphabetical order (a range
        # of it is the terms with a prefix); terms added since are in prefix buckets.
        self._alphabetical = array("I")
        self._prefixes: dict[str, list[str]] = {}
        # Per passage id.
        self._pid_slot = array("i")  # story slot, or -1 once removed
        self._numbers = array("I")  # passage number in its story
        self._folded_at = array("Q")  # offset of its folded text in `_folded`
        self._folded_size = array("I")
        self._folded_crc = array("I")  # CRC-32 of it: read from a file, it is checked
        self._original_end = array("I")  # end of its text in its story's decompressed block
        # Per story slot.
        self._slot_story = array("q")  # story id, or -1 once removed
        self._slot_first = array("I")  # its first passage id
        self._slot_count = array("I")
        self._slot_original_at = array("Q")  # its zlib block of original texts in `_originals`
        self._slot_original_size = array("I")
        # Folded words of each passage (UTF-8): what re-ranking reads. Stop words are
        # kept: "hours had cosstet and the sun" is found by its phrase "costt and the".
        self._folded = Blob()
        self._originals = Blob()  # zlib of each story's UTF-8 original texts, concatenated
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

    def _starting_with(self, prefix: str) -> list[str]:
        """The terms that start with `prefix` (3 letters or more), in term id order."""
        terms = self._terms
        found: list[str] = []
        if self._alphabetical:
            order, key = self._alphabetical, terms.__getitem__
            low = bisect_left(order, prefix, key=key)
            high = bisect_left(order, prefix + "\U0010ffff", low, key=key)
            found = list(map(terms.__getitem__, sorted(order[low:high])))
        bucket = self._prefixes.get(prefix[:_MIN_PREFIX_BUCKET], ())
        return found + [term for term in bucket if term.startswith(prefix)]

    # ------------------------------------------------------------------ texts

    def _folded_passage(self, pid: int) -> str:
        data = self._folded.read(self._folded_at[pid], self._folded_size[pid])
        if crc32(data) != self._folded_crc[pid]:
            raise IndexDamaged(f"folded text of passage {pid}")
        return data.decode("utf-8")

    def _story_texts(self, slot: int) -> bytes:
        """The decompressed original texts of a story slot, concatenated."""
        return _decompressed(
            self._originals, self._slot_original_at[slot], self._slot_original_size[slot]
        )

    def _original_passage(self, pid: int, texts: bytes | None = None) -> str:
        """Passage `pid`'s text; pass its story's `_story_texts` to reuse them."""
        slot = self._pid_slot[pid]
        raw = texts if texts is not None else self._story_texts(slot)
        start = self._original_end[pid - 1] if pid > self._slot_first[slot] else 0
        return raw[start : self._original_end[pid]].decode("utf-8")

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
        slot = len(self._slot_story)
        first_pid = len(self._pid_slot)
        folded_parts: list[bytes] = []
        for offset, passage in enumerate(passages):
            folded = folded_text(passage.text)
            self._post(first_pid + offset, folded.split())
            folded_parts.append(folded.encode("utf-8"))
        sizes = list(map(len, folded_parts))
        at = self._folded.append(b"".join(folded_parts))
        self._folded_at.extend(accumulate(sizes[:-1], initial=at))
        self._folded_size.extend(sizes)
        self._folded_crc.extend(map(crc32, folded_parts))
        self._numbers.extend(p.number for p in passages)
        originals = [p.text.encode("utf-8") for p in passages]
        self._original_end.extend(accumulate(map(len, originals)))
        block = zlib.compress(b"".join(originals), _ZLIB_LEVEL)
        self._slot_original_at.append(self._originals.append(block))
        self._slot_original_size.append(len(block))
        self._pid_slot.extend([slot] * len(passages))
        self._slot_story.append(story_id)
        self._slot_first.append(first_pid)
        self._slot_count.append(len(passages))
        self._slot_of[story_id] = slot
        self._live += len(passages)
        self._scopes.clear()

    def _post(self, pid: int, tokens: list[str]) -> None:
        term_ids = self._term_ids
        append = self._postings.append
        for term in dict.fromkeys(tokens):
            term_id = term_ids.get(term)
            if term_id is None:
                term_id = self._new_term(term)
            append(term_id, pid)

    def _new_term(self, term: str) -> int:
        term_id = len(self._terms)
        if term_id > self._typos.max_term_id:
            raise RuntimeError("search vocabulary is full (16.7 million distinct words)")
        self._term_ids[term] = term_id
        self._terms.append(term)
        self._postings.new_term()
        for variant in _term_variants(term):
            self._typos.add(variant, term_id)
        if len(term) >= _MIN_PREFIX_BUCKET:
            self._prefixes.setdefault(term[:_MIN_PREFIX_BUCKET], []).append(term)
        return term_id

    def _remove(self, story_id: int) -> None:
        slot = self._slot_of.pop(story_id, None)
        if slot is None:
            return
        first, count = self._slot_first[slot], self._slot_count[slot]
        self._pid_slot[first : first + count] = array("i", [-1]) * count
        self._slot_story[slot] = -1
        self._live -= count
        self._dead += count
        self._scopes.clear()

    def _compact_if_needed(self) -> None:
        if self._dead >= _COMPACT_MIN_DEAD and self._dead > self._live:
            self._rebuild()

    def _rebuild(self) -> None:
        """Drop dead passages and unused terms; renumber passages and terms densely.

        Posting lists are filtered and renumbered with C-level passes (they stay sorted,
        since stories keep their order), so nothing is re-tokenised. The typo index and
        prefix buckets are rebuilt for the surviving terms. The texts stay where they
        are: passages keep pointing at them.
        """
        pid_slot = self._pid_slot
        alive = bytearray(map((-1).__lt__, pid_slot))
        # A live passage's new id is the number of live passages before it.
        renumber = array("i", accumulate(alive, initial=0))
        live_slots = [slot for slot, sid in enumerate(self._slot_story) if sid >= 0]
        new_slot = array("i", [-1]) * len(self._slot_story)
        for new, previous in enumerate(live_slots):
            new_slot[previous] = new
        terms, postings = self._terms, self._postings
        per_passage = {
            name: getattr(self, name)
            for name in ("_numbers", "_folded_at", "_folded_size", "_folded_crc", "_original_end")
        }
        per_slot = {
            name: getattr(self, name)
            for name in ("_slot_story", "_slot_count", "_slot_original_at", "_slot_original_size")
        }
        folded, originals = self._folded, self._originals  # texts stay where they are
        self._reset()
        self._folded, self._originals = folded, originals
        self._pid_slot = array("i", map(new_slot.__getitem__, compress(pid_slot, alive)))
        for name, values in per_passage.items():
            setattr(self, name, array(values.typecode, compress(values, alive)))
        for name, values in per_slot.items():
            setattr(self, name, array(values.typecode, map(values.__getitem__, live_slots)))
        self._slot_first = array("I", accumulate(self._slot_count, initial=0))[:-1]
        self._slot_of = {sid: slot for slot, sid in enumerate(self._slot_story)}
        self._live = len(self._pid_slot)
        self._typos.begin_bulk()
        try:
            for term_id, term in enumerate(terms):
                ids = postings.get(term_id)
                live_ids = compress(ids, map(alive.__getitem__, ids))
                kept = array("I", map(renumber.__getitem__, live_ids))
                if kept:
                    self._postings.set(self._new_term(term), kept)
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
        first, count = self._slot_first, self._slot_count
        chosen = (
            (s for s, sid in enumerate(self._slot_story) if sid >= 0)
            if slots is None
            else iter(slots)
        )
        for slot in chosen:
            mask[first[slot] : first[slot] + count[slot]] = b"\x01" * count[slot]
        return mask
