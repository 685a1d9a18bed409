"""Word forms: "sold" and "sell", "hid" and "hide", "wishes" and "wish" as one word, so a
question matches the text that answers it in other forms of the same words.

A light suffix-stripper plus the irregular verbs stories use most; no dictionary, no
third-party stemmer. Good enough to compare words, never shown to anyone.
"""

from __future__ import annotations

# Past tenses and participles that no suffix rule reaches, to their base form.
IRREGULAR_FORMS = {
    "sold": "sell", "told": "tell", "hid": "hide", "hidden": "hide", "gave": "give",
    "given": "give", "took": "take", "taken": "take", "brought": "bring", "bought": "buy",
    "came": "come", "went": "go", "gone": "go", "made": "make", "thought": "think",
    "left": "leave", "kept": "keep", "found": "find", "saw": "see", "seen": "see",
    "said": "say", "wrote": "write", "written": "write", "ran": "run", "sat": "sit",
    "stood": "stand", "lay": "lie", "lain": "lie", "knew": "know", "known": "know",
    "felt": "feel", "held": "hold", "heard": "hear", "met": "meet", "paid": "pay",
    "sent": "send", "spent": "spend", "spoke": "speak", "spoken": "speak", "stole": "steal",
    "stolen": "steal", "threw": "throw", "thrown": "throw", "wore": "wear", "worn": "wear",
    "won": "win", "lost": "lose", "fell": "fall", "fallen": "fall", "got": "get",
    "began": "begin", "begun": "begin", "broke": "break", "broken": "break",
    "chose": "choose", "chosen": "choose", "drew": "draw", "drawn": "draw", "drove": "drive",
    "driven": "drive", "ate": "eat", "eaten": "eat", "flew": "fly", "forgot": "forget",
    "forgotten": "forget", "grew": "grow", "grown": "grow", "hung": "hang", "led": "lead",
    "lent": "lend", "meant": "mean", "rode": "ride", "rose": "rise", "risen": "rise",
    "sang": "sing", "sung": "sing", "sank": "sink", "slept": "sleep", "struck": "strike",
    "swore": "swear", "sworn": "swear", "taught": "teach", "tore": "tear", "torn": "tear",
    "woke": "wake", "woken": "wake", "fought": "fight", "caught": "catch", "sought": "seek",
    "bore": "bear", "borne": "bear", "born": "bear", "bit": "bite", "bitten": "bite",
    "built": "build", "dug": "dig", "fed": "feed", "fled": "flee", "shot": "shoot",
    "shut": "shut", "slid": "slide", "spun": "spin", "stuck": "stick", "swept": "sweep",
    "wept": "weep", "wound": "wind", "men": "man", "women": "woman", "children": "child",
    "died": "die", "dying": "die", "lying": "lie", "was": "be", "were": "be", "been": "be",
    "is": "be", "are": "be", "am": "be", "had": "have", "has": "have", "did": "do",
    "does": "do", "done": "do",
    # One act under two verbs: what someone "handed" over, they gave.
    "handed": "give",
    # A noun or adjective whose verb no ending rule reaches: "the truth" is what is "true".
    "truth": "true", "dead": "die", "death": "die", "pride": "proud", "prided": "proud",
    "prides": "proud", "anger": "angry", "angered": "angry",
    # Words in -s that are no plural of the word without it: "the news" is not "new".
    "news": "news", "means": "means", "goods": "goods",
}  # fmt: skip
_SUFFIXES = ("ments", "ment", "ingly", "edly", "ings", "ing", "ied", "ies", "ed", "es", "ly", "s")
_MIN_STEM = 3


def base_form(word: str) -> str:
    """The word without its inflection: "selling", "sells", "sold" → "sell"; a final
    silent "e" goes too, so "hoped" and "hope" meet at "hop"."""
    stem = _without_suffix(word)
    if len(stem) >= 4 and stem.endswith("e") and not stem.endswith("ee"):
        return stem[:-1]
    return stem


def _without_suffix(word: str) -> str:
    word = word.casefold().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    irregular = IRREGULAR_FORMS.get(word)
    if irregular is not None:
        return irregular
    for suffix in _SUFFIXES:
        if suffix == "s" and word.endswith("ss"):
            break  # "weakness", "address": no plural
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            stem = word[: -len(suffix)]
            if suffix in ("ied", "ies"):
                return stem + "y"
            doubled = len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsfz"
            if suffix in ("ed", "ing", "edly", "ingly") and doubled:
                stem = stem[:-1]  # "stopped" → "stop"
            if suffix == "es" and not stem.endswith(("s", "x", "z", "ch", "sh")):
                stem = word[:-1]  # "wishes" → "wish", but "hides" → "hide"
            return stem
    return word


# Endings that make one word from another ("proposition" from "propose", "truth" from
# "true", "kidnapper" from "kidnap"), longest first.
_DERIVATIONS = ("ations", "ation", "itions", "ition", "ions", "ion", "ness", "ity", "ful",
                "ous", "ers", "er", "th", "al")  # fmt: skip
_MIN_ROOT = 4


def word_root(form: str) -> str:
    """A base form without its derivational ending, for matching a question's word to the
    text's other part of speech: "proposition" and "propose" both give "propos"."""
    for ending in _DERIVATIONS:
        if form.endswith(ending) and len(form) - len(ending) >= _MIN_ROOT:
            root = form[: -len(ending)]
            if len(root) > _MIN_ROOT and root[-1] == root[-2]:
                root = root[:-1]  # "kidnapper" → "kidnap"
            # A silent "e" goes as `base_form` takes it from the bare word: "careful" →
            # "care" → "car", as "care" itself is "car".
            if len(root) >= 4 and root.endswith("e") and not root.endswith("ee"):
                return root[:-1]
            return root
    return form
