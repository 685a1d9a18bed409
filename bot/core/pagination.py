"""Split a story into pages that fit one Discord embed and read comfortably."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.models import Passage
from bot.core.sentences import split_sentences

# About two screens of text on a phone; well under the 4096-character embed
# description so the page never has to be cut.
PAGE_CHARS = 1800


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # 1-based
    text: str
    first_passage: int
    last_passage: int


def paginate(passages: Sequence[Passage], page_chars: int = PAGE_CHARS) -> list[Page]:
    """Group whole paragraphs into pages; a paragraph longer than a page is split by sentence."""
    pages: list[Page] = []
    chunks: list[str] = []
    first = last = 0
    for passage in passages:
        for piece in _pieces(passage.text, page_chars):
            if chunks and len("\n\n".join([*chunks, piece])) > page_chars:
                pages.append(Page(len(pages) + 1, "\n\n".join(chunks), first, last))
                chunks = []
            if not chunks:
                first = passage.number
            chunks.append(piece)
            last = passage.number
    if chunks:
        pages.append(Page(len(pages) + 1, "\n\n".join(chunks), first, last))
    return pages


def page_of_passage(pages: Sequence[Page], passage_number: int) -> int:
    """The page that shows `passage_number` (its first piece, if it was split)."""
    for page in pages:
        if page.first_passage <= passage_number <= page.last_passage:
            return page.number
    return pages[-1].number if pages else 1


def clamp_page(requested: int, page_count: int) -> int:
    return min(max(1, requested), max(1, page_count))


def _pieces(text: str, limit: int) -> list[str]:
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        while len(sentence) > limit:  # a single run-on "sentence": cut at a space
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            pieces.append(sentence[:cut].rstrip())
            sentence = sentence[cut:].lstrip()
        candidate = f"{current} {sentence}".strip()
        if len(candidate) > limit:
            pieces.append(current)
            candidate = sentence
        current = candidate
    if current:
        pieces.append(current)
    return pieces
