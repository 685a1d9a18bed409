"""Whether a "he said" after a quotation belongs to someone the story never names.

"Of course, her father had found out the affair and had forbidden her to see him." /
"I know these sailor chaps," he said. The latest man *named* is the sailor, but the
latest man is her father: the line is his, and he is no one in the cast. A he/she is
given to a named person only when no unnamed person of that gender ("her father", "the
old woman") comes between them.
"""

from __future__ import annotations

from bot.core.characters.analysis import Analysis
from bot.core.characters.gendered_phrases import UNNAMED_PHRASE_RES
from bot.core.lexicon import PRONOUN_GENDER

# How far back a he/she is read: the paragraph and the two before it, as resolve_pronoun.
_PARAGRAPHS_BACK = 3


def said_by_someone_unnamed(analysis: Analysis, passage: int, position: int, pronoun: str) -> bool:
    """Whether the nearest person of the pronoun's gender before `position` is one the
    text only describes ("her father"), not one it names."""
    gender = PRONOUN_GENDER.get(pronoun.lower())
    if gender is None:
        return False
    known = {m.surface.lower() for m in analysis.mentions if m.group >= 0}
    for number in range(passage, passage - _PARAGRAPHS_BACK, -1):
        paragraph = analysis.paragraphs.get(number)
        if paragraph is None:
            continue
        end = position if number == passage else len(paragraph.text)
        named = [
            m
            for m in analysis.person_mentions(number)
            if m.start < end and not m.quoted and analysis.groups[m.group].gender in (None, gender)
        ]
        taken = [(m.start, m.end) for m in analysis.person_mentions(number)]
        described = [
            match.start()
            for match in UNNAMED_PHRASE_RES[gender].finditer(paragraph.text, 0, end)
            if not paragraph.quoted(match.start())
            and not any(start <= match.start() < stop for start, stop in taken)
            # "the old woman" again, where the cast has her under that epithet already
            and match.group().lower() not in known
        ]
        latest_named = max((m.start for m in named), default=-1)
        latest_described = max(described, default=-1)
        if latest_described > latest_named:
            return True
        if latest_named >= 0:
            return False
    return False
