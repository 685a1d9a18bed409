"""The rules /story ask uses to find the sentence that answers (bot/core/answering.py,
answer_units.py, question_shape.py), each on a small invented story."""

from __future__ import annotations

from bot.core.answer_kinds import eligible_pieces
from bot.core.answer_units import story_units
from bot.core.parsing import split_passages
from bot.core.question_shape import shape_of
from bot.core.wordforms import base_form, word_root
from tests.core.answer_helpers import answers, person


def test_a_sentence_inside_a_long_speech_is_quoted_by_itself():
    text = (
        "The old sailor filled his pipe and looked at the fire for a long time.\n\n"
        '"They left the harbour at dawn, all four of them, singing as they rowed past the '
        "lighthouse and the long grey wall where the nets were drying in the wind. A squall "
        "came down from the cliffs before noon and the boat was driven onto the rocks. Nobody "
        'ever found the oars, and the widow still keeps a lamp lit in her window," he said.'
    )
    found = answers(text, "What happened to the boat before noon?")
    # Quoted alone, it is still the sailor speaking: it keeps its quotation marks.
    assert (
        '"A squall came down from the cliffs before noon and the boat was driven onto the rocks."'
        in found
    )
    assert not any("harbour" in quote for quote in found)


def test_a_short_speech_stays_whole():
    units = story_units(
        [("Tale", split_passages('"Agreed. You stake the farm, I my horse," said Ada.'))], ()
    )
    assert [unit.text for unit in units] == ['"Agreed. You stake the farm, I my horse," said Ada.']


def test_a_pronoun_stands_for_the_character_named_before_it():
    nora = person("Nora Pell", "Nora", gender="f")
    text = (
        "Nora Pell came home late from the mill.\n\n"
        "The lamps were out in the lane. She hid the letter under the loose stone by the well."
    )
    assert "She hid the letter under the loose stone by the well." in answers(
        text, "Where does Nora Pell hide the letter?", (nora,)
    )


def test_her_before_another_woman_s_name_is_still_the_first_woman():
    ada, june = person("Ada", gender="f", mentions=9), person("June", gender="f", mentions=2)
    text = (
        "Ada waited by the gate all morning.\n\n"
        "It was her cousin June who told her, quietly, in the kitchen.\n\n"
        "The kettle sang on the stove."
    )
    assert "It was her cousin June who told her, quietly, in the kitchen." in answers(
        text, "Who told Ada?", (ada, june)
    )


def test_a_negation_matches_another_negation():
    text = (
        "Mara wanted to go to the fair more than anything.\n\n"
        "She could not go, she said, because her brother was ill that week.\n\n"
        "The fair was the finest in the county."
    )
    found = answers(text, "Why can't Mara go to the fair?", (person("Mara", gender="f"),))
    assert "She could not go, she said, because her brother was ill that week." in found


def test_a_when_clause_locates_the_moment_and_the_answer_follows_it():
    tom = person("Tom", gender="m")
    text = (
        "Tom sat by the window reading.\n\n"
        "At six the church bell rang across the square.\n\n"
        "Tom dropped his book and ran down the stairs."
    )
    found = answers(text, "What does Tom do when the church bell rings?", (tom,))
    assert "Tom dropped his book and ran down the stairs." in found
    assert "Tom sat by the window reading." not in found


def test_a_before_clause_looks_at_what_comes_earlier():
    eli, ann = person("Eli", gender="m"), person("Ann", gender="f")
    text = (
        "Eli knelt by the chest.\n\n"
        '"Ann," he said, "give me the brooch you are wearing, will you?"\n\n'
        "She gave it to him without a word.\n\n"
        "Then he opened the chest with the pin of it."
    )
    found = answers(text, "What does Eli ask Ann for before he opens the chest?", (eli, ann))
    assert '"Ann," he said, "give me the brooch you are wearing, will you?"' in found


def test_what_someone_promises_is_what_they_say():
    narrator = person("the narrator")
    lily = person("Lily", gender="f")
    text = (
        "Lily stood at the railings with her basket. Lily smiled at me.\n\n"
        "\u201cIt\u2019s well for you,\u201d she said.\n\n"
        "\u201cIf I go,\u201d I said, \u201cI will bring you a ribbon.\u201d"
    )
    found = answers(text, "What does the narrator promise Lily?", (narrator, lily))
    assert "\u201cIf I go,\u201d I said, \u201cI will bring you a ribbon.\u201d" in found


def test_a_name_given_is_found_by_the_verb_that_gives_it():
    text = (
        "The boy looked at me for a long while and then laughed.\n\n"
        "He christened me Crow-foot, and said I would hang at sunrise.\n\n"
        "The boy named nothing else that day, though he talked without stopping."
    )
    found = answers(text, "What name does the boy give the narrator?", (person("the narrator"),))
    assert "He christened me Crow-foot, and said I would hang at sunrise." in found
    assert not any("named nothing" in quote for quote in found)


