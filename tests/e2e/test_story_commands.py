"""/story list and /story read as a member experiences them."""

from bot.core.parsing import parse_story_text
from bot.discord_adapter.bot import ConteurBot
from bot.errors import NotFound
from tests.e2e.conftest import raised_types

VALERIE = "The Story of Valérie Ivanov"


def tale(number: int) -> str:
    return f"Title: Tale {number:02d}\n\nA short tale, number {number}, about a patient heron."


async def test_read_opens_the_first_page_for_everyone(world):
    result = await world.member.slash(world.channel, "story read", story="valerie")
    assert not result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == VALERIE
    assert embed.description.startswith("Valérie Ivanov stepped off the train")
    assert embed.footer.text.startswith("Page 1 of 2")
    labels = [c["label"] for c in result.response.components[0]["components"]]
    assert labels == ["First", "Previous", "Next", "Last"]


async def test_buttons_and_menu_turn_the_pages(world):
    shown = await world.member.slash(world.channel, "story read", story="valerie")
    message = shown.response.message
    turned = await world.member.click(message, label="Next")
    assert turned.response.embeds[0].footer.text.startswith("Page 2 of 2")
    buttons = {
        c["label"]: c.get("disabled", False) for c in turned.response.components[0]["components"]
    }
    assert buttons == {"First": False, "Previous": False, "Next": True, "Last": True}
    back = await world.member.click(turned.response.message, label="First")
    assert back.response.embeds[0].footer.text.startswith("Page 1 of 2")
    jumped = await world.member.select(back.response.message, ["2"])
    assert "Sophie" in jumped.response.embeds[0].description
    assert jumped.response.embeds[0].footer.text.startswith("Page 2 of 2")


async def test_private_reading_is_ephemeral(world):
    result = await world.member.slash(world.channel, "story read", story="zoe", private=True)
    assert result.ephemeral
    assert result.response.embeds[0].title == "The Story of Zoe Kuznetsova"


async def test_a_page_past_the_end_shows_the_last_page(world):
    result = await world.member.slash(world.channel, "story read", story="lea roux", page=40)
    assert result.response.embeds[0].footer.text.startswith("Page 2 of 2")


async def test_buttons_keep_working_after_a_restart(world, settings, store):
    shown = await world.member.slash(world.channel, "story read", story="valerie")
    await world.env.restart_bot(ConteurBot(settings, store, sync_globally=True))
    turned = await world.member.click(shown.response.message, label="Last")
    assert turned.response.embeds[0].footer.text.startswith("Page 2 of 2")


async def test_autocomplete_forgives_accents_and_typos(world):
    for typed in ("valerie", "VALÉRIE", "valrie", "ivanov"):
        choices = await world.member.autocomplete(world.channel, "story read", "story", typed)
        assert choices[0] == {
            "name": VALERIE,
            "value": "the-story-of-valerie-ivanov",
        }


async def test_autocomplete_offers_at_most_25(world, store):
    for number in range(40):
        await store.stories.add_story(parse_story_text(tale(number)), guild_id=world.guild.id)
    choices = await world.member.autocomplete(world.channel, "story read", "story", "tale")
    assert len(choices) == 25
    assert all(c["name"].startswith("Tale") for c in choices)


async def test_an_unknown_story_gets_a_friendly_private_error(world):
    result = await world.member.slash(world.channel, "story read", story="the story of valrie")
    assert result.response.embeds[0].title == VALERIE  # close enough to be understood
    missing = await world.member.slash(world.channel, "story read", story="moby dick")
    assert missing.ephemeral
    embed = missing.response.embeds[0]
    assert embed.title == "Not found"
    assert "moby dick" in embed.description
    assert raised_types(world.env) == [NotFound]


async def test_another_servers_story_does_not_exist_here(world, store):
    ours = await store.stories.add_story(parse_story_text(tale(1)), guild_id=world.guild.id)
    channel, stranger = world.other_server()
    choices = await stranger.autocomplete(channel, "story read", "story", "tale 01")
    assert ours.slug not in [c["value"] for c in choices]
    result = await stranger.slash(channel, "story read", story=ours.slug)
    assert result.response.embeds[0].title == "Not found"
    assert world.env.errors
    mine = await world.member.slash(world.channel, "story read", story=ours.slug)
    assert mine.response.embeds[0].title == "Tale 01"


async def test_list_shows_the_library_privately_with_pages(world, store):
    for number in range(12):
        await store.stories.add_story(parse_story_text(tale(number)), guild_id=world.guild.id)
    result = await world.member.slash(world.channel, "story list")
    assert result.ephemeral
    embed = result.response.embeds[0]
    assert VALERIE in embed.description and "Tale 00" in embed.description
    # Who is in each story, from the characters found at load time.
    assert "-# with Valérie Ivanov, Sophie · 398 words" in embed.description
    assert embed.footer.text.startswith("Page 1 of 2 · 15 stories")
    second = await world.member.click(result.response.message, label="Next")
    assert "Tale 11" in second.response.embeds[0].description
    assert second.response.embeds[0].footer.text.startswith("Page 2 of 2")


async def test_help_lists_every_command_with_an_example(world):
    result = await world.member.slash(world.channel, "help")
    assert result.ephemeral
    text = "\n".join(f.value for f in result.response.embeds[0].fields)
    commands = [c for c in world.env.bot.tree.walk_commands() if hasattr(c, "parameters")]
    assert commands
    for command in commands:
        assert f"/{command.qualified_name}" in text
        assert "example" in command.extras, f"/{command.qualified_name} has no example"
        assert command.extras["example"] in text
