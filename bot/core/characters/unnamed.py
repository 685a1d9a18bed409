"""People the text never names but who act: the narrator of a first-person story, "the
banker", "my uncle", "Mangan's sister".

They become groups like named people, with a mention wherever the text refers to them, so
the same rules give them lines, descriptions, meetings and a place in the cast. Only what
acts counts: a description has to be the subject of a verb or the speaker of a line at
least twice ("the lawyer said", "said the old man"), or it is scenery.

A first-person narrator whom others call by name in dialogue ("For the love of God,
Montresor!") takes that name; one nobody names is "the narrator".
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from bot.core.characters.aliases import Group, gender_votes, majority
from bot.core.characters.coreference import epithet_owner, join, title_holders
from bot.core.characters.described import DeterminerScan, matches_in
from bot.core.characters.paragraph import Paragraph
from bot.core.characters.patterns import COMMON_ADJECTIVES, RELATION_NOUNS
from bot.core.characters.scan import Mention
from bot.core.characters.tokens import word_trie
from bot.core.lexicon import (
    FEMALE_NOUNS,
    FUNCTION_WORDS,
    GREETINGS,
    MALE_NOUNS,
    PERSON_ROLE_NOUNS,
    PERSON_VERBS,
    SPEECH_VERBS,
)

# Who a story describes rather than names, beyond the role nouns descriptions use.
DESCRIBED_NOUNS = PERSON_ROLE_NOUNS | frozenset(
    """banker watchman warden jailer guard postmaster postman messenger visitor stranger
    guest servant maid butler porter clerk cashier sergeant soldier landlady landlord
    host hostess nurse doctor priest vicar judge prisoner lodger niece nephew grandmother
    grandfather uncle aunt sister brother keeper innkeeper skipper boatman ferryman
    coachman footman shepherd hunter miner smith blacksmith mayor governor magistrate
    constable policeman officer gaoler beggar pedlar peddler widow orphan housekeeper
    governess cook gardener groom""".split()
)
# Nouns that could be anyone: "the man" in one scene is not "the man" in the next, so
# their adjectives are part of who they are ("the old man", "the young lady").
_GENERIC_NOUNS = frozenset("man woman boy girl lady gentleman child person fellow".split())
# "my friend", "the companion" stand for someone the text names.
_EPITHETS = frozenset("friend friends companion companions".split())
_ADJECTIVES = COMMON_ADJECTIVES | frozenset(
    "little poor strange elder married young old fat lean".split()
)
_ANY_NOUN = DESCRIBED_NOUNS | _GENERIC_NOUNS
_NOUNS = word_trie(_ANY_NOUN)
# The nouns are spelled out so that "the young lady" is tried as "young" + "lady" too.
_DESCRIBED_RE = re.compile(
    r"\b(?P<det>[Tt]he|[Mm]y|[Oo]ur|(?P<owner>[A-Z][\w'’-]*)['’]s)\s+"
    rf"(?P<adjectives>(?:[a-z][\w-]*\s+){{0,2}}?)(?P<noun>(?:{_NOUNS})s?)\b"
)
_VERB_AFTER_RE = re.compile(r"^\s*,?\s*(?:\w+ly\s+)?(?P<verb>[a-z][\w'’]*)")
_VERB_BEFORE_RE = re.compile(r"(?P<verb>[a-z]+)\s+$")
# Verbs that show a subject doing something, beyond the lists: any regular past tense.
# "were", "are" and "have" for a group: "The officers were satisfied. They sat…"
_ACTING_VERBS = (
    PERSON_VERBS
    | SPEECH_VERBS
    | frozenset(
        """was were had is are has have did could would should might will shall can may must
    went came took made got gave put kept
    left sat stood ran began rose fell held threw knew thought felt heard saw""".split()
    )
)
# A description counts as someone when it acts this often.
_MIN_ACTS = 2
# First person: "I" in the narration at least this often, and once every this many words.
_MIN_NARRATOR_I = 8
SHORTEST_NARRATOR_I = 3
_WORDS_PER_I = 120
_NARRATOR = ("the", "narrator")
# The surface of each narrating "I" mention (its name may be another: "Montresor").
NARRATING_I = "the narrator"
_NARRATION_I_RE = re.compile(r"I(?<!\w.)(?![\w.])")  # r"\bI\b(?!\.)", literal first
# "…, Sam?", "For the love of God, Montresor!": a name called, after a comma.
_VOCATIVE_RE = re.compile(r",\s+(?P<name>[A-Z][\w'’-]+)(?=\s*[,!?.\"”’]|$)")
# The narrator speaking: "…," I said / said I. A name called in a paragraph next to one
# is called to the narrator; elsewhere it may be called to anyone in the room.
_NARRATOR_SPEAKS_RE = re.compile(
    rf"\bI\s+(?:{'|'.join(sorted(SPEECH_VERBS))})\b|\b(?:said|replied|asked|cried)\s+I\b"
)


def add_unnamed_people(
    paragraphs: dict[int, Paragraph],
    mentions: list[Mention],
    groups: dict[int, Group],
) -> None:
    """Add the narrator and the described people who act, as person groups; a
    description the text ties to someone already in the cast joins them instead."""
    taken = _taken(mentions)
    narrator = _narrator(paragraphs, groups, mentions)
    # Where a description and where a relative's noun can start, found once for both.
    read = list(paragraphs.values())
    described_starts, kin_starts = _SCAN.starts(read)
    described, apposed = _described(
        paragraphs, groups, taken, described_matches(read, described_starts)
    )
    kin = _kin_names(groups, kin_matches(read, kin_starts))
    titled = title_holders(paragraphs, (g for g in groups.values() if g.kind == "person"))
    for words, found, gender in [*narrator, *described]:
        named = None
        if words[0] == "the":
            # "their son Herbert" … "the son"; "Mr. Adams, the old banker";
            # "Sergeant-Major Morris" … "the soldier": someone named, under a noun.
            named = kin.get(words[-1]) or apposed.pop(words, None) or titled.get(words[-1])
        if named is not None:
            join(named, found, paragraphs)
            mentions.extend(found)
            continue
        group = Group(id=len(groups), words=words, kind="person", gender=gender)
        if found and words != found[-1].words:
            group.label = words[0]  # the narrator's name, not "the narrator"
        groups[group.id] = group
        for mention in found:
            mention.group = group.id
            group.mentions.append(mention)
            mentions.append(mention)
    mentions.sort(key=lambda m: (m.passage, m.start))
    _join_epithets(paragraphs, mentions, groups)


def _join_epithets(
    paragraphs: dict[int, Paragraph], mentions: Sequence[Mention], groups: dict[int, Group]
) -> None:
    """ "the old man" where the text makes plain it is Mr. White: Mr. White."""
    by_passage: dict[int, list[Mention]] = defaultdict(list)
    for mention in mentions:  # in text order
        by_passage[mention.passage].append(mention)
    for described in [g for g in groups.values() if g.kind == "person" and g.mentions]:
        if described.words[0] != "the" or described.words[-1] not in _GENERIC_NOUNS:
            continue
        owner = epithet_owner(described, paragraphs, groups, by_passage)
        if owner is not None:
            join(owner, described.mentions, paragraphs)
            described.mentions = []


# Each alternative opens with a letter so the engine skips in C to where one can start;
# the word boundary comes after the letter: the same matches as r"\b[Hh]is|...".
_KIN_RE = re.compile(
    r"(?:H(?<!\w.)is|h(?<!\w.)is|H(?<!\w.)er|h(?<!\w.)er|T(?<!\w.)heir|t(?<!\w.)heir"
    r"|M(?<!\w.)y|m(?<!\w.)y|'s|’s)\s+(?:[a-z]+\s+)?"
    rf"(?P<noun>{_NOUNS}),?\s+(?P<name>[A-Z][\w'’-]+)"
)
# Where either pattern can start, both read from the same nouns.
_SCAN = DeterminerScan(_NOUNS)


def _kin_names(groups: dict[int, Group], found: list[list[re.Match[str]]]) -> dict[str, Group]:
    """Relatives the text names once ("their son Herbert", "his wife, Mary"): the noun
    then stands for that person, when it names only one."""
    people = {g.words[0]: g for g in groups.values() if g.kind == "person" and g.mentions}
    people.update({g.words[-1]: g for g in groups.values() if g.kind == "person" and g.mentions})
    named: dict[str, set[int]] = defaultdict(set)
    for matches in found:
        for match in matches:
            group = people.get(match["name"])
            if group is not None and match["noun"] in DESCRIBED_NOUNS:
                named[match["noun"]].add(group.id)
    return {noun: groups[next(iter(ids))] for noun, ids in named.items() if len(ids) == 1}


def kin_matches(
    paragraphs: Sequence[Paragraph], starts: list[set[int]] | None = None
) -> list[list[re.Match[str]]]:
    """What _KIN_RE.finditer finds in each paragraph, tried only where it can start
    (`starts`, from _SCAN.starts, if already found)."""
    if starts is None:
        starts = _SCAN.starts(paragraphs)[1]
    return matches_in(_KIN_RE, [p.text for p in paragraphs], starts)


def _taken(mentions: Sequence[Mention]) -> dict[int, list[Mention]]:
    taken: dict[int, list[Mention]] = defaultdict(list)
    for mention in mentions:
        taken[mention.passage].append(mention)
    return taken


# --------------------------------------------------------------------------- narrator
def _narrator(
    paragraphs: dict[int, Paragraph], groups: dict[int, Group], mentions: list[Mention]
) -> list[tuple[tuple[str, ...], list[Mention], str | None]]:
    narrated: list[tuple[int, int, int]] = []
    for number, paragraph in paragraphs.items():
        for match in _NARRATION_I_RE.finditer(paragraph.text):
            if not paragraph.quoted(match.start()):
                narrated.append((number, match.start(), match.end()))
    if len(narrated) < SHORTEST_NARRATOR_I:
        return []
    # Counting the words splits every paragraph; a story that says "I" often enough for as
    # many words as it can hold passes both tests below whatever the count.
    most_words = _most_words([p.text for p in paragraphs.values()])
    if len(narrated) < _MIN_NARRATOR_I or len(narrated) * _WORDS_PER_I < most_words:
        narration_words = sum(len(p.text.split()) for p in paragraphs.values())
        if len(narrated) * _WORDS_PER_I < narration_words:
            return []
        # A page-long story says "I" a few times where a long one says it dozens.
        if len(narrated) < min(_MIN_NARRATOR_I, narration_words // _WORDS_PER_I + 1):
            return []
    found = [
        _mention(number, start, end, NARRATING_I, paragraphs[number])
        for number, start, end in narrated
    ]
    name = _narrator_name(paragraphs, groups, mentions)
    if name is None:
        return [(_NARRATOR, found, None)]
    # The name's own mentions (all in others' speech) join the narrator's.
    named = [m for m in mentions if m.words == (name,) and m.group >= 0]
    for mention in named:
        groups[mention.group].mentions.remove(mention)
    return [((name,), [*named, *found], None)]


def _most_words(texts: list[str]) -> int:
    """At least as many as the texts' words (len(text.split()), summed): one more than the
    spaces where the space is the only whitespace, else one for every two characters."""
    joined = " ".join(texts)  # the same words, none run together
    if any(space in joined for space in _OTHER_SPACES):
        return sum((len(text) + 1) // 2 for text in texts)
    return joined.count(" ") + 1


# Every whitespace character but the space (what str.split splits at).
_OTHER_SPACES = tuple(
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _narrator_name(
    paragraphs: dict[int, Paragraph], groups: dict[int, Group], mentions: Sequence[Mention]
) -> str | None:
    """The name others call the narrator: a one-word name only ever said inside quotation
    marks, as a vocative ("…, Sam?"), and never by the narration itself; called once, it
    must be in talk with the narrator ("Next week, Petya," said to her husband is not)."""
    narrated = {m.words for m in mentions if not m.quoted}
    calls: Counter[str] = Counter()
    in_talk: set[str] = set()
    speaks: dict[int, bool] = {}  # whether the narrator speaks in a paragraph, read once
    for number, paragraph in paragraphs.items():
        for start, end in paragraph.quotes:
            speech = paragraph.text[start + 1 : end]
            for match in _VOCATIVE_RE.finditer(speech):
                name = match["name"]
                ordinary = name.lower() in FUNCTION_WORDS or name.lower() in GREETINGS
                if (name,) not in narrated and not ordinary:
                    calls[name] += 1
                    if name not in in_talk and _in_talk_with_the_narrator(
                        paragraphs, number, speaks
                    ):
                        in_talk.add(name)
    if not calls:
        return None
    name, count = calls.most_common(1)[0]
    said = sum(1 for m in mentions if m.words == (name,))
    sure = count >= 2 or name in in_talk
    return name if sure and count * 2 >= said else None


def _in_talk_with_the_narrator(
    paragraphs: dict[int, Paragraph], number: int, speaks: dict[int, bool]
) -> bool:
    """The narrator speaks in this paragraph or the one before or after it (`speaks`:
    what is known already, per paragraph)."""
    for near in (number - 1, number, number + 1):
        if near not in paragraphs:
            continue
        known = speaks.get(near)
        if known is None:
            known = speaks[near] = _NARRATOR_SPEAKS_RE.search(paragraphs[near].text) is not None
        if known:
            return True
    return False


# --------------------------------------------------------------------------- described
def _described(
    paragraphs: dict[int, Paragraph],
    groups: dict[int, Group],
    taken: dict[int, list[Mention]],
    described: list[list[re.Match[str]]],
) -> tuple[list[tuple[tuple[str, ...], list[Mention], str | None]], dict[tuple[str, ...], Group]]:
    """The described people who act, and the descriptions set beside one person's name
    ("Mr. Adams, the old banker"), with that person."""
    owners = {g.words[-1] for g in groups.values() if g.kind == "person"}
    found: dict[tuple[str, ...], list[Mention]] = defaultdict(list)
    acts: Counter[tuple[str, ...]] = Counter()
    mine: Counter[tuple[str, ...]] = Counter()
    beside_a_name: Counter[tuple[str, ...]] = Counter()
    apposed: dict[tuple[str, ...], list[Mention]] = defaultdict(list)
    apposed_to: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for (number, paragraph), matches in zip(paragraphs.items(), described, strict=True):
        text = paragraph.text
        for match in matches:
            key = _key(match, owners, paragraph)
            # "Mangan's sister": Mangan is a mention of his own; the sister starts after.
            own_start = match.end("owner") if match["owner"] else match.start()
            if key is None or _overlaps(taken.get(number, ()), own_start + 2, match.end()):
                continue
            if text.startswith(("'s", "’s"), match.end()):
                continue  # "the fisherman's daughter" speaks, not the fisherman
            beside = _next_to_a_name(text, match, taken.get(number, ()))
            if beside is not None:
                beside_a_name[key] += 1  # "Mr. Adams, the old banker": him, named
                group = groups.get(beside.group)
                if group is not None and group.kind == "person" and key[0] == "the":
                    apposed_to[key].add(group.id)
                    written = _mention(number, match.start(), match.end(), " ".join(key), paragraph)
                    apposed[key].append(written)
                else:
                    apposed_to[key].add(-1)
                continue
            surface = " ".join(key)
            mine[key] += match["det"].lower() in ("my", "our")
            found[key].append(_mention(number, match.start(), match.end(), surface, paragraph))
            acts[key] += _acts(text, match)
    people: list[tuple[tuple[str, ...], list[Mention], str | None]] = []
    named: dict[tuple[str, ...], Group] = {}
    for key, ids in apposed_to.items():
        # Only a description also used on its own stands for them; one that is only
        # ever beside the name is a description of them (facts.py), not another name.
        if len(ids) == 1 and -1 not in ids and found.get(key):
            named[key] = groups[next(iter(ids))]
            people.append((key, [*found.pop(key), *apposed[key]], None))
    for key, occurrences in found.items():
        if key[-1] in RELATION_NOUNS and not mine[key] and key[0] == "the":
            continue  # "the son" with no "my son": the named son, under a noun
        # A role ("the watchman") seen twice and acting once is someone; "the man" could
        # be anyone, so it has to act twice.
        # A named person's relative who acts ("Mangan's sister came out") is someone too.
        enough = acts[key] >= _MIN_ACTS or (
            key[-1] not in _GENERIC_NOUNS
            and acts[key] >= 1
            and (len(occurrences) >= _MIN_ACTS or key[0].endswith("'s"))
        )
        if not enough or beside_a_name[key] * 2 >= len(occurrences) + beside_a_name[key]:
            continue
        noun = key[-1]
        gender = "f" if noun in FEMALE_NOUNS else "m" if noun in MALE_NOUNS else None
        gender = gender or majority(gender_votes(occurrences, paragraphs))
        people.append((key, occurrences, gender))
    return people, named


def described_matches(
    paragraphs: Sequence[Paragraph], starts: list[set[int]] | None = None
) -> list[list[re.Match[str]]]:
    """What _DESCRIBED_RE.finditer finds in each paragraph, tried only where it can start
    (`starts`, from _SCAN.starts, if already found)."""
    if starts is None:
        starts = _SCAN.starts(paragraphs)[0]
    return matches_in(_DESCRIBED_RE, [p.text for p in paragraphs], starts)


def _key(match: re.Match[str], owners: set[str], paragraph: Paragraph) -> tuple[str, ...] | None:
    noun = match["noun"]
    plural = noun.endswith("s") and noun[:-1] in DESCRIBED_NOUNS  # "the guests" act together
    if noun in _EPITHETS or (not plural and noun not in _ANY_NOUN):
        return None
    adjectives = match["adjectives"].split()
    if any(word not in _ADJECTIVES for word in adjectives):
        return None
    determiner = match["det"].lower()
    if match["owner"] is not None:
        if match["owner"] not in owners:
            return None
        return (f"{match['owner']}'s", noun)
    if determiner in ("my", "our") and paragraph.quoted(match.start()):
        return None  # "my uncle" in someone's speech is the speaker's uncle
    if noun in _GENERIC_NOUNS:
        return ("the", *adjectives, noun)
    return ("the", noun)


def _overlaps(taken: Sequence[Mention], start: int, end: int) -> bool:
    return any(m.start < end and start < m.after for m in taken)


def _next_to_a_name(text: str, match: re.Match[str], taken: Sequence[Mention]) -> Mention | None:
    """The name the description stands beside, if any: "Name, the D" or "the D, Name"."""
    for mention in taken:
        start, end = mention.start, mention.after
        if 0 <= match.start() - end <= 2 and text[end : match.start()].strip() in (",", ""):
            return mention
        if 0 <= start - match.end() <= 2 and text[match.end() : start].strip() in (",", ""):
            return mention
    return None


def _acts(text: str, match: re.Match[str]) -> int:
    """1 when the description is the subject of a verb, 2 when it speaks a line: "the
    postmaster said" once is as much a character as one seen acting twice."""
    verb = _VERB_AFTER_RE.match(text[match.end() : match.end() + 40])
    if verb is not None:
        word = verb["verb"].lower()
        if word in SPEECH_VERBS:
            return 2
        if word in _ACTING_VERBS or (word.endswith("ed") and len(word) > 4):
            return 1
    before = _VERB_BEFORE_RE.search(text[max(0, match.start() - 20) : match.start()])
    return 2 * int(before is not None and before["verb"].lower() in SPEECH_VERBS)


def _mention(number: int, start: int, end: int, surface: str, paragraph: Paragraph) -> Mention:
    return Mention(
        passage=number,
        start=start,
        end=end,
        after=end,
        words=tuple(surface.split()),
        title=None,
        surface=surface,
        possessive=False,
        initial=False,
        quoted=paragraph.quoted(start),
    )
