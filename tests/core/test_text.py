"""Slugs: what a reader types after `story:`, so they must look like the title."""

from __future__ import annotations

import pytest

from bot.core.text import slugify


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("The Monkey's Paw", "the-monkeys-paw"),
        ("The Monkey\u2019s Paw", "the-monkeys-paw"),
        ("L'Étranger", "letranger"),
        ("Rock 'n' Roll", "rock-n-roll"),
        ("Valérie à Paris", "valerie-a-paris"),
        ("Война и мир", "voina-i-mir"),
    ],
)
def test_a_slug_keeps_the_words_of_the_title(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_a_title_with_nothing_to_spell_still_gets_a_stable_slug() -> None:
    assert slugify("!!!") == slugify("!!!")
    assert len(slugify("!!!")) == 8
