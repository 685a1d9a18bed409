"""Turn the bytes of a story file (or a moderator's text) into a ParsedStory.

Every reason a text cannot become a story is raised as StoryRejected with a
one-line message, before anything touches the database.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from bot.core.gutenberg import unwrap_gutenberg
from bot.core.models import ParsedStory, Passage
from bot.core.text import fold, shorten
from bot.errors import StoryRejected

# Big enough for a long short story (~35,000 words), small enough that one
# upload cannot bloat the database or the search index.
MAX_STORY_BYTES = 200 * 1024
MAX_TITLE_LENGTH = 120
MAX_AUTHOR_LENGTH = 80
MIN_STORY_WORDS = 5

_HEADER_RE = re.compile(r"^(title|author)\s*:\s*(.*)$", re.IGNORECASE)
_MARKDOWN_TITLE_RE = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n")
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’-]*"
_FULL_NAME_RE = re.compile(rf"\b({_NAME_WORD})[ ]({_NAME_WORD})\b")
_CAPITALISED_RE = re.compile(rf"\b{_NAME_WORD}\b")
# Capitalised words that start sentences or name things, never a protagonist.
_NOT_NAMES = frozenset(
    """A An The As At In On Of Or And But So If When While With Without Her His Their She He
    They It Its This That These Those There Then Today Tomorrow Yesterday One Two Before After
    Once Now Here What Why How Who Where Mr Mrs Ms Dr I We You Our My Your Take Welcome
    Bonjour Merci Monsieur Madame Mademoiselle""".split()
)


def decode_story_bytes(raw: bytes, name: str = "text") -> str:
    """Decode, normalise line endings and Unicode; reject what is not a story text."""
    if len(raw) > MAX_STORY_BYTES:
        raise StoryRejected(
            f"{name} is {len(raw) // 1024} KB; the limit is {MAX_STORY_BYTES // 1024} KB per story."
        )
    if not raw.strip():
        raise StoryRejected(f"{name} is empty.")
    if b"\x00" in raw:
        raise StoryRejected(f"{name} looks like a binary file, not text.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise StoryRejected(
            f"{name} is not UTF-8 text (invalid byte at position {error.start}); "
            "save it as UTF-8 and try again."
        ) from None
    return normalise_text(text)


# Unicode category Cc is exactly these two ranges; newline and tab are legitimate text.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def normalise_text(text: str) -> str:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    controls = len(_CONTROL_CHARACTERS.findall(text))
    if controls > max(3, len(text) // 1000):
        raise StoryRejected("the text contains control characters; it looks like a binary file.")
    return text


def parse_story(raw: bytes, name: str = "text") -> ParsedStory:
    """Parse a story file's bytes."""
    return parse_story_text(decode_story_bytes(raw, name), name)


def parse_story_text(
    text: str, name: str = "text", *, title: str | None = None, author: str | None = None
) -> ParsedStory:
    """Parse decoded text; an explicit `title`/`author` overrides the header's."""
    unwrapped = unwrap_gutenberg(normalise_text(text))
    header_title, header_author, body = _split_header(unwrapped.text)
    body = body.strip("\n")
    header_title = header_title or unwrapped.title
    header_author = header_author or unwrapped.author
    if header_title is None or unwrapped.title is not None:
        # A Gutenberg file repeats its title (and "By …") above the story: taken out.
        line_title, header_author, body = _take_title_line(
            body, title or header_title, header_author
        )
        header_title = header_title or line_title
    passages = split_passages(body)
    if sum(len(p.text.split()) for p in passages) < MIN_STORY_WORDS:
        raise StoryRejected(f"{name} has no story text (fewer than {MIN_STORY_WORDS} words).")
    chosen_title = _clean_field(title or header_title, "title", MAX_TITLE_LENGTH)
    chosen_author = _clean_field(author or header_author, "author", MAX_AUTHOR_LENGTH)
    derived = chosen_title is None
    return ParsedStory(
        title=chosen_title or derive_title(body),
        author=chosen_author,
        body=body,
        passages=passages,
        content_hash=content_hash(body),
        title_was_derived=derived,
    )


