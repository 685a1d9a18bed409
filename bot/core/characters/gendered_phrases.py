"""Phrases that bring in a person of a known gender without naming them: "her husband",
"the old woman", "a boy". A he or she after one may be theirs, not the last name's."""

from __future__ import annotations

import re

from bot.core.lexicon import FEMALE_NOUNS, MALE_NOUNS

_DETERMINERS = r"\b(?:[Hh]is|[Hh]er|[Tt]heir|[Mm]y|[Oo]ur|[Tt]he|[Aa]n?)\s+(?:old\s+|young\s+)?"


def _phrases(nouns: frozenset[str]) -> re.Pattern[str]:
    return re.compile(_DETERMINERS + rf"(?:{'|'.join(sorted(nouns))})\b")


GENDERED_PHRASE_RES = {"f": _phrases(FEMALE_NOUNS), "m": _phrases(MALE_NOUNS)}
# A spouse ("her husband", "his wife") is most often the named partner of the one the
# pronoun means ("Mrs. White … her husband"): someone in the cast, not someone unnamed.
_SPOUSES = frozenset(["husband", "wife"])
UNNAMED_PHRASE_RES = {
    "f": _phrases(FEMALE_NOUNS - _SPOUSES),
    "m": _phrases(MALE_NOUNS - _SPOUSES),
}
