"""Aliases and gender: the forms of one name merged into one person ("Valérie Ivanov",
"Valérie", "Mrs. Ivanov") and each person's gender from titles, nouns and pronouns."""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from bot.core.characters.gender_cues import (
    after_preposition,
    called_in_narration,
    first_pronoun_gender,
    other_gender_after,
    rival_between,
    signed_as,
)
from bot.core.characters.paragraph import Paragraph, previous_words
from bot.core.characters.patterns import (
    WORD_RE,
)
from bot.core.characters.scan import Mention
from bot.core.lexicon import (
    FEMALE_NOUNS,
    GENDERED_NOUNS,
    KIN_NAMES,
    MALE_NOUNS,
    TITLES,
)


class Group:
    """Mentions of one name (and its shorter forms): a person, a place, or neither.

    A plain class, not a dataclass (as scan.Mention): compiled, a dataclass keeps the
    __init__ the dataclasses module writes in Python. Same fields, equality and repr."""

    __slots__ = ("gender", "id", "kind", "label", "mentions", "spouse", "titles", "words")

    def __init__(
        self,
        id: int,
        words: tuple[str, ...],
        titles: set[str] | None = None,
        mentions: list[Mention] | None = None,
        kind: str = "none",  # "person" | "place" | "none"
        gender: str | None = None,
        # Parted from a titled spouse ("Fortunato" from "the Lady Fortunato"): a person.
        spouse: bool = False,
        # The name to show when no mention spells it: a narrator others call "Sam".
        label: str | None = None,
    ) -> None:
        self.id = id
        self.words = words
        self.titles: set[str] = set() if titles is None else titles
        self.mentions: list[Mention] = [] if mentions is None else mentions
        self.kind = kind
        self.gender = gender
        self.spouse = spouse
        self.label = label

    def _fields(self) -> tuple[object, ...]:
        return (
            self.id,
            self.words,
            self.titles,
            self.mentions,
            self.kind,
            self.gender,
            self.spouse,
            self.label,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Group):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    def __repr__(self) -> str:
        return (
            f"Group(id={self.id!r}, words={self.words!r}, titles={self.titles!r}, "
            f"mentions={self.mentions!r}, kind={self.kind!r}, gender={self.gender!r}, "
            f"spouse={self.spouse!r}, label={self.label!r})"
        )

    @property
    def first(self) -> Mention:
        return self.mentions[0]


def _name_starts(mentions: Iterable[Mention]) -> dict[int, list[int]]:
    """Where names (not places, not in quotes) start, per paragraph, in order."""
    starts: dict[int, list[int]] = defaultdict(list)
    for mention in mentions:
        if not mention.place_kind and not mention.quoted:
            starts[mention.passage].append(mention.start)
    for found in starts.values():
        found.sort()
    return starts


def gender_votes(
    mentions: Sequence[Mention],
    paragraphs: dict[int, Paragraph],
    stops: dict[int, list[int]] | None = None,
    background: str | None = None,
    rivals: dict[int, list[tuple[int, str]]] | None = None,
) -> list[str]:
    """The first he/she-type pronoun after each mention, before anyone else is named
    (a name in `stops`, by default `mentions`). "him" and an object "her" ("smiled at
    her") are someone else, so they do not count.

    `background`: the gender the narration's pronouns mostly have (a story that says
    "she" of its heroine on every line). A pronoun of that gender after a name may be
    hers, so it weighs half of one of the other gender; and when the other gender's
    he or his follows it ("Owen was kind. She was to go away with him to be his wife"),
    that is the name's.

    `rivals`: where others whose gender a title gives are named, per paragraph. A
    pronoun of their gender after one of them is more likely theirs ("Sue found Mr.
    Behrman's door … in his den" says nothing of Sue)."""
    if stops is None:
        stops = _name_starts(mentions)
    votes: list[str] = []
    for mention in mentions:
        if mention.quoted or mention.place_kind:
            continue
        paragraph = paragraphs[mention.passage]
        if mention.possessive and _person_noun_after(paragraph.text, mention.after):
            continue  # "Mangan's sister came out. She …": the she is the sister
        if called_in_narration(paragraph.text, mention):
            continue  # "I am going to marry him, Clara. Tell Henry before he…": not her
        limit = min(len(paragraph.text), mention.after + 250)
        starts = stops.get(mention.passage, [])
        following = bisect.bisect_right(starts, mention.after)
        if following < len(starts):
            limit = min(limit, starts[following])
        gender = first_pronoun_gender(paragraph, mention.after, limit)
        if gender is None:
            continue
        if (
            rivals
            and mention.passage in rivals
            and rival_between(rivals, mention, paragraph, limit, gender)
        ):
            continue
        if background is None:
            votes.append(gender)
        elif gender != background:
            # Twice, but not for a name in an object's place ("not from Hélène; it was
            # part of a letter from his mother"): whose the he is, it says little.
            votes += [gender] if after_preposition(paragraph.text, mention.start) else [gender] * 2
        else:
            other = other_gender_after(paragraph, mention.after, limit, background)
            votes.append(other or gender)
    return votes


