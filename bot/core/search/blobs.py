"""Where the index's bulky data lives: in the saved file, read on demand, not in memory.

A `Blob` is append-only bytes: a read-only base (a region of the saved index file, read
with `os.pread` when needed, or plain bytes) followed by an in-memory tail (what was
added since the file was written). Passage texts and posting lists are blobs: a search
reads the few postings and texts it needs (a few hundred kilobytes at most), so the
process holds neither, and opening a saved index reads none of them.

`pread`, not `mmap`: pages of a mapped file that a search touched would count in the
process's resident memory and stay there; read pages stay in the kernel's page cache,
shared and evictable. A pread also gives the interpreter lock back while it waits.
"""

from __future__ import annotations

import operator
import os
import weakref
import zlib
from array import array
from collections.abc import Iterator, Sequence
from typing import Any

_CHUNK = 1 << 22  # bytes copied per step when a blob is saved


class IndexDamaged(Exception):
    """Bytes read from a saved index do not match the checksum saved with them."""


class OpenFile:
    """A file descriptor kept for reading at offsets; closed when the last user goes."""

    __slots__ = ("__weakref__", "fd", "size")

    def __init__(self, fd: int, size: int) -> None:
        self.fd = fd
        self.size = size
        weakref.finalize(self, os.close, fd)

    def read(self, offset: int, size: int) -> bytes:
        data = os.pread(self.fd, size, offset)
        while len(data) < size:  # regular files give it all at once; be safe anyway
            more = os.pread(self.fd, size - len(data), offset + len(data))
            if not more:
                raise IndexDamaged(f"saved search index cut short at {offset}")
            data += more
        return data

    def read_into(self, offset: int, target: array[Any]) -> None:
        """Fill `target`'s memory with the bytes at `offset` (no intermediate copy)."""
        view = memoryview(target).cast("B")
        done = 0
        while done < len(view):
            count = os.preadv(self.fd, [view[done:]], offset + done)
            if not count:
                raise IndexDamaged(f"saved search index cut short at {offset + done}")
            done += count


class Blob:
    """Append-only bytes: a read-only base (file region or bytes), then a memory tail."""

    __slots__ = ("_base", "_base_size", "_file", "_offset", "_tail")

    def __init__(
        self, base: bytes = b"", *, file: OpenFile | None = None, offset: int = 0, size: int = 0
    ) -> None:
        self._file = file
        self._base = base
        self._offset = offset
        self._base_size = size if file is not None else len(base)
        self._tail = bytearray()

    def __len__(self) -> int:
        return self._base_size + len(self._tail)

    @property
    def in_memory(self) -> int:
        """Bytes this blob holds in the process (the file's part is not counted)."""
        return len(self._tail) + (0 if self._file is not None else len(self._base))

    def append(self, data: bytes) -> int:
        """Add `data` at the end; returns its offset."""
        at = len(self)
        self._tail += data
        return at

    def read(self, at: int, size: int) -> bytes:
        """The `size` bytes at offset `at` (a record never straddles base and tail)."""
        if at >= self._base_size:
            start = at - self._base_size
            return bytes(self._tail[start : start + size])
        if self._file is not None:
            return self._file.read(self._offset + at, size)
        return self._base[at : at + size]

    def chunks(self) -> Iterator[bytes]:
        """All of it, a few megabytes at a time (saving writes it without a second copy)."""
        for start in range(0, self._base_size, _CHUNK):
            yield self.read(start, min(_CHUNK, self._base_size - start))
        for start in range(0, len(self._tail), _CHUNK):
            yield bytes(self._tail[start : start + _CHUNK])


class PostingLists:
    """Term id -> the sorted ids of the passages holding it.

    A frozen base (every term's ids in one run of uint32, in term order, with each
    term's end offset) plus, per term, the ids appended since (`array('I')`). A new
    index has no base; a saved one has no additions until the library changes.
    """

    __slots__ = ("_added", "_base_terms", "_count", "_crcs", "_ends", "_flat")

    def __init__(
        self,
        flat: Blob | None = None,
        ends: array[int] | None = None,
        crcs: array[int] | None = None,
    ) -> None:
        self._flat = flat if flat is not None else Blob()
        self._ends = ends if ends is not None else array("Q", [0])
        # CRC-32 of each base term's list: a damaged file never gives a wrong result.
        self._crcs = crcs
        self._base_terms = len(self._ends) - 1
        self._count = self._base_terms
        self._added: dict[int, array[int]] = {}

    def __len__(self) -> int:
        return self._count

    def new_term(self) -> int:
        self._count += 1
        return self._count - 1

    def append(self, term_id: int, pid: int) -> None:
        added = self._added.get(term_id)
        if added is None:
            added = self._added[term_id] = array("I")
        added.append(pid)

    def set(self, term_id: int, pids: array[int]) -> None:
        """The postings of a new term (compaction), all at once."""
        self._added[term_id] = pids

    def df(self, term_id: int) -> int:
        """How many passages (live or dead) hold the term: no postings are read."""
        count = len(self._added.get(term_id, ()))
        if term_id < self._base_terms:
            count += self._ends[term_id + 1] - self._ends[term_id]
        return count

    def dfs(self, term_ids: Sequence[int]) -> list[int]:
        """`df` of each term, in one pass (hundreds of terms for one query word)."""
        ends, base = self._ends, self._base_terms
        if term_ids and max(term_ids) < base:  # at C speed: the usual case
            after = map(ends.__getitem__, map((1).__add__, term_ids))
            counts = list(map(operator.sub, after, map(ends.__getitem__, term_ids)))
        else:
            counts = [ends[t + 1] - ends[t] if t < base else 0 for t in term_ids]
        if self._added:
            added = self._added
            for at, term_id in enumerate(term_ids):
                more = added.get(term_id)
                if more is not None:
                    counts[at] += len(more)
        return counts

    def get(self, term_id: int, limit: int | None = None) -> array[int]:
        """The term's passage ids, ascending (the first `limit` of them, if given)."""
        found = array("I")
        if term_id < self._base_terms:
            start, end = self._ends[term_id], self._ends[term_id + 1]
            if end > start:
                data = self._flat.read(4 * start, 4 * (end - start))
                if self._crcs is not None and zlib.crc32(data) != self._crcs[term_id]:
                    raise IndexDamaged(f"posting list {term_id}")
                found.frombytes(data)
                if limit is not None:
                    del found[limit:]
        added = self._added.get(term_id)
        if added is not None and (limit is None or len(found) < limit):
            found.extend(added if limit is None else added[: limit - len(found)])
        return found

    @property
    def in_memory(self) -> int:
        added = sum(4 * len(pids) for pids in self._added.values())
        return self._flat.in_memory + 8 * len(self._ends) + added
