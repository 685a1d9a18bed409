"""Descriptions that stand for someone already in the cast: "Mr. Adams, the old banker",
"Sergeant-Major Morris" … "the sergeant-major" … "the soldier", "Mr. White" … "the old
man". A reader writes one entry for each of them, with the description as an alias.

Three rules, each about how the text ties a description to a person, never about which
words a story uses:
- apposition: the description stands right beside the name ("Name, the D", "the D, Name");
- a title: the description's noun is the person's title or the kind of person the title
  makes them ("Sergeant-Major Morris" is "the sergeant-major" and "the soldier",
  "Dr. Okafor" "the doctor"), when one person only holds it;
- an epithet: a generic description ("the old man") that the text never introduces
  ("an old man came in") but uses where one person of its gender was just being talked
  about, nearly every time, and never beside that person in one sentence.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from bot.core.characters.aliases import Group, gender_votes, majority
from bot.core.characters.paragraph import Paragraph
from bot.core.characters.scan import Mention
from bot.core.lexicon import TITLES

# What a title makes its holder: a sergeant-major is "the soldier" as much as "the
# sergeant"; a doctor "the doctor". Keys are normalised titles and title words.
_TITLE_NOUNS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        """sergeant major captain colonel lieutenant corporal general private commander
        admiral""".split(),
        frozenset("soldier officer".split()),
    ),
    "dr": frozenset({"doctor"}),
    "prof": frozenset({"professor"}),
    "judge": frozenset({"judge"}),
    "inspector": frozenset({"inspector", "officer"}),
    "detective": frozenset({"detective"}),
    "officer": frozenset({"officer"}),
}
# A capitalised word (or hyphenated words) right before a name: "Sergeant-Major Morris".
_TITLE_BEFORE_RE = re.compile(r"([A-Z][a-z]+(?:-[A-Z][a-z]+)*)\.?\s+$")
# The rest of a hyphenated noun: "-major" after "the sergeant".
_HYPHENATED_RE = re.compile(r"(?:-[a-z]+)+")
# An epithet has to stand for the same person this share of the times it is used.
_EPITHET_SHARE = 2 / 3
_EPITHET_MIN_VOTES = 2
# How many paragraphs back (this one included) a use looks for the person it stands for.
_EPITHET_REACH = 4
_SPOUSE_NOUNS = frozenset("man woman lady gentleman".split())
_CHILD_NOUNS = frozenset("boy girl child".split())
_ADULT_TITLES = frozenset(
    "mr mrs madame monsieur señor señora signor signora herr frau lady lord sir dame".split()
)


def title_holders(paragraphs: dict[int, Paragraph], people: Iterable[Group]) -> dict[str, Group]:
    """Nouns a person's title gives them, for nouns only one person holds."""
    holders: dict[str, set[int]] = defaultdict(set)
    by_id: dict[int, Group] = {}
    for person in people:
        by_id[person.id] = person
        for noun in _title_nouns(person, paragraphs):
            holders[noun].add(person.id)
    return {noun: by_id[next(iter(ids))] for noun, ids in holders.items() if len(ids) == 1}


def _title_nouns(person: Group, paragraphs: dict[int, Paragraph]) -> set[str]:
    words: set[str] = set(person.titles)
    for mention in person.mentions:
        if mention.title is None:
            title = title_before(paragraphs[mention.passage].text, mention.start)
            if title is not None:
                words.update(title.lower().split("-"))
    nouns = {w for w in words if w in _TITLE_NOUNS}
    for word in list(nouns):
        nouns |= _TITLE_NOUNS[word]
    return nouns


def title_before(text: str, start: int) -> str | None:
    """What _TITLE_BEFORE_RE finds in the 30 characters before `start`. It can match only
    in the last run of letters, hyphens and full stops before the spaces there, and only
    if that run has a capital: most words before a name are "the", "said", "and", and
    those are turned down without the pattern, which would be tried at every offset."""
    low = max(0, start - 30)
    end = start
    while end > low and text[end - 1].isspace():
        end -= 1
    if end == start:
        return None  # no space before the name: nothing can end there
    run = end
    while run > low and (text[run - 1].isalpha() or text[run - 1] in "-."):
        run -= 1
    if not any("A" <= char <= "Z" for char in text[run:end]):
        return None
    found = _TITLE_BEFORE_RE.search(text, low, start)
    return None if found is None else found.group(1)