def test_money_and_lengths_of_time_are_answered_by_money_and_durations():
    text = (
        "I took the road to the market with my brother, who carried the basket.\n\n"
        "I held a shilling tightly in my hand all the way to the market.\n\n"
        "The safe was old. In five minutes he had the door of the safe open."
    )
    narrator = person("the narrator")
    assert "I held a shilling tightly in my hand all the way to the market." in answers(
        text, "How much money does the narrator take to the market?", (narrator,)
    )
    assert "In five minutes he had the door of the safe open." in answers(
        text, "How long does it take him to open the safe?"
    )


def test_where_is_answered_by_the_place_the_scene_is_in():
    dan = person("Dan Rook", "Dan", gender="m")
    text = (
        "One spring Dan Rook stepped off the coach in Harlow, a small town by the river.\n\n"
        "He took a room over the bakery.\n\n"
        "He liked the people and they liked him.\n\n"
        "Within a month he opened a shop and sold boots to half the valley."
    )
    found = answers(text, "Where does Dan open a shop?", (dan,), ("Harlow",))
    assert (
        "One spring Dan Rook stepped off the coach in Harlow, a small town by the river." in found
    )


def test_the_scene_is_a_town_the_cast_places_missed():
    # The cast knows the inn as a place but not the town: "remained in Harlow" still says
    # where the shop is, and the answer is the piece that first brings Dan there.
    dan = person("Dan Rook", "Dan", gender="m")
    text = (
        "One spring Dan Rook stepped off the coach in Harlow, a small town by the river.\n\n"
        "He went to the Crown Inn and took a room.\n\n"
        "He liked the people and they liked him.\n\n"
        "Dan remained in Harlow and prospered. He opened a shop and sold boots to the valley."
    )
    found = answers(text, "Where does Dan settle and open a shop?", (dan,), ("the Crown Inn",))
    assert (
        "One spring Dan Rook stepped off the coach in Harlow, a small town by the river." in found
    )


def test_a_wish_is_made_by_saying_it_and_first_is_an_order_not_a_word():
    # "First" orders the wishes; the sentence that holds the word is about someone else's.
    # His wish is what he says in the first person: "I wish for …".
    tom = person("Tom Hale", "Tom", "the old man", gender="m")
    text = (
        "Tom Hale turned the ring over in his hand by the fire.\n\n"
        "Tom had heard that the first owner of the ring wished for a crown and got a coffin.\n\n"
        "The kettle sang and the cat slept on the mat by the door.\n\n"
        "The wind rattled the shutters and the lamp smoked in its glass.\n\n"
        '"I wish for a new roof," said the old man, holding up the ring.'
    )
    found = answers(text, "What does Tom wish for first?", (tom,))
    assert found[0] == '"I wish for a new roof," said the old man, holding up the ring.'
    # Told of him, "Tom wished …" holds the question as well; said by him, the wish is made.
    text = (
        "Tom Hale turned the ring over in his hand by the fire.\n\n"
        "All that winter Tom wished the snow would stop, and it did not.\n\n"
        "The kettle sang and the cat slept on the mat by the door.\n\n"
        "The wind rattled the shutters and the lamp smoked in its glass.\n\n"
        "His son laughed at the ring and told him to wish.\n\n"
        '"I wish for a new roof," said the old man, holding up the ring.'
    )
    found = answers(text, "What does Tom wish for?", (tom,))
    assert '"I wish for a new roof," said the old man, holding up the ring.' in found
    assert "All that winter Tom wished the snow would stop, and it did not." not in found


def test_where_someone_is_led_is_the_place_named_next_in_the_paragraph():
    # Setting out names no place; the arrival, two sentences on, does. The scene before
    # (the fair in Bramley) is where they started, not where he leads him.
    kit = person("Kit Marlow", "Kit", gender="m")
    ned = person("Ned Ashe", "Ned", gender="m")
    text = (
        "Kit met Ned at the fair in Bramley and praised the wine in his cellar.\n\n"
        "Kit took the lamp and led Ned through the kitchen and out by the back door. "
        "He went down the narrow steps first, telling him to mind his head. "
        "They came at last to the bottom and stood together in the cold crypt of Greyholm."
    )
    found = answers(text, "Where does Kit lead Ned?", (kit, ned), ("Bramley", "Greyholm"))
    assert "They came at last to the bottom and stood together in the cold crypt of Greyholm." in (
        found
    )


