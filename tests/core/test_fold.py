"""fold strips accents with a translation table: the same as dropping, one by one, the
characters unicodedata calls combining."""

from __future__ import annotations

import random
import unicodedata

from bot.core.text import _EXTRA_FOLDS, fold


def _plain_fold(text: str) -> str:
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_EXTRA_FOLDS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def test_every_character_of_the_basic_plane_folds_as_before() -> None:
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue  # surrogates: no text holds them alone
        text = f"É{chr(code)}a"
        assert fold(text) == _plain_fold(text), hex(code)


def test_names_and_random_text_fold_as_before() -> None:
    chance = random.Random(5)
    texts = ["Valérie Ivanov", "Ågot Nilsen", "Zoë", "ﬁnal ẞ İstanbul 𝔄𝔟", "Straße", "’Tis"]
    alphabet = "aeiouéèêëçñøåæœßıİſﬁ’‘'\u0301\u0308 \U0001d504\U0001f600"
    texts += ["".join(chance.choice(alphabet) for _ in range(12)) for _ in range(3000)]
    for text in texts:
        assert fold(text) == _plain_fold(text), text
