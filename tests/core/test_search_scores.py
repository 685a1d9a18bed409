"""Scores (bot/core/search/scores.py): one dict per passage-id range, behaving as one dict."""

from __future__ import annotations

import random
from array import array

from bot.core.search.scores import SHARD_SIZE, Scores


def test_put_spans_shards_and_a_later_put_replaces_the_score() -> None:
    scores = Scores()
    pids = array("I", [3, SHARD_SIZE - 1, SHARD_SIZE, 5 * SHARD_SIZE + 7])
    scores.put(pids, 1.5)
    scores.put(array("I", [SHARD_SIZE, 9 * SHARD_SIZE]), 2.5)
    assert len(scores) == 5
    assert scores[SHARD_SIZE - 1] == 1.5 and scores[SHARD_SIZE] == 2.5
    assert 9 * SHARD_SIZE in scores and 4 not in scores and 2 * SHARD_SIZE not in scores
    # Shard by shard, oldest range first; within a range, in the order scored.
    assert list(scores) == [3, SHARD_SIZE - 1, SHARD_SIZE, 5 * SHARD_SIZE + 7, 9 * SHARD_SIZE]
    assert list(scores.values()) == [1.5, 1.5, 2.5, 1.5, 2.5]


def test_add_sums_the_passages_in_both_and_keeps_the_others() -> None:
    first = Scores.of({1: 1.0, SHARD_SIZE + 1: 2.0})
    second = Scores.of({1: 0.25, 2: 4.0, 3 * SHARD_SIZE: 8.0})
    total = first.add(second)
    assert dict(total.items()) == {1: 1.25, 2: 4.0, SHARD_SIZE + 1: 2.0, 3 * SHARD_SIZE: 8.0}


def test_increase_adds_to_existing_scores() -> None:
    scores = Scores.of({5: 1.0, 2 * SHARD_SIZE: 3.0})
    scores.increase([(5, 0.5), (2 * SHARD_SIZE, 1.0)])
    assert dict(scores.items()) == {5: 1.5, 2 * SHARD_SIZE: 4.0}


def test_a_search_s_steps_give_what_one_dict_would() -> None:
    # The walk of ranking.py, on both: each word's expansions put in ascending weight
    # (the best one wins), then the words summed; then a refining word's gains.
    rng = random.Random(12)
    library = 6 * SHARD_SIZE
    scores, model = Scores(), dict[int, float]()
    for _ in range(4):
        word, word_model = Scores(), dict[int, float]()
        for weight in sorted(rng.uniform(0.1, 3.0) for _ in range(3)):
            pids = array("I", sorted(rng.sample(range(library), 5_000)))
            word.put(pids, weight)
            word_model.update(dict.fromkeys(pids, weight))
        scores = scores.add(word)
        for pid, weight in word_model.items():
            model[pid] = model.get(pid, 0.0) + weight
    gains = dict.fromkeys(rng.sample(sorted(model), 300), 0.75)
    scores.increase(gains.items())
    for pid, gain in gains.items():
        model[pid] += gain
    assert dict(scores.items()) == model
    assert len(scores) == len(model) and sorted(scores) == sorted(model)