def test_word_roots_and_plural_names_match():
    assert word_root(base_form("proposition")) == word_root(base_form("propose"))
    assert word_root(base_form("kidnappers")) == word_root(base_form("kidnap"))
    assert base_form("truth") == base_form("true")
    assert base_form("death") == base_form("died")
    richard = person("Richard", gender="m")
    text = (
        "The news came by the morning train.\n\n"
        "Richard had only taken the time to assure himself of its truth by a second telegram."
    )
    found = answers(text, "How did Richards make sure the news was true?", (richard,))
    assert (
        "Richard had only taken the time to assure himself of its truth by a second telegram."
        in found
    )


def test_the_shape_of_a_question():
    shape = shape_of("How does Framley react when the two dogs come across the lawn?")
    assert (shape.relation, shape.clause) == ("when", "the two dogs come across the lawn")
    assert "react" in shape.main and "lawn" not in shape.main
    assert shape_of("What does she promise him?").speech
    assert shape_of("What name does the boy give Sam?").new_name
    assert shape_of("How much money does he take?").money
    assert shape_of("How long does it take?").duration
    assert shape_of("When does the train leave?").clause == ""


def test_a_signed_letter_is_what_its_writer_says():
    otto = person("Otto Brandt", "Otto", gender="m")
    text = (
        "Otto Brandt said little at the meeting and went home early.\n\n"
        "The answer came by the evening post.\n\n"
        "Sirs: I have your note about the mill. I think your price is high. You repair the "
        "wheel and pay me forty crowns, and I will sign the lease.\n\n"
        "OTTO BRANDT."
    )
    found = answers(text, "What does Otto Brandt propose in his answer?", (otto,))
    assert any("pay me forty crowns" in quote for quote in found)
    units = story_units([("Tale", split_passages(text))], (otto,))
    letter = [unit for unit in units if "forty crowns" in unit.text]
    assert letter and "@0" in letter[0].speakers


def test_a_what_does_he_say_question_reads_his_reported_speech_too():
    ivo = person("Ivo", gender="m")
    text = (
        "Ivo came into the kitchen with mud on his boots.\n\n"
        "Ivo told her that the bridge had been washed away in the night.\n\n"
        "The bridge was the only way to the village."
    )
    found = answers(text, "What does Ivo tell her about the bridge?", (ivo,))
    assert "Ivo told her that the bridge had been washed away in the night." in found


def test_how_looks_for_the_means_and_what_time_for_a_time_of_day():
    text = (
        "The clerk wanted to be certain of the news.\n\n"
        "He made certain of it by a second telegram.\n\n"
        "The telegram was short and cost little.\n\n"
        "It was a long road to the fair. The fair had been going since noon when we "
        "arrived, and the lamps were being lit; the church clock said ten minutes to nine."
    )
    assert "He made certain of it by a second telegram." in answers(
        text, "How did the clerk make certain of the news?"
    )
    found = answers(text, "What time was it when we arrived at the fair?")
    assert any("ten minutes to nine" in quote for quote in found)
    assert shape_of("What time is it when he leaves?").clock
    assert shape_of("How did he do it?").kind == "how"


def test_a_piece_about_someone_else_is_completed_by_the_next_about_the_subject():
    vera = person("Vera", gender="f")
    text = (
        "Vera wanted the house empty that night.\n\n"
        "There were no servants at home that night. Vera had given them all a holiday "
        "until morning.\n\n"
        "The house was dark."
    )
    found = answers(text, "How does Vera make sure there are no servants at home?", (vera,))
    assert "Vera had given them all a holiday until morning." in found


def test_what_exactly_is_answered_only_by_a_piece_that_says_what_it_was():
    text = (
        "Many slights of Carlo I had borne, but when he ventured upon insult, I swore to "
        "be even with him.\n\n"
        "The wager was simple: a barrel of wine against his horse."
    )
    assert answers(text, "What exactly was the insult Carlo gave the narrator?") == []
    assert "The wager was simple: a barrel of wine against his horse." in answers(
        text, "What exactly was the wager?"
    )


def test_in_what_town_wants_a_place_by_its_name():
    text = (
        "The Drews lived quietly and kept to themselves.\n\nThey had lived there for twenty years."
    )
    assert answers(text, "In what town do the Drews live?") == []
    town = text + "\n\nEvery Sunday the Drews drove to church in Ashby."
    assert "Every Sunday the Drews drove to church in Ashby." in answers(
        town, "In what town do the Drews live?"
    )


def test_unattributed_lines_of_dialogue_are_spoken_in_turns():
    ned, rosa = person("Ned", gender="m"), person("Rosa", gender="f")
    text = (
        '"I have my doubts," said Ned.\n\n'
        '"Doubts!" said Rosa.\n\n'
        '"And I mean to settle them."\n\n'
        '"Settle them!"\n\n'
        '"As you are busy, I am on my way to old Tobin."'
    )
    units = story_units([("Tale", split_passages(text))], (ned, rosa))
    speakers = {unit.text: unit.speakers for unit in units}
    assert speakers['"And I mean to settle them."'] == {"@0"}
    assert speakers['"Settle them!"'] == {"@1"}
    assert speakers['"As you are busy, I am on my way to old Tobin."'] == {"@0"}
    found = answers(text, "Who does Ned say he is on his way to?", (ned, rosa))
    assert '"As you are busy, I am on my way to old Tobin."' in found


