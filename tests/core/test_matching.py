import pytest

from bot.core.matching import AUTOCOMPLETE_LIMIT, rank_stories, resolve_story
from bot.core.models import StorySummary
from bot.errors import NotFound


def summary(story_id: int, title: str, protagonist: str | None = None) -> StorySummary:
    slug = title.lower().replace(" ", "-")
    return StorySummary(story_id, slug, title, None, None, 400, 8, protagonist)


SEEDS = [
    summary(1, "The Story of Valérie Ivanov", "Valérie Ivanov"),
    summary(2, "The Story of Zoe Kuznetsova", "Zoe Kuznetsova"),
    summary(3, "The Story of Léa Roux", "Léa Roux"),
    summary(4, "Night Train", "Marguerite"),
]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("valerie", 1),
        ("VALÉRIE", 1),
        ("valrie ivanof", 1),
        ("kuznetsova", 2),
        ("lea", 3),
        ("marguerite", 4),
        ("nigth train", 4),
    ],
)
def test_typos_and_missing_accents_find_the_story(typed, expected):
    assert rank_stories(typed, SEEDS)[0].story.id == expected
    assert resolve_story(typed, SEEDS).id == expected


def test_autocomplete_never_offers_more_than_25():
    many = [summary(i, f"Tale number {i}") for i in range(60)]
    assert len(rank_stories("tale", many)) == AUTOCOMPLETE_LIMIT
    assert len(rank_stories("", many)) == AUTOCOMPLETE_LIMIT


def test_slug_and_exact_title_resolve_directly():
    assert resolve_story("night-train", SEEDS).id == 4
    assert resolve_story("the story of léa roux", SEEDS).id == 3


def test_unknown_story_lists_the_closest_titles():
    with pytest.raises(NotFound) as caught:
        resolve_story("the story of", SEEDS)
    assert caught.value.hint is not None and "The Story of" in caught.value.hint


def test_nothing_close_suggests_the_list_command():
    with pytest.raises(NotFound) as caught:
        resolve_story("qqqqqqqq", SEEDS)
    assert caught.value.hint == "Try `/story list` to see every story."