def _person_noun_after(text: str, after: int) -> bool:
    following = WORD_RE.match(text, after + 1) if text[after : after + 1] == " " else None
    return following is not None and following.group().lower() in GENDERED_NOUNS


def noun_votes(mentions: Sequence[Mention], paragraphs: dict[int, Paragraph]) -> list[str]:
    """ "his sister Elena", "her husband Tom": the noun right before a name, weighed like
    a title."""
    votes: list[str] = []
    for mention in mentions:
        text = paragraphs[mention.passage].text
        previous = previous_words(text[max(0, mention.start - 20) : mention.start], 1)
        if not previous:
            previous = signed_as(text[: mention.start])
        if not previous:
            continue
        if previous[0] in FEMALE_NOUNS:
            votes += ["f"] * 3
        elif previous[0] in MALE_NOUNS:
            votes += ["m"] * 3
    return votes


def majority(votes: Iterable[str]) -> str | None:
    counts = Counter(votes)
    if not counts:
        return None
    (top, top_count), *rest = counts.most_common()
    if rest and rest[0][1] == top_count:
        return None
    return top


def group_mentions(mentions: list[Mention], paragraphs: dict[int, Paragraph]) -> dict[int, Group]:
    """Merge each name's forms: full names first, then titled surnames, then single words."""
    candidates = [m for m in mentions if m.place_kind is None]
    groups: dict[int, Group] = {}
    by_words: dict[tuple[str, ...], Group] = {}

    index = _Index(mentions)

    def new_group(words: tuple[str, ...]) -> Group:
        group = Group(id=len(groups), words=words)
        groups[group.id] = group
        index.add_group(group)
        return group

    def add(group: Group, mention: Mention) -> None:
        group.mentions.append(mention)
        index.placed(group, mention)
        mention.group = group.id
        if mention.title:
            group.titles.add(mention.title)

    for mention in sorted(candidates, key=lambda m: -len(m.words)):
        if len(mention.words) > 1:
            group = by_words.get(mention.words) or _longer_form(mention.words, by_words)
            if group is None:
                group = by_words[mention.words] = new_group(mention.words)
            add(group, mention)
    _set_genders(groups.values(), candidates, paragraphs)
    singles = sorted(
        (m for m in candidates if len(m.words) == 1),
        key=lambda m: (m.title is None, m.passage, m.start),
    )
    for mention in singles:
        group, ambiguous = _single_word_group(mention, index, paragraphs)
        if ambiguous:
            continue  # "Martin laughed", with Paul and Elena Martin: no one can tell which
        if group is None:
            key = (f"{mention.title}.", *mention.words) if mention.title else mention.words
            group = by_words.get(key) or new_group(mention.words)
            by_words[key] = group
            group.gender = TITLES.get(mention.title or "") or KIN_NAMES.get(key[-1].lower())
        add(group, mention)
    for group in groups.values():
        group.mentions.sort(key=lambda m: (m.passage, m.start))
    _part_spouses(groups, paragraphs, mentions)
    return groups


class _Index:
    """Lookups grouping needs, built once instead of scanning every mention each time."""

    def __init__(self, mentions: Sequence[Mention]) -> None:
        self.groups_by_word: dict[str, list[Group]] = defaultdict(list)
        # The genders of the titles each one-word name is given: "Mrs. White" -> {"f"}.
        self.title_genders: dict[str, set[str | None]] = defaultdict(set)
        self.by_passage: dict[int, list[Mention]] = defaultdict(list)
        self.order = {id(m): i for i, m in enumerate(mentions)}
        # Each group's mentions as (passage, start, -order), sorted: the latest one before
        # a point is a bisection, not a scan of all of them.
        self.placements: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for mention in mentions:
            if mention.title is not None and len(mention.words) == 1:
                self.title_genders[mention.words[0]].add(TITLES.get(mention.title))
            self.by_passage[mention.passage].append(mention)
        for found in self.by_passage.values():
            found.sort(key=lambda m: m.start)

    def add_group(self, group: Group) -> None:
        for word in dict.fromkeys((group.words[0], group.words[-1])):
            self.groups_by_word[word].append(group)

    def placed(self, group: Group, mention: Mention) -> None:
        key = (mention.passage, mention.start, -self.order[id(mention)])
        bisect.insort(self.placements[group.id], key)

    def latest_before(self, group: Group, position: tuple[int, int]) -> tuple[int, int, int] | None:
        """The group's last mention before `position`, the earlier-listed on a tie."""
        keys = self.placements.get(group.id, ())
        # (passage, start) == position sorts after position: (p, s, x) > (p, s).
        found = bisect.bisect_left(keys, position)
        return keys[found - 1] if found else None

    def titled_otherwise(self, word: str, title: str) -> bool:
        """Whether the text gives `word` another gender's title too ("Mrs. White")."""
        gender = TITLES.get(title)
        return any(other not in (None, gender) for other in self.title_genders.get(word, ()))

    def first_start_between(self, passage: int, after: int, end: int) -> int:
        """Where the first mention starting in (after, end) of a paragraph starts, or end."""
        for other in self.by_passage.get(passage, ()):
            if other.start > after:
                return min(other.start, end)
        return end


