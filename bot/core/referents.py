"""A retold pronoun means whom it means in the text, or the sentence is not retold.

A retelling leaves sentences out, so a "he" kept word for word can land after a sentence
about another man ("The banker … was beside himself with rapture. Everything necessary …
he could receive …", where the text's "he" is the lawyer). For each kept sentence whose
first he/she/his/her/him the sentence itself does not explain, the person it means is
worked out twice, over the text and over the retelling, the way a reader does when
nothing else decides: the first person of that gender named in the nearest earlier
sentence that names one (a possessive names no one; a sentence whose subject is itself a
pronoun passes the question further back; someone new, "a man", means no one known; a
line of dialogue alone means whoever's turn it is, so nobody can tell). When the two
differ, the pronoun becomes the description or name the text used, if the text is clear
about it (nobody else of that gender around) and the gender is known to agree; otherwise
the sentence is left out: saying less is faithful, saying it of the wrong person is not.

People are found without the cast (extracting it costs more than the retelling): the
protagonist, names and "the <someone>" the text has speak (bot.core.introductions), and
titled names ("Mrs. Mallard" is a woman, "Mr. White" a man).

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from bot.core.introductions import NOT_NAMES, People
from bot.core.naming import StorySentence
from bot.core.sentences import quotes_balanced

_PRONOUNS = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
_PRONOUN_RE = re.compile(r"(?<![\w'’])(?:[Hh]e|[Hh]im|[Hh]is|[Ss]he|[Hh]er)(?![\w'’])")
_QUOTED_RE = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
_TITLES = {
    "Mr": "m", "Mister": "m", "Monsieur": "m", "M": "m", "Sir": "m", "Lord": "m",
    "Mrs": "f", "Miss": "f", "Ms": "f", "Madame": "f", "Mme": "f", "Mlle": "f",
    "Mademoiselle": "f", "Lady": "f",
}  # fmt: skip
_TITLED_RE = re.compile(
    rf"\b(?P<title>{'|'.join(sorted(_TITLES, key=len, reverse=True))})\.?\s+"
    r"(?P<name>[A-Z][\w'’-]+(?:\s+(?:[A-Z]\.|[A-Z][\w'’-]+))*)"
)
# The last word of a place's name, not a person's ("Elmore Bank", "Buckingham Street").
_PLACE_NOUNS = frozenset(
    """Street Road Lane Avenue Square Place Bridge Gate Tower Theatre Theater Church
    Cathedral Chapel Station Bank Hotel Inn House Hall Park Garden Gardens River Lake
    Mountain Hill Valley City Town Village County State States Island Sea Ocean Bay Cove
    Creek Street School College University Hospital Market Abbey Castle Palace Row""".split()
)
_FIRST_NAME_RE = re.compile(r"\b([A-Z][\w'’-]+) $")
# A capitalised name after a small letter or a comma (not a sentence's first word), and
# the surname after it if there is one.
_MID_NAME_RE = re.compile(r"[a-z,;] ([A-Z][a-z]+)(?: ([A-Z][a-z]+))?(?![\w'’-])")
_SILENT_NAME_USES = 3
# Someone the text has not named yet: a pronoun after this means them, not anyone known.
# Only "a man", or "the girl" in apposition to a name the text does not know ("May, the
# nine-year-old girl"): "the man" is most often someone already there ("The man wore
# motley").
_NEW_PERSON = {
    gender: re.compile(rf"\b(?:[Aa]n?|[A-Z][a-z]+, (?P<the>the))\s+(?:[a-z-]+\s+)?(?:{nouns})\b")
    for gender, nouns in (
        ("m", "man|boy|gentleman|fellow|youth"),
        ("f", "woman|girl|lady"),
    )
}
# Looked for before the pattern, which is slow and seldom finds anything.
_NEW_PERSON_HINTS = {"m": ("man", "boy", "fellow", "youth"), "f": ("woman", "girl", "lady")}
# A subordinate clause opening the sentence: its pronoun looks ahead to the subject.
_OPENING_CLAUSE_RE = re.compile(
    r"^\W*(?:[Ww]hen|[Aa]s|[Aa]fter|[Bb]efore|[Ww]hile|[Oo]nce|[Aa]lthough|[Tt]hough|"
    r"[Bb]ecause|[Ss]ince|[Uu]ntil|[Ii]f)\b[^,;]*$"
)
# "her sister Josephine": the one the pronoun means is the topic, not Josephine.
_HOLDER_RE = re.compile(r"\b(?:[Hh]is|[Hh]er)\s+(?:(?!(?:the|a|an)\b)[\w'’-]+\s+){1,2}$")
# "They talked…", "Some of them thought…": a group the sentence before names.
_PLURAL_LEAD_RE = re.compile(r"^\W*(?:[\w'’-]+\W+){0,3}?(?:[Tt]hey|them|[Tt]heir)\b")
# A noun phrase or a name before the person a sentence names: maybe its subject.
_SOMEONE_BEFORE_RE = re.compile(r"\b(?:the|a|an|[A-Z][a-z]+)\b")
# The pronoun is the sentence's subject when what comes before it is only an opening
# phrase ("Trying to make no sound, he took…"): no one ("One whiskerando says that he…"),
# nothing that could be a subject ("On the table, before his head…"), no quotation.
_NOT_SUBJECT_LEAD_RE = re.compile(
    r"\b(?:the|a|an|one|this|that|these|those|some|any|every|each|who|which|whom|my|your|"
    r"our|their)\b|[;:“”\"]",
    re.IGNORECASE,
)
_CLAUSE_BREAK_RE = re.compile(r"[;:]|, (?:and|but)\b")
_BRIEF_WORDS = 40
# How far after a name its pronouns are looked for (about a sentence).
_GENDER_REACH = 200
_GENDER_VOTES = 20
_CLEAR_VOTES = 4
# How far before a name its first name or a "her sister" is looked for, in characters.
_LOOK_BACK = 40
# How far back a reader looks for whom a pronoun means, in sentences.
_WINDOW = 12


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    who: str | None  # a person's key; None: a pronoun; "": someone new
    form: str = ""  # the words the text uses ("the lawyer")


class Referents:
    """Whom the pronouns of a story's sentences mean, in the text and in a retelling."""

    def __init__(
        self,
        sentences: Sequence[StorySentence],
        protagonist: str | None,
        gender: str | None,
        people: People | None = None,
    ) -> None:
        self.sentences = sentences
        self.protagonist = protagonist
        self.hero_gender = gender
        self.people = people or People(sentences)
        self._genders: dict[str, str | None] = {}
        self._items: dict[tuple[str, str], list[_Mention]] = {}
        self._full_names: set[str] = set()

    @cached_property
    def _person_re(self) -> re.Pattern[str] | None:
        """Names and "the <someone>" the text has speak, and the protagonist, in one
        pattern (longest first); a description may carry one adjective ("the old banker")."""
        # A name the text has speak once is someone (the retelling's introductions want
        # a name used often; here a single "said Nell" makes Nell a possible "she").
        names = {
            word
            for word in self.people.speakers
            if " " not in word and word[:1].isupper() and word not in NOT_NAMES | _TITLES.keys()
        }
        text = self.people.text
        nouns = {
            person[4:]
            for person in self.people.speakers
            if person.startswith("the ")
            and self.people._is_voiced(person[4:])
            and _ends_a_phrase(text, "he " + person[4:])
        }
        # Mid-sentence, a first name and a surname ("It was Brently Mallard who entered")
        # or a single name used again and again ("old Dorset", "Mr. Dorset") is someone,
        # silent or not, when the pronouns after it say who.
        found: list[str] = []
        counts: Counter[str] = Counter()
        for first, second in _MID_NAME_RE.findall(text):
            if second:
                found.append(f"{first} {second}")
            else:
                counts[first] += 1
        found += [name for name, uses in counts.items() if uses >= _SILENT_NAME_USES]
        self._full_names = {
            full
            for full in found
            if full.rsplit(" ", 1)[-1] not in _PLACE_NOUNS
            and full not in NOT_NAMES
            and full not in _TITLES
        } - names
        names |= self._full_names
        if self.protagonist:
            if self.protagonist[:4].lower() == "the ":
                nouns.add(self.protagonist[4:])
            else:
                names.add(self.protagonist)
        parts = []
        if nouns:
            alternatives = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
            parts.append(rf"(?P<described>\b[Tt]he\s+(?:[a-z]+\s+)?(?P<noun>{alternatives}))\b")
        if names:
            alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
            parts.append(rf"(?<![\w'’])(?P<named>{alternatives})(?![\w])")
        return re.compile("|".join(parts)) if parts else None

    @property
    def silent(self) -> set[str]:
        """Full names the text never has speak: someone to keep pronouns from, but whose
        gender (from the pronouns after them) is too weak to put them in a sentence."""
        self._person_re  # noqa: B018 (works the names out)
        return self._full_names

    def gender_of(self, who: str) -> str | None:
        if who not in self._genders:
            title = who.split()[0].rstrip(".")
            if title in _TITLES and " " in who:
                self._genders[who] = _TITLES[title]
            elif self.protagonist and who == _key(self.protagonist) and self.hero_gender:
                self._genders[who] = self.hero_gender
            else:
                self._genders[who] = self._pronouns_after(who)
        return self._genders[who]

    def _pronouns_after(self, who: str) -> str | None:
        """The gender of the pronouns the text uses just after naming someone, when they
        agree two to one ("Léa Roux walked in. She smiled." is a woman): one search of the
        whole text, not one per sentence."""
        needle = who[4:] if who.startswith("the ") else who.split()[0]
        votes = {"m": 0, "f": 0}
        text = self.people.text
        # A literal search (fast) checked by hand for whole words, up to enough votes.
        start, seen = text.find(needle), 0
        while start >= 0 and seen < _GENDER_VOTES:
            end = start + len(needle)
            whole = (start == 0 or not text[start - 1].isalnum()) and (
                end == len(text) or not text[end].isalnum()
            )
            pronoun = _PRONOUN_RE.search(text, end, end + _GENDER_REACH) if whole else None
            start = text.find(needle, end)
            seen += whole
            if pronoun is not None:
                votes[_PRONOUNS[pronoun.group().lower()]] += 1
                if min(votes.values()) == 0 and max(votes.values()) >= _CLEAR_VOTES:
                    break  # four to none already says it
        if votes["m"] > 2 * votes["f"]:
            return "m"
        if votes["f"] > 2 * votes["m"]:
            return "f"
        return None

    def mentions(self, text: str, gender: str) -> list[_Mention]:
        """The people of `gender` (or of unknown gender) the narration of `text` names, not
        as a possessive, and its pronouns of that gender that can be whom a sentence is
        about, in order."""
        key = (text, gender)
        if key in self._items:
            return self._items[key]
        narration = _narration(text)
        found: list[_Mention] = []
        taken: set[int] = set()
        for match in _TITLED_RE.finditer(narration):
            who = f"{match['title']} {match['name']}"
            if _TITLES[match["title"]] == gender and not _possessive(narration, match.end()):
                found.append(_Mention(match.start(), match.end(), who, match.group()))
            taken.update(range(match.start(), match.end()))
        pattern = self._person_re
        for match in pattern.finditer(narration) if pattern else ():
            if match.start() in taken or _possessive(narration, match.end()):
                continue
            described = match.groupdict().get("described")
            who = f"the {match['noun']}" if described else match["named"]
            known = self.gender_of(who)
            if known not in (gender, None) or (known is None and who in self._full_names):
                continue  # a silent full name is someone only when pronouns say who
            near = max(0, match.start() - _LOOK_BACK)
            holder = None if described else _HOLDER_RE.search(narration, near, match.start())
            if holder:
                found.append(_Mention(holder.start(), holder.end(), None))
            else:
                # The whole name as the text gives it: "Léa Roux", not "Roux".
                first = _FIRST_NAME_RE.search(narration, near, match.start())
                start = match.start()
                if first is not None and first.group(1) not in NOT_NAMES:
                    start = first.start()
                found.append(_Mention(start, match.end(), who, narration[start : match.end()]))
            taken.update(range(match.start(), match.end()))
        if any(hint in narration for hint in _NEW_PERSON_HINTS[gender]):
            for match in _NEW_PERSON[gender].finditer(narration):
                begin = match.start("the") if match["the"] else match.start()
                if begin not in taken:
                    found.append(_Mention(begin, match.end(), ""))
        for match in _PRONOUN_RE.finditer(narration):
            word = match.group().lower()
            if _PRONOUNS[word] != gender:
                continue
            opening = not narration[: match.start()].strip()
            if (word in ("he", "she") or opening) and not _OPENING_CLAUSE_RE.match(
                narration[: match.start()]
            ):
                found.append(_Mention(match.start(), match.end(), None))
        found.sort(key=lambda m: (m.start, m.who is None))
        self._items[key] = found
        return found

    def pronoun(self, text: str) -> tuple[re.Match[str], str] | None:
        """The first he/she/his/her/him of the narration that the sentence itself does
        not explain (nobody of its gender named before it, or after it in the same
        clause: "Together with his servants the banker went"), with its gender."""
        narration = _narration(text)
        for match in _PRONOUN_RE.finditer(narration):
            gender = _PRONOUNS[match.group().lower()]
            named = [m.start for m in self.mentions(text, gender) if m.who]
            if any(start < match.start() for start in named):
                return None
            after = [start for start in named if start > match.start()]
            # Only a possessive or an opening clause looks ahead ("Together with his
            # servants the banker…", "When he had read, the banker…"); "He had not
            # expected the lawyer…" is about someone before.
            ahead = match.group().lower() != "he" and match.group().lower() != "she"
            ahead = ahead or bool(_OPENING_CLAUSE_RE.match(narration[: match.start()]))
            if after and ahead and not _CLAUSE_BREAK_RE.search(narration[match.start() : after[0]]):
                return None
            return match, gender
        return None

    def referent(self, earlier: Sequence[str], gender: str) -> tuple[_Mention | None, bool, int]:
        """Whom a pronoun of `gender` means after `earlier` (nearest last), whether that
        is clear (nobody else of the gender named on the way), and how many sentences
        back it is named: someone new ("a man") is a mention of no one (`who` ""), and
        after a line of dialogue alone (whoever's turn it is) (None, False, 0)."""
        named: set[str] = set()  # people of the gender named on the way back
        for back, text in enumerate(reversed(earlier[-_WINDOW:]), start=1):
            if not _narration(text).strip(" .,;:!?-—–'’"):
                return None, False, 0  # a line of dialogue alone: whoever's turn it is
            items = self.mentions(text, gender)
            named.update(m.who for m in items if m.who is not None)
            first = items[0] if items else None
            if first is not None and first.who is not None:
                if not first.who:
                    return first, False, back  # someone new: no one the reader knows
                # Clear: nobody else of the gender on the way ("" is someone new), and
                # nobody the reader might take for the subject before it ("No, the clerk
                # needn't call the boy. He would carry…" is neither the clerk nor the boy).
                lead = _narration(text)[: first.start]
                clear = named == {first.who} and not _SOMEONE_BEFORE_RE.search(lead[1:])
                return first, clear, back
        return None, False, 0


