"""Saving a SearchIndex to a file and opening it again, so a restart does not rebuild it.

The file is flat binary sections (native-endian arrays, UTF-8 texts) followed by a table
of contents and a fixed trailer, both written last: a file cut short anywhere has no
valid trailer and is refused. Opening reads only what searching needs at hand (the
vocabulary, the typo index and the per-passage and per-story arrays, each checked against
its CRC-32); the posting lists and the texts, most of the file, stay in it and are read
a few at a time by searches (`blobs.py`). So opening costs about a second at a million
passages, and the process holds a fraction of the file.

`meta` is the caller's (the bot stores which state of each story the index reflects, to
bring it up to date from the database); it is written with `marshal`, which unlike
pickle never runs code from the file.

A file of another format, cut short, or whose checked sections do not match their
checksums gives `SnapshotUnusable`: the caller rebuilds.
"""

from __future__ import annotations

import io
import marshal
import os
import struct
import sys
import zlib
from array import array
from collections.abc import Iterable
from typing import Any, BinaryIO

from bot.core.search.blobs import Blob, OpenFile, PostingLists
from bot.core.search.index import SearchIndex
from bot.core.search.typos import _DeletionIndex

# Bump when anything the file holds, or how the index reads it, changes.
FORMAT = "conteur-search-5"
_MAGIC = b"CONTEUR-SEARCH\n"
_TRAILER = struct.Struct("<QQ8s")  # table offset, table size, end mark
_END = b"CSINDEX\x00"
_WRITE_CHUNK = 1 << 16  # postings of this many terms per write

# Sections read at open (checksummed), with their array type codes; "terms" is text.
_ARRAYS = {
    "posting_ends": "Q",
    "posting_crcs": "I",
    "typo_entries": "q",
    "typo_ends": "Q",
    "pid_slot": "i",
    "numbers": "I",
    "folded_at": "Q",
    "folded_size": "I",
    "folded_crc": "I",
    "original_end": "I",
    "slot_story": "q",
    "slot_first": "I",
    "slot_count": "I",
    "slot_original_at": "Q",
    "slot_original_size": "I",
    "alphabetical": "I",
}
# Sections left in the file and read on demand (their sizes are checked).
_LAZY = ("postings", "folded", "originals")


class SnapshotUnusable(Exception):
    """The file is not a snapshot this version can open."""


class _Writer:
    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.start = file.tell()
        self.sections: dict[str, tuple[int, int, int]] = {}

    def section(self, name: str, parts: Iterable[bytes]) -> None:
        offset = self.file.tell() - self.start
        crc = 0
        for part in parts:
            self.file.write(part)
            if name not in _LAZY:
                crc = zlib.crc32(part, crc)
        self.sections[name] = (offset, self.file.tell() - self.start - offset, crc)


