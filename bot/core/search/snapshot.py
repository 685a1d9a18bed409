"""Saving a SearchIndex to a file and opening it again, so a restart does not rebuild it.

Building the index is pure-Python tokenising (about a minute at a million passages);
opening a saved one is reading arrays back, a few seconds at most. The file holds plain
values (strings, bytes, ints, tuples) written with `marshal`, which is fast and, unlike
pickle, never runs code from the file. `meta` is the caller's (the bot stores which
state of each story the index reflects, to bring it up to date from the database).

A file of another format, or unreadable, gives `SnapshotUnusable`: the caller rebuilds.
"""

from __future__ import annotations

import marshal
from array import array
from itertools import accumulate, pairwise
from typing import Any, BinaryIO

from bot.core.search.index import SearchIndex
from bot.core.search.postings import _MIN_PREFIX_BUCKET, _Story

# Bump when anything the file holds, or how the index reads it, changes.
FORMAT = "conteur-search-2"
# Terms, shards or stories per marshal record: bounds the memory a save or load adds.
_CHUNK = 4096


class SnapshotUnusable(Exception):
    """The file is not a snapshot this version can open."""


def _story_fields(story: _Story) -> tuple[Any, ...]:
    return (
        story.story_id,
        story.first_pid,
        story.count,
        story.numbers.tobytes() if story.numbers is not None else None,
        story.folded,
        story.folded_ends.tobytes(),
        story.compressed,
        story.original_ends.tobytes(),
    )


def _story(fields: tuple[Any, ...]) -> _Story:
    story_id, first_pid, count, numbers, folded, folded_ends, compressed, original_ends = fields
    return _Story(
        story_id=story_id,
        first_pid=first_pid,
        count=count,
        numbers=array("i", numbers) if numbers is not None else None,
        folded=folded,
        folded_ends=array("I", folded_ends),
        compressed=compressed,
        original_ends=array("I", original_ends),
    )


def save(index: SearchIndex, file: BinaryIO, meta: Any) -> None:
    """Write the index and `meta` to `file`, a chunk at a time (no second copy in memory).

    Call it before anyone else can change the index (the bot saves a new build before
    serving it): it reads the index's structures as they are, without its lock.
    """
    dump = marshal.dump
    stories = index._stories
    dump((FORMAT, meta, len(index._terms), len(stories), index._live, index._dead), file)
    dump(index._terms, file)
    for first in range(0, len(index._postings), _CHUNK):
        chunk = index._postings[first : first + _CHUNK]
        dump((array("q", [len(p) for p in chunk]).tobytes(), b"".join(map(bytes, chunk))), file)
    for first in range(0, len(index._typos._shards), _CHUNK):
        dump([shard.tobytes() for shard in index._typos._shards[first : first + _CHUNK]], file)
    dump(index._pid_slot.tobytes(), file)
    for first in range(0, len(stories), _CHUNK):
        dump([_story_fields(s) if s else None for s in stories[first : first + _CHUNK]], file)


def load(file: BinaryIO) -> tuple[SearchIndex, Any]:
    """The index saved in `file`, and the meta saved with it."""
    try:
        return _load(file)
    except (EOFError, ValueError, TypeError, IndexError) as error:
        raise SnapshotUnusable(f"unreadable: {error}") from error


def _load(file: BinaryIO) -> tuple[SearchIndex, Any]:
    header = marshal.load(file)
    if not isinstance(header, tuple) or len(header) != 6 or header[0] != FORMAT:
        raise SnapshotUnusable("another format")
    _, meta, term_count, story_count, live, dead = header
    index = SearchIndex()
    terms = marshal.load(file)
    postings: list[array[int]] = []
    while len(postings) < term_count:
        lengths, joined = marshal.load(file)
        flat = array("i", joined)
        offsets = accumulate(array("q", lengths), initial=0)
        postings.extend(flat[start:end] for start, end in pairwise(offsets))
    shards: list[bytes] = []
    while len(shards) < len(index._typos._shards):
        shards.extend(marshal.load(file))
    index._typos._shards = [array("q", shard) for shard in shards]
    index._pid_slot = array("i", marshal.load(file))
    stories: list[_Story | None] = []
    while len(stories) < story_count:
        stories.extend(_story(fields) if fields else None for fields in marshal.load(file))
    if len(terms) != term_count or len(postings) != term_count:
        raise SnapshotUnusable("inconsistent")
    index._terms, index._postings, index._stories = terms, postings, stories
    index._term_ids = dict(zip(terms, range(term_count), strict=True))
    for term in terms:
        if len(term) >= _MIN_PREFIX_BUCKET:
            index._prefixes.setdefault(term[:_MIN_PREFIX_BUCKET], []).append(term)
    index._slot_of = {s.story_id: slot for slot, s in enumerate(stories) if s is not None}
    index._live, index._dead = live, dead
    if len(index._pid_slot) != sum(s.count for s in stories if s is not None) + dead:
        raise SnapshotUnusable("inconsistent")
    return index, meta
