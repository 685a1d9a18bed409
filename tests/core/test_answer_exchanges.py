"""/story ask on dialogue and on the sentences around the one that holds the question's
words (bot/core/answering.py): each rule on a short invented story, the question, and
the sentence that must be quoted."""

from __future__ import annotations

from bot.core.answering import find_answer
from bot.core.answers import quote_found
from bot.core.parsing import split_passages
from tests.core.answer_helpers import answers, person

HAGGLE = "\n\n".join(
    [
        "I met Corbin on the quay at dusk, as the boats came in.",
        '"I have bought a cask of the new brandy," I told him, "and I was rash enough to '
        'pay the whole price without asking your opinion of it."',
        '"Brandy!" said Corbin.',
        '"I have my fears."',
        '"Brandy!"',
        '"And I must settle them."',
        '"Brandy!"',
        '"Since you are busy, I shall go to Pellow. If anyone has a palate, it is he."',
        '"Pellow cannot tell brandy from vinegar."',
    ]
)


def test_a_speaker_s_answer_comes_in_a_later_turn_of_the_same_exchange() -> None:
    narrator = person("Narrator", "the narrator", gender="m")
    corbin = person("Corbin", gender="m")
    found = answers(
        HAGGLE,
        "Whose opinion does the narrator say he will ask about the brandy instead of Corbin's?",
        (narrator, corbin),
    )
    # The line that holds the question's words says no one; the one naming Pellow, three
    # of the narrator's turns later, past Corbin's cries, does.
    assert found[0].startswith('"I have bought a cask')
    assert '"Since you are busy, I shall go to Pellow. If anyone has a palate, it is he."' in found
    # "And I must settle them." opens with a capital but names no one.
    assert '"And I must settle them."' not in found


def test_narration_ends_the_exchange() -> None:
    narrator = person("Narrator", "the narrator", gender="m")
    corbin = person("Corbin", gender="m")
    text = HAGGLE.replace('"And I must settle them."', "The tide turned and we walked on.")
    found = answers(
        text,
        "Whose opinion does the narrator say he will ask about the brandy instead of Corbin's?",
        (narrator, corbin),
    )
    assert not any("Pellow" in quote for quote in found)


def test_a_quotation_broken_off_by_a_dash_ends_with_a_closing_mark() -> None:
    text = 'The clerk looked up.\n\n"If anyone knows, it is Pellow. He will tell me--"'
    answer = quote_found(find_answer("Who will tell the clerk?", [("Tale", split_passages(text))]))
    # Nested in the answer's own quotation marks, the line's marks become single ones; the
    # last one closes it (it read "me—‘" before).
    assert "“‘If anyone knows, it is Pellow. He will tell me—’” — Tale, ¶2" in answer.text


def test_a_line_his_sister_said_is_not_his() -> None:
    tom = person("Tom", gender="m")
    text = "\n\n".join(
        [
            "Tom packed his trunk for the country on a wet Monday.",
            '"You will bury yourself down there," his sister had said, "and I shall have to '
            'write to the vicar about you."',
            "The carrier came at noon and the trunk went on the cart with the apples.",
            "At the station Tom gave the porter a shilling for his trouble.",
            '"I shall be back by June," said Tom to the porter.',
        ]
    )
    # Only his own line is what Tom says: his sister's is never quoted as his.
    found = answers(text, "What does Tom say he will write to the vicar?", (tom,))
    assert not any("vicar" in quote for quote in found)


def test_a_line_said_to_me_is_not_the_narrator_s() -> None:
    narrator = person("the narrator", gender="m")
    text = "\n\n".join(
        [
            "I walked up to the farm at noon with the new bucket.",
            '"The well is poisoned," the farmer\'s wife told me.',
            "The dog lay in the shade of the barn and the hens scratched in the dust.",
            "I set the bucket down by the gate and looked at the hills.",
            '"It will rain by evening," I said.',
        ]
    )
    found = answers(text, "What does the narrator say is poisoned?", (narrator,))
    assert not any("poisoned" in quote for quote in found)


def test_who_said_a_line_of_a_speech_is_answered_with_who_says_it() -> None:
    text = "\n\n".join(
        [
            "The talk at supper turned to the old duelling laws, and most of the guests "
            "thought them barbarous.",
            "“I can't agree with any of you,” said the magistrate. “I have sat on the bench "
            "for thirty years, and I have seen what a long sentence does to a young man. "
            "In my judgment a quick fine is far more merciful than a year in the county "
            "gaol, whatever the newspapers may say about it.” “Exile is kinder still.”",
            "Nobody answered him, and the port went round again.",
        ]
    )
    magistrate = person("the magistrate", gender="m")
    found = answers(text, "Who said a fine is more merciful than gaol?", (magistrate,))
    assert any("a quick fine is far more merciful" in quote for quote in found)
    # The line names no one ("Exile", opening the next, is no name): who says it is told
    # by the piece of the speech that names him.
    assert "“I can't agree with any of you,” said the magistrate." in found


