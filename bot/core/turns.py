"""A retold line of dialogue is said by whom the text has say it, or it is not retold.

A line no one is named as saying ("'Let us go, nevertheless.'") is read as the next turn
of the conversation: after the other speaker's line, it is this one's. A retelling that
leaves lines out can hand it to the wrong speaker: two lines of one man, two turns apart
in the text, read one after the other as a question and its answer. Such a line is left
out when the line kept before it, in one unbroken exchange, is an even number of turns
back. (After narration a reader assumes no speaker, so nothing is changed there.)

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.naming import StorySentence

_QUOTED_RE = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
_TURN_RE = re.compile(r"^\s*[\"“]")


def _untagged(text: str) -> bool:
    """A sentence that is only a quotation: nothing outside it says who speaks."""
    return _TURN_RE.match(text) is not None and not any(
        c.isalpha() for c in _QUOTED_RE.sub("", text)
    )


def keep_turns(
    sentences: Sequence[StorySentence], chosen: Sequence[int], texts: Sequence[str]
) -> tuple[list[int], list[str]]:
    """`chosen` (indexes into `sentences`, sorted) and their `texts` without the lines of
    dialogue a reader of the retelling would give to the wrong speaker. The first and the
    last sentences are always kept."""
    turns = _turn_paragraphs(sentences)
    kept: list[int] = []
    told: list[str] = []
    last = len(chosen) - 1
    for position, (index, text) in enumerate(zip(chosen, texts, strict=True)):
        if 0 < position < last and _untagged(text) and _untagged(told[-1]):
            before = sentences[kept[-1]].passage
            here = sentences[index].passage
            exchange = all(p in turns for p in range(before, here + 1))
            if exchange and here != before and (here - before) % 2 == 0:
                continue  # read as the other speaker's answer, it is the same speaker's
        kept.append(index)
        told.append(text)
    return kept, told


def _turn_paragraphs(sentences: Sequence[StorySentence]) -> set[int]:
    """The paragraphs that are a turn of a conversation: they open with a quotation."""
    firsts: dict[int, str] = {}
    for sentence in sentences:
        firsts.setdefault(sentence.passage, sentence.text)
    return {passage for passage, text in firsts.items() if _TURN_RE.match(text)}
