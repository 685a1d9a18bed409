from bot.core.models import Passage
from bot.core.pagination import PAGE_CHARS, clamp_page, page_of_passage, paginate
from bot.core.parsing import parse_story, split_passages
from tests.conftest import SEED_STORIES


def test_seed_story_pages_keep_every_paragraph_in_order():
    parsed = parse_story(SEED_STORIES[0].read_bytes())
    pages = paginate(parsed.passages)
    assert len(pages) == 2
    joined = "\n\n".join(page.text for page in pages)
    assert joined == "\n\n".join(p.text for p in parsed.passages)
    assert pages[0].first_passage == 1 and pages[-1].last_passage == len(parsed.passages)


def test_every_page_fits_the_page_size():
    body = "\n\n".join(f"Paragraph {i}. " + "Words go here. " * (i * 7) for i in range(1, 40))
    pages = paginate(split_passages(body))
    assert all(len(page.text) <= PAGE_CHARS for page in pages)
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))


def test_a_paragraph_longer_than_a_page_is_split_between_sentences():
    sentence = "The river ran on and on past the sleeping town. "
    passage = Passage(1, (sentence * 100).strip(), 0, 0)
    pages = paginate([passage], page_chars=500)
    assert len(pages) > 5
    assert all(p.text.endswith(".") for p in pages)
    assert all(p.first_passage == p.last_passage == 1 for p in pages)


def test_a_run_on_sentence_is_cut_at_spaces():
    passage = Passage(1, "word " * 1000, 0, 0)
    pages = paginate([passage], page_chars=300)
    assert all(len(p.text) <= 300 for p in pages)
    assert sum(len(p.text.split()) for p in pages) == 1000


def test_page_of_passage_and_clamping():
    passages = [Passage(i, "x" * 900, 0, 0) for i in range(1, 7)]
    pages = paginate(passages)
    assert page_of_passage(pages, 1) == 1
    assert page_of_passage(pages, 6) == len(pages)
    assert clamp_page(0, 3) == 1 and clamp_page(9, 3) == 3 and clamp_page(2, 0) == 1
