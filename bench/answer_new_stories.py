"""/story ask on three short stories written for the team (bench/new_stories/), with
questions nobody tuned the answer rules to before they were asked.

truth.json's stories and their rewordings are where the rules were developed; these are
new texts, as a moderator would add them, with the sentence a careful reader would quote
for each question. Counted: the answers that quote it first, that quote it anywhere,
and the false "doesn't say". Questions about something the text does not say are marked
with evidence None: the honest answer is "doesn't say".

Run from the repository root:  .venv/bin/python -m bench.answer_new_stories [-v]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from bench.understanding import _NOT_SAID_RE, _plain
from bot.app.answers import answer_question
from bot.app.library import Library
from bot.core.parsing import parse_story
from bot.storage import Store

FOLDER = Path(__file__).parent / "new_stories"

# (question, a words-for-words part of the evidence sentence, or None when the text
# does not say)
QUESTIONS: dict[str, list[tuple[str, str | None]]] = {
    "samovar.txt": [
        ("Who sold the samovar?", "I sold it at Christmas to the Jew on Market Street"),
        ("Why did she sell the samovar?", "to pay the doctor"),
        ("Why did Madame Voronova sell the samovar?", "to pay the doctor"),
        ("To whom did the dealer sell the samovar?", "to a merchant from Tula"),
        ("When did Pyotr Ilyich die?", "Pyotr Ilyich had died in April"),
        ("What did the narrator leave his uncle?", "I left my uncle what money I had"),
        ("What did the uncle ask for at the end?", "he had asked for tea"),
        ("How long did the narrator stay?", "I stayed four days"),
    ],
    "lighthouse.txt": [
        ("What did Mr. Tregarthen give the stranger?", "put it into the stranger's hands"),
        ("What did the stranger give Mrs. Tregarthen?", "which he gave to Mrs. Tregarthen"),
        ("Who found the stranger?", "Mrs. Tregarthen found him on the shingle"),
        ("Where did Mrs. Tregarthen find the stranger?", "found him on the shingle at dawn"),
        ("What was the stranger's name?", None),
        ("What came back in the parcel?", "Inside was the brass telescope"),
    ],
    "ribbon.txt": [
        ("What illness did Ellen have?", "the doctor called it a weakness of the chest"),
        ("What disease did Mrs. Penhallow suffer from?", "weakness of the chest"),
        ("Why did Arthur sell the shop?", "she must go to the sea"),
        ("Who bought the shop?", "Dunstan bought it for his nephew"),
        ("What did Ellen tie round Arthur's wrist?", "a length of blue ribbon"),
        ("Where did they go in March?", "In March they went to Falmouth"),
    ],
    # Written by the answers3 engineer before any of that session's rules: a first-person
    # narrator, mostly dialogue, a letter signed with initials; most questions in words
    # the text does not use.
    "letter.txt": [
        ("What did Mr. Hollis do for a living?", "he repaired clocks"),
        ("How much rent did the narrator charge?", "nine shillings a week"),
        ("Why didn't Tom trust the lodger?", "has something to hide"),
        ("What illness did Mr. Hollis have?", "It was a fever that came and went"),
        ("Why did Hollis mend the kitchen clock?", "a hard house to live in"),
        ("Where did the lodger go in the end?", "I have gone south"),
        ("When did the kitchen clock stop?", "It had stopped the night my mother died"),
        ("What did Hollis leave under the clock?", "Under the clock were three sovereigns"),
        ("How long did the narrator run the boarding-house?", "for eleven years"),
        ("What was the lodger's first name?", None),
    ],
    # Written by the same engineer midway, after the rules for "letter.txt" and before any
    # rule was made from it: dialogue, a child, a grandfather, an offer refused.
    "ferry.txt": [
        ("How long had Bram run the ferry?", "for thirty years"),
        ("Why did Lotte live with her grandfather?", "because her mother was in service"),
        ("Why did the rider need to cross the river?", "My wife is lying-in at Ossendrecht"),
        ("What did the rider offer Bram?", "I will pay you a guinea"),
        ("How did Lotte change her grandfather's mind?", "the river is kind to those who have"),
        ("How long did the crossing take?", "They crossed in forty minutes"),
        ("Who got the guinea in the end?", "pressed a guinea into Lotte's hand"),
        ("What was the baby named?", "he was to be called Bram"),
        ("How old was Lotte?", "who was ten"),
        ("What was the rider's name?", None),
    ],
    # Written by the same engineer at the end of the session, after every rule, and asked
    # once: the nearest this bench has to stories nobody tuned to.
    "organ.txt": [
        ("How much was the narrator paid for pumping the bellows?", "for sixpence a week"),
        ("Where was the church?", "The church stood at the top of Mill Hill"),
        ("Why did the vicar want a new organ?", "The old one wheezed"),
        ("How much would a new organ cost?", "A new organ would cost four hundred pounds"),
        ("What did the father do when he was angry?", "played for an hour without stopping"),
        ("How old was Agnes?", "who was sixteen"),
        ("How much money was in the box by Easter?", "by Easter there was ninety pounds"),
        ("Who wanted Agnes to study in London?", "a gentleman from London heard Agnes"),
        ("Why did the father refuse to let Agnes go?", "She is needed here"),
        ("Who really paid for the new organ?", "half of it had come in a letter"),
        ("What was the narrator's mother's name?", None),
    ],
    # Written at the very end of the session, after every rule, and asked once.
    "will.txt": [
        ("How old was Harriet Coyle when she died?", "at the age of eighty-one"),
        ("Why had the sisters stopped speaking?", "They had quarrelled over a brooch"),
        ("Who read the will?", "The lawyer, Mr. Fenn, read the will"),
        ("What did Constance inherit?", "I leave my house on Orchard Row"),
        ("What did Lydia have to do to get the money?", "she walks him twice a day"),
        ("Why did the aunt make that condition?", "She means us to meet every day"),
        ("What did the dog do in the second month?", "Brutus stopped at the gate"),
        ("Why did they have tea in the kitchen?", "because the drawing-room still smelled"),
        ("Where was the brooch found?", "at the back of a drawer"),
        ("What was written on the note?", "For whichever of you gives it to the other"),
        ("What was Constance's husband's name?", None),
    ],
}


async def evaluate(verbose: bool) -> tuple[int, int, int, int]:
    first = anywhere = silent = asked = 0
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(Path(folder) / "new_stories.sqlite3")
        try:
            library = Library(store)
            print(f"{'story':<14} {'first':>6} {'quoted':>7} {'false-ns':>9}")
            for filename, questions in QUESTIONS.items():
                raw = (FOLDER / filename).read_bytes()
                story = await library.add_story(parse_story(raw, filename), guild_id=None)
                hits = top = none = 0
                for question, evidence in questions:
                    answer = await answer_question(
                        library, question, guild_id=None, story_id=story.id
                    )
                    said_nothing = _NOT_SAID_RE.search(answer.text) is not None
                    if evidence is None:
                        hit = on_top = said_nothing
                    else:
                        hit = _plain(evidence) in _plain(answer.text)
                        opening = answer.text.split("\n\n")[0]
                        on_top = _plain(evidence) in _plain(opening)
                        none += said_nothing
                    hits += hit
                    top += on_top
                    if verbose and not on_top:
                        print(f"  {'miss' if not hit else 'not first'}: {question}")
                        print(f"    answered: {answer.text[:240]!r}")
                name = filename.removesuffix(".txt")
                print(f"{name:<14} {top:>4}/{len(questions)} {hits:>5}/{len(questions)} {none:>9}")
                first, anywhere = first + top, anywhere + hits
                silent, asked = silent + none, asked + len(questions)
        finally:
            await store.close()
    print(f"{'TOTAL':<14} {first:>4}/{asked} {anywhere:>5}/{asked} {silent:>9}")
    return first, anywhere, silent, asked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    asyncio.run(evaluate(parser.parse_args().verbose))


if __name__ == "__main__":
    main()
