"""Text normalisation shared by parsing, matching and search."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from anyascii import anyascii

_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
_SLUG_STRIP_RE = re.compile(r"[^a-z0-9]+")
# An apostrophe inside a word joins it ("Monkey's" is one word), so the slug does not
# split it into "monkey-s", which nobody would type.
_INNER_APOSTROPHE_RE = re.compile(r"(?<=[a-z0-9])['’ʼ](?=[a-z0-9])")

# Letters that NFKD does not decompose into "base + accent" but that readers
# still type without their diacritic.
_EXTRA_FOLDS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "’": "'",
        "‘": "'",
    }
)


class _WithoutCombiningMarks(dict[int, int | None]):
    """str.translate's table that drops combining marks (the accents NFKD splits off) and
    keeps every other character: each character's class is read from unicodedata the
    first time it is met, so a long line is one pass in C, not a Python loop over it."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_STRIP_COMBINING = _WithoutCombiningMarks()


def fold(text: str) -> str:
    """Lower-case and strip accents, so `Valérie` and `valerie` compare equal."""
    if text.isascii():  # nothing to translate, decompose or strip
        return text.casefold()
    lowered = text.casefold().translate(_EXTRA_FOLDS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    if decomposed.isascii():
        return decomposed
    return decomposed.translate(_STRIP_COMBINING)


def words(text: str) -> list[str]:
    """The words of `text` as they appear (apostrophes and hyphens kept inside)."""
    return _WORD_RE.findall(text)


def slugify(text: str, max_length: int = 60) -> str:
    """A URL- and custom_id-safe slug: ascii, lower case, hyphen separated.

    Other scripts are transliterated ("Война и мир" → "voina-i-mir"); a title with
    nothing to transliterate gets a short id stable for that title, never a word
    every such title would share.
    """
    ascii_text = _INNER_APOSTROPHE_RE.sub("", fold(text))
    slug = _SLUG_STRIP_RE.sub("-", anyascii(ascii_text).lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def shorten(text: str, limit: int, placeholder: str = "…") -> str:
    """Cut `text` to at most `limit` characters, on a word boundary when possible."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(placeholder))]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–-") + placeholder


# Only what could format or link inside a quoted echo; "-" or "#" matter at a line's start.
_MARKDOWN_RE = re.compile(r"([\\*_~`|<>\[\]])")


def literal(text: str) -> str:
    """`text` shown as typed in a Discord message: markdown escaped, mentions broken.

    For echoing what a user typed; rendering code has discord.py's own escaping,
    this is for messages the core builds (errors) without importing Discord.
    """
    escaped = _MARKDOWN_RE.sub(r"\\\1", text)
    return escaped.replace("@", "@\u200b")


def echo(value: str, limit: int = 60) -> str:
    """What the user typed, quoted, on one line and short enough to show back anywhere."""
    return f"“{literal(shorten(' '.join(value.split()), limit))}”"
