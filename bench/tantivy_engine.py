"""The tantivy candidate measured against bot.core.search (issue 12): an on-disk index.

Same surface as SearchIndex where the bot touches it (`add_stories`, `search`, `len`),
so the benchmark drives it through the bot's real /search call. Stage 1 is tantivy: for
each query word a disjunction of the word, its fuzzy neighbours (1-2 edits, swaps cost
one) and, for the last word, its completions; words summed; the server's scope as a
filter. Stage 2 is the same kind of rapidfuzz re-rank as ours, on the top 200.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

import tantivy
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from bot.core.models import Passage
from bot.core.search import STOP_WORDS, SearchHit, folded_text, validate_query
from bot.core.search.hits import _highlights
from bot.core.search.typos import _max_typos
from bot.core.search.words import _folded_query_words

RERANK = 200


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("story", stored=True, indexed=True, fast=True)
    builder.add_integer_field("number", stored=True)
    builder.add_text_field("folded", stored=True, tokenizer_name="whitespace")
    builder.add_text_field("text", stored=True, index_option="basic", tokenizer_name="raw")
    return builder.build()


class TantivyIndex:
    def __init__(self, path: Path | None = None) -> None:
        self.schema = _schema()
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
        self._index = tantivy.Index(self.schema, path=str(path) if path else None)
        self._stories: set[int] = set()
        self._searcher = self._index.searcher()

    @classmethod
    def open(cls, path: Path, story_ids: Iterable[int]) -> TantivyIndex:
        """An index built earlier; the story ids come from the database (its stamps)."""
        opened = cls.__new__(cls)
        opened.schema = _schema()
        opened._index = tantivy.Index.open(str(path))
        opened._searcher = opened._index.searcher()
        opened._stories = set(story_ids)
        return opened

    def __len__(self) -> int:
        return int(self._searcher.num_docs)

    def add_stories(self, stories: Iterable[tuple[int, Sequence[Passage]]]) -> None:
        writer = self._index.writer(heap_size=200_000_000, num_threads=1)
        for story_id, passages in stories:
            self._stories.add(story_id)
            writer.delete_documents_by_term("story", story_id)
            for passage in passages:
                writer.add_document(
                    tantivy.Document(
                        story=story_id,
                        number=passage.number,
                        folded=folded_text(passage.text),
                        text=passage.text,
                    )
                )
        writer.commit()
        writer.wait_merging_threads()
        self._index.reload()
        self._searcher = self._index.searcher()

    def add_story(self, story_id: int, passages: Sequence[Passage]) -> None:
        self.add_stories([(story_id, passages)])

    def _word_query(self, word: str, *, last: bool) -> tantivy.Query:
        parts = [
            tantivy.Query.boost_query(tantivy.Query.term_query(self.schema, "folded", word), 2.0)
        ]
        typos = _max_typos(word)
        if typos and word not in STOP_WORDS:
            parts.append(
                tantivy.Query.fuzzy_term_query(self.schema, "folded", word, distance=typos)
            )
        if last and len(word) >= 3 and word not in STOP_WORDS:
            parts.append(
                tantivy.Query.boost_query(
                    tantivy.Query.fuzzy_term_query(
                        self.schema, "folded", word, distance=0 if len(word) < 4 else 1, prefix=True
                    ),
                    0.6,
                )
            )
        return tantivy.Query.disjunction_max_query(parts)

    def search(
        self, query: str, *, story_ids: Collection[int] | None = None, limit: int = 10
    ) -> list[SearchHit]:
        words = _folded_query_words(validate_query(query))
        content = [w for w in words if w not in STOP_WORDS] or words
        should = [(tantivy.Occur.Should, self._word_query(w, last=w == words[-1])) for w in content]
        clauses = [(tantivy.Occur.Must, tantivy.Query.boolean_query(should))]
        if story_ids is not None:
            allowed = set(story_ids) & self._stories
            if not allowed:
                return []
            excluded = self._stories - allowed
            if excluded and len(excluded) < len(allowed):
                clauses.append(
                    (
                        tantivy.Occur.MustNot,
                        tantivy.Query.term_set_query(self.schema, "story", list(excluded)),
                    )
                )
            elif excluded:
                clauses.append(
                    (
                        tantivy.Occur.Must,
                        tantivy.Query.term_set_query(self.schema, "story", list(allowed)),
                    )
                )
        found = self._searcher.search(
            tantivy.Query.boolean_query(clauses), RERANK, count=False
        ).hits
        text = " ".join(words)
        present = set(content)
        ranked = []
        for tantivy_score, address in found:
            doc = self._searcher.doc(address)
            folded = doc["folded"][0]
            coverage = len(present.intersection(folded.split())) / len(present)
            phrase = fuzz.partial_ratio(text, folded)
            ranked.append((phrase * (0.7 + 0.3 * coverage), tantivy_score, doc))
        ranked.sort(key=lambda item: (-item[0], -item[1]))
        return [self._hit(doc, score, content) for score, _, doc in ranked[:limit]]

    @staticmethod
    def _hit(doc: tantivy.Document, score: float, content: list[str]) -> SearchHit:
        text = doc["text"][0]
        folded_words = set(doc["folded"][0].split())
        levels = {}
        for word in content:
            for match, _, _ in process.extract(
                word,
                folded_words,
                scorer=DamerauLevenshtein.distance,
                score_cutoff=max(_max_typos(word), 0),
                limit=None,
            ):
                levels[match] = 2
        return SearchHit(
            story_id=doc["story"][0],
            passage_number=doc["number"][0],
            score=round(score, 2),
            text=text,
            highlights=_highlights(text, levels),
        )

    def suggest(
        self, query: str, *, story_ids: Collection[int] | None = None, limit: int = 5
    ) -> list[str]:
        return []
