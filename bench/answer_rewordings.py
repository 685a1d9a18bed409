"""How well /story ask holds when a reader words a question differently.

`make eval` asks truth.json's own questions, which the answer rules were developed on; the
stories held back to judge the work come with questions nobody here has seen. This script
asks the development stories' answerable questions again in other words (two or three
rewordings each, as another reader might type them: a synonym, a pronoun, another verb,
another order) and counts, per story, the answers that quote the truth's evidence sentence and
the false "doesn't say". A rule that lifts `make eval` but not these is tuned to the
wording of truth.json. Each rewording names the truth question it stands for by its
index, so the evidence is truth.json's own.

Run from the repository root:  .venv/bin/python -m bench.answer_rewordings [-v]
(-v lists every miss with the answer given). Without ../shared it says so and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

from bench.understanding import _NOT_SAID_RE, REALSTORIES, _plain
from bot.app.answers import answer_question
from bot.app.library import Library
from bot.core.parsing import parse_story
from bot.storage import Store

# (rewording, index of the truth question it stands for)
REWORDINGS: dict[str, list[tuple[str, int]]] = {
    "cask-of-amontillado.txt": [
        ("Why does Montresor want revenge?", 0),
        ("What made Montresor swear vengeance?", 0),
        ("What is Fortunato's weakness?", 1),
        ("What was Fortunato proud of?", 1),
        ("Whom does Montresor pretend he will ask about the wine instead of Fortunato?", 2),
        ("How does Montresor get rid of the servants?", 3),
        ("How did Montresor make sure the house was empty?", 3),
        ("Where does Montresor take Fortunato?", 4),
        ("Where did Montresor bring Fortunato?", 4),
        ("What does Montresor show when Fortunato asks for a sign?", 5),
        ("What tool does Montresor show Fortunato?", 5),
        ("What had Fortunato done to Montresor?", 0),
        ("What was Fortunato's one weak point?", 1),
        ("Where does Montresor lead his victim?", 4),
        ("What does Montresor produce from under his cloak?", 5),
    ],
    "story-of-an-hour.txt": [
        ("Why did they break the news to Mrs. Mallard gently?", 0),
        ("Why did Josephine tell her sister so carefully?", 0),
        ("Who broke the news to Mrs. Mallard?", 1),
        ("Who gave Mrs. Mallard the news of her husband's death?", 1),
        ("Where was Richards when the news came?", 2),
        ("Where was Richards when the news of the accident came?", 2),
        ("How did Richards check the news?", 3),
        ("What word did Mrs. Mallard keep whispering?", 4),
        ("What did the doctors say killed her?", 5),
        ("According to the doctors, what did she die of?", 5),
        ("Why was Mrs. Mallard told the news so gently?", 0),
        ("Who told Louise about the accident?", 1),
        ("How did Richards confirm that Brently Mallard was dead?", 3),
        ("What did the doctors think killed Mrs. Mallard?", 5),
    ],
    "ransom-of-red-chief.txt": [
        ("Whom did the two men kidnap?", 0),
        ("Why do the kidnappers want the money?", 1),
        ("Why did Sam and Bill need money?", 1),
        ("What does the boy call Sam?", 3),
        ("What nickname does Red Chief give Sam?", 3),
        ("What does Dorset offer in his letter?", 4),
        ("What is Ebenezer Dorset's counter-proposition?", 4),
        ("How do they get the boy to go home?", 5),
        ("How did Sam and Bill get Johnny to go back home?", 5),
        ("Why did the two men need two thousand dollars?", 1),
        ("What did Red Chief christen Sam?", 3),
        ("What did Dorset propose to the kidnappers?", 4),
        ("How did the kidnappers trick the boy into going home?", 5),
    ],
    "retrieved-reformation.txt": [
        ("Which detective is on Jimmy's trail?", 0),
        ("Who is the detective after Jimmy?", 0),
        ("What name does Jimmy use at the hotel?", 1),
        ("Under what name does Jimmy register at the hotel?", 1),
        ("Where does Jimmy open his shoe store?", 2),
        ("In what town does Jimmy open a shoe store?", 2),
        ("What does Jimmy ask Annabel for?", 4),
        ("What does Jimmy ask Annabel to give him?", 4),
        ("How long does Jimmy take to open the vault?", 5),
        ("How long did it take Jimmy to open the safe?", 5),
        ("Who was the detective on the case?", 0),
        ("What name did Jimmy Valentine take in Elmore?", 1),
        ("Where did Jimmy go after leaving prison to settle down?", 2),
        ("What did Jimmy ask for before opening the vault?", 4),
        ("How many minutes did Jimmy need to open the vault?", 5),
    ],
    "monkeys-paw.txt": [
        ("Who brought the paw to the house?", 0),
        ("Why did the fakir put a spell on the monkey's paw?", 1),
        ("Why did the fakir put a spell on it?", 1),
        ("What did the first owner wish for third?", 2),
        ("What did the first owner of the paw wish for last?", 2),
        ("What is Mr. White's first wish?", 3),
        ("What does the old man wish for first?", 3),
        ("Where is Herbert buried?", 5),
        ("Where did they bury Herbert?", 5),
        ("Who gave the Whites the monkey's paw?", 0),
        ("What was the paw's first owner's last wish?", 2),
        ("How much money did Mr. White wish for?", 3),
        ("Where was Herbert laid to rest?", 5),
    ],
    "open-window.txt": [
        ("Whom is Framton visiting with his letter of introduction?", 0),
        ("Who is Framton visiting?", 0),
        ("How old is the niece?", 2),
        ("How old is Vera?", 2),
        ("What does Framton do when the figures cross the lawn?", 4),
        ("How does Framton react when he sees the figures?", 4),
        ("Where was Framton hunted by dogs, according to the niece?", 5),
        ("Where does the niece say Framton was chased by dogs?", 5),
        ("Whom did Framton's sister send him to see?", 0),
        ("What is the age of Mrs. Sappleton's niece?", 2),
        ("Where was Framton chased by the pariah dogs?", 5),
    ],
    "araby.txt": [
        ("Where does the narrator lie in the mornings to watch the door?", 0),
        ("Why can't Mangan's sister go to Araby?", 1),
        ("Why can't she go to the bazaar?", 1),
        ("What does the narrator promise to bring Mangan's sister?", 2),
        ("What does the narrator promise to bring her?", 2),
        ("Whom does the narrator remind that he wants to go to the bazaar?", 3),
        ("Who does the narrator remind about the bazaar on Saturday?", 3),
        ("What time is it when he gets to the bazaar?", 5),
        ("Why is Mangan's sister unable to go to the bazaar?", 1),
        ("What did the narrator promise the girl?", 2),
        ("What time was it when the narrator got to Araby?", 5),
        ("How much money did the narrator have for the bazaar?", 4),
    ],
    "the-bet.txt": [
        ("How old was the lawyer at the time of the bet?", 0),
        ("How old was the lawyer when the bet was made?", 0),
        ("What does each man stake on the bet?", 1),
        ("What does the lawyer bet?", 1),
        ("Where does the lawyer serve his imprisonment?", 2),
        ("Where does the lawyer spend fifteen years?", 2),
        ("Why does the banker want the lawyer dead?", 3),
        ("Why did the banker decide to kill the lawyer?", 3),
        ("Who tells the banker about the escape?", 5),
        ("Who told the banker that the prisoner had escaped?", 5),
        ("How old was the young lawyer at the party?", 0),
        ("What does the banker stake?", 1),
        ("Where is the prisoner kept?", 2),
        ("Who told the banker the prisoner had run away?", 5),
    ],
}


async def evaluate(verbose: bool) -> tuple[int, int, int]:
    truth: dict[str, Any] = json.loads((REALSTORIES / "truth.json").read_text(encoding="utf-8"))
    quoted = asked = not_said = 0
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(Path(folder) / "rewordings.sqlite3")
        try:
            library = Library(store)
            print(f"{'story':<26} {'evidence':>9} {'false-ns':>9}")
            for filename, rewordings in REWORDINGS.items():
                raw = (REALSTORIES / filename).read_bytes()
                story = await library.add_story(parse_story(raw, filename), guild_id=None)
                hits = silent = 0
                for question, index in rewordings:
                    evidence = truth[filename]["questions"][index]["evidence"]
                    answer = await answer_question(
                        library, question, guild_id=None, story_id=story.id
                    )
                    hit = _plain(evidence) in _plain(answer.text)
                    none = not hit and _NOT_SAID_RE.search(answer.text) is not None
                    hits += hit
                    silent += none
                    if verbose and not hit:
                        print(f"  miss: {question}\n    answered: {answer.text[:200]!r}")
                name = filename.removesuffix(".txt")
                print(f"{name:<26} {f'{hits}/{len(rewordings)}':>9} {silent:>9}")
                quoted, asked, not_said = quoted + hits, asked + len(rewordings), not_said + silent
        finally:
            await store.close()
    print(f"{'TOTAL':<26} {f'{quoted}/{asked}':>9} {not_said:>9}")
    return quoted, asked, not_said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    arguments = parser.parse_args()
    if not (REALSTORIES / "truth.json").is_file():
        print(f"Skipped: {REALSTORIES} is absent (the shared folder beside the repository).")
        return
    asyncio.run(evaluate(arguments.verbose))


if __name__ == "__main__":
    main()
