"""The typo index: every term within two edits of a word, SymSpell style."""

from __future__ import annotations

from array import array
from bisect import bisect_left, insort
from zlib import crc32

# SymSpell "prefix length": deletion variants are made from a term's first 7 letters,
# which bounds them at 29 per term; full-length distances are verified afterwards.
_DELETION_PREFIX = 7
_MIN_PREFIX_BUCKET = 3


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

    Each entry packs 20 bits of the variant's hash above a 24-bit term id (12 more bits
    of the hash pick the shard), so an entry is 8 bytes instead of ~100 for a dict item
    with a string key. Hash collisions only add candidates, which are verified by true
    edit distance anyway (about one in 400 lookups at a million passages).

    The hash is CRC-32, not Python's `hash()`: that is salted per process, and the index
    is saved to disk and opened again by the next process (bot/core/search/snapshot.py).
    """

    SHARD_BITS = 12
    SHARDS = 1 << SHARD_BITS
    ID_BITS = 24
    KEY_BITS = 20
    _ID_MASK = (1 << ID_BITS) - 1

    def __init__(self, base: array[int] | None = None, ends: array[int] | None = None) -> None:
        # A saved index's entries, all shards in one sorted run each, read as they are
        # (`ends[n]` is where shard n ends); entries added since go to per-shard arrays.
        self._base = base if base is not None else array("q")
        self._base_ends = ends if ends is not None else array("Q", [0] * (self.SHARDS + 1))
        if len(self._base_ends) != self.SHARDS + 1 or self._base_ends[-1] != len(self._base):
            raise ValueError("typo index of another shape")
        self._shards = [array("q") for _ in range(self.SHARDS)]
        self._unsorted: set[int] = set()
        self._bulk = False

    def _locate(self, variant: str) -> tuple[int, int]:
        hashed = crc32(variant.encode())
        shard_number = hashed & ((1 << self.SHARD_BITS) - 1)
        key = (hashed >> self.SHARD_BITS) & ((1 << self.KEY_BITS) - 1)
        return shard_number, key << self.ID_BITS

    def add(self, variant: str, term_id: int) -> None:
        number, base = self._locate(variant)
        if self._bulk:
            self._shards[number].append(base | term_id)
            self._unsorted.add(number)
        else:
            insort(self._shards[number], base | term_id)

    def lookup(self, variant: str) -> list[int]:
        number, base = self._locate(variant)
        found: list[int] = []
        for entries, first, last in (
            (self._base, self._base_ends[number], self._base_ends[number + 1]),
            (self._shards[number], 0, len(self._shards[number])),
        ):
            low = bisect_left(entries, base, first, last)
            high = bisect_left(entries, base + (1 << self.ID_BITS), low, last)
            found += map(self._ID_MASK.__and__, entries[low:high])
        return found

    def shard(self, number: int) -> array[int]:
        """Shard `number`'s entries, sorted (saving writes them)."""
        saved = self._base[self._base_ends[number] : self._base_ends[number + 1]]
        added = self._shards[number]
        return array("q", sorted(saved + added)) if added else saved

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
