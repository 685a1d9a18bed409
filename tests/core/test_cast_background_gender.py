"""Gender and labels in a story told of "her": a she after a man's name is most likely still
hers, so it does not make him a woman; a woman named beside her keeps her gender."""

from __future__ import annotations

from bot.core.characters import extract_cast
from bot.core.parsing import split_passages

HER_STORY = "\n\n".join(
    [
        "She sat at the window and watched the rain. She was tired, and her hands ached.",
        "She had dusted the room once a week for years. She knew every chair in it.",
        "Kitty Boland had gone back to Cork. She had written once, and never again.",
        "Kitty had been her friend at the shop. She still missed her.",
        "Owen was kind and open-hearted. She was to go away with him and be his wife.",
        "She remembered the first evening. She had laughed at his stories of the sea.",
        "One day her father quarrelled with Owen, and after that she met him in secret.",
        "She stood on the quay at last. She gripped the railing, and she did not go.",
    ]
)


def _genders() -> dict[str, str | None]:
    return {c.name: c.gender for c in extract_cast(split_passages(HER_STORY)).characters}


def test_a_man_named_in_her_story_is_not_made_a_woman_by_her_she():
    assert _genders()["Owen"] != "f"


def test_a_woman_named_in_her_story_keeps_her_she():
    assert _genders()["Kitty Boland"] == "f"


def test_a_story_of_both_reads_the_first_pronoun_as_before():
    text = "Owen came in from the rain. She looked up from the fire.\n\nOwen sat down."
    (owen,) = extract_cast(split_passages(text)).characters
    assert owen.gender == "f"  # nothing says otherwise, and no "she" is told of anyone else


def test_a_first_name_is_labelled_as_the_text_says_it_most():
    text = (
        '"Miss Nora, the ladies are waiting." Nora ran to the counter.\n\n'
        '"Look lively, Miss Nora." Nora did not answer. Nora was tired.'
    )
    assert [c.name for c in extract_cast(split_passages(text)).characters] == ["Nora"]


def test_a_titled_surname_keeps_its_title():
    text = "Mr. White lit his pipe. Mr. White smiled. White was happy."
    assert [c.name for c in extract_cast(split_passages(text)).characters] == ["Mr. White"]


def test_a_he_after_her_husband_is_the_husband_s():
    text = HER_STORY + (
        '\n\n"I am tired," said Mathilde.\n\nMathilde learned the heavy housework. Her '
        "husband worked evenings, and late at night he copied manuscript."
    )
    assert {c.name: c.gender for c in extract_cast(split_passages(text)).characters}[
        "Mathilde"
    ] == "f"


def test_m_before_and_madame_is_monsieur_of_the_couple():
    text = (
        "The card asked for the company of M. and Madame Lebrun at the Ministry.\n\n"
        "Madame Lebrun was the prettiest woman there, and she danced all night.\n\n"
        "Lebrun went over the whole route. He returned at seven and found nothing."
    )
    cast = {c.name: c for c in extract_cast(split_passages(text)).characters}
    assert set(cast) == {"Madame Lebrun", "M. Lebrun"}
    assert cast["M. Lebrun"].gender == "m" and "Lebrun" in cast["M. Lebrun"].aliases
    assert "M" not in [p.name for p in extract_cast(split_passages(text)).places]


def test_the_husband_parted_from_madame_joins_his_own_titled_name():
    text = (
        "She read the card: \"The Minister requests the honor of M. and Madame Lebrun's "
        'company at the Ministry."\n\n'
        "Madame Lebrun was the prettiest woman there, and she danced all night.\n\n"
        "Lebrun went over the whole route. He returned at seven and found nothing."
    )
    cast = {c.name: c.aliases for c in extract_cast(split_passages(text)).characters}
    assert cast == {"Madame Lebrun": ("Madame Lebrun",), "M. Lebrun": ("M. Lebrun", "Lebrun")}


def test_madame_opening_a_sentence_stays_a_title_where_talk_says_madame():
    text = (
        '"But, madame, I do not know you." Madame Duval stopped. Madame Duval wept.\n\n'
        "Madame Duval took her hands, and she smiled."
    )
    (duval,) = extract_cast(split_passages(text)).characters
    assert duval.aliases == ("Madame Duval",)


def test_madame_with_one_woman_of_the_name_in_full_is_her_and_the_bare_name_him():
    text = (
        'The card read: "M. and Madame Lebrun are invited to the Ministry."\n\n'
        "Madame Lebrun was the prettiest woman there, and she danced all night.\n\n"
        "Lebrun went over the whole route. He returned at seven and found nothing.\n\n"
        "Mathilde Lebrun paid for ten years; she grew old. Mathilde wept."
    )
    cast = {c.name: set(c.aliases) for c in extract_cast(split_passages(text)).characters}
    assert cast == {
        "Mathilde Lebrun": {"Madame Lebrun", "Mathilde Lebrun", "Mathilde"},
        "M. Lebrun": {"M. Lebrun", "Lebrun"},
    }
