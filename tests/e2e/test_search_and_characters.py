"""/search and /character as a member experiences them."""

import pytest
import simcord

from bot.core.parsing import parse_story_text
from bot.errors import Ambiguous, InvalidInput
from tests.e2e.conftest import raised_types

VALERIE = "The Story of Valérie Ivanov"


async def test_search_forgives_typos_and_shows_the_passage_in_bold(world):
    result = await world.member.slash(world.channel, "search", query="eifel tower at sunst")
    assert result.ephemeral
    embed = result.response.embeds[0]
    first = embed.fields[0]
    assert first.name == f"1. {VALERIE} · ¶ 7"
    assert "**Eiffel Tower at sunset**" in first.value
    opened = await world.member.click(result.response.message, label="1")
    page = opened.response.embeds[0]
    assert page.title == VALERIE
    assert "Eiffel Tower at sunset" in page.description


async def test_search_pages_when_there_are_many_results(world, store):
    for number in range(8):
        text = (
            f"Title: Heron {number}\n\nThe grey heron waited by the reeds, patient number {number}."
        )
        await world.env.bot.library.add_story(parse_story_text(text), guild_id=world.guild.id)
    result = await world.member.slash(world.channel, "search", query="grey heron reeds")
    embed = result.response.embeds[0]
    assert len(embed.fields) == 5
    assert embed.footer.text.startswith("8 passages found · page 1 of 2")
    second = await world.member.click(result.response.message, label="Next")
    assert len(second.response.embeds[0].fields) == 3
    assert second.response.embeds[0].fields[0].name.startswith("6. Heron")
    # A page's snippets are cut when it is shown: the second's too, matches in bold.
    assert all(
        "**grey heron**" in field.value and "**reeds**" in field.value
        for field in second.response.embeds[0].fields
    )


async def test_a_later_page_reads_its_passages_even_after_the_index_was_rebuilt(world):
    for number in range(8):
        text = f"Title: Egret {number}\n\nThe white egret fished in the shallows, calm {number}."
        await world.env.bot.library.add_story(parse_story_text(text), guild_id=world.guild.id)
    result = await world.member.slash(world.channel, "search", query="white egret shallows")
    await world.env.bot.library.rebuild_index()  # a new index, the old one dropped
    second = await world.member.click(result.response.message, label="Next")
    fields = second.response.embeds[0].fields
    assert [f.name.split(" · ")[0] for f in fields] == ["6. Egret 5", "7. Egret 6", "8. Egret 7"]
    assert all("**white egret**" in f.value and "**shallows**" in f.value for f in fields)


async def test_search_in_one_story_and_for_one_character(world):
    only_zoe = await world.member.slash(
        world.channel, "search", query="sophie", story="the-story-of-zoe-kuznetsova"
    )
    names = [f.name for f in only_zoe.response.embeds[0].fields]
    assert names and all("Zoe Kuznetsova" in name for name in names)
    choices = await world.member.autocomplete(world.channel, "search", "character", "sophie")
    assert [c["name"] for c in choices] == [
        "Sophie — The Story of Valérie Ivanov",
        "Sophie — The Story of Zoe Kuznetsova",
    ]
    sophie_in_zoe = await world.member.slash(
        world.channel, "search", query="smile", character=choices[1]["value"]
    )
    fields = sophie_in_zoe.response.embeds[0].fields
    assert fields and all("Zoe Kuznetsova" in f.name for f in fields)
    assert all("Sophie" in f.value for f in fields)


async def test_nothing_found_names_the_filter_it_searched_under(world):
    result = await world.member.slash(world.channel, "search", query="ballerina", story="lea")
    embed = result.response.embeds[0]
    assert result.response.ephemeral and embed.title == "Nothing found"
    assert embed.description == "No passage in “The Story of Léa Roux” matches “ballerina”."
    assert "without the filter" in embed.footer.text


