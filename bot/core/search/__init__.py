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
   its idf found in the passage) and a phrase score: the better of rapidfuzz's
   `partial_ratio` of the folded query against the folded passage (the words together
   and in order) and the share of the query's words the passage holds side by side, in
   any order: score = 100 x coverage x (0.7 + 0.3 x phrase). Bounds on both let most
   candidates be skipped without changing the results.

Memory: no Python object per passage or story, flat arrays instead. The posting lists
and the texts (folded for re-ranking, original zlib-compressed per story for hits) are
blobs: in an index opened from its saved file they stay in the file and a search reads
the few it needs (`blobs`); only the vocabulary, the typo index (sorted `array('q')`
shards of hashed deletion variants, 8 bytes an entry) and the per-passage arrays are
held in memory: about 190 bytes a passage at a million passages.

Updates are incremental: adding a story indexes only its passages; removing one marks its
passages dead (skipped at query time) until a compaction, run once dead passages
outnumber live ones, renumbers everything with C-level passes.

Every public method holds an internal lock: one index can be shared by the event loop and
worker threads (calls are serialised, not parallel). `snapshot` saves an index to a file
and opens it again (reading only the arrays), so a restart does not rebuild it.

Modules: `words` (validation, folding, spellings), `typos` (the typo index), `blobs`
(file-backed bytes and posting lists), `postings` (data, updates, compaction, scopes),
`ranking` (planning, candidates, re-ranking), `hits` (results and highlights), `index`
(`SearchIndex`), `snapshot` (saving and opening).
"""

from bot.core.search.hits import SearchHit
from bot.core.search.index import SearchIndex
from bot.core.search.ranking import PHRASE_FLOOR
from bot.core.search.words import (
    MAX_LIMIT,
    MAX_QUERY_LENGTH,
    MAX_QUERY_WORDS,
    STOP_WORDS,
    folded_text,
    validate_query,
)

__all__ = [
    "MAX_LIMIT",
    "MAX_QUERY_LENGTH",
    "MAX_QUERY_WORDS",
    "PHRASE_FLOOR",
    "STOP_WORDS",
    "SearchHit",
    "SearchIndex",
    "folded_text",
    "validate_query",
]
