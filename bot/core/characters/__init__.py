"""Rule-based extraction of a story's characters and places.

Capitalised words are read as phrases ("Dr. Amara Okafor", "Gare de Lyon"), sorted
into people, places and everything else by evidence from the text (what comes before
and after each occurrence), with small word lists for what is never a name: function
words, greetings, days, months, nationalities. Aliases of one person ("Valérie
Ivanov", "Valérie", "Valérie's") are merged, then each character gets the facts the
text states about them, each with the paragraph it comes from.

No story's names are listed here: everything a story names is found from its text.
See docs/characters.md for the rules and their known limits.

The package, in the order a story goes through it:
- patterns.py   the phrases and small word tables the rules read text with
- tokens.py     the capitalised words and the lower-case vocabulary, found fast
- paragraph.py  a paragraph as the rules read it: quotations, sentence starts, pronouns
- phrases.py    which capitalised words run together into one name
- vocabulary.py how the whole story uses each word: in lower case, as a name
- scan.py       capitalised phrases in each paragraph become mentions
- evidence.py   what the words around each mention say; person, place or neither
- aliases.py    one person's forms merged; gender from titles, nouns and pronouns
- unnamed.py    the narrator and the described people who act
- coreference.py  descriptions that are someone already named ("the old man")
- analysis.py   one pass over the story tying the above together
- facts.py      descriptions, origins and lines, each with its paragraph
- extract.py    the cast: characters and places
- arc.py        how the text first and last shows a character
"""

from bot.native import compiled_path

# The modules compiled by `python -m bot.native_build`, when the build matches these
# sources (bot/native.py); otherwise this directory's Python, which gives the same casts.
__path__[:0] = compiled_path(__name__, __file__)

from bot.core.characters.arc import character_arc  # noqa: E402 - after the path is chosen
from bot.core.characters.extract import (  # noqa: E402
    extract_cast,
    is_nationality,
    place_in_sentence,
)

__all__ = ["character_arc", "extract_cast", "is_nationality", "place_in_sentence"]