def _part_spouses(
    groups: dict[int, Group], paragraphs: dict[int, Paragraph], mentions: Sequence[Mention]
) -> None:
    """ "the Lady Fortunato" once, "Fortunato … he" a dozen times: the bare name is her
    husband, not her. A surname whose untitled mentions are followed by the other gender's
    pronouns leaves its titled form (and the full name with it: "Mathilde Loisel",
    "Madame Loisel") and becomes its own person, or joins his own titled form."""
    for group in list(groups.values()):
        gender = TITLES.get(next(iter(group.titles))) if len(group.titles) == 1 else None
        if gender is None:
            continue
        surname = (group.words[-1],)
        bare = [m for m in group.mentions if m.title is None and m.words == surname]
        votes = majority(gender_votes(bare, paragraphs))
        if not bare or votes is None or votes == gender:
            continue
        # "M. and Madame Loisel … Loisel went out … He": the husband's own titled form
        # takes him in, if the text has one.
        spouses = [
            g
            for g in groups.values()
            if g.words[-1] == surname[0] and g.titles and g.gender == votes and g is not group
        ]
        other = (
            spouses[0]
            if len(spouses) == 1
            else Group(id=len(groups), words=surname, gender=votes, spouse=True)
        )
        groups[other.id] = other
        moved = {id(m) for m in bare}
        for mention in bare:
            mention.group = other.id
            other.mentions.append(mention)
        group.mentions = [m for m in group.mentions if id(m) not in moved]
        other.mentions.sort(key=lambda m: (m.passage, m.start))


def _longer_form(words: tuple[str, ...], by_words: dict[tuple[str, ...], Group]) -> Group | None:
    """ "Amara Okafor" inside "Amara Ngozi Okafor": same first and last word; or the
    name's first words, "Pyotr Ilyich" (name and patronymic) of "Pyotr Ilyich Voronov"."""
    for known, group in by_words.items():
        longer = len(known) > len(words)
        if longer and known[0] == words[0] and known[-1] == words[-1]:
            return group
        if longer and known[: len(words)] == words:
            return group
    return None


def _set_genders(
    groups: Iterable[Group], candidates: Sequence[Mention], paragraphs: dict[int, Paragraph]
) -> None:
    """Each full name's likely gender: titles, then pronouns after its first-name mentions."""
    stops = _name_starts(candidates)
    # Before one-word forms are grouped, a mention's group is a full name's, and a bare
    # first name ("Amara") is nobody's yet: the two lists never share a mention.
    by_group: dict[int, list[Mention]] = defaultdict(list)
    bare: dict[str, list[Mention]] = defaultdict(list)
    for mention in candidates:
        if mention.group >= 0:
            by_group[mention.group].append(mention)
        if len(mention.words) == 1 and mention.title is None:
            bare[mention.words[0]].append(mention)
    for group in groups:
        related = by_group.get(group.id, []) + bare.get(group.words[0], [])
        votes = gender_votes(related, paragraphs, stops) + noun_votes(related, paragraphs)
        votes += [g for t in group.titles if (g := TITLES.get(t)) for _ in range(3)]
        group.gender = majority(votes)


def _compatible(group: Group, title: str | None) -> bool:
    """Can a "Title Surname" form be this person? Mr. Okafor is not Dr. Amara Okafor."""
    if title is None:
        return True
    if group.titles:
        return title in group.titles
    wanted = TITLES.get(title)
    return wanted is None or group.gender is None or group.gender == wanted


