"""Why a benchmark query misses its target: the stage of the engine where it was lost.

Run from the repository root on a corpus kept by `bench/search.py --keep DIR` (its
database, queries.json and the saved index):

    .venv/bin/python -m bench.search_misses /tmp/search-bench/1000000-140-20240601
    .venv/bin/python -m bench.search_misses DIR --set windows --all

For every query whose target passage is not among the first ten results of the engine
(scoped to the benchmark server, `limit=50`, the relevance floor: what `/search` keeps),
it says where the target was lost, first stage first:

- `expansion`: a word of the target's window is not among the terms its query word
  stands for (and why: too many typos, a two-typo neighbour cut by the cap, a word taken
  as typed, a completion not among the most frequent...); `expansion, hopeless` when
  even with that word counted the target would not reach the top ten;
- `not walked`: stage 1 never reached the target (MaxScore stopped, or the words it
  holds were too common to walk);
- `cut at 150`: a candidate, but not among the RERANK_CANDIDATES best partial scores;
- `pruned or floor`: full scoring of the 150 puts it in the top ten, yet the search did
  not return it there (a re-ranking shortcut, or the relevance floor: never seen);
- `outranked`: scored, but ten passages scored higher (or as high, with the query's words
  closer together, or as close and older); how many of them hold the window word for word.

A miss is *equivalent* when one of the top ten holds the window word for word (the
reader cannot tell it from the target): listed only with `--all`.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from math import fsum
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz  # noqa: E402
from rapidfuzz.distance import DamerauLevenshtein  # noqa: E402

from bench.corpus import BenchQuery  # noqa: E402
from bot.app.library import relevant  # noqa: E402
from bot.core.search import SearchIndex, folded_text, snapshot, validate_query  # noqa: E402
from bot.core.search.planning import (  # noqa: E402
    _MAX_TWO_TYPO_NEIGHBOURS,
    _TRUSTED_WORD_PASSAGES,
    _Plan,
)
from bot.core.search.prefixes import starts_within_one_typo  # noqa: E402
from bot.core.search.proximity import (  # noqa: E402
    closest_span,
    query_words_of,
    words_held_together,
)
from bot.core.search.ranking import (  # noqa: E402
    _MAX_CREATING_FLOOR,
    _MAX_CREATING_SHARE,
    PHRASE_FLOOR,
    WALKED_WEIGHT_SHARE,
)
from bot.core.search.typos import _max_typos  # noqa: E402
from bot.core.search.words import STOP_WORDS  # noqa: E402

GUILD = 1
TOP = 10


@dataclass
class Verdict:
    stage: str
    detail: str


def holds_window(folded_passage: str, window: str) -> bool:
    """The passage holds the window's words in a row (folded, as the engine sees them)."""
    wanted = folded_text(window)
    return bool(wanted) and f" {wanted} " in f" {folded_passage} "


def visible_ids(database: Path) -> frozenset[int]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT id FROM stories WHERE deleted_at IS NULL"
            " AND (guild_id IS NULL OR guild_id = ?) AND NOT EXISTS (SELECT 1 FROM"
            " hidden_stories AS h WHERE h.story_id = stories.id AND h.guild_id = ?)",
            (GUILD, GUILD),
        ).fetchall()
    return frozenset(row[0] for row in rows)


def target_pid(index: SearchIndex, query: BenchQuery) -> int:
    slot = index._slot_of[query.story_index + 1]
    first = index._slot_first[slot]
    for pid in range(first, first + index._slot_count[slot]):
        if index._numbers[pid] == query.passage_number:
            return pid
    raise LookupError(query)


def full_score(
    plan: _Plan, folded: str, extra: dict[str, list[tuple[int, float]]] | None = None
) -> float:
    """The final score of a passage, scored without any pruning (as stage 2 scores it);
    `extra` adds terms to the plan (what the score would be had the plan kept them)."""
    term_weights = {**plan.term_weights, **(extra or {})}
    best: dict[int, float] = {}
    for term in set(term_weights).intersection(folded.split()):
        for position, weight in term_weights[term]:
            best[position] = max(best.get(position, 0.0), weight)
    if plan.tail is not None:  # the last word's completions not searched
        weight, _ = plan.tail.best(folded)
        best[plan.tail.position] = max(best.get(plan.tail.position, 0.0), weight)
    coverage = min(1.0, fsum(best.values()) / (plan.total_weight or 1.0))
    phrase = phrase_score(plan, folded)
    return 100.0 * coverage * (PHRASE_FLOOR + (1 - PHRASE_FLOOR) * phrase / 100.0)


def phrase_score(plan: _Plan, folded: str) -> float:
    """As stage 2 has it: the query's letters in order, or its words in a run."""
    held = words_held_together(folded.split(), query_words_of(plan.term_weights))
    return max(fuzz.partial_ratio(plan.text, folded), 100.0 * held / len(plan.words))