def test_where_is_answered_with_the_sentence_that_first_brought_the_place_in() -> None:
    ned = person("Ned", gender="m")
    tess = person("Tess", gender="f")
    text = "\n\n".join(
        [
            "Half a mile past the village stood an old quarry. In the side of the quarry was "
            "a hut.",
            "Ned and Tess carried the girl up the hill after dark.",
            "Tess kept watch by the door of the hut all night while Ned slept.",
            "In the morning Ned went down for bread and left the girl tied up in the hut.",
            "Nobody came near the hut for three days.",
        ]
    )
    found = answers(text, "Where do Ned and Tess keep the girl?", (ned, tess))
    # The pieces that hold the question say "in the hut"; where the hut is, the sentence
    # that first told of it says.
    assert "In the side of the quarry was a hut." in found


def test_who_is_answered_with_where_the_story_first_named_them_in_full() -> None:
    pell = person("Mr. Pell", gender="m")
    harrow = person("Harrow", "the captain", gender="m")
    text = "\n\n".join(
        [
            "The Pells were at supper when the gate banged and boots came up the path.",
            '"Captain Harrow," said Mr. Pell, ushering in a tall man in a wet coat.',
            "The captain sat by the fire and drank his rum in silence.",
            '"What was that you said about a silver compass, Harrow?" asked Mr. Pell.',
            '"Nothing," said the captain. "It is cursed, and I wish I had never seen it."',
        ]
    )
    found = answers(text, "Who brings the silver compass to the Pells' house?", (pell, harrow))
    assert '"What was that you said about a silver compass, Harrow?" asked Mr. Pell.' in found
    # "Harrow" alone does not say who he is; where the story first named him does.
    assert '"Captain Harrow," said Mr. Pell, ushering in a tall man in a wet coat.' in found


def test_a_fuller_form_that_is_someone_else_s_name_introduces_no_one() -> None:
    father = person("Mr. Pell", gender="m")
    mother = person("Mrs. Pell", "Pell", gender="f")
    text = "\n\n".join(
        [
            "Mr. Pell read the paper by the lamp while the rain came down.",
            "The house was quiet, and the clock ticked on the shelf above the fire.",
            "At midnight it was Pell who heard the knock and ran to the door.",
        ]
    )
    found = answers(text, "Who ran to the door at midnight?", (father, mother))
    assert found == ["At midnight it was Pell who heard the knock and ran to the door."]


def test_the_time_when_someone_arrives_is_the_one_told_where_they_are() -> None:
    narrator = person("the narrator", gender="m")
    aunt = person("Mrs Hobb", gender="f")
    text = "\n\n".join(
        [
            "Supper went on and on. Mrs Hobb rose to leave: it was past seven o'clock and "
            "she feared the fog.",
            "Far off a dog barked and the sound reached the kitchen faintly.",
            "At last I was free to go, and I ran all the way down to the fair.",
            "The gates were lit with lamps, and I saw on the church clock that it was ten "
            "minutes to nine.",
        ]
    )
    found = answers(text, "What time is it when the narrator reaches the fair?", (narrator, aunt))
    assert (
        "The gates were lit with lamps, and I saw on the church clock that it was ten "
        "minutes to nine."
    ) in found
    # Seven o'clock is the time Mrs Hobb left, near a piece where something "reached".
    assert not any("seven" in quote for quote in found)


def test_who_is_answered_by_a_description_the_cast_knows_not_by_a_bare_he() -> None:
    harrow = person("Harrow", "the captain", gender="m")
    text = "\n\n".join(
        [
            "The Pells sat by the fire while the rain beat on the windows.",
            "The captain shook hands and took the chair nearest the fire.",
            "At the third glass he began to talk, and the family listened to this stranger "
            "from over the sea as he told of storms and wrecks.",
            '"Twelve years of it," said Mr. Pell, nodding at his wife.',
        ]
    )
    pell = person("Mr. Pell", gender="m")
    found = answers(text, "Who is the stranger from over the sea?", (harrow, pell))
    # "he" says who to no reader; "The captain" does, named before the "he" that means him
    # (Mr. Pell, named after, is not the stranger).
    assert "The captain shook hands and took the chair nearest the fire." in found
    assert not any("Twelve years" in quote for quote in found)


def test_a_reply_is_read_with_the_question_it_answers() -> None:
    dray = person("Mrs. Dray", gender="f")
    text = "\n\n".join(
        [
            "The clerk from the mill stood by the door, turning his hat in his hands.",
            '"The company admits no fault," he went on, "but it wishes to make you a small '
            'payment as compensation."',
            'Mrs. Dray looked up sharply. "How much?"',
            '"Forty pounds," was the answer.',
            "Nobody spoke for a long time.",
        ]
    )
    found = answers(text, "How much compensation does the company offer?", (dray,))
    assert '"Forty pounds," was the answer.' in found


def test_that_is_why_points_back_to_the_reason() -> None:
    text = "\n\n".join(
        [
            "The lamp in the cottage window burned every night of the year.",
            "Old Meg still believes her son will row home across the bay one evening. That "
            "is why the lamp is left burning till dawn. The neighbours have stopped asking.",
        ]
    )
    found = answers(text, "Why is the lamp left burning?")
    assert "Old Meg still believes her son will row home across the bay one evening." in found
    assert "That is why the lamp is left burning till dawn." in found
