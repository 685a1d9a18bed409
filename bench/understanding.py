"""How well Conteur understands real stories: casts, answers, retellings, questions.

Run from the repository root:  .venv/bin/python -m bench.understanding   (or `make eval`)

Scores the real code paths (the functions /story ask, /story retell, /story discuss,
/character and /character compare call) against the hand-written ground truth in
../shared/realstories/truth.json (see its README), printing one row per story and a
total. It also checks that the seed stories and the hard cases in tests/ keep exactly the
casts their tests expect. Without ../shared it says so and exits 0.

The eight stories are a development set: a held-back set judges the result, so a rule
that only helps these eight is no improvement.

How each figure is counted (the rules the issue's baseline was measured with):
- a truth character is found when a cast character shares a name or alias with it (case
  and ’/' folded), each cast character counting for one person at most; "named" and
  "unnamed" split them by the truth's `named`;
- "gender" counts the people found whose cast gender is the truth's (f or m);
- a non-person is a cast character that is in the truth's `not_characters` or matches no
  truth character and no mentioned-only person;
- an answer quotes the evidence when the evidence sentence occurs in the answer (quote
  marks, markdown and spacing ignored); a "doesn't say" answer to an answerable question is
  false, to the unanswerable one honest;
- "answered" counts both: the evidence quoted, or "doesn't say" where nothing answers;
- a plot event is kept when at least half of its keywords (stems allowed) occur in the retelling;
- a retold sentence changes the meaning when it is a section number, ends at a colon
  without what the colon introduces, or is not a piece of one paragraph of the text,
  word for word, or differs from it only by a pronoun turned into the name of the truth
  character of that gender most recently mentioned before it (none: the protagonist);
- a discussion question or comparison line is wrong when it names a non-person (a
  `not_characters` entry that the cast does not list as a place, or a cast character who is
  no one) or says two people meet when a sentence of the text makes them kin.
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import math
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.referents import Someone, referents_moved
from bench.retell import generated_story, percentile
from bot.app.answers import answer_question
from bot.app.library import Library
from bot.core.cast import Cast, Character
from bot.core.characters import extract_cast
from bot.core.compare import Side, compare_characters
from bot.core.models import Passage
from bot.core.parsing import parse_story, readable_passages
from bot.core.questions import discussion_questions
from bot.core.retelling import Length, retell
from bot.core.sentences import split_sentences
from bot.discord_adapter.rendering.telling import shown_length
from bot.storage import Store

ROOT = Path(__file__).resolve().parents[1]
REALSTORIES = ROOT.parent / "shared" / "realstories"
SEEDS = ROOT / "data" / "stories"
HARD = ROOT / "tests" / "data" / "characters"
SEED_CASTS = {
    "000_0ed4ce5078f55053": {"Valérie Ivanov", "Sophie"},
    "001_8f38e0b885466f60": {"Zoe Kuznetsova", "Sophie"},
    "002_ffa6864c1bcd727b": {"Léa Roux"},
}
LENGTHS: tuple[Length, ...] = ("short", "medium", "long")
_NOT_SAID_RE = re.compile(r"\b(?:don['’]t|doesn['’]t|does not|do not) say\b", re.IGNORECASE)
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[^\w\s]")
_PRONOUN_GENDER = {
    "she": "f", "her": "f", "hers": "f", "herself": "f",
    "he": "m", "him": "m", "his": "m", "himself": "m",
}  # fmt: skip
_KIN = (
    r"father|mother|wife|husband|son|daughter|brother|sister|uncle|aunt|niece|nephew|"
    r"cousin|parents?|child|children"
)
# A section number alone ("I.", "II", "3."): a break, not a sentence.
_SECTION_RE = re.compile(r"(?:[IVXLC]+|\d{1,3})\.?")
_CLOSERS = " \"”’'"
_MEET_RE = re.compile(r"\bmeet(?:s|ing)?\b|\bmet\b", re.IGNORECASE)


def fold(text: str) -> str:
    return " ".join(text.replace("’", "'").casefold().split())


def _plain(text: str) -> str:
    """Text for containment: no quote marks, markdown or ellipses, spacing collapsed."""
    text = re.sub(r"[\"“”‘’'*_\\…]", "", text.replace("--", " ").replace("—", " "))
    return " ".join(text.casefold().split())


def _word_in(phrase: str, text: str) -> bool:
    return re.search(rf"(?<![\w’']){re.escape(phrase)}(?![\w])", text) is not None


# --------------------------------------------------------------------------- truth
@dataclass
class Person:
    name: str
    forms: frozenset[str]  # folded name and aliases
    gender: str
    named: bool
    role: str


def _forms(entry: dict[str, Any]) -> frozenset[str]:
    return frozenset(fold(form) for form in [entry["name"], *entry.get("aliases", [])])


def _matches(character: Character, forms: frozenset[str]) -> bool:
    """A cast name or alias is one of the person's forms, or a form cut short of its
    qualifier ("the boy" for "the boy on the bank steps")."""
    return any(
        fold(alias) in forms
        or (fold(alias).startswith("the ") and any(f.startswith(fold(alias) + " ") for f in forms))
        for alias in {character.name, *character.aliases}
    )


@dataclass
class Scores:
    named: list[int] = field(default_factory=lambda: [0, 0])
    unnamed: list[int] = field(default_factory=lambda: [0, 0])
    non_people: list[str] = field(default_factory=list)
    genders: list[int] = field(default_factory=lambda: [0, 0])
    evidence: list[int] = field(default_factory=lambda: [0, 0])
    false_not_said: int = 0
    honest_not_said: list[int] = field(default_factory=lambda: [0, 0])
    short_events: list[int] = field(default_factory=lambda: [0, 0])
    endings: list[int] = field(default_factory=lambda: [0, 0])
    medium_events: list[int] = field(default_factory=lambda: [0, 0])
    changed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    misquoted: list[str] = field(default_factory=list)
    bad_questions: list[str] = field(default_factory=list)
    questions: int = 0
    bad_comparisons: list[str] = field(default_factory=list)
    missed_answers: list[str] = field(default_factory=list)
    missed_people: list[str] = field(default_factory=list)
    lost_events: list[str] = field(default_factory=list)

    def add(self, other: Scores) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            if isinstance(value, int):
                setattr(self, name, mine + value)
            elif value and isinstance(value[0], str):
                mine.extend(value)
            elif isinstance(value, list) and not isinstance(mine, list):
                continue
            elif value and isinstance(value[0], int):
                mine[0] += value[0]
                mine[1] += value[1]


def score_cast(cast: Cast, truth: dict[str, Any], scores: Scores) -> list[Person]:
    people = [
        Person(c["name"], _forms(c), c["gender"], c["named"], c["role"])
        for c in truth["characters"]
    ]
    mentioned = [_forms(m) for m in truth["mentioned_only"]]
    # One cast character counts for one person at most: "Herbert White" with the alias
    # "Mr. White" is the son or the father, not both.
    found = _one_to_one(people, cast.characters)
    for index, person in enumerate(people):
        tally = scores.named if person.named else scores.unnamed
        tally[1] += 1
        if index in found:
            tally[0] += 1
            if person.gender in ("f", "m"):
                scores.genders[1] += 1
                scores.genders[0] += found[index].gender == person.gender
        else:
            scores.missed_people.append(person.name)
    not_people = {fold(n) for n in truth["not_characters"]}
    for character in cast.characters:
        is_someone = any(_matches(character, p.forms) for p in people) or any(
            _matches(character, forms) for forms in mentioned
        )
        if not is_someone or _matches(character, frozenset(not_people)):
            scores.non_people.append(character.name)
    return people


def _one_to_one(people: Sequence[Person], characters: Sequence[Character]) -> dict[int, Character]:
    """The people matched to distinct cast characters (a maximum bipartite matching)."""
    owner: dict[int, int] = {}  # cast character index -> person index

    def assign(person: int, seen: set[int]) -> bool:
        for index, character in enumerate(characters):
            if index in seen or not _matches(character, people[person].forms):
                continue
            seen.add(index)
            if index not in owner or assign(owner[index], seen):
                owner[index] = person
                return True
        return False

    for person in range(len(people)):
        assign(person, set())
    return {person: characters[index] for index, person in owner.items()}


# ------------------------------------------------------------------------ answers
async def score_answers(
    library: Library,
    story_id: int,
    truth: dict[str, Any],
    scores: Scores,
    passages: Sequence[Passage] = (),
) -> None:
    for item in truth["questions"]:
        answer = await answer_question(library, item["question"], guild_id=None, story_id=story_id)
        not_said = bool(_NOT_SAID_RE.search(answer.text))
        scores.misquoted += [
            f"{item['question']}: {why}" for why in misquoted(answer.text, passages)
        ]
        if item["evidence"] is None:
            scores.honest_not_said[1] += 1
            scores.honest_not_said[0] += not_said
            if not not_said:
                scores.missed_answers.append(f"(unanswerable) {item['question']}")
            continue
        scores.evidence[1] += 1
        if _plain(item["evidence"]) in _plain(answer.text):
            scores.evidence[0] += 1
        else:
            scores.false_not_said += not_said
            scores.missed_answers.append(item["question"])


_QUOTED_ANSWER_RE = re.compile(r"“(?P<quote>.*?)” — (?P<title>[^\n]+?), ¶(?P<number>\d+)", re.S)


def misquoted(answer: str, passages: Sequence[Passage]) -> list[str]:
    """The quotations of an answer that are not the text's words: each run between "…"
    must be a piece of its paragraph, word for word (quote marks and spacing aside), so
    two sentences the text keeps apart are never run together as one passage."""
    by_number = {p.number: p.text for p in passages}
    wrong = []
    for match in _QUOTED_ANSWER_RE.finditer(answer):
        paragraph = by_number.get(int(match["number"]))
        if paragraph is None:
            continue
        source = _plain(paragraph)
        for run in match["quote"].split(" … "):
            if _plain(run) not in source:
                wrong.append(f"¶{match['number']}: {run[:80]!r} is not in its paragraph")
    return wrong


# ---------------------------------------------------------------------- retelling
def _stem_match(keyword: str, words: set[str]) -> bool:
    if keyword in words:
        return True
    if len(keyword) < 4:
        return False
    prefix = keyword[: max(4, len(keyword) - 2)]
    return any(word.startswith(prefix) for word in words)


def events_kept(text: str, events: Sequence[dict[str, Any]]) -> list[bool]:
    words = set(re.findall(r"[^\W\d_]+", text.casefold()))
    kept = []
    for event in events:
        keywords = event["keywords"]
        needed = math.ceil(len(keywords) / 2)
        kept.append(sum(_stem_match(k, words) for k in keywords) >= min(needed, len(keywords)))
    return kept


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN_RE.findall(text.replace("’", "'")) if t not in '"“”']


def _person_named(tokens: Sequence[str], people: Sequence[Person]) -> Person | None:
    """The truth person whose form these tokens spell (a trailing 's allowed)."""
    words = [t for t in tokens if t != "'s"]
    if words and words[-1].endswith("'s"):
        words[-1] = words[-1][:-2]
    phrase = fold(" ".join(words)).replace(" .", ".")
    return next((p for p in people if phrase in p.forms), None)


def _last_person_before(
    source: str, people: Sequence[Person], gender: str, protagonist: Person | None
) -> Person | None:
    """The person of `gender` the text last names before a pronoun (none: the
    protagonist, the one a story opening with "She" is about)."""
    folded = fold(source)
    best: tuple[int, Person] | None = None
    for person in people:
        if person.gender != gender:
            continue
        for form in person.forms:
            for match in re.finditer(rf"(?<![\w']){re.escape(form)}(?![\w])", folded):
                if folded.startswith("'s", match.end()):
                    continue  # "the banker's house" is about the house
                if best is None or match.start() > best[0]:
                    best = (match.start(), person)
    return best[1] if best else protagonist


def sentence_changed(
    retold: str,
    passage: int,
    passages: Sequence[Passage],
    people: Sequence[Person],
    next_kept: int | None = None,
) -> str | None:
    """Why `retold` does not say what the text says, or None when it is faithful."""
    paragraph = passages[passage - 1].text
    if _SECTION_RE.fullmatch(retold.strip()):
        return "a section number read as a sentence"
    if retold.rstrip(_CLOSERS).endswith(":") and not paragraph.rstrip(_CLOSERS).endswith(
        retold.rstrip(_CLOSERS)
    ):
        return "cut at a colon, what it introduces left out"
    if retold.rstrip(_CLOSERS).endswith(":") and next_kept != passage + 1:
        return "cut at a colon, what it introduces (the next paragraph) left out"
    if _plain(retold) in _plain(paragraph):
        return None
    # Diffed against the sentence of the paragraph it is (a name put for an opening
    # "He" must not read as the sentence before it deleted).
    mine = _tokens(retold)
    source = max(
        (_tokens(sentence) for sentence in split_sentences(paragraph)),
        key=lambda words: difflib.SequenceMatcher(None, words, mine, autojunk=False).ratio(),
    )
    before_sentence = paragraph[: paragraph.find(" ".join(source[:3])[:12])] if source else ""
    matcher = difflib.SequenceMatcher(None, source, mine, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return "not in its paragraph"
    protagonist = next((p for p in people if p.role == "protagonist"), None)
    reasons = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (j2 <= blocks[0].b and tag == "delete"):
            continue
        if tag == "delete" and (i1 >= blocks[-1].a + blocks[-1].size or i2 <= blocks[0].a):
            continue  # the rest of the paragraph, outside the sentence
        if tag != "replace" or i2 - i1 != 1 or fold(source[i1]) not in _PRONOUN_GENDER:
            if tag == "replace" and i2 - i1 == 1 and fold(source[i1]) in ("were", "are", "have"):
                continue  # "They were" → "<name> was" goes with the pronoun
            reasons.append(f"{tag} {source[i1:i2]} → {mine[j1:j2]}")
            continue
        person = _person_named(mine[j1:j2], people)
        gender = _PRONOUN_GENDER[fold(source[i1])]
        before = " ".join(p.text for p in passages[max(0, passage - 3) : passage - 1])
        before += " " + before_sentence + " " + " ".join(source[:i1])
        # Whom "…," he said means is the narration's, never a name inside the quotation.
        before = re.sub(r'"[^"]*"?\s*$|“[^”]*”?\s*$', " ", before)
        referent = _last_person_before(before, people, gender, protagonist)
        if person is None:
            reasons.append(f"{source[i1]} → {' '.join(mine[j1:j2])} (no one)")
        elif person.gender != gender:
            reasons.append(f"{source[i1]} → {person.name} (gender)")
        elif referent is not None and referent is not person:
            reasons.append(f"{source[i1]} → {person.name} (the text means {referent.name})")
    return "; ".join(reasons) or None


def score_retellings(
    passages: Sequence[Passage],
    protagonist: str | None,
    truth: dict[str, Any],
    people: Sequence[Person],
    scores: Scores,
) -> None:
    events = truth["events"]
    paragraphs = [(p.number, p.text) for p in readable_passages(passages)]
    someone = [Someone(p.name, p.forms, p.gender) for p in people if p.gender in ("f", "m")]
    for length in LENGTHS:
        retelling = retell(passages, length=length, protagonist=protagonist, measure=shown_length)
        if length in ("short", "medium"):
            kept = events_kept(retelling.text, events)
            tally = scores.short_events if length == "short" else scores.medium_events
            tally[0] += sum(kept)
            tally[1] += len(kept)
            if length == "short":
                scores.endings[0] += kept[-1]
                scores.endings[1] += 1
                lost = [event["event"] for event, ok in zip(events, kept, strict=True) if not ok]
                scores.lost_events += lost
        kept_sentences = retelling.sentences
        moved = referents_moved([(s.text, s.passage) for s in kept_sentences], paragraphs, someone)
        scores.moved += [f"{length}: {line}" for line in moved]
        for index, sentence in enumerate(kept_sentences):
            following = kept_sentences[index + 1] if index + 1 < len(kept_sentences) else None
            next_kept = following.passage if following else None
            reason = sentence_changed(sentence.text, sentence.passage, passages, people, next_kept)
            if reason:
                scores.changed.append(f"{length}: {sentence.text[:90]!r}: {reason}")


# ------------------------------------------------------------ questions, comparison
def _kin_pairs(passages: Sequence[Passage], people: Sequence[Person]) -> set[frozenset[str]]:
    """Pairs of people the text makes kin: "her sister Josephine" in a sentence naming
    Louise, "Mrs. White's husband", "Mr. and Mrs. White"."""
    pairs: set[frozenset[str]] = set()
    kin = rf"(?:{_KIN})"
    for passage in passages:
        for sentence in re.split(r"(?<=[.!?])\s+", fold(passage.text)):
            present = {
                p.name: [re.escape(f) for f in p.forms if _word_in(f, sentence)] for p in people
            }
            present = {name: forms for name, forms in present.items() if forms}
            for a, a_forms in present.items():
                for b, b_forms in present.items():
                    if a == b:
                        continue
                    one, other = "|".join(a_forms), "|".join(b_forms)
                    linked = (
                        rf"(?:his|her|their|(?:{one})'s) {kin},? (?:{other})\b",
                        rf"\b(?:{other}), (?:his|her|their|(?:{one})'s) {kin}\b",
                        rf"\b(?:{one})'s {kin}\b",
                    )
                    if any(re.search(pattern, sentence) for pattern in linked):
                        pairs.add(frozenset((a, b)))
    return pairs


def wrong_line(
    line: str,
    cast: Cast,
    truth: dict[str, Any],
    people: Sequence[Person],
    kin: set[frozenset[str]],
) -> str | None:
    places = [place.name.removeprefix("the ") for place in cast.places]
    mentioned = [_forms(m) for m in truth["mentioned_only"]]
    for thing in truth["not_characters"]:
        # A place named as a place is no mistake: "What part does the Ganges play?"
        as_place = any(thing in place and _word_in(place, line) for place in places)
        if not as_place and _word_in(thing, line):
            return f"names {thing!r}"
    for character in cast.characters:
        if not any(_word_in(alias, line) for alias in {character.name, *character.aliases}):
            continue
        someone = any(_matches(character, p.forms) for p in people) or any(
            _matches(character, forms) for forms in mentioned
        )
        if not someone:
            return f"names {character.name!r}"
    if _MEET_RE.search(line):
        folded = fold(line)
        said = {p.name: [f for f in p.forms if _word_in(f, folded)] for p in people}
        # "Mangan's sister" names her, not Mangan.
        named = [
            name
            for name, forms in said.items()
            if forms
            and not all(
                any(f in g and f != g for other, gs in said.items() if other != name for g in gs)
                for f in forms
            )
        ]
        for a in named:
            for b in named:
                if a < b and frozenset((a, b)) in kin:
                    return f"{a} and {b} are kin, not a meeting"
    return None


def score_talk(
    passages: Sequence[Passage],
    cast: Cast,
    title: str,
    truth: dict[str, Any],
    people: Sequence[Person],
    scores: Scores,
) -> None:
    kin = _kin_pairs(passages, people)
    questions = discussion_questions(passages, cast, title=title)
    scores.questions += len(questions)
    for question in questions:
        reason = wrong_line(question, cast, truth, people, kin)
        if reason:
            scores.bad_questions.append(f"{question!r}: {reason}")
    pair = truth["compare"]
    sides = [_find(cast, person) for person in people if person.name in (pair["a"], pair["b"])]
    found = [side for side in sides if side is not None]
    if len(found) == 2:
        comparison = compare_characters(
            Side(title, found[0], passages=tuple(passages)),
            Side(title, found[1], passages=tuple(passages)),
        )
        for point in (*comparison.shared, *comparison.differences):
            reason = wrong_line(point.text, cast, truth, people, kin)
            if reason:
                scores.bad_comparisons.append(f"{point.text!r}: {reason}")


def _find(cast: Cast, person: Person) -> Character | None:
    return next((c for c in cast.characters if _matches(c, person.forms)), None)


# ------------------------------------------------------------------ regressions
def exact_casts() -> list[str]:
    """The seeds' and hard cases' casts that differ from what their tests expect."""
    from tests.core.test_characters import HARD_CASES  # one list of expectations

    failures = []
    expected: dict[Path, set[str]] = {
        SEEDS / f"{stem}.txt": want for stem, want in SEED_CASTS.items()
    }
    expected.update({HARD / f"{stem}.txt": case[0] for stem, case in HARD_CASES.items()})
    for path, want in expected.items():
        passages = parse_story(path.read_bytes(), path.name).passages
        got = {c.name for c in extract_cast(passages).characters}
        if got != want:
            failures.append(f"{path.name}: {sorted(got)} instead of {sorted(want)}")
    return failures


# ------------------------------------------------------------------------- speed
def speed(runs: int) -> tuple[float, float, float, float]:
    """Median and p95 ms of cast extraction and of a short retelling, 5,000 words."""
    passages = generated_story(5_000)
    timings: dict[str, list[float]] = {"cast": [], "retell": []}
    extract_cast(passages)
    retell(passages, length="short")
    for _ in range(runs):
        started = time.perf_counter()
        extract_cast(passages)
        timings["cast"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        retell(passages, length="short")
        timings["retell"].append((time.perf_counter() - started) * 1000)
    cast, retold = timings["cast"], timings["retell"]
    return (
        statistics.median(cast),
        percentile(cast, 0.95),
        statistics.median(retold),
        percentile(retold, 0.95),
    )


# ------------------------------------------------------------------------ report
COLUMNS = (
    ("story", 22),
    ("named", 6),
    ("unnamed", 7),
    ("non-ppl", 7),
    ("gender", 6),
    ("answered", 8),
    ("evidence", 8),
    ("false-ns", 8),
    ("misquote", 8),
    ("honest-ns", 9),
    ("short-ev", 8),
    ("endings", 7),
    ("medium-ev", 9),
    ("changed", 7),
    ("referent", 8),
    ("bad-q", 5),
    ("bad-cmp", 7),
)


def _row(name: str, s: Scores) -> str:
    cells = [
        name,
        f"{s.named[0]}/{s.named[1]}",
        f"{s.unnamed[0]}/{s.unnamed[1]}",
        str(len(s.non_people)),
        f"{s.genders[0]}/{s.genders[1]}",
        f"{s.evidence[0] + s.honest_not_said[0]}/{s.evidence[1] + s.honest_not_said[1]}",
        f"{s.evidence[0]}/{s.evidence[1]}",
        str(s.false_not_said),
        str(len(s.misquoted)),
        f"{s.honest_not_said[0]}/{s.honest_not_said[1]}",
        f"{s.short_events[0]}/{s.short_events[1]}",
        f"{s.endings[0]}/{s.endings[1]}",
        f"{s.medium_events[0]}/{s.medium_events[1]}",
        str(len(s.changed)),
        str(len(s.moved)),
        f"{len(s.bad_questions)}/{s.questions}",
        str(len(s.bad_comparisons)),
    ]
    return "| " + " | ".join(c.ljust(w) for c, (_, w) in zip(cells, COLUMNS, strict=True)) + " |"


def _details(name: str, s: Scores) -> Iterable[str]:
    for label, items in (
        ("missed people", s.missed_people),
        ("non-people", s.non_people),
        ("answers without the evidence", s.missed_answers),
        ("quotations that are not the text's words", s.misquoted),
        ("events lost in the short retelling", s.lost_events),
        ("changed sentences", s.changed),
        ("pronouns meaning someone else", s.moved),
        ("bad questions", s.bad_questions),
        ("bad comparison lines", s.bad_comparisons),
    ):
        for item in items:
            yield f"  {name}: {label}: {item}"


async def evaluate(verbose: bool) -> Scores:
    truth = json.loads((REALSTORIES / "truth.json").read_text(encoding="utf-8"))
    total = Scores()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(Path(folder) / "eval.sqlite3")
        try:
            library = Library(store)
            added = {}
            for filename in truth:
                raw = (REALSTORIES / filename).read_bytes()
                added[filename] = await library.add_story(parse_story(raw, filename), guild_id=None)
            for filename, story_truth in truth.items():
                summary = added[filename]
                story = await store.stories.get_story(summary.id)
                assert story is not None
                cast = await store.casts.get_cast(summary.id)
                scores = Scores()
                people = score_cast(cast, story_truth, scores)
                await score_answers(library, summary.id, story_truth, scores, story.passages)
                score_retellings(story.passages, summary.protagonist, story_truth, people, scores)
                score_talk(story.passages, cast, story.title, story_truth, people, scores)
                name = filename.removesuffix(".txt")
                rows.append(_row(name, scores))
                if verbose:
                    rows.extend(_details(name, scores))
                total.add(scores)
        finally:
            await store.close()
    print("| " + " | ".join(label.ljust(w) for label, w in COLUMNS) + " |")
    print("|" + "|".join("-" * (w + 2) for _, w in COLUMNS) + "|")
    for row in rows:
        print(row)
    print(_row("TOTAL", total))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    parser.add_argument("--runs", type=int, default=30, help="timing runs (5,000 words)")
    arguments = parser.parse_args()
    if not (REALSTORIES / "truth.json").is_file():
        print(f"Skipped: {REALSTORIES} is absent (the shared folder beside the repository).")
        return
    asyncio.run(evaluate(arguments.verbose))
    failures = exact_casts()
    print()
    print("seeds and hard cases exact:", "yes" if not failures else "NO")
    for failure in failures:
        print("  " + failure)
    cast_median, cast_p95, retell_median, retell_p95 = speed(arguments.runs)
    print(
        f"5,000-word story: cast extraction median {cast_median:.2f} ms (p95 {cast_p95:.2f}), "
        f"short retelling median {retell_median:.2f} ms (p95 {retell_p95:.2f})"
    )
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