def save(index: SearchIndex, file: BinaryIO, meta: Any) -> None:
    """Write the index and `meta` to `file`, a section at a time (no second copy of the
    posting lists or texts in memory).

    Call it before anyone else can change the index (the bot saves a new build before
    serving it), or holding its lock: it reads the index's structures as they are.
    """
    writer = _Writer(file)
    file.write(_MAGIC)
    postings = index._postings
    ends = array("Q", [0])
    crcs = array("I")

    def posting_parts() -> Iterable[bytes]:
        for first in range(0, len(postings), _WRITE_CHUNK):
            last = min(len(postings), first + _WRITE_CHUNK)
            chunk = [postings.get(term_id).tobytes() for term_id in range(first, last)]
            ends.extend(_running(ends[-1], (len(data) // 4 for data in chunk)))
            crcs.extend(map(zlib.crc32, chunk))
            yield b"".join(chunk)

    writer.section("postings", posting_parts())
    writer.section("posting_ends", [ends.tobytes()])
    writer.section("posting_crcs", [crcs.tobytes()])
    typos = index._typos
    typo_ends = array("Q", [0])

    def typo_parts() -> Iterable[bytes]:
        for number in range(typos.SHARDS):
            shard = typos.shard(number)
            typo_ends.append(typo_ends[-1] + len(shard))
            yield shard.tobytes()

    writer.section("typo_entries", typo_parts())
    writer.section("typo_ends", [typo_ends.tobytes()])
    writer.section("terms", ["\n".join(index._terms).encode("utf-8")])
    terms = index._terms
    alphabetical = array("I", sorted(range(len(terms)), key=terms.__getitem__))
    writer.section("alphabetical", [alphabetical.tobytes()])
    writer.section("folded", index._folded.chunks())
    writer.section("originals", index._originals.chunks())
    for name in _ARRAYS:
        if name not in writer.sections:
            writer.section(name, [getattr(index, "_" + name).tobytes()])
    writer.section("meta", [marshal.dumps(meta)])
    table = marshal.dumps(
        {
            "format": FORMAT,
            "byteorder": sys.byteorder,
            "live": index._live,
            "dead": index._dead,
            "sections": writer.sections,
        }
    )
    offset = file.tell() - writer.start
    file.write(table)
    file.write(_TRAILER.pack(offset, len(table), _END))


def _running(start: int, sizes: Iterable[int]) -> Iterable[int]:
    """Running totals of `sizes` after `start` (each section's end offsets)."""
    total = start
    for size in sizes:
        total += size
        yield total


def load(file: BinaryIO) -> tuple[SearchIndex, Any]:
    """The index saved in `file`, and the meta saved with it.

    A real file is read by offset from then on (its descriptor is duplicated: the caller
    may close `file`, and may replace the path, the index keeps reading what it opened).
    Anything else (`io.BytesIO`) is read whole.
    """
    try:
        return _load(file)
    except (EOFError, ValueError, TypeError, IndexError, KeyError, struct.error) as error:
        raise SnapshotUnusable(f"unreadable: {error}") from error


def _source(file: BinaryIO) -> tuple[OpenFile | None, bytes]:
    try:
        fd = file.fileno()
    except (AttributeError, io.UnsupportedOperation):
        file.seek(0)
        return None, file.read()
    size = os.fstat(fd).st_size
    return OpenFile(os.dup(fd), size), b""


def _load(file: BinaryIO) -> tuple[SearchIndex, Any]:
    opened, whole = _source(file)
    size = opened.size if opened is not None else len(whole)

    def read(offset: int, length: int) -> bytes:
        if offset < 0 or length < 0 or offset + length > size:
            raise SnapshotUnusable("cut short")
        if opened is None:
            return whole[offset : offset + length]
        return opened.read(offset, length)

    if size < len(_MAGIC) + _TRAILER.size or read(0, len(_MAGIC)) != _MAGIC:
        raise SnapshotUnusable("another format")
    table_offset, table_size, end = _TRAILER.unpack(read(size - _TRAILER.size, _TRAILER.size))
    if end != _END or table_offset + table_size != size - _TRAILER.size:
        raise SnapshotUnusable("cut short")
    table = marshal.loads(read(table_offset, table_size))
    if not isinstance(table, dict) or table.get("format") != FORMAT:
        raise SnapshotUnusable("another format")
    if table["byteorder"] != sys.byteorder:
        raise SnapshotUnusable("written on a machine of another byte order")
    sections: dict[str, tuple[int, int, int]] = table["sections"]

    def checked(name: str) -> bytes:
        offset, length, crc = sections[name]
        data = read(offset, length)
        if zlib.crc32(data) != crc:
            raise SnapshotUnusable(f"damaged ({name})")
        return data

    def lazy(name: str) -> Blob:
        offset, length, _ = sections[name]
        if offset < 0 or length < 0 or offset + length > table_offset:
            raise SnapshotUnusable(f"cut short ({name})")
        if opened is None:
            return Blob(whole[offset : offset + length])
        return Blob(file=opened, offset=offset, size=length)

    def checked_array(name: str, code: str) -> array[Any]:
        # Read straight into the array's memory: at 1M passages these are ~190 MB, and
        # going through a bytes object would copy them once more.
        offset, length, crc = sections[name]
        values = array(code)
        if length % values.itemsize or offset + length > size:
            raise SnapshotUnusable(f"cut short ({name})")
        if opened is None:
            values.frombytes(whole[offset : offset + length])
        elif length:
            values = array(code, [0]) * (length // values.itemsize)
            opened.read_into(offset, values)
        if zlib.crc32(values) != crc:
            raise SnapshotUnusable(f"damaged ({name})")
        return values

    arrays = {name: checked_array(name, code) for name, code in _ARRAYS.items()}
    text = checked("terms").decode("utf-8")
    terms = text.split("\n") if text else []
    meta = marshal.loads(checked("meta"))

    index = SearchIndex()
    for name in _ARRAYS:
        if not name.startswith(("posting", "typo")):
            setattr(index, "_" + name, arrays[name])
    ends, typo_ends = arrays["posting_ends"], arrays["typo_ends"]
    postings_blob = lazy("postings")
    if len(ends) != len(terms) + 1 or 4 * ends[-1] != len(postings_blob):
        raise SnapshotUnusable("inconsistent postings")
    if len(arrays["posting_crcs"]) != len(terms):
        raise SnapshotUnusable("inconsistent postings")
    index._postings = PostingLists(postings_blob, ends, arrays["posting_crcs"])
    try:
        index._typos = _DeletionIndex(arrays["typo_entries"], typo_ends)
    except ValueError as error:
        raise SnapshotUnusable("inconsistent typo index") from error
    index._folded, index._originals = lazy("folded"), lazy("originals")
    _check_shapes(index)
    index._terms = terms
    index._term_ids = dict(zip(terms, range(len(terms)), strict=True))
    if len(index._alphabetical) != len(terms):
        raise SnapshotUnusable("inconsistent vocabulary")
    index._slot_of = dict(zip(index._slot_story, range(len(index._slot_story)), strict=True))
    index._slot_of.pop(-1, None)  # removed stories' slots
    index._live, index._dead = table["live"], table["dead"]
    if len(index._pid_slot) != index._live + index._dead:
        raise SnapshotUnusable("inconsistent passage counts")
    return index, meta


def _check_shapes(index: SearchIndex) -> None:
    passages = len(index._pid_slot)
    per_passage = (
        index._numbers,
        index._folded_at,
        index._folded_size,
        index._folded_crc,
        index._original_end,
    )
    slots = len(index._slot_story)
    per_slot = (
        index._slot_first,
        index._slot_count,
        index._slot_original_at,
        index._slot_original_size,
    )
    if any(len(values) != passages for values in per_passage) or any(
        len(values) != slots for values in per_slot
    ):
        raise SnapshotUnusable("inconsistent arrays")
    # (The arrays' contents passed their CRC: they are what was written. What is checked
    # here is that the sections agree with each other.)
    if passages and (
        max(index._folded_at[i] + index._folded_size[i] for i in (0, passages - 1))
        > len(index._folded)
    ):
        raise SnapshotUnusable("inconsistent passages")
    if slots and max(
        index._slot_original_at[i] + index._slot_original_size[i] for i in (0, slots - 1)
    ) > len(index._originals):
        raise SnapshotUnusable("inconsistent stories")
