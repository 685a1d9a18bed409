"""A retold pronoun means whom the text means (bot.core.referents), on invented text: a
"he" left after a sentence about another man is named as the text names him, or comes
with the sentence that names him, or is left out; a "they" whose group was left out
goes; a pronoun that already means the right person is left alone."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.naming import StorySentence
from bot.core.parsing import split_passages
from bot.core.referents import Referents, keep_referents
from bot.core.retelling import retell, story_sentences

# Two men who both speak, so a reader (and the retelling) knows them by description.
_WAGER = [
    "The banker remembered the party he gave on a cold night long ago.",  # 0
    '"I bet you two millions you would not stay five years," cried the banker.',  # 1
    '"Then I will stay fifteen years," replied the lawyer.',  # 2
    "It was decided that the lawyer must live in the garden-wing of the banker's house.",  # 3
    "He could receive books and wine by sending a note through the window.",  # 4
    "The banker was beside himself with rapture that evening.",  # 5
    "The garden was dark and the trees whined in the wind all night.",  # 6
]


def sentences(lines: Sequence[str]) -> list[StorySentence]:
    return [StorySentence(1 + i // 2, line) for i, line in enumerate(lines)]


def kept(lines: Sequence[str], chosen: list[int], room: int = 10_000) -> list[str]:
    story = sentences(lines)
    referents = Referents(story, None, None)
    _, told = keep_referents(referents, chosen, [lines[i] for i in chosen], "'", room)
    return told


def test_a_he_after_another_man_becomes_the_description_the_text_used() -> None:
    # Kept after "cried the banker", "He could receive…" would be the banker's; the text
    # says the lawyer, and nobody else is named where it does.
    told = kept(_WAGER, [0, 1, 4, 6])
    assert "The lawyer could receive books and wine by sending a note through the window." in told
    assert _WAGER[4] not in told


def test_a_pronoun_that_still_means_the_same_person_is_left_alone() -> None:
    told = kept(_WAGER, [0, 2, 3, 4, 6])
    assert told == [_WAGER[i] for i in (0, 2, 3, 4, 6)]


def test_when_the_text_is_not_clear_the_sentence_that_names_him_comes_along() -> None:
    lines = list(_WAGER)
    # The clerk comes first: a reader cannot be sure the "He" after is the lawyer, so
    # the pronoun is not replaced; the sentence naming the lawyer is brought instead.
    lines[3] = "No, the clerk told the lawyer he must live in the garden-wing."
    told = kept(lines, [0, 1, 4, 6])
    assert told == [lines[0], lines[1], lines[3], lines[4], lines[6]]


def test_when_nothing_brief_names_him_the_sentence_is_left_out() -> None:
    lines = list(_WAGER)
    lines[3] = (
        "No, the clerk told the lawyer that he must live in the garden-wing, far from the "
        "street, the bank, the newspapers and the people of the town, with a piano, a stove, "
        "a shelf of books and a little window through which notes could pass day and night."
    )
    told = kept(lines, [0, 1, 4, 6])
    assert told == [lines[0], lines[1], lines[6]]


def test_no_room_to_bring_the_naming_sentence_leaves_the_pronoun_out() -> None:
    lines = list(_WAGER)
    lines[3] = "No, the clerk told the lawyer he must live in the garden-wing."
    told = kept(lines, [0, 1, 4, 6], room=10)
    assert told == [lines[0], lines[1], lines[6]]


def test_a_she_after_another_woman_is_named_by_the_title_that_makes_her_one() -> None:
    lines = [
        "Mrs. Hale kept the shop at the corner of the market square.",
        '"You are late again," said Mrs. Hale.',
        '"The cart lost a wheel," said Nell, and her arms ached from the sacks.',
        "Nell went home to her mother before dark.",
        "Mrs. Hale locked the door of the shop behind the last customer.",
        "She counted the coins twice before she went up to bed.",
        "The square was empty by the time the lamps were lit.",
    ]
    told = kept(lines, [0, 3, 5, 6])
    # After "Nell went home…" the "She" would be Nell's; the text's is Mrs. Hale's.
    assert told[2] == "Mrs. Hale counted the coins twice before she went up to bed."


def test_a_he_is_never_given_the_name_of_a_woman() -> None:
    lines = [
        "Mrs. Hale kept the shop at the corner of the market square.",
        '"You are late again," said Mrs. Hale.',
        "He counted the coins twice before he locked the drawer.",
        "The square was empty by the time the lamps were lit.",
    ]
    told = kept(lines, [0, 2, 3])
    assert not any("Mrs. Hale counted" in line for line in told)


def test_a_they_whose_group_was_left_out_goes_too() -> None:
    lines = [
        "The old banker paced his study on a dark autumn night.",
        "There were many clever people at the party and much conversation.",
        "Some of them thought that the death penalty should be abolished.",
        "The banker disagreed with all of them that night.",
    ]
    assert kept(lines, [0, 2, 3]) == [lines[0], lines[3]]
    assert kept(lines, [0, 1, 2, 3]) == lines


def test_retellings_of_every_length_keep_whom_each_he_means() -> None:
    """Through `retell`: whatever sentences a length keeps, a "He" that opens one means
    the man the nearest earlier kept sentence names first, as in the text."""
    filler = [
        "The wind came off the sea and rattled the shutters of the house all night.",
        "Rain drummed on the slate roofs of the village until the lamps were lit.",
    ]
    paragraphs = [
        " ".join(_WAGER[0:3]),
        " ".join(_WAGER[3:5]),
        filler[0],
        "The banker was beside himself with rapture. He ordered wine for all his guests.",
        filler[1],
        "Years later the lawyer sat immovable at his table. He read only the New Testament.",
        "The banker found it strange. He had not expected the lawyer to change so much.",
    ]
    passages = split_passages("\n\n".join(paragraphs))
    men = ("the banker", "the lawyer")
    order = [text for _, text in story_sentences(passages)]
    for length in ("short", "medium", "long"):
        told = [s.text for s in retell(passages, length=length).sentences]
        for position, text in enumerate(told):
            if not text.startswith("He "):
                continue
            source = order.index(text)
            assert _first_man_before(order[:source], men) == _first_man_before(
                told[:position], men
            ), (length, text)


def _first_man_before(earlier: Sequence[str], men: Sequence[str]) -> str | None:
    for text in reversed(earlier):
        found = [(text.lower().find(m), m) for m in men if m in text.lower()]
        found = [
            pair for pair in found if not text.lower()[pair[0] + len(pair[1]) :].startswith("'s")
        ]
        if found:
            return min(found)[1]
    return None


def test_the_man_is_someone_already_there_and_a_man_is_someone_new() -> None:
    lines = [
        '"Good evening," said Fortunato, and shook my hand.',
        "The man wore motley and a cap with bells.",
    ]
    referents = Referents(sentences(lines), None, None)
    meant, _, _ = referents.referent(lines, "m")
    assert meant is not None and meant.who == "Fortunato"
    stranger = [lines[0], "A man in a grey coat stood by the door."]
    meant, clear, _ = referents.referent(stranger, "m")
    assert meant is not None and meant.who == "" and not clear


def test_a_line_left_two_turns_from_the_same_speakers_line_is_not_retold() -> None:
    from bot.core.turns import keep_turns

    lines = [
        "We went down into the vaults with a torch.",
        '"Where is the cask?"',
        '"In the next vault, beyond the bones."',
        '"Show me the cask, then."',
        "I led him on without a word.",
    ]
    story = [StorySentence(i + 1, line) for i, line in enumerate(lines)]
    # Kept one after the other, the two lines of the same man would read as question
    # and answer of two.
    assert keep_turns(story, [0, 1, 3, 4], [lines[i] for i in (0, 1, 3, 4)])[0] == [0, 1, 4]
    # Turns that still alternate, or a line after narration, stay.
    assert keep_turns(story, [0, 1, 2, 4], [lines[i] for i in (0, 1, 2, 4)])[0] == [0, 1, 2, 4]
    assert keep_turns(story, [0, 3, 4], [lines[i] for i in (0, 3, 4)])[0] == [0, 3, 4]
