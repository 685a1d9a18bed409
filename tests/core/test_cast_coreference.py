"""One entry per person: descriptions the text ties to a named character become their
aliases (bot/core/characters/coreference.py); people the text never names keep theirs.
Every story here is invented for the rule it tests."""

from __future__ import annotations

from bot.core.cast import Cast, Character
from bot.core.characters import extract_cast
from bot.core.parsing import split_passages


def cast(text: str) -> Cast:
    return extract_cast(split_passages(text))


def named(found: Cast, name: str) -> Character:
    character = found.find(name)
    assert character is not None, [c.name for c in found.characters]
    return character


INNKEEPER = (
    "Mr. Hale, the innkeeper, poured the wine for the travellers.\n\n"
    'The innkeeper laughed at the rain. "It will stop by noon," the innkeeper said.\n\n'
    "Nobody believed him, and the innkeeper went back to his barrels."
)


def test_a_description_set_beside_a_name_and_used_alone_is_that_person():
    found = cast(INNKEEPER)
    assert [c.name for c in found.characters] == ["Mr. Hale"]
    hale = named(found, "Mr. Hale")
    assert "the innkeeper" in hale.aliases
    assert [line.text for line in hale.lines] == ["It will stop by noon"]


def test_a_description_only_ever_beside_the_name_stays_a_description():
    text = (
        "Dr. Amadi, the surgeon, washed her hands. Dr. Amadi looked at the clock.\n\n"
        "She waited for the ambulance."
    )
    amadi = named(cast(text), "Dr. Amadi")
    assert "the surgeon" not in amadi.aliases
    assert [d.text for d in amadi.descriptions] == ["the surgeon"]


SERGEANT = (
    "A knock came at the door, and Tom opened it.\n\n"
    '"Sergeant-Major Quill," he said, introducing him to his mother.\n\n'
    'The sergeant-major shook hands and took the chair by the fire. "Ten years in the '
    'hills," said the sergeant-major, shaking his head.\n\n'
    '"Tell us about the hills, Quill," said Tom. Quill only smiled.\n\n'
    '"Nothing worth hearing," said the soldier, hastily. The soldier drank his tea.'
)


def test_a_title_makes_its_holder_the_description_of_that_title():
    found = cast(SERGEANT)
    quill = named(found, "Quill")
    assert {"the sergeant-major", "the soldier"} <= set(quill.aliases)
    assert quill.gender == "m"  # "shaking his head", once the descriptions are his
    assert all(c.name not in ("the sergeant", "the soldier") for c in found.characters)


COUPLE = (
    "Mr. and Mrs. Pell lived at the end of the lane with their son Arthur.\n\n"
    "Mr. Pell read the paper. Mrs. Pell knitted by the fire.\n\n"
    '"Listen to the wind," said the old man. The old man got up and shut the window.\n\n'
    '"Sit down," said the old woman, smiling. The old woman put down her needles.\n\n'
    "Arthur laughed at them both, and at ten the old couple went up to bed."
)


def test_the_old_couple_are_the_titled_couple():
    found = cast(COUPLE)
    assert "the old man" in named(found, "Mr. Pell").aliases
    assert "the old woman" in named(found, "Mrs. Pell").aliases
    assert {c.name for c in found.characters} == {"Mr. Pell", "Mrs. Pell", "Arthur"}


def test_a_description_the_text_introduces_is_someone_new():
    text = COUPLE.replace("the old couple", "the two of them").replace(
        '"Listen to the wind," said the old man.',
        'An old man knocked at the door. "Listen to the wind," said the old man.',
    )
    found = cast(text)
    stranger = named(found, "the old man")
    assert "Mr. Pell" not in stranger.aliases
    assert "the old man" not in named(found, "Mr. Pell").aliases


def test_a_child_is_not_the_titled_woman_beside_her():
    text = (
        "Mrs. Quayle poured the tea. Mrs. Quayle sat down.\n\n"
        "The child stared at the window. The child smiled.\n\n"
        "Mrs. Quayle did not notice. The child laughed, and the child ran out."
    )
    found = cast(text)
    assert "the child" not in named(found, "Mrs. Quayle").aliases
    assert named(found, "the child").mentions == 4


def test_a_work_compared_to_is_not_a_place():
    text = (
        "Mrs. Pell listened to the tale of the paw.\n\n"
        '"Sounds like the Golden Fables," said Mrs. Pell, as she rose to lay the supper.'
    )
    found = cast(text)
    assert "Golden Fables" not in {p.name for p in found.places}
    assert [c.name for c in found.characters] == ["Mrs. Pell"]


def test_what_a_title_is_of_is_not_a_place():
    text = (
        "Mrs. Pell came down the stairs like the goddess of Triumph.\n\n"
        "Mrs. Pell sailed down the banks of the Orinoco the next year."
    )
    found = cast(text)
    places = {p.name for p in found.places}
    assert "Triumph" not in places
    assert "the Orinoco" in places or "Orinoco" in places
    assert [c.name for c in found.characters] == ["Mrs. Pell"]