@dataclass
class Lost:
    term: str  # a word of the window the target holds
    position: int | None  # the query word it became; None: the query dropped it
    why: str


def expansion_losses(
    index: SearchIndex, plan: _Plan, query: BenchQuery, words: set[str]
) -> list[Lost]:
    """Content words of the window the target holds but no query word stands for."""
    expanded = {index._terms[t] for word in plan.words for t in word.expansions}
    window = folded_text(query.window).split()
    lost = []
    for term in window:
        if term in STOP_WORDS or term in expanded or term not in words:
            continue
        tail = plan.tail
        if tail is not None and term.startswith(tail.prefix) and len(term) > len(tail.prefix):
            continue  # a completion not searched, but counted at re-ranking
        # The query word it became: the closest one by edit distance or as a prefix (a
        # letter dropped or added included), the longer one on a tie.
        candidates = [  # the query's content words (else it was dropped)
            (
                min(
                    DamerauLevenshtein.distance(word.text, term[:cut])
                    for cut in (len(term), len(word.text) - 1, len(word.text), len(word.text) + 1)
                    if cut > 0
                ),
                -len(word.text),
                position,
            )
            for position, word in enumerate(plan.words)
            if not word.is_stop
        ]
        # A query of stop words only ("she to this") dropped every content word.
        distance, _, position = min(candidates, default=(len(term), 0, 0))
        if distance > max(2, len(term) // 2):
            lost.append(Lost(term, None, "not in the query (dropped by the perturbation)"))
            continue
        typed = plan.words[position].text
        lost.append(Lost(term, position, why_not_expanded(index, plan, typed, term)))
    return lost


def describe(lost: list[Lost]) -> str:
    return "; ".join(f"{item.term!r}" + f": {item.why}" for item in lost)


def why_not_expanded(index: SearchIndex, plan: _Plan, typed: str, term: str) -> str:
    distance = DamerauLevenshtein.distance(typed, term)
    exact = index._term_ids.get(typed)
    exact_df = index._postings.df(exact) if exact is not None else 0
    term_df = index._postings.df(index._term_ids[term])
    is_last = typed == plan.words[-1].text
    prefix = f"typed {typed!r} ({exact_df} passages), {term!r} in {term_df}: "
    if is_last and term.startswith(typed):
        longer = [t for t in index._starting_with(typed) if len(t) > len(typed)]
        longer.sort(key=lambda t: -index._postings.df(index._term_ids[t]))
        rank = longer.index(term) if term in longer else -1
        return prefix + f"completion {rank + 1} of {len(longer)} by frequency (50 kept)"
    if is_last and exact_df == 0 and starts_within_one_typo(typed, term):
        if term.startswith(typed[:3]) or not (
            index._starting_with(typed) or index._fuzzy_completions(typed, 3)
        ):
            return prefix + "completion with a typo, not among the 50 most frequent"
        return prefix + (
            "completion with a typo in the first 3 letters, not looked for (terms start"
            " with the typed word, or with its first 3 letters and a typo after them)"
        )
    if is_last and starts_within_one_typo(typed, term):
        return prefix + "completion with a typo of a word the library has (not searched)"
    if is_last and any(
        DamerauLevenshtein.distance(typed, term[:cut]) <= 2
        for cut in (len(typed) - 1, len(typed), len(typed) + 1)
    ):
        return prefix + "completion with two typos (one is searched)"
    if exact_df >= _TRUSTED_WORD_PASSAGES and distance:
        return prefix + "typed word trusted (50+ passages), not typo-expanded"
    if distance > _max_typos(typed):
        return prefix + f"{distance} edits, more than {_max_typos(typed)} for its length"
    if exact_df and distance:
        return prefix + "typed word is a rarer term: neighbours kept only if as frequent or more"
    if distance == 2:
        return prefix + f"two-typo neighbour not among the {_MAX_TWO_TYPO_NEIGHBOURS} most frequent"
    return prefix + f"distance {distance}: not found by the typo index"


def diagnose(
    index: SearchIndex, scope: frozenset[int], query: BenchQuery
) -> tuple[bool, bool, Verdict | None]:
    """(found, found or equivalent, why it was missed)."""
    cleaned = validate_query(query.text)
    hits = relevant(index.search(cleaned, story_ids=scope, limit=50))[:25]
    found = [(hit.story_id, hit.passage_number) for hit in hits]
    target = (query.story_index + 1, query.passage_number)
    top = found[:TOP]
    if target in top:
        return True, True, None
    equivalent = any(holds_window(folded_text(hit.text), query.window) for hit in hits[:TOP])
    pid = target_pid(index, query)
    folded = index._folded_passage(pid)
    words = set(folded.split())
    plan = index._plan(cleaned)
    mask = index._scope(scope).mask
    lost = expansion_losses(index, plan, query, words)
    own = full_score(plan, folded)
    candidates = index._candidates(plan, mask)
    scores = candidates.scores
    top150 = candidates.top
    # As re-ranking orders them: score, then the query's words closest together, then
    # the query's order, then age.
    query_words = query_words_of(plan.term_weights)

    def rank_key(p: int, text: str) -> tuple[float, int, bool, int]:
        span = closest_span(text.split(), query_words)
        in_order = fuzz.partial_ratio(plan.text, text) >= phrase_score(plan, text)
        return full_score(plan, text), -span, in_order, -p

    scored = sorted((rank_key(p, index._folded_passage(p)) for p in top150), reverse=True)
    tenth = scored[TOP - 1][0] if len(scored) >= TOP else 0.0
    context = f"target score {own:.1f}, 10th of the 150 {tenth:.1f}"
    extra: dict[str, list[tuple[int, float]]] = {}
    for item in lost:
        if item.position is not None:  # as a one-typo neighbour would count
            extra[item.term] = [(item.position, 0.8 * plan.words[item.position].idf)]
    ideal = full_score(plan, folded, extra)
    if extra:
        context += f", {ideal:.1f} had the plan kept the lost words"
    if lost and own < tenth:
        stage = "expansion" if ideal >= tenth else "expansion, hopeless"
        where = "among the 150" if pid in top150 else "not among the 150"
        verdict = Verdict(stage, describe(lost) + f" ({context}; {where})")
    elif pid not in scores:
        too_common = max(_MAX_CREATING_FLOOR, int(_MAX_CREATING_SHARE * len(index)))
        sizes = {id(w): index._walked_size(index._walked(w, too_common)) for w in plan.words}
        walked = [
            f"{w.text}(idf {w.idf:.1f}, {sizes[id(w)]} postings walked of {w.size}"
            f"{', too common' if sizes[id(w)] > too_common else ''})"
            for w in sorted(plan.words, key=lambda w: -w.idf)
            if w.expansions and not w.is_stop
        ]
        held = [
            w.text
            for w in plan.words
            if any(
                index._terms[t] in words and wt >= WALKED_WEIGHT_SHARE * w.idf
                for t, wt in w.weights.items()
            )
        ]
        verdict = Verdict(
            "not walked",
            f"{context}; words rarest first: {', '.join(walked)}; target holds strongly: {held}"
            + (f"; also lost: {describe(lost)}" if lost else ""),
        )
    elif pid not in top150:
        rank = sum(1 for s in scores.values() if s > scores[pid])
        verdict = Verdict(
            "cut at 150",
            f"partial {scores[pid]:.2f}, {rank} candidates above (of {len(scores)}); {context}",
        )
    elif rank_key(pid, folded) >= scored[min(TOP, len(scored)) - 1]:
        # Scored in the top ten without the re-ranking's shortcuts: dropped by them, or
        # by the relevance floor (never seen on the benchmark).
        verdict = Verdict("pruned or floor", context)
    else:
        rank = sum(1 for s, *_ in scored if s > own)
        tied = sum(1 for s, *_ in scored if s == own) - 1
        if tied:
            context += f", {tied} others with the same score (words closest first, then the oldest)"
        better = [index._folded_passage(-p) for *_, p in scored[:TOP]]
        same = sum(holds_window(text, query.window) for text in better)
        verdict = Verdict(
            "outranked",
            f"rank {rank + 1}; {context}; {same} of the top 10 hold the window"
            + (f"; also lost: {describe(lost)}" if lost else ""),
        )
    return False, equivalent, verdict


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a corpus kept by bench/search.py --keep")
    parser.add_argument("--set", default="anchored", choices=("anchored", "windows"))
    parser.add_argument("--all", action="store_true", help="also list equivalent answers")
    args = parser.parse_args(argv)
    queries = [
        BenchQuery(**q) for q in json.loads((args.folder / "queries.json").read_text())[args.set]
    ]
    database = args.folder / "bench.sqlite3"
    with database.with_name(database.name + ".search-index").open("rb") as file:
        index, _ = snapshot.load(file)
    scope = visible_ids(database)
    strict = equivalent = 0
    stages: Counter[str] = Counter()
    for number, query in enumerate(queries):
        found, same, verdict = diagnose(index, scope, query)
        strict += found
        equivalent += same
        if verdict is None or (same and not args.all):
            continue
        stages[verdict.stage] += 1
        print(
            f"#{number} {query.kind:8} {query.text!r} (window {query.window!r})"
            f"{' [equivalent found]' if same else ''}\n"
            f"    {verdict.stage}: {verdict.detail}"
        )
    total = len(queries)
    print(
        f"\nrecall@10 strict {strict / total:.3f}, equivalent {equivalent / total:.3f}"
        f" ({total} queries); misses by stage: {dict(stages)}"
    )


if __name__ == "__main__":
    main()