async def test_nothing_found_suggests_real_words(world):
    result = await world.member.slash(world.channel, "search", query="xylophone quantum")
    embed = result.response.embeds[0]
    assert embed.title == "Nothing found"
    assert embed.fields[0].name == "Did you mean"
    library_text = " ".join(
        p.text
        for _id, passages in await world.env.bot.store.stories.all_passages()
        for p in passages
    )
    for word in embed.fields[0].value.replace("*", "").split(", "):
        assert word in library_text


async def test_bad_queries_get_a_clear_private_message(world):
    for query in ("!!!", "   "):
        result = await world.member.slash(world.channel, "search", query=query)
        assert result.ephemeral
        assert result.response.embeds[0].title == "Invalid input"
    assert set(raised_types(world.env)) == {InvalidInput}
    with pytest.raises(simcord.OptionError):  # Discord's client refuses it before sending
        await world.member.slash(world.channel, "search", query="word " * 100)


async def test_search_never_shows_another_servers_story(world):
    channel, stranger = world.other_server()
    text = "Title: Secret\n\nThe lighthouse keeper counted seventeen violet gulls."
    await world.env.bot.library.add_story(parse_story_text(text), guild_id=world.guild.id)
    mine = await world.member.slash(world.channel, "search", query="violet gulls")
    assert mine.response.embeds[0].fields[0].name.startswith("1. Secret")
    theirs = await stranger.slash(channel, "search", query="violet gulls")
    assert theirs.response.embeds[0].title == "Nothing found"


async def test_character_show_tells_who_they_are_from_the_text(world):
    result = await world.member.slash(world.channel, "character show", name="valerie")
    embed = result.response.embeds[0]
    assert embed.title == "Valérie Ivanov"
    assert "Protagonist of *The Story of Valérie Ivanov*" in embed.description
    fields = {f.name: f.value for f in embed.fields}
    assert "a brilliant mathematician (¶ 2)" in fields["Who they are"]
    assert "Sophie (¶ 7)" in fields["Meets"]
    assert "Paris (¶ 1)" in fields["Goes to"]


async def test_character_show_goes_only_where_a_sentence_takes_them(world):
    text = (
        "Title: The Wager\n\n"
        "Ivan Petrov paced his study. The guests found the law unfitted to a Christian "
        "State, and Ivan Petrov said so loudly.\n\n"
        "Ivan Petrov walked to Moscow the next morning."
    )
    await world.env.bot.library.add_story(parse_story_text(text), guild_id=world.guild.id)
    result = await world.member.slash(world.channel, "character show", name="ivan petrov")
    fields = {f.name: f.value for f in result.response.embeds[0].fields}
    assert "Moscow" in fields["Goes to"]
    assert "Christian State" not in fields["Goes to"]


async def test_a_name_in_two_stories_is_disambiguated(world):
    ambiguous = await world.member.slash(world.channel, "character show", name="Sophie")
    shown = ambiguous.response.embeds[0]
    assert shown.title == "Which one?" and ambiguous.response.ephemeral
    assert "More than one character is called “Sophie”" in shown.description
    assert "`the-story-of-zoe-kuznetsova/Sophie`" in shown.fields[0].value
    assert raised_types(world.env) == [Ambiguous]
    picked = await world.member.slash(world.channel, "character show", name="Sophie", story="zoe")
    embed = picked.response.embeds[0]
    assert "*The Story of Zoe Kuznetsova*" in embed.description
    assert any("The Story of Valérie Ivanov" in f.value for f in embed.fields)  # namesake


async def test_character_autocomplete_forgives_accents_and_typos(world, store):
    for typed in ("valerie", "VALÉRIE", "valrie", "kuznetsva"):
        choices = await world.member.autocomplete(world.channel, "character show", "name", typed)
        assert choices, typed
        assert choices[0]["name"].split(" — ")[0] in ("Valérie Ivanov", "Zoe Kuznetsova")
    for number in range(30):
        text = f"Title: Ana {number}\n\nAna Lindqvist{number} walked. Ana laughed. Ana slept well."
        await world.env.bot.library.add_story(parse_story_text(text), guild_id=world.guild.id)
    many = await world.member.autocomplete(world.channel, "character show", "name", "ana")
    assert len(many) == 25