def _ends_a_phrase(text: str, needle: str) -> bool:
    """Whether "[Tt]he <noun>" occurs followed by punctuation ("said the lawyer,"), so
    the noun is a person and not an adjective ("the old" of "the old man")."""
    start = text.find(needle)
    while start >= 0:
        end = start + len(needle)
        if start > 0 and text[start - 1] in "Tt" and text[end : end + 1] in _PHRASE_END:
            return True
        start = text.find(needle, end)
    return False


_PHRASE_END = frozenset(',.;:!?”"’')


def _key(name: str) -> str:
    return f"the {name[4:]}" if name[:4].lower() == "the " else name


def opens_on_them(text: str) -> bool:
    """ "They bought another…", "Some of them thought…": whom it means, only the sentence
    before says, so it is retold only after that sentence."""
    return _PLURAL_LEAD_RE.match(_narration(text)) is not None


def _narration(text: str) -> str:
    """The sentence with its quotations blanked (same length, so positions hold)."""
    return _QUOTED_RE.sub(lambda m: " " * len(m.group()), text)


def _possessive(text: str, end: int) -> bool:
    return text.startswith(("'s", "’s"), end)


def keep_referents(
    referents: Referents,
    chosen: Sequence[int],
    texts: Sequence[str],
    apostrophe: str,
    room: int,
) -> tuple[list[int], list[str]]:
    """The retold sentences (indexes into the story's sentences, their texts) with every
    pronoun meaning whom it means in the text: named where it would mean someone else and
    the text is clear; else preceded by the sentence of the text that names them (brief,
    within `room` characters); else left out. The first sentence (its pronoun is the
    opening's, decided before) and the last (the ending) are always kept."""
    sentences = referents.sentences
    kept: list[int] = []
    told: list[str] = []
    last = len(chosen) - 1
    for position, (index, text) in enumerate(zip(chosen, texts, strict=True)):
        plural = 0 < position < last and opens_on_them(text)
        if plural and (not kept or kept[-1] != index - 1):
            continue  # "Some of them thought…": of whom, the sentence before said
        found = referents.pronoun(text) if position else None
        if found is not None:
            match, gender = found
            before = [s.text for s in sentences[max(0, index - _WINDOW) : index]]
            meant, clear, back = referents.referent(before, gender)
            now = referents.referent(told, gender)[0] if meant is not None else None
            if meant is not None and not meant.who:
                # The text means someone it has not named ("May, the nine-year-old
                # girl"); after the sentences left out it would mean someone known.
                if now is not None and now.who and position != last:
                    continue
            elif meant is not None and (now is None or now.who != meant.who):
                lead = text[: match.start()]
                subject = not _NOT_SUBJECT_LEAD_RE.search(lead) and not re.search(
                    r"\b[A-Z]", lead[1:]
                )
                named = _named(match, meant, referents, gender, text, apostrophe)
                root = index - back
                if clear and subject and named is not None:
                    text = named
                elif (
                    _brief(sentences[root].text)
                    and (not kept or root > kept[-1])
                    and _agrees(referents, root, told)
                ):
                    introduced = referents.referent([*told, sentences[root].text], gender)[0]
                    if introduced is not None and introduced.who == meant.who:
                        if len(sentences[root].text) + 1 <= room:
                            room -= len(sentences[root].text) + 1
                            kept.append(root)
                            told.append(sentences[root].text)
                        elif position != last:
                            continue
                    elif position != last:
                        continue
                elif position != last:
                    continue
        kept.append(index)
        told.append(text)
    return kept, told


