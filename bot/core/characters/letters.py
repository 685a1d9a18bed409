"""A story told in letters: the "I" of each signed letter is whoever signs it, not one
narrator for the whole story ("My dear Clara, … I have bought the orchard … Your loving
sister, Margaret": Margaret bought it; Clara's reply is Clara's)."""

from __future__ import annotations

from collections import defaultdict

from bot.core.characters.aliases import Group, gender_votes, majority
from bot.core.characters.paragraph import Paragraph
from bot.core.characters.scan import Mention
from bot.core.characters.unnamed import NARRATING_I, SHORTEST_NARRATOR_I
from bot.core.letters import SALUTATION_RE, SIGN_OFF_RE, letter_writers

# A sign-off may say more than a name ("Your sister, who is not mad,"): the cast's
# letters open with a salutation, which keeps a short paragraph of narration from
# passing for one.
_LONGEST_SIGNATURE = 12


def sign_letters(
    paragraphs: dict[int, Paragraph], groups: dict[int, Group], mentions: list[Mention]
) -> None:
    """The narrating "I"s inside each signed letter become its writer's mentions. What is
    left to the narrator (an unsigned letter's few "I"s) is no narrator unless it is as
    many as a narrator needs."""
    # Letters open with a salutation: a story without one has none (and most have none).
    if not any(SALUTATION_RE.match(p.text) for p in paragraphs.values()):
        return
    narrator = next((g for g in groups.values() if _narrates(g)), None)
    if narrator is None:
        return
    numbers = list(paragraphs)
    signers = _signers(paragraphs, groups)
    writers = letter_writers(
        [paragraphs[n].text for n in numbers],
        signers.get,
        longest_signature=_LONGEST_SIGNATURE,
        salutation_needed=True,
    )
    if not writers:
        return
    by_number = {numbers[position]: writer for position, writer in writers.items()}
    moved: dict[int, list[Mention]] = defaultdict(list)
    for mention in narrator.mentions:
        writer = by_number.get(mention.passage)
        if mention.surface == NARRATING_I and writer is not None and writer is not narrator:
            moved[writer.id].append(mention)
    if not moved:
        return
    gone = {id(m) for found in moved.values() for m in found}
    narrator.mentions = [m for m in narrator.mentions if id(m) not in gone]
    for writer_id, found in moved.items():
        writer = groups[writer_id]
        for mention in found:
            mention.group = writer.id
            mention.words = writer.words
        writer.mentions = sorted([*writer.mentions, *found], key=lambda m: (m.passage, m.start))
        if writer.gender is None:
            writer.gender = majority(gender_votes(writer.mentions, paragraphs))
    if len(narrator.mentions) < SHORTEST_NARRATOR_I:
        left = {id(m) for m in narrator.mentions}
        mentions[:] = [m for m in mentions if id(m) not in left]
        narrator.mentions = []


def _narrates(group: Group) -> bool:
    return group.kind == "person" and any(m.surface == NARRATING_I for m in group.mentions)


def _signers(paragraphs: dict[int, Paragraph], groups: dict[int, Group]) -> dict[str, Group]:
    """Each paragraph that signs a letter, as the text reads stripped, with its signer: a
    person's name ending the paragraph, alone or after a closing ("Your sister, Margaret")."""
    found: dict[str, Group] = {}
    for group in groups.values():
        if group.kind != "person" or _narrates(group):
            continue
        for mention in group.mentions:
            text = paragraphs[mention.passage].text
            before = text[: mention.start].strip()
            after = text[mention.after :].strip()
            # "Meg," alone is a salutation, "Come here, Tom." a call; "Margaret", "Your
            # sister, who is not mad, Margaret" and "Jimmy." sign.
            signs_off = not before or SIGN_OFF_RE.fullmatch(before + " ") is not None
            if after in ("", ".", "!") and signs_off:
                found[text.strip()] = group
    return found