def test_who_wants_a_name_the_question_does_not_hold():
    text = (
        "Nobody in the town had tasted such wine.\n\n"
        "At dawn the Tokay came up from the harbour. Hanna Lisk had carried it on "
        "her back.\n\n"
        "The town slept late that day."
    )
    found = answers(text, "Who brought the Tokay up from the harbour?")
    assert "Hanna Lisk had carried it on her back." in found


# --- quoting faithfully, where in the story, and when a moment is too vague -----------------


def test_pieces_of_a_thought_quoted_together_each_keep_their_quotation_marks():
    text = (
        "The miller climbed the stairs in the dark.\n\n"
        "“Poor fool,” thought the miller, “he sleeps and dreams of gold. I have only to take "
        "the pillow and press it down, and nobody in the village will ever know how he died. "
        "But first let me read what he has written on that sheet of paper by the candle.”"
    )
    found = answers(text, "What could the miller press down?")
    pillow = next(quote for quote in found if "pillow" in quote)
    # The middle sentence is the miller's thought, not the narration's.
    assert pillow.startswith("“I have only to take the pillow")
    assert pillow.endswith("how he died.”")


def test_two_sentences_of_a_paragraph_that_are_not_next_to_each_other_are_marked_apart():
    from bot.core.answering import Found
    from bot.core.answers import quote_found

    found = [
        Found("Tale", 3, "The rules were read aloud.", 10),
        Found("Tale", 3, "Nobody could leave before the bell.", 13),
        Found("Tale", 3, "The bell rang at noon.", 14),
    ]
    assert quote_found(found).text == (
        "“The rules were read aloud. … Nobody could leave before the bell. The bell rang at "
        "noon.” — Tale, ¶3"
    )


def test_at_the_end_looks_at_the_end_and_a_he_there_is_the_man_named_there():
    olaf = person("Olaf", gender="m")
    pieter = person("Pieter", gender="m")
    opening = "Olaf and Pieter sailed north together in the spring of that year."
    middle = [
        f"The wind held steady on day {n} and the nets came up full of herring." for n in range(30)
    ]
    ending = (
        "At the harbour Pieter sold the catch, counted the coins twice and bought a red "
        "scarf. He walked home along the dyke whistling."
    )
    text = "\n\n".join([opening, *middle, ending])
    found = answers(text, "What does Pieter do at the end?", (olaf, pieter))
    assert found and "sold the catch" in found[0]
    # Olaf is never named at the end: the "He" there is Pieter's, so nothing is quoted.
    assert answers(text, "What does Olaf do at the end?", (olaf, pieter)) == []


def test_what_someone_does_at_a_moment_one_common_word_names_is_not_guessed():
    ada = person("Ada", gender="f")
    text = "\n\n".join(
        [
            "Ada signed the contract at that time of year when the roads were closed.",
            "Ada was to stay on the farm for ten years, and not one day less than the time agreed.",
            "The time passed slowly. Ada read every book in the house.",
            "At the last hour Ada climbed out of the window and walked to the station.",
        ]
    )
    assert shape_of("What does Ada do just before the time is up?").relation == "before"
    assert answers(text, "What does Ada do just before the time is up?", (ada,)) == []


def test_a_sum_said_by_its_size_alone_is_money():
    units = story_units(
        [
            (
                "Tale",
                split_passages(
                    "“Gentlemen, I stake two millions,” cried the banker.\n\n"
                    "He paid £5 for the cab.\n\n"
                    "The banker was rich then, and the guests admired his money."
                ),
            )
        ],
        (),
    )
    shape = shape_of("How much money did the banker bet?")
    eligible = [units[i].text for i in eligible_pieces(shape, units, None)]
    assert any("two millions" in text for text in eligible)
    assert any("£5" in text for text in eligible)
    assert not any("admired his money" in text for text in eligible)
    # That a sum is asked is the question's kind: "money" is no word the answer must hold.
    assert "money" not in shape.main and "bet" in shape.main


def test_the_piece_that_gives_a_name_is_the_whole_answer():
    dan = person("Dan Rook", "Dan", gender="m")
    text = (
        "One spring Dan Rook stepped off the coach in Harlow, a small town by the river.\n\n"
        "Dan went to the Crown Inn, registered as Walter Hale, and took a room."
    )
    found = answers(text, "What name does Dan use in Harlow?", (dan,))
    assert found == ["Dan went to the Crown Inn, registered as Walter Hale, and took a room."]