def _single_word_group(
    mention: Mention,
    index: _Index,
    paragraphs: dict[int, Paragraph],
) -> tuple[Group | None, bool]:
    """The person a one-word form refers to, if any, and whether it is ambiguous.

    Several people answering to it are told apart by the pronoun after it ("Martin shook
    his head"); failing that, by their titles (the nearest one before: "Mr. Okafor brought
    bread ... Okafor laughed"); several with no title (Paul and Elena Martin), not at all:
    the word is no one's."""
    word = mention.words[0]
    matches = [
        g
        for g in index.groups_by_word.get(word, ())
        if g.mentions and _compatible(g, mention.title)
    ]
    if mention.title is not None:
        exact = [g for g in matches if mention.title in g.titles]
        # "Mr. White" is "Herbert White" only where no other White has a title: with a
        # Mrs. White in the story, Mr. White is her husband, Herbert their son.
        family = index.titled_otherwise(word, mention.title)
        full = [g for g in matches if len(g.words) > 1 and not g.titles and g.words[-1] == word]
        if family and mention.title in _WIVES_TITLES:
            # But a married woman's title is no daughter's ("Miss"): with one woman of the
            # name in full, "Madame Loisel" is "Mathilde Loisel", M. Loisel her husband.
            women = [g for g in full if g.gender == "f"]
            full = women if len(women) == 1 else []
        elif family:
            full = []
        matches = exact or full
        matches = [g for g in matches if g.words[-1] == word]
    elif len(matches) > 1:
        # Several people answer to it ("Okafor"): a full or titled name, never a bare word.
        matches = [g for g in matches if len(g.words) > 1 or g.titles]
        # A full name only ever said in someone's talk ("making Buffalo Bill's show look
        # like magic-lantern views") is not whom the narration's bare "Bill" means when
        # the narration itself names another Bill.
        narrated = [g for g in matches if _named_in_narration(g)]
        if narrated and len(narrated) < len(matches):
            matches = narrated
        if len(matches) > 1 and _told_apart_by_nothing(matches):
            return None, True
        if len(matches) > 1:
            gender = _pronoun_after(mention, paragraphs[mention.passage], index)
            fitting = [g for g in matches if g.gender == gender]
            others_differ = all(g.gender not in (None, gender) for g in matches if g not in fitting)
            if gender is not None and len(fitting) == 1 and others_differ:
                return fitting[0], False
            # A bare surname of the right gender is the titled one ("Bellamy" is Mr.
            # Bellamy; their son is "Arthur").
            titled = [g for g in fitting if g.titles and TITLES.get(next(iter(g.titles))) == gender]
            if gender is not None and len(titled) == 1:
                return titled[0], False
            if sum(1 for g in matches if not g.titles) > 1:
                return None, True
    if len(matches) <= 1:
        return (matches[0] if matches else None), False
    return _nearest_before(mention, matches, index), False


_WIVES_TITLES = frozenset(["mrs", "madame", "señora", "signora", "frau"])


def _named_in_narration(group: Group) -> bool:
    """Named in full or with a title ("Mr. Okafor") outside quotation marks."""
    return any((len(m.words) > 1 or m.title is not None) and not m.quoted for m in group.mentions)


def _told_apart_by_nothing(matches: Sequence[Group]) -> bool:
    """Whether no pronoun could tell these people apart, so that the word is no one's
    whatever follows it (what the rules below conclude, without reading the sentence): no
    title among them, and no gender that one of them alone has while all the others have
    another ("Bill" with Bill Driscoll and Buffalo Bill, both men)."""
    if any(g.titles for g in matches):
        return False
    genders = [g.gender for g in matches]
    return None in genders or all(genders.count(gender) > 1 for gender in genders)


def _pronoun_after(mention: Mention, paragraph: Paragraph, index: _Index) -> str | None:
    """The gender of the first he/she-type pronoun after a name, in its sentence and
    before anyone else is named: "Reyes, the elder, shook his head" is a man."""
    text = paragraph.text
    starts = paragraph.sentence_starts
    position = bisect.bisect_right(starts, mention.start)
    sentence_end = starts[position] if position < len(starts) else len(text)
    end = index.first_start_between(mention.passage, mention.after, sentence_end)
    found = first_pronoun_gender(paragraph, mention.after, end)
    if found is not None or end < sentence_end:
        return found
    # "Bellamy said, kneading. He did not look up": the next sentence, if no one else
    # is named before its pronoun.
    following = starts[position + 1] if position + 1 < len(starts) else len(text)
    following = index.first_start_between(mention.passage, end - 1, following)
    return first_pronoun_gender(paragraph, end, following)


def _nearest_before(mention: Mention, choices: Sequence[Group], index: _Index) -> Group:
    position = (mention.passage, mention.start)
    earlier = [
        (latest, g) for g in choices if (latest := index.latest_before(g, position)) is not None
    ]
    if earlier:
        return max(earlier, key=lambda item: item[0])[1]
    return min(choices, key=lambda g: (g.first.passage, g.first.start))
