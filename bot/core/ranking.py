"""Which sentences of a story are central: TextRank, PageRank over a graph whose edges
are rapidfuzz similarities between sentences. The retelling keeps the central ones; the
discussion questions find the turning point with it.

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate
from operator import mul, sub

from rapidfuzz import fuzz, process

from bot.core.search import STOP_WORDS
from bot.core.wordforms import IRREGULAR_FORMS

# Word stems this long make "painting" and "paintings" the same word in a sentence key.
STEM_LENGTH = 5
# Two sentences are linked when their Dice word overlap (in %) reaches this: one shared
# content word between two sentences of eight (2·1 / 16 = 12.5%). Lower links nearly
# everything in a long story (and slows PageRank); higher leaves short stories' sentences
# isolated.
_SIMILARITY_CUTOFF = 12.0
# Up to this many sentences (about 6,500 words) every pair is compared. Beyond, each
# sentence is compared with an evenly spaced sample of _SAMPLE_SIZE sentences only, so
# the cost grows linearly with the story (a 35,000-word story stays well under 100 ms).
_MAX_GRAPH_SENTENCES = 400
_SAMPLE_SIZE = 200
_DAMPING = 0.85
# Scores sum to 1. Picking the top sentences needs them only to about 0.1% of that,
# which 10-15 iterations reach; more would only reorder near-ties.
_MAX_ITERATIONS = 30
_TOLERANCE = 1e-3
# First code point of the one-character symbols that stand for word stems in keys
# (a supplementary plane: no surrogates, no clash with real text).
_SYMBOL_BASE = 0x10000
# Words that can carry content: letters only, three or more ("art", not "a" or "1990").
KEY_WORD_RE = re.compile(r"[^\W\d_]{3,}")
# Stems in more than this share of the sentences (and in more than _MIN_COMMON) are
# left out of the similarity.
_COMMON_SHARE = 1 / 3
_MIN_COMMON = 3


def sentence_stems(sentences: Sequence[str]) -> list[set[str]]:
    """Each sentence's content-word stems: the words the ranking compares and the short
    retelling counts ("painting" and "paintings" one stem)."""
    # Lower-casing is enough: a word is spelt the same way throughout one story, and
    # accent folding (`fold`) would cost a third of the retelling's time.
    return [
        {w[:STEM_LENGTH] for w in KEY_WORD_RE.findall(sentence.lower()) if w not in STOP_WORDS}
        for sentence in sentences
    ]


def with_irregular_bases(stems: Sequence[set[str]]) -> list[set[str]]:
    """The same stems with an irregular verb's forms read as its base ("sold" as "sell"):
    the short retelling's setup ("I sold the shop") is what its ending pays off
    ("something to sell")."""
    bases = _IRREGULAR_STEMS
    return [{bases.get(stem, stem) for stem in found} for found in stems]


_IRREGULAR_STEMS = {
    form[:STEM_LENGTH]: base[:STEM_LENGTH]
    for form, base in IRREGULAR_FORMS.items()
    if form[:STEM_LENGTH] != base[:STEM_LENGTH]
}


def _sentence_keys(stem_sets: Sequence[set[str]]) -> list[str]:
    """Each sentence's content-word stems, one character per stem, sorted.

    With every stem a single unique character in sorted order, the longest common
    subsequence of two keys is exactly their shared stems, so rapidfuzz's `ratio`
    (2·LCS / total length) is the Dice overlap of the two sentences' words, computed in
    C++ rather than by Python set arithmetic.
    """
    # A stem in most sentences (usually the protagonist's name) links everything to
    # everything, so it says nothing about which sentences are central.
    frequency = Counter(stem for stems in stem_sets for stem in stems)
    too_common = max(_MIN_COMMON, len(stem_sets) * _COMMON_SHARE)
    symbols: dict[str, str] = {}
    keys = []
    for stems in stem_sets:
        kept = sorted(stem for stem in stems if frequency[stem] <= too_common)
        for stem in kept:
            symbols.setdefault(stem, chr(_SYMBOL_BASE + len(symbols)))
        keys.append("".join(sorted(symbols[stem] for stem in kept)))
    return keys


def rank_sentences(
    sentences: Sequence[str], stems: Sequence[set[str]] | None = None
) -> list[float]:
    """A centrality score for each sentence (TextRank); higher is more central. `stems`
    (from `sentence_stems`) when the caller has them already."""
    if not sentences:
        return []
    graph = _similarity_graph(_sentence_keys(stems or sentence_stems(sentences)))
    if len(sentences) > _MAX_GRAPH_SENTENCES:
        # On a sampled graph PageRank's refinement (a neighbour's own centrality) would
        # only be known for the sample, and its iterations would cost more than the
        # rest of the retelling: use weighted degree, LexRank's other centrality.
        return [sum(weight for _, weight in edges) for edges in graph]
    return _pagerank(graph)


def _comparison_sample(count: int) -> list[int]:
    """The sentences every sentence is compared with: all of them in a story of up to
    _MAX_GRAPH_SENTENCES sentences, else _SAMPLE_SIZE evenly spaced through the story."""
    if count <= _MAX_GRAPH_SENTENCES:
        return list(range(count))
    step = (count - 1) / (_SAMPLE_SIZE - 1)
    return sorted({round(k * step) for k in range(_SAMPLE_SIZE)})


def _similarity_graph(keys: Sequence[str]) -> list[list[tuple[int, float]]]:
    """Weighted, undirected neighbours of each sentence; each pair is scored once."""
    graph: list[list[tuple[int, float]]] = [[] for _ in keys]
    sample = _comparison_sample(len(keys))
    sample_keys = [keys[j] for j in sample]
    position_in_sample = {j: position for position, j in enumerate(sample)}
    for index, key in enumerate(keys):
        if not key:
            continue
        # A sampled sentence meets the sampled ones after it (so each pair is scored
        # once); any other sentence meets the whole sample. Slices keep this at C speed.
        start = position_in_sample.get(index, -1) + 1
        targets = sample[start:] if start else sample
        choices = sample_keys[start:] if start else sample_keys
        for _choice, score, position in process.extract(
            key,
            choices,
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=_SIMILARITY_CUTOFF,
            limit=None,
        ):
            other = targets[position]
            if keys[other]:
                weight = score / 100
                graph[index].append((other, weight))
                graph[other].append((index, weight))
    return graph


def _pagerank(graph: Sequence[Sequence[tuple[int, float]]]) -> list[float]:
    """PageRank scores of the sentences, by power iteration.

    The edges are laid out flat, grouped by target sentence, so one iteration is a few
    passes of map() and accumulate() over all edges (C speed) instead of a Python loop
    per sentence: the difference between 1 ms and 5 ms on a 5,000-word story.
    """
    count = len(graph)
    strength = [sum(weight for _, weight in edges) for edges in graph]
    sources = [j for edges in graph for j, _ in edges]
    # Each edge's weight divided by its source's total, damping included.
    shares = [_DAMPING * weight / strength[j] for edges in graph for j, weight in edges]
    ends = list(accumulate(len(edges) for edges in graph))
    starts = [0, *ends[:-1]]
    # A sentence like no other spreads its score evenly instead of losing it.
    isolated = [index for index, total in enumerate(strength) if not total]
    scores = [1 / count] * count
    for _ in range(_MAX_ITERATIONS):
        spread = _DAMPING * sum(map(scores.__getitem__, isolated)) / count
        base = (1 - _DAMPING) / count + spread
        running = [0.0, *accumulate(map(mul, shares, map(scores.__getitem__, sources)))]
        received = map(sub, map(running.__getitem__, ends), map(running.__getitem__, starts))
        updated = [base + total for total in received]
        change = sum(map(abs, map(sub, updated, scores)))
        scores = updated
        if change < _TOLERANCE:
            break
    return scores
