"""Members' text at the edge: no lone surrogate, no NUL, nothing else changed."""

from bot.discord_adapter.edge import clean_payload, clean_text, cleaning_interactions


def test_lone_surrogates_become_the_replacement_character():
    assert clean_text("a\ud800b\udfffc") == "a\ufffdb\ufffdc"
    assert clean_text("a\ud800b").encode("utf-8") == "a\ufffdb".encode()


def test_nul_and_controls_go_tab_and_newline_stay():
    assert clean_text("a\x00b\x07c\x1bd\x7f") == "abcd"
    assert clean_text("line one\n\tline two\r\n") == "line one\n\tline two\n"


def test_ordinary_text_is_untouched():
    for text in ("", "Valérie", "שלום", "👩‍👧", "zero\u200bwidth", "<@123> @everyone", "!!!"):
        assert clean_text(text) == text


def test_every_string_in_the_payload_is_cleaned_numbers_and_keys_are_not():
    data = {"options": [{"name": "query", "value": "x\x00\ud800", "type": 3}], "n": 5}
    assert clean_payload(data) == {
        "options": [{"name": "query", "value": "x\ufffd", "type": 3}],
        "n": 5,
    }


def test_the_parser_gets_the_cleaned_data_and_the_rest_as_it_was():
    seen: list[object] = []
    parse = cleaning_interactions(seen.append)
    parse({"id": "1", "data": {"custom_id": "conteur:read:\x001"}, "message": {"content": "\x00"}})
    assert seen == [
        {"id": "1", "data": {"custom_id": "conteur:read:1"}, "message": {"content": "\x00"}}
    ]


def test_form_fields_keep_their_controls_for_the_story_parser_to_explain():
    seen: list[object] = []
    parse = cleaning_interactions(seen.append)
    form = {"custom_id": "f", "components": [{"type": 1, "components": [{"value": "a\x00\ud800"}]}]}
    parse({"type": 5, "data": form})
    (payload,) = seen
    assert payload["data"]["components"][0]["components"][0]["value"] == "a\x00\ufffd"  # type: ignore[index]