async def test_compare_puts_two_characters_side_by_side(world):
    result = await world.member.slash(
        world.channel, "character compare", first="valerie", second="zoe"
    )
    embed = result.response.embeds[0]
    assert embed.title == "Valérie Ivanov and Zoe Kuznetsova"
    fields = {f.name: f.value for f in embed.fields}
    assert "Both come to Paris" in fields["What they share"]
    assert "Sophie" in fields["What they share"]
    assert "mathematician" in fields["How they differ"]
    assert "ballerina" in fields["How they differ"]


async def test_compare_leaves_out_what_the_text_says_of_neither(world):
    text = (
        "Title: The Quiet Pair\n\n"
        "Marta Lind and Oskar Berg sat by the window. Marta said nothing. "
        "Oskar said nothing either. They found silence fitted to a Northern State."
    )
    await world.env.bot.library.add_story(parse_story_text(text), guild_id=world.guild.id)
    result = await world.member.slash(
        world.channel, "character compare", first="marta lind", second="oskar berg"
    )
    names = [f.name for f in result.response.embeds[0].fields]
    assert "Origins · Marta" not in names  # neither has one: no row of two dashes
    assert not any("Northern State" in f.value for f in result.response.embeds[0].fields)


async def test_compare_with_itself_says_so(world):
    result = await world.member.slash(
        world.channel, "character compare", first="lea", second="léa roux"
    )
    embed = result.response.embeds[0]
    assert embed.title == "Léa Roux, compared with themselves"
    assert not any(f.name == "What they share" and "Both" in f.value for f in embed.fields)
    names = [f.name for f in embed.fields]
    assert names == ["Origins", "Who they are", "Places", "People met", "Arc"]  # once each
    assert "pick someone else" in embed.footer.text


async def test_story_info_lists_characters_and_places(world):
    result = await world.member.slash(world.channel, "story info", story="zoe")
    fields = {f.name: f.value for f in result.response.embeds[0].fields}
    assert fields["Characters"] == "**Zoe Kuznetsova**, Sophie"
    assert "Montmartre" in fields["Places"] and "Bolshoi Theatre" in fields["Places"]
    assert fields["Length"] == "414 words"


async def test_the_character_filter_matches_whole_names_only(world):
    text = (
        "Title: Two Sisters\n\nZoe Lind painted the lighthouse at dawn.\n\n"
        "Her friend Zoey Brandt painted the lighthouse at dusk.\n\n"
        "Zoe said the lighthouse looked lonely."
    )
    await world.env.bot.library.add_story(parse_story_text(text), guild_id=world.guild.id)
    result = await world.member.slash(
        world.channel, "search", query="painted the lighthouse", character="two-sisters/Zoe Lind"
    )
    fields = result.response.embeds[0].fields
    assert [f.name for f in fields] == ["1. Two Sisters · ¶ 1"]  # not ¶ 2, Zoey's


async def test_story_info_opens_with_the_first_sentence_not_a_section_number(world):
    text = (
        "Title: Numbered\n\nI.\n\nThe _night_ was cold -- and wet. The fire burned."
        "\n\nII.\n\nMorning."
    )
    await world.env.bot.library.add_story(parse_story_text(text), guild_id=world.guild.id)
    result = await world.member.slash(world.channel, "story info", story="numbered")
    assert result.response.embeds[0].description == "*The night was cold — and wet.*"


async def test_story_info_does_not_cut_the_first_sentence_at_a_title(world):
    text = "Title: Visit\n\n“Come in, Mr. Nuttel,” said the niece. The aunt came down."
    await world.env.bot.library.add_story(parse_story_text(text), guild_id=world.guild.id)
    result = await world.member.slash(world.channel, "story info", story="visit")
    assert result.response.embeds[0].description == "*“Come in, Mr. Nuttel,” said the niece.*"
