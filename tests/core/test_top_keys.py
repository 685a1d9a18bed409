"""The best-first ranking answers as ranking every key does, and stops early when it can.

`tests/test_catalogues.py` compares views with `rank_by_words` on small random
libraries, where the best 25 are a large share of the keys. Here the library is shaped
like the bench's (and many real ones): titles sharing "the story of", so that a typed
prefix ties thousands of keys and the visit has to stop on the tie rule; a few keys
without those words; names reused across titles; and typed keys that are prefixes,
typos and mixes of common and rare words.
"""

from __future__ import annotations

import random

import pytest

from bot.core import word_index
from bot.core.matching import key_words, rank_by_words
from bot.core.top_keys import Level, top_keys
from bot.core.word_index import IndexView, WordIndex

SYLLABLES = ["va", "le", "rie", "mo", "ran", "ka", "thi", "su", "no", "él", "bri", "dge", "tor"]


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))).capitalize()


def _library(rng: random.Random, size: int) -> list[tuple[str, ...]]:
    names = [_name(rng) for _ in range(size // 4)]  # each name in several titles
    keys = []
    for number in range(size):
        name = f"{rng.choice(names)} {rng.choice(names)}"
        title = f"The Story of {name} #{number}" if rng.random() < 0.97 else f"{name} Alone"
        keys.append(tuple(key_words(title, name)))
    return keys


def _typed(rng: random.Random, keys: list[tuple[str, ...]]) -> str:
    kind = rng.random()
    if kind < 0.4:  # a title's beginning, as the bench types it
        return " ".join(rng.choice(keys))[: rng.randint(1, 30)]
    if kind < 0.7:  # words of a key, in another order, the last one half typed
        chosen = rng.sample(rng.choice(keys), k=min(3, len(keys[0])))
        return " ".join(chosen)[: rng.randint(2, 25)]
    if kind < 0.85:  # a typo in a rare word
        word = _name(rng).lower()
        return word[:-1] + rng.choice("aeiouxz")
    return " ".join(rng.choice(["the", "story", "of", "st", "t", _name(rng)]) for _ in range(3))


@pytest.fixture
def always_visit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The best-first visit even where few keys are reached (a small library)."""
    monkeypatch.setattr(word_index, "_FEW", 0)


@pytest.mark.usefixtures("always_visit")
@pytest.mark.parametrize("limit", [1, 5, 25])
def test_ranks_as_rank_by_words_where_thousands_tie(limit: int) -> None:
    rng = random.Random(limit)
    keys = _library(rng, 1_500)
    index = WordIndex(keys)
    for _ in range(60):
        typed = _typed(rng, keys)
        assert index.rank(typed, limit) == rank_by_words(typed, keys, limit), typed  # type: ignore[arg-type]


@pytest.mark.usefixtures("always_visit")
def test_a_view_with_hidden_and_own_keys_ranks_as_rank_by_words() -> None:
    rng = random.Random(7)
    base = _library(rng, 1_200)
    own = _library(rng, 30)
    hidden = sorted({*rng.sample(range(len(base)), 40), 0, 1, 2})  # the first: ties start there
    view = IndexView(WordIndex(base), hidden, WordIndex(own), base_keys=base, extra_keys=own)
    numbers = [n for n in range(len(base)) if n not in hidden]
    numbers += [len(base) + n for n in range(len(own))]
    shown = [base[n] if n < len(base) else own[n - len(base)] for n in numbers]
    for _ in range(60):
        typed = _typed(rng, base + own)
        expected = [(numbers[i], score) for i, score in rank_by_words(typed, shown, 25)]  # type: ignore[arg-type]
        assert view.rank(typed, 25) == expected, typed


@pytest.mark.usefixtures("always_visit")
def test_when_the_visit_gives_up_every_key_is_ranked(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    keys = _library(rng, 600)
    index = WordIndex(keys)
    monkeypatch.setattr(word_index, "_VISIT_BUDGET", 2)
    for _ in range(40):
        typed = _typed(rng, keys)
        assert index.rank(typed, 25) == rank_by_words(typed, keys, 25), typed  # type: ignore[arg-type]


def _levels(score: float, keys: range) -> list[Level]:
    return [Level(score, len(keys), iter(keys))]


def test_thousands_of_equal_keys_stop_after_the_first_few() -> None:
    """Every key holds every typed word (a typed "the story of"): the first 25 by number
    are the answer, known after taking about 25, not 10,000."""
    everything = range(10_000)
    lists = [(0.69, _levels(100.0, everything)) for _ in range(3)]
    total = 0.0
    for _ in range(3):  # as the threshold adds up, so a tie is a tie
        total += 0.69 * 100.0
    ranked = top_keys(lists, lambda key: total, 3 * 0.69, 25, 55.0, budget=30)
    assert ranked is not None
    assert [key for key, _score in ranked] == list(range(25))


def test_a_rare_word_is_visited_before_a_common_one() -> None:
    """A typed "the valerie": the few keys holding the rare word, not the 10,000 holding
    "the", decide; the visit takes those and stops."""
    rare = range(5_000, 5_040)
    lists = [(0.69, _levels(100.0, range(10_000))), (8.0, _levels(100.0, rare))]

    def total(key: int) -> float:
        return 0.69 * 100.0 + (8.0 * 100.0 if key in rare else 0.0)

    ranked = top_keys(lists, total, 8.69, 25, 55.0, budget=60)
    assert ranked is not None
    assert [key for key, _score in ranked] == list(rare[:25])


def test_kept_word_matches_are_bounded_and_change_nothing() -> None:
    rng = random.Random(11)
    keys = _library(rng, 300)
    index = WordIndex(keys)
    typed = [_typed(rng, keys) for _ in range(word_index._MATCHES_KEPT + 50)]
    first = [index.rank(text, 25) for text in typed]
    assert len(index._matched) <= word_index._MATCHES_KEPT
    assert [index.rank(text, 25) for text in typed] == first


def test_a_tie_between_keys_met_in_different_lists_goes_to_the_smaller_number() -> None:
    """Key 9 is met first (the best of the list taken first) and key 8 ties it from the
    other list: the visit must not stop at 9, though nothing left can beat it."""

    def lists() -> list[tuple[float, list[Level]]]:
        return [
            (1.0, [Level(100.0, 1, iter([9])), Level(60.0, 1, iter([8]))]),
            (1.0, [Level(100.0, 1, iter([8])), Level(60.0, 1, iter([9]))]),
        ]

    scores = {9: (100.0, 60.0), 8: (60.0, 100.0)}

    def total(key: int) -> float:
        added = 0.0
        for score in scores[key]:
            added += 1.0 * score
        return added

    assert top_keys(lists(), total, 2.0, 1, 55.0, budget=10) == [(8, 80.0)]
    assert top_keys(lists(), total, 2.0, 2, 55.0, budget=10) == [(8, 80.0), (9, 80.0)]