def _agrees(referents: Referents, index: int, told: Sequence[str]) -> bool:
    """Whether the story's sentence `index`, told after `told`, has no pronoun that would
    mean someone else than in the text (a sentence brought to name someone must not
    misname another: "She had then shot the bolts … as she had seen Mr. Adams do")."""
    text = referents.sentences[index].text
    found = referents.pronoun(text)
    if found is None:
        return True
    before = [s.text for s in referents.sentences[max(0, index - _WINDOW) : index]]
    meant = referents.referent(before, found[1])[0]
    now = referents.referent(told, found[1])[0]
    return meant is None or (now is not None and now.who == meant.who and bool(meant.who))


def _brief(text: str) -> bool:
    """A sentence that can come along to say whom a pronoun means: short, whole."""
    return len(text.split()) <= _BRIEF_WORDS and quotes_balanced(text)


def _named(
    match: re.Match[str],
    meant: _Mention,
    referents: Referents,
    gender: str,
    text: str,
    apostrophe: str,
) -> str | None:
    """`text` with the pronoun replaced by the words the text used for whom it means, or
    None when the gender is not known to agree or the pronoun's role is unsure ("her" is
    "her book" or "saw her")."""
    assert meant.who
    if referents.gender_of(meant.who) != gender or meant.who in referents.silent:
        return None  # a silent full name's gender is a guess: never put in a sentence
    word = match.group()
    form = meant.form
    if form[:4] == "The " and match.start() > 0:
        form = "the " + form[4:]
    elif form[:4] == "the " and match.start() == 0:
        form = "The " + form[4:]
    lower = word.lower()
    if lower in ("he", "she", "him"):
        replacement = form
    elif lower == "his" or (lower == "her" and match.start() == 0):
        replacement = f"{form}{apostrophe}s"
    else:
        return None
    return text[: match.start()] + replacement + text[match.end() :]
