"""What a person is called: the label the cast shows and every form the text uses."""

from __future__ import annotations

from collections import Counter

from bot.core.characters.aliases import Group
from bot.core.characters.scan import Mention


def alias_forms(group: Group, name: str | None = None) -> tuple[str, ...]:
    """Every form, fullest first; the display name (`name`, if worked out already) is
    always one of them."""
    forms: dict[str, tuple[int, int]] = {}
    for order, mention in enumerate(group.mentions):
        if mention.surface not in forms:
            forms[mention.surface] = (-len(mention.surface.split()), order)
    name = display_name(group) if name is None else name
    forms.setdefault(name, (-len(name.split()), len(forms)))
    return tuple(sorted(forms, key=lambda f: forms[f]))


def display_name(group: Group) -> str:
    """The fullest name: "Amara Okafor" (not "Dr. Amara Okafor"), or "Mr. Okafor" if that
    is all the text gives, so first_name is a name wherever the text allows."""
    if group.label is not None:
        return group.label
    counts = Counter(m.surface for m in group.mentions)

    def fullness(mention: Mention) -> tuple[bool, int, int, bool, int, int, int]:
        single = len(mention.words) == 1
        titled_single = single and mention.title is not None
        return (
            not mention.surface[:1].islower(),  # a name before a description ("the son")
            len(mention.words),
            # One word: the form the text uses most ("Nora" over the shop's "Miss Nora"),
            # the title first when they are even ("Mr. White" over "White").
            counts[mention.surface] if single else 0,
            titled_single,
            counts[mention.surface],
            -mention.passage,
            -mention.start,
        )

    best = max(group.mentions, key=fullness)
    if len(best.words) == 1:
        return best.surface
    # As written, initials' full stops kept ("Ralph D. Spencer"), the title left off.
    return best.surface.split(None, 1)[1] if best.title is not None else best.surface
