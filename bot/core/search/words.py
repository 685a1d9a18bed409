"""Query words: validation, folding (accents, case), stop words, spellings, plurals."""

from __future__ import annotations

import re

from bot.core.text import fold, words
from bot.errors import InvalidInput

MAX_QUERY_LENGTH = 200
# Words beyond this many are ignored: they add cost and almost never change the answer.
MAX_QUERY_WORDS = 12
MAX_LIMIT = 100

_FOLD_CACHE_LIMIT = 100_000

# Letters or digits, with combining marks kept inside the word (decomposed accents).
_SPAN_RE = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+"
)
_SPAN_SPLIT_RE = re.compile(f"({_SPAN_RE.pattern})")
_TOKEN_RE = re.compile(r"[^\W_]+")

# What a contraction leaves after its apostrophe once folded ("family's" is "family s",
# "couldn't" "couldn t"): a piece of the word before, not a word of its own.
CONTRACTION_TAILS = frozenset("s t d ll m re ve".split())

# Small words: never typo-expanded (`the` is not a typo of `she`), never alone a reason to
# return a passage when the query has other words, highlighted only inside a phrase.
STOP_WORDS = (
    frozenset(
        """a an the and or but nor of in on at to for with by from as is are was were be been
    being am it its this that these those there here then than so not no yes if into
    onto over under up down out off about after before again all any some such what which
    who whom whose when where why how had has have having do does did done i me my mine we
    us our ours you your yours he him his she her hers they them their theirs himself
    herself itself themselves myself yourself ourselves""".split()
    )
    | CONTRACTION_TAILS
)

# British/American spellings: (one spelling's fragment, the other's), tried both ways
# at any position after the first two letters, and kept only if the result is a term.
_SPELLING_FRAGMENTS = (
    ("our", "or"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ising", "izing"),
    ("isation", "ization"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("tre", "ter"),
    ("tres", "ters"),
    ("ogue", "og"),
    ("elled", "eled"),
    ("elling", "eling"),
    ("eller", "eler"),
    ("ence", "ense"),
)
_SPELLING_WORDS = {
    "grey": "gray",
    "mum": "mom",
    "programme": "program",
    "tyre": "tire",
    "cheque": "check",
    "plough": "plow",
    "jewellery": "jewelry",
    "pyjamas": "pajamas",
    "aluminium": "aluminum",
    "draught": "draft",
    "mould": "mold",
    "smoulder": "smolder",
    "cosy": "cozy",
    "sceptical": "skeptical",
    "aeroplane": "airplane",
    "manoeuvre": "maneuver",
    "whilst": "while",
    "amongst": "among",
}
_SPELLING_WORDS.update({american: british for british, american in _SPELLING_WORDS.items()})


# --------------------------------------------------------------------------- validation


def validate_query(query: str) -> str:
    """The query with its whitespace tidied, or InvalidInput saying what is wrong with it."""
    cleaned = " ".join(query.split())
    if not cleaned:
        raise InvalidInput(
            "Type a few words to search for.", hint="For example: `eiffel tower at sunset`."
        )
    if len(cleaned) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            f"That search is {len(cleaned)} characters long; "
            f"the limit is {MAX_QUERY_LENGTH}. Try a few distinctive words."
        )
    if not words(cleaned):
        raise InvalidInput(
            "Search with words, not only punctuation or symbols.",
            hint="For example: `valerie gallery`.",
        )
    return cleaned


# --------------------------------------------------------------------------- folding

_fold_cache: dict[str, str] = {}


def _fold_span(span: str) -> str:
    """The folded tokens of one word span, joined by spaces (usually just one token)."""
    folded = _fold_cache.get(span)
    if folded is None:
        if len(_fold_cache) >= _FOLD_CACHE_LIMIT:
            _fold_cache.clear()  # bounded memory; frequent words come back at once
        folded = " ".join(_TOKEN_RE.findall(fold(span)))
        _fold_cache[span] = folded
    return folded


def folded_text(text: str) -> str:
    """`text` as the index sees it: folded words separated by single spaces."""
    get = _fold_cache.get
    return " ".join([get(span) or _fold_span(span) for span in _SPAN_RE.findall(text)]).strip()


def _folded_query_words(query: str) -> list[str]:
    return list(dict.fromkeys(folded_text(query).split()))[:MAX_QUERY_WORDS]


# --------------------------------------------------------------------------- spelling


def spelling_variants(word: str) -> set[str]:
    """British <-> American spellings of a folded word, as candidates ("colour" → "color"):
    the caller keeps those its text uses (/story ask matches a question's "color" to a
    story's "colour")."""
    return _spelling_variants(word)


def _spelling_variants(word: str) -> set[str]:
    """British <-> American spellings of `word` (candidates; the caller keeps real terms)."""
    found = set()
    if word in _SPELLING_WORDS:
        found.add(_SPELLING_WORDS[word])
    for one, other in _SPELLING_FRAGMENTS:
        for old, new in ((one, other), (other, one)):
            position = word.find(old, 2)
            while position != -1:
                found.add(word[:position] + new + word[position + len(old) :])
                position = word.find(old, position + 1)
    for old, new in (("ae", "e"), ("oe", "e")):  # paediatric, manoeuvre; one way only
        if word.find(old, 1) != -1:
            found.add(word.replace(old, new))
    found.discard(word)
    return found


def _inflections(word: str) -> set[str]:
    """Singular/plural neighbours; crude on purpose, the caller keeps only real terms."""
    if len(word) < 4 or not word.isalpha():
        return set()
    found = {word + "s", word + "es"}
    if word.endswith("es"):
        found.add(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        found.add(word[:-1])
    if word.endswith("ies"):
        found.add(word[:-3] + "y")
    if word.endswith("y"):
        found.add(word[:-1] + "ies")
    return found
