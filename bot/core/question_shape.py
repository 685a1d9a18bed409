"""What a reader's question asks for, read from its shape.

"Who came to the house at four o'clock?" asks for a person; "What does Montresor produce
when Fortunato asks for a sign?" asks for a thing, at the moment a clause names; "What
does the narrator promise her?" asks for words someone says. `shape_of` splits a question
into its kind, its main part, a time clause (when/after/before …) that only locates the
moment, and what the answer must hold (a name, an age, a sum of money, a length of time,
a quotation).

Plain Python (no discord import).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KIND_RES = {
    "who": re.compile(r"^\s*(?:who|whom|whose)\b", re.I),
    "where": re.compile(r"^\s*where\b", re.I),
    "when": re.compile(r"^\s*(?:when|what\s+time|what\s+day|what\s+year)\b", re.I),
    "why": re.compile(r"^\s*why\b", re.I),
    "number": re.compile(r"^\s*(?:how\s+(?:much|many|old|long|far)|what\s+age)\b", re.I),
    "how": re.compile(r"^\s*how\b", re.I),
}
# "What is the lawyer's name?", "What is the first name of her husband?": only a sentence
# that names someone can answer. ("What name does he register under?" is another kind.)
_NAME_QUESTION_RE = re.compile(
    r"^\s*what(?:'s|’s|\s+is|\s+was)\s+(?:the\s+|her\s+|his\s+|their\s+)?"
    r"(?:[\w.’' -]+?(?:'s|’s)\s+)?"
    r"(?:first\s+|last\s+|real\s+|full\s+|sur)?name\b",
    re.I,
)
# "What name does the boy give him?", "what does she call him?": a sentence that gives
# someone a name answers.
_NEW_NAME_RE = re.compile(
    r"^\s*(?:what|which)\s+(?:name|nickname|title)\b|\bcall\b"
    # "What was the baby named?", "What is the dog called?"
    r"|^\s*what\s+(?:was|is|were|are)\s+[^?]*\b(?:named|called)\s*\??\s*$",
    re.I,
)
_CLOCK_QUESTION_RE = re.compile(r"^\s*(?:at\s+)?what\s+(?:time|hour)\b", re.I)
_PLACE_NOUNS = r"(?:town|city|village|country|county|state|street|port|island)"
_PLACE_NAME_QUESTION_RE = re.compile(rf"\b(?:what|which)\s+{_PLACE_NOUNS}\b(?:\s+or\s+\w+)?", re.I)
_PLACE_NOUNS_RE = re.compile(rf"\b{_PLACE_NOUNS}\b", re.I)
_EXACT_RE = re.compile(
    r"^\s*what\s+(?:exactly|precisely)\s+(?:was|is|were|are)\s+(?:the|his|her|their|its)\s+"
    r"(\w+)",
    re.I,
)
_AGE_RE = re.compile(r"^\s*(?:how\s+old|what\s+age)\b|\bwhat\s+is\s+(?:the|his|her)\s+age\b", re.I)
# A sum by what it is for: "how much rent", "how much was the fare".
_SUM_NOUNS = r"(?:money|cash|rent|price|cost|fee|fees|fare|wages?|salary|pay|ransom|reward)"
# What is done with a sum: "how much did the room cost?", "how much did she charge?".
_SUM_VERBS = r"(?:pay|paid|pays|cost|costs|spend|spent|spends|charge|charged|charges|earn|"
_SUM_VERBS += r"earned|earns|owe|owed|owes|lend|lent|borrow|borrowed)"
_MONEY_RE = re.compile(
    rf"^\s*how\s+much\s+(?:{_SUM_NOUNS}\b|(?:is|was|were|are)\s+(?:the|his|her|their|my)\s+"
    rf"(?:[\w'’-]+\s+){{0,2}}{_SUM_NOUNS}\b|(?:is|was|were|are)\s+[^?]*?\b{_SUM_VERBS}\b|(?:do|does|did|will|would)\s+[^?]*?\b{_SUM_VERBS}\b)",
    re.I,
)
_SUM_VERBS_RE = re.compile(rf"\b{_SUM_VERBS}\b", re.I)
_DURATION_RE = re.compile(r"^\s*how\s+long\b", re.I)
# A clause that places the question in time: what follows it is where to look, not what
# to answer. "when" alone at the start is the question's kind, not a clause.
_CLAUSE_RE = re.compile(
    r"\s(?:(?:just|right|shortly|immediately|soon|long|not\s+long)\s+)?"
    r"(?P<relation>when|whenever|after|before|while|until|once|as\s+soon\s+as|"
    r"at\s+the\s+time\s+of)\s+(?P<clause>.+)$",
    re.I,
)
# Where in the story the question is: "at the end", "in the end", "finally" look at its
# last pages, "at the beginning", "at first" at its first. The words say where, not what
# the answer holds ("What does the banker do at the end?" is not about an "end").
_POSITION_RES = {
    "end": re.compile(
        r"\b(?:at|in|by|towards?|near)\s+the\s+(?:very\s+)?(?:end|close|last)"
        r"(?:\s+of\s+the\s+(?:story|tale))?\b|\b(?:finally|in\s+the\s+end|at\s+last)\b",
        re.I,
    ),
    "start": re.compile(
        r"\b(?:at|in)\s+the\s+(?:very\s+)?(?:beginning|start|opening)"
        r"(?:\s+of\s+the\s+(?:story|tale))?\b",
        re.I,
    ),
}
# Verbs of saying and writing: what someone says is in a quotation or a letter.
_SPEECH_RE = re.compile(
    r"\b(?:say|says|said|tell|tells|told|ask|asks|asked|promise[sd]?|repl(?:y|ies|ied)|"
    r"answer(?:s|ed)?|whisper(?:s|ed)?|shout(?:s|ed)?|cr(?:y|ies|ied)|propose[sd]?|"
    r"beg(?:s|ged)?|order(?:s|ed)?|warn(?:s|ed)?|suggest(?:s|ed)?|exclaim(?:s|ed)?|"
    r"murmur(?:s|ed)?|declare[sd]?|write|writes|wrote|word|words|"
    # Acts done by saying: an offer, a demand, a threat, a confession is said or written.
    r"offer(?:s|ed)?|demand(?:s|ed)?|threaten(?:s|ed)?|confess(?:es|ed)?|admit(?:s|ted)?|"
    r"announce[sd]?|insist(?:s|ed)?)\b",
    re.I,
)
_HAPPENED_RE = re.compile(r"^\s*what\s+(?:happened|happens|became)\s+(?:to|of)\b", re.I)
_DOES_SAY_RE = re.compile(
    r"\b(?:does|did|do|will|would)\s+(?P<sayer>[^?]*?)\s*\b(?:say|tell|ask|promise|reply|answer|whisper|"
    r"shout|cry|propose|beg|order|warn|suggest|exclaim|murmur|declare|write|offer|demand|"
    r"threaten|confess|admit|announce|insist)\b",
    re.I,
)
_WHAT_RE = re.compile(r"^\s*what\b", re.I)
_SAY_RE = re.compile(r"\b(?:say|says|said)\b", re.I)
# "What illness did she have?": that an illness is asked is the question's kind; the text
# names it without the word ("the doctor called it a weakness of the chest").
_ILLNESS_NOUNS = r"(?:illness|disease|sickness|ailment|malady|complaint|infirmity)"
_ILLNESS_QUESTION_RE = re.compile(
    rf"^\s*(?:what|which)\s+(?:kind\s+of\s+|sort\s+of\s+)?{_ILLNESS_NOUNS}\b"
    rf"|^\s*what\s+(?:was|is)\s+(?:the\s+|his\s+|her\s+|their\s+)?(?:[\w.’' -]+?(?:'s|’s)\s+)?"
    rf"{_ILLNESS_NOUNS}\b",
    re.I,
)


# "What did he do for a living?", "What was her job?": what someone is by trade is the
# question's kind; the text says it without the word ("he repaired clocks").
_TRADE_WORDS = r"(?:job|trade|occupation|profession|calling|employment|line\s+of\s+work)"
_TRADE_QUESTION_RE = re.compile(
    r"^\s*what\s+(?:did|does|do)\s+[^?]*?\bdo\s+(?:for\s+a\s+living|for\s+work)\b"
    rf"|^\s*what\s+(?:was|is|were|are)\s+[^?]*?\b{_TRADE_WORDS}\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Shape:
    kind: str  # who | where | when | why | number | how | what
    main: str  # the question without its kind word and clause
    clause: str  # the words of a when/after/before clause, or ""
    relation: str  # "when", "after", "before" … or ""
    naming: bool  # asks for someone's name
    new_name: bool  # asks what someone is called by another
    age: bool
    clock: bool  # "what time is it …": a time of day
    place_name: bool  # "in what town …": a place by its name
    # "What exactly was the insult?": the thing whose content is asked ("insult"), which
    # only a piece saying what it was answers; "" for other questions.
    exact: str
    money: bool
    duration: bool
    speech: bool  # asks what someone says, asks, promises …
    speech_words: tuple[str, ...]  # the verbs of saying it uses, as written
    happened: bool  # "what happened to …": an event, told after its people are named
    position: str = ""  # "end" or "start": the part of the story the question is about
    # Who says it, as the question words them ("the niece" in "Where does the niece say
    # Framton was chased?"); "" when the question does not say.
    sayer: str = ""
    illness: bool = False  # "what illness …": a piece that names or diagnoses one
    trade: bool = False  # "what did he do for a living": a piece that says what work
    # Words the kind already says, which weigh nothing when the story never uses them:
    # "How much did the room cost?" is answered by "The room is nine shillings a week."
    kind_words: tuple[str, ...] = ()


def question_kind(question: str) -> str:
    for kind, pattern in KIND_RES.items():
        if pattern.match(question):
            return kind
    return "what"


def shape_of(question: str) -> Shape:
    kind = question_kind(question)
    asked = KIND_RES[kind].sub("", question, count=1) if kind in KIND_RES else question
    naming = _NAME_QUESTION_RE.search(question) is not None
    if naming:
        # Whose name is asked is what the sentence must be about; that it names is given.
        asked = re.sub(r"\b(?:first|last|real|full|sur)?name\b", " ", asked, flags=re.I)
    place = _PLACE_NAME_QUESTION_RE.search(asked)
    if place is not None:
        # "In what town or city …": what kind of place is asked is the question's kind.
        asked = asked[: place.start()] + " " + _PLACE_NOUNS_RE.sub(" ", asked[place.start() :])
    money = _MONEY_RE.match(question) is not None
    if money:
        # "How much money did he bet?": that the answer is a sum is given; the sentence
        # must be about the betting ("I stake two millions"), not about "money".
        without = re.sub(rf"\b{_SUM_NOUNS}\b", " ", asked, flags=re.I)
        # "How much was the rent?": the sum's name is all the question is about.
        if re.search(r"\w", re.sub(r"\b(?:is|was|were|are|the|his|her|their|my)\b", "", without)):
            asked = without
    if _AGE_RE.match(question) is not None:
        # "What is the age of the niece?": that an age is asked is the question's kind.
        asked = re.sub(r"\bage\b", " ", asked, flags=re.I)
    if not naming and _NEW_NAME_RE.search(question):
        # "What does the boy call Sam?": that a name is given is the question's kind, not
        # a word the answer holds ("called Summit" is no name for Sam).
        asked = re.sub(r"\b(?:(?:nick)?name[ds]?|call(?:ed)?)\b", " ", asked, flags=re.I)
    illness = _ILLNESS_QUESTION_RE.match(question) is not None
    if illness:
        # "suffer from" says no more than the kind does.
        asked = re.sub(rf"\b{_ILLNESS_NOUNS}\b|\bsuffer\w*\s+from\b", " ", asked, flags=re.I)
    trade = _TRADE_QUESTION_RE.match(question) is not None
    if trade:
        asked = re.sub(
            rf"\bdo\s+for\s+(?:a\s+living|work)\b|\b{_TRADE_WORDS}\b", " ", asked, flags=re.I
        )
    position = ""
    for where, pattern in _POSITION_RES.items():
        if pattern.search(asked):
            position, asked = where, pattern.sub(" ", asked)
            break
    clause, relation = "", ""
    match = _CLAUSE_RE.search(asked.rstrip(" ?!."))
    if match is not None and match.start() > 0:
        clause, relation = match["clause"], " ".join(match["relation"].lower().split())
        if relation == "at the time of":
            relation = "while"  # "how old was he at the time of the bet": a span of time
        asked = asked[: match.start()]
    exact = _EXACT_RE.match(question)
    # "What does he promise?", "Who does he say he will consult?": the words someone says.
    said = _DOES_SAY_RE.search(asked)
    if said is not None and kind == "why" and not _SAY_RE.search(said.group()):
        # "Why did she tell her sister so carefully?" asks about the telling, not for
        # the words told; "why does he say he made the bet?" asks for what he says.
        said = None
    speech = said is not None or (
        _WHAT_RE.match(question) is not None and _SPEECH_RE.search(asked) is not None
    )
    return Shape(
        kind=kind,
        main=asked,
        clause=clause,
        relation=relation,
        naming=naming,
        new_name=not naming and _NEW_NAME_RE.search(question) is not None,
        age=_AGE_RE.match(question) is not None,
        clock=_CLOCK_QUESTION_RE.match(question) is not None,
        place_name=place is not None,
        exact=exact.group(1).casefold() if exact else "",
        money=money,
        duration=_DURATION_RE.match(question) is not None,
        happened=_HAPPENED_RE.match(question) is not None,
        position=position,
        illness=illness,
        trade=trade,
        speech=speech,
        sayer=said["sayer"] if said is not None else "",
        speech_words=tuple(m.group().casefold() for m in _SPEECH_RE.finditer(asked))
        if speech
        else (),
        kind_words=tuple(m.group().casefold() for m in _SUM_VERBS_RE.finditer(asked))
        if money
        else (),
    )
