"""A Project Gutenberg file as a moderator downloads it: the story between the eBook's
START and END lines, with the title and author its preamble gives. The licence, the
preamble and the producers' credits are not the story (they would be read, retold and
searched as if they were).

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_START_RE = re.compile(
    r"^\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK\b[^\n]*$", re.IGNORECASE | re.M
)
_END_RE = re.compile(
    r"^(?:\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK\b|End of (?:the )?Project "
    r"Gutenberg)[^\n]*$",
    re.IGNORECASE | re.M,
)
_FIELD_RE = re.compile(r"^(Title|Author):[ \t]*(\S[^\n]*)$", re.M)
_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n")
# The credits a transcriber puts before the text: "Produced by Jo and the Online
# Distributed Proofreading Team".
_CREDIT_RE = re.compile(
    r"(?:Produced|Transcribed|Prepared|E-?text prepared|Updated|Edited)\s+by\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Unwrapped:
    text: str
    title: str | None = None
    author: str | None = None


def unwrap_gutenberg(text: str) -> Unwrapped:
    """The story inside a Project Gutenberg file; any other text as it is."""
    start = _START_RE.search(text)
    if start is None:
        return Unwrapped(text)
    fields = {key.lower(): value.strip() for key, value in _FIELD_RE.findall(text[: start.start()])}
    body = text[start.end() :]
    end = _END_RE.search(body)
    if end is not None:
        body = body[: end.start()]
    paragraphs = _PARAGRAPH_BREAK_RE.split(body.strip("\n"))
    while paragraphs and _CREDIT_RE.match(paragraphs[0].strip()):
        paragraphs.pop(0)
    return Unwrapped("\n\n".join(paragraphs), fields.get("title"), fields.get("author"))