def epithet_owner(
    described: Group,
    paragraphs: dict[int, Paragraph],
    groups: dict[int, Group],
    by_passage: dict[int, list[Mention]],
) -> Group | None:
    """The named person a generic description ("the old man") stands for, if the text
    makes it plain; None when it could be someone the text never names.

    "the old couple" with one titled couple (Mr. and Mrs. White): "the old man" is the
    husband, "the old woman" the wife. Otherwise each use votes for the person of its
    gender last named in the narration a few paragraphs back; one person has to win
    nearly every vote, never stand beside the description in a sentence, and fit it (a
    "Mrs." is nobody's "child")."""
    if described.gender is None or _introduced(described, paragraphs):
        return None
    spouse = _couple_member(described, paragraphs, groups)
    if spouse is not None:
        return spouse
    votes: Counter[int] = Counter()
    for mention in described.mentions:
        owner = _nearest_before(mention, described, by_passage, groups)
        if owner is not None:
            votes[owner] += 1
    if not votes:
        return None
    winner, count = votes.most_common(1)[0]
    if count < _EPITHET_MIN_VOTES or count < _EPITHET_SHARE * len(described.mentions):
        return None
    person = groups[winner]
    if described.words[-1] in _CHILD_NOUNS and person.titles & _ADULT_TITLES:
        return None
    sentences = {_sentence_of(m, paragraphs) for m in described.mentions}
    if any(_sentence_of(m, paragraphs) in sentences for m in person.mentions):
        return None
    return person


def _couple_member(
    described: Group, paragraphs: dict[int, Paragraph], groups: dict[int, Group]
) -> Group | None:
    adjectives = described.words[1:-1]
    if len(adjectives) != 1 or described.words[-1] not in _SPOUSE_NOUNS:
        return None
    couple = re.compile(rf"\b[Tt]he\s+{re.escape(adjectives[0])}\s+couple\b")
    # The word is looked for first: a pattern that opens with \b is tried at every offset.
    if not any("couple" in p.text and couple.search(p.text) for p in paragraphs.values()):
        return None
    titled: dict[str, dict[str, list[Group]]] = defaultdict(lambda: defaultdict(list))
    for group in groups.values():
        if group.kind == "person" and group.mentions and len(group.titles) == 1:
            gender = TITLES.get(next(iter(group.titles)))
            if gender is not None:
                titled[group.words[-1]][gender].append(group)
    couples = [
        by_gender
        for by_gender in titled.values()
        if len(by_gender) == 2 and all(len(members) == 1 for members in by_gender.values())
    ]
    if len(couples) != 1:
        return None
    return couples[0][described.gender or ""][0] if described.gender in couples[0] else None


def _nearest_before(
    mention: Mention,
    described: Group,
    by_passage: dict[int, list[Mention]],
    groups: dict[int, Group],
) -> int | None:
    """The person of a fitting gender last named in the narration before the mention, a
    few paragraphs back at most; names only, so a description is not its own evidence."""
    for number in range(mention.passage, mention.passage - _EPITHET_REACH, -1):
        earlier = by_passage.get(number, [])
        if number == mention.passage:
            earlier = [m for m in earlier if m.start < mention.start]
        for other in reversed(earlier):
            if other.quoted or other.group in (-1, described.id) or other.surface[:1].islower():
                continue
            group = groups[other.group]
            if group.kind == "person" and group.gender == described.gender:
                return group.id
    return None


def _introduced(described: Group, paragraphs: dict[int, Paragraph]) -> bool:
    """ "an old man came in" before "the old man": someone new, not an epithet."""
    words = described.words[1:]
    pattern = re.compile(r"\b[Aa]n?\s+" + r"\s+".join(map(re.escape, words)) + r"\b")
    first = described.mentions[0]
    for number, paragraph in paragraphs.items():
        if number > first.passage:
            break
        limit = first.start if number == first.passage else len(paragraph.text)
        if words[-1] in paragraph.text and pattern.search(paragraph.text, 0, limit):
            return True
    return False


def _sentence_of(mention: Mention, paragraphs: dict[int, Paragraph]) -> tuple[int, int]:
    starts = paragraphs[mention.passage].sentence_starts
    return mention.passage, bisect.bisect_right(starts, mention.start)


def join(person: Group, found: Sequence[Mention], paragraphs: dict[int, Paragraph]) -> None:
    """The description's mentions become the person's: an alias as the text writes it
    ("the old banker", "the sergeant-major"), and their lines."""
    for mention in found:
        text = paragraphs[mention.passage].text
        if text.startswith(("the ", "The "), mention.start):
            continued = _HYPHENATED_RE.match(text, mention.end)
            if continued is not None:  # "the sergeant" of "the sergeant-major"
                mention.end = mention.after = continued.end()
            mention.surface = "the" + text[mention.start + 3 : mention.end]
        mention.words = person.words
        mention.group = person.id
        person.mentions.append(mention)
    person.mentions.sort(key=lambda m: (m.passage, m.start))
    if person.gender is None:
        # "Morris" says nothing; "the sergeant-major shook his head" does.
        person.gender = majority(gender_votes(person.mentions, paragraphs))
