"""Stories told in letters: which paragraphs each signed letter holds.

A letter opens with a salutation ("My dear Clara,", "Gentlemen:") and ends with a
signature: a paragraph that is only a name, or a name after a closing ("Your loving
sister, Margaret"; "Your old friend," then "Jimmy."). Inside it, "I" is whoever signs.
The cast (bot.core.characters.letters) and the answers (bot.core.answer_units) both read
letters this way; each says who a signature names.

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from bot.core.text import words

Writer = TypeVar("Writer")

MAX_SIGNATURE_WORDS = 6
# No word of a signature is longer than this, with the space after it.
_LONGEST_WORD = 25
# A salutation further back than this is another letter's, or none.
_MAX_LETTER_PARAGRAPHS = 8
_DOUBLE_QUOTES_RE = re.compile(r"[\"“”]")
_CLOSING_RE = re.compile(r"^\s*(?:\S+\s+){0,4}\S+,\s*$")
# "Your loving sister,", "Yours ever,", "With love,": what comes before a signature's name.
SIGN_OFF_RE = re.compile(
    r"\s*(?:yours?|ever|love|with\s+love|sincerely|affectionately|faithfully|truly)\b"
    r"[^.!?\"“”]{0,60},\s*",
    re.IGNORECASE,
)
SALUTATION_RE = re.compile(
    r"^\s*(?:(?:my\s+)?dear(?:est)?\b|gentlemen\b|sirs?\b|madam\b)[^.!?]{0,40}[:,]", re.I
)


def letter_writers(
    texts: Sequence[str],
    signer: Callable[[str], Writer | None],
    *,
    longest_signature: int = MAX_SIGNATURE_WORDS,
    salutation_needed: bool = False,
) -> dict[int, Writer]:
    """For each paragraph (by position in `texts`) of a signed letter, its writer: a short
    paragraph whose `signer` is someone signs those before it, back to the salutation, or
    the one just before when there is none (unless `salutation_needed`). A quotation ends
    the search: a letter quoted in dialogue is not the narration's."""
    writers: dict[int, Writer] = {}
    for position, raw in enumerate(texts):
        # A letter the text quotes ("It read: / “Dear Miss Pryce, …” / Your lodger, J.
        # HOLLIS.”") closes its quotation after the signature.
        text = raw.strip().rstrip('"”').strip()
        if len(text) > longest_signature * _LONGEST_WORD or position == 0:
            continue  # a paragraph this long is no signature: not worth reading
        writer = signer(text)
        if writer is None:
            continue
        if len(words(text)) > longest_signature or _DOUBLE_QUOTES_RE.search(text):
            continue
        end = position
        if end > 1 and _CLOSING_RE.match(texts[end - 1]):
            end -= 1  # "Your old friend," is the signature's, not the letter's
        body = [] if salutation_needed else [end - 1]
        for earlier in range(end - 1, max(-1, end - 1 - _MAX_LETTER_PARAGRAPHS), -1):
            # Each paragraph of a quoted letter opens its quotation and none closes it.
            line = texts[earlier].strip().lstrip('"“')
            if _DOUBLE_QUOTES_RE.search(line):
                break
            if SALUTATION_RE.match(line):
                body = list(range(earlier, position))
                break
        writers.update(dict.fromkeys(body, writer))
    return writers


def is_salutation(sentence: str) -> bool:
    """ "My dear Clara,": opens a letter, and says nothing of its own."""
    return len(words(sentence)) <= MAX_SIGNATURE_WORDS and bool(
        SALUTATION_RE.fullmatch(sentence.strip())
    )