def content_hash(body: str) -> str:
    """Hash of the story text only, so a header edit is not a new story."""
    canonical = "\n".join(line.rstrip() for line in body.strip().split("\n"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def split_passages(body: str) -> tuple[Passage, ...]:
    """Paragraphs separated by blank lines; offsets index into `body`."""
    passages: list[Passage] = []
    position = 0
    for chunk in [*_PARAGRAPH_BREAK_RE.split(body)]:
        start = body.index(chunk, position)
        position = start + len(chunk)
        stripped = chunk.strip()
        if not stripped:
            continue
        offset = start + chunk.index(stripped)
        # Hard-wrapped paragraphs read as one line in Discord.
        text = " ".join(line.strip() for line in stripped.split("\n"))
        passages.append(Passage(len(passages) + 1, text, offset, offset + len(stripped)))
    return tuple(passages)


def derive_title(body: str) -> str:
    """A readable title from the text: its protagonist's name, else its first words."""
    protagonist = guess_protagonist(body)
    if protagonist:
        return f"The Story of {protagonist}"
    opening = (p.text for p in split_passages(body) if not is_section_break(p.text))
    first_line = next(opening, body.strip())
    return shorten(" ".join(first_line.split()[:8]).rstrip(".,;:!?"), MAX_TITLE_LENGTH)


def guess_protagonist(body: str) -> str | None:
    """The most present full name (First Last), else the most frequent name-like word.

    A deliberately simple stand-in for titles; character extraction proper is
    richer and lives in its own module.
    """
    word_counts = Counter(
        w for w in _CAPITALISED_RE.findall(body) if w.rstrip("'’s") not in _NOT_NAMES
    )
    full_names = [
        f"{first} {last}"
        for first, last in _FULL_NAME_RE.findall(body)
        if first not in _NOT_NAMES and last not in _NOT_NAMES
    ]
    if full_names:
        best = max(dict.fromkeys(full_names), key=lambda n: word_counts[n.split()[0]])
        if word_counts[best.split()[0]] >= 2:
            return best
    frequent = [w for w, count in word_counts.most_common(1) if count >= 3]
    return frequent[0] if frequent else None


def _split_header(text: str) -> tuple[str | None, str | None, str]:
    lines = text.split("\n")
    title: str | None = None
    author: str | None = None
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index < len(lines) and (markdown := _MARKDOWN_TITLE_RE.match(lines[index].strip())):
        title = markdown.group(1)
        index += 1
    while index < len(lines):
        match = _HEADER_RE.match(lines[index].strip())
        if match is None:
            if not lines[index].strip() and (title or author):
                index += 1
                continue
            break
        key, value = match.group(1).lower(), match.group(2).strip()
        if key == "title":
            title = value or title
        else:
            author = value or author
        index += 1
    return title, author, "\n".join(lines[index:])


def _take_title_line(
    body: str, given_title: str | None, header_author: str | None
) -> tuple[str | None, str | None, str]:
    """A first line that reads as a title ("The Samovar", then maybe "by A. Writer") is the
    title, as in most plain-text editions and fan fiction, not the story's first paragraph.

    With a title given explicitly the line is taken out only when it is that title, so
    a short opening line of the story itself is never lost."""
    untouched = None, header_author, body
    paragraphs = _PARAGRAPH_BREAK_RE.split(body, maxsplit=2)
    if len(paragraphs) < 2 or not _reads_as_title(paragraphs[0].strip()):
        return untouched
    line_title = _title_case_if_shouted(paragraphs[0].strip())
    if given_title is not None and fold(given_title) != fold(line_title):
        return untouched
    byline = _BYLINE_RE.fullmatch(paragraphs[1].strip())
    if byline is not None and len(paragraphs) == 3:
        author, rest = header_author or byline.group(1).strip(), paragraphs[2]
    else:
        author, rest = header_author, body[len(paragraphs[0]) :]
    if len(rest.split()) < MIN_STORY_WORDS:
        return untouched
    return line_title, author, rest.strip("\n")


# A story's first line that is a heading of its own, not its title.
_NOT_A_TITLE_RE = re.compile(
    r"(?:chapter|part|book|prologue|epilogue|contents)\b"
    r"|.*,\s*(?:\d{3,4}|(?:\d{1,2}\s+)?[A-Z][a-z]+\s+\d{1,2}(?:,\s*\d{4})?)$",  # "London, 1888"
    re.I,
)
_BYLINE_RE = re.compile(r"by\s+([^\n]{2,80})", re.IGNORECASE)
_SMALL_TITLE_WORDS = frozenset("a an and as at but by for from in into of on or the to".split())


def _reads_as_title(line: str) -> bool:
    """One short line, with no sentence end, that opens no dialogue and is no section mark."""
    words = line.split()
    return (
        "\n" not in line
        and 1 <= len(words) <= 12
        and len(line) <= MAX_TITLE_LENGTH
        and (line[0].isupper() or line[0].isdigit())
        and line[-1] not in ".,;:…\"”'’-–—"
        and not is_section_break(line)
        and _NOT_A_TITLE_RE.match(line) is None
    )


def _title_case_if_shouted(line: str) -> str:
    """ "THE GIFT OF A SAMOVAR" reads "The Gift of a Samovar"; other titles stay as typed."""
    if not line.isupper():
        return line
    words = line.lower().split()
    return " ".join(
        word if i and word in _SMALL_TITLE_WORDS else word[:1].upper() + word[1:]
        for i, word in enumerate(words)
    )


def _clean_field(value: str | None, field: str, limit: int) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.split()).strip("#*_ ")
    if not cleaned:
        return None
    if len(cleaned) > limit:
        raise StoryRejected(f"the {field} is {len(cleaned)} characters; the limit is {limit}.")
    return cleaned


# --- published texts ----------------------------------------------------------------------
# Project Gutenberg and Standard Ebooks conventions, read as a reader reads them. The
# stored text keeps them; analysis (casts, retellings, answers) sees the text without them.

# A section number alone in its paragraph ("I.", "II", "3.", "CHAPTER IV"), a row of
# asterisks, or a Markdown rule ("---", "___").
_SECTION_BREAK_RE = re.compile(
    r"(?:(?i:chapter|part|book)\s+)?(?:[IVXLC]{1,7}|\d{1,3})\.?"
    r"|(?:\*\s*){3,}|[*⁂]|(?:-\s*){3,}|(?:_\s*){3,}"
)
# _italics_ in plain-text editions, *italics* in Markdown and fan fiction: a marker that
# opens or closes a word; **bold** in Markdown.
_ITALICS_RE = re.compile(r"(?<![\w_*])([_*])(?=[^\s_*])([^_*\n]+?)(?<=\S)\1(?![\w_*])")
_BOLD_RE = re.compile(r"(?<![\w*])\*\*(?=[^\s*])([^*\n]+?)(?<=\S)\*\*(?![\w*])")
# "--" is the ASCII spelling of a dash.
_ASCII_DASH_RE = re.compile(r"(?<!-)--(?!-)")
# A fan-fiction author's note or disclaimer: shown to readers, but not the story.
_AUTHORS_NOTE_RE = re.compile(
    r"[*_\s]*(?:A/N|A\.N\.|Author['’]?s\s+notes?|Disclaimer)\b", re.IGNORECASE
)


def is_section_break(text: str) -> bool:
    """Whether a paragraph is a section number or a row of asterisks: a break, not words."""
    return _SECTION_BREAK_RE.fullmatch(text.strip()) is not None


def is_authors_note(text: str) -> bool:
    """Whether a paragraph is an author's note ("A/N: thanks to my beta…")."""
    return _AUTHORS_NOTE_RE.match(text) is not None


def emphasis_spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, bold) of each stretch in `_italics_`, `*italics*` or `**bold**`,
    markers included, in text order."""
    bold = [(*match.span(), True) for match in _BOLD_RE.finditer(text)] if "**" in text else []
    masked = text
    for start, end, _ in bold:  # so "**x**" is not read as italics inside asterisks
        masked = masked[:start] + " " * (end - start) + masked[end:]
    italic = [(*match.span(), False) for match in _ITALICS_RE.finditer(masked)]
    return sorted(bold + italic)


def without_emphasis(
    text: str, offsets: Sequence[tuple[int, int]]
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """`text` with its emphasis markers dropped, and `offsets` (start, end) into it moved
    to match: a search hit in "the *Hollow Bell*" shows "the Hollow Bell", the matched
    words still marked."""
    if "_" not in text and "*" not in text:
        return text, tuple(offsets)
    dropped: list[int] = []
    for start, end, bold in emphasis_spans(text):
        size = 2 if bold else 1
        dropped += [*range(start, start + size), *range(end - size, end)]
    if not dropped:
        return text, tuple(offsets)
    gone = set(dropped)
    kept = "".join(ch for i, ch in enumerate(text) if i not in gone)
    dropped.sort()

    def moved(at: int) -> int:
        return at - bisect.bisect_left(dropped, at)

    return kept, tuple((moved(start), moved(end)) for start, end in offsets)


def italic_names(passages: Sequence[Passage]) -> frozenset[str]:
    """Capitalised phrases the text only ever writes in italics: a ship (*Hollow Bell*), a
    book, an opera, a foreign word. Never a person."""
    emphasised: set[str] = set()
    for passage in passages:
        if "_" in passage.text or "*" in passage.text:
            for start, end, _ in emphasis_spans(passage.text):
                inner = passage.text[start:end].strip("*_")
                if all(word[:1].isupper() for word in inner.split()[:5]):
                    emphasised.add(inner)
    if not emphasised:
        return frozenset()
    text = "\n".join(plain_text(p.text) for p in passages)
    marked = "\n".join(p.text for p in passages)
    return frozenset(
        name
        for name in emphasised
        if text.count(name) == marked.count(f"_{name}_") + marked.count(f"*{name}*")
    )


def plain_text(text: str) -> str:
    """A paragraph as words: emphasis markers dropped, "--" read as a dash."""
    if "**" in text:
        text = _BOLD_RE.sub(r"\1", text)
    if "_" in text or "*" in text:
        text = _ITALICS_RE.sub(r"\2", text)
    if "--" in text:
        text = _ASCII_DASH_RE.sub("—", text)
    return text


def readable_passages(passages: Sequence[Passage]) -> tuple[Passage, ...]:
    """The passages analysis should read: section breaks and author's notes left out, each
    paragraph as `plain_text`. Numbers and offsets stay those of the stored story, so
    every ¶ cited is the reader's."""
    return tuple(
        Passage(p.number, plain_text(p.text), p.start, p.end)
        if ("_" in p.text or "*" in p.text or "--" in p.text)
        else p
        for p in passages
        if not is_section_break(p.text) and not is_authors_note(p.text)
    )
