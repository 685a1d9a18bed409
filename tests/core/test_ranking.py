"""Sentence stems, the words the retelling ranks and counts (bot/core/ranking.py)."""

from __future__ import annotations

from bot.core.ranking import sentence_stems, with_irregular_bases


def test_stems_cut_words_to_their_first_letters_without_stop_words():
    assert sentence_stems(["The paintings and the painting glowed."]) == [{"paint", "glowe"}]


def test_an_irregular_verb_is_one_stem_with_its_base_only_when_asked():
    sentences = ['"I sold the shop," said Arthur.', '"Now you have something to sell."']
    plain = sentence_stems(sentences)
    assert "sold" in plain[0] and "sell" in plain[1]
    forms = with_irregular_bases(plain)
    assert "sell" in forms[0] and "sell" in forms[1]
    assert with_irregular_bases(sentence_stems(["He brought bread."])) == [{"bring", "bread"}]
