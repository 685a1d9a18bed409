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
FORMAT = "conteur-search-1"


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
    """Write the index (as it is now: updates wait meanwhile) and `meta` to `file`."""
    with index._lock:  # copies only; the slow write happens after
        lengths = array("q", accumulate((len(p) for p in index._postings), initial=0))
        state = (
            FORMAT,
            meta,
            list(index._terms),
            b"".join(p.tobytes() for p in index._postings),
            lengths.tobytes(),
            [shard.tobytes() for shard in index._typos._shards],
            index._pid_slot.tobytes(),
            [_story_fields(s) if s is not None else None for s in index._stories],
            index._live,
            index._dead,
        )
    marshal.dump(state, file)


def load(file: BinaryIO) -> tuple[SearchIndex, Any]:
    """The index saved in `file`, and the meta saved with it."""
    try:
        state = marshal.load(file)
    except (EOFError, ValueError, TypeError) as error:
        raise SnapshotUnusable(f"unreadable: {error}") from error
    if not isinstance(state, tuple) or not state or state[0] != FORMAT:
        raise SnapshotUnusable("another format")
    _, meta, terms, postings, lengths, shards, pid_slot, stories, live, dead = state
    index = SearchIndex()
    all_postings = array("i", postings)
    offsets = array("q", lengths)
    index._terms = terms
    index._term_ids = dict(zip(terms, range(len(terms)), strict=True))
    index._postings = [all_postings[start:end] for start, end in pairwise(offsets)]
    for number, shard in enumerate(shards):
        index._typos._shards[number] = array("q", shard)
    for term in terms:
        if len(term) >= _MIN_PREFIX_BUCKET:
            index._prefixes.setdefault(term[:_MIN_PREFIX_BUCKET], []).append(term)
    index._pid_slot = array("i", pid_slot)
    index._stories = [_story(fields) if fields is not None else None for fields in stories]
    index._slot_of = {s.story_id: slot for slot, s in enumerate(index._stories) if s is not None}
    index._live, index._dead = live, dead
    if (
        len(index._postings) != len(terms)
        or len(index._pid_slot) != sum(s.count for s in index._stories if s is not None) + dead
    ):
        raise SnapshotUnusable("inconsistent")
    return index, meta
