"""With no model configured (the default), the storyteller is nowhere: no requests, and
its new options say plainly that there is none."""

from bot.errors import InvalidInput
from bot.storyteller.actions import NOT_CONFIGURED


async def test_settings_storyteller_explains_that_no_model_is_configured(world):
    result = await world.moderator.slash(world.channel, "settings storyteller", mode="on")
    embed = result.response.embeds[0]
    assert result.response.ephemeral
    assert embed.description.startswith("This bot has no storyteller model configured")
    assert "CONTEUR_MODEL_URL" in embed.fields[0].value
    assert {type(e.original) for e in world.env.errors} == {InvalidInput}


async def test_settings_and_help_show_no_storyteller(world):
    shown = await world.moderator.slash(world.channel, "settings show")
    assert [f.name for f in shown.response.embeds[0].fields] == ["Moderators", "Time zone"]
    helped = await world.member.slash(world.channel, "help")
    assert not any("storyteller" in f.name for f in helped.response.embeds[0].fields)


async def test_retell_with_a_style_gives_the_retelling_from_the_text_and_says_why(world):
    result = await world.member.slash(world.channel, "story retell", story="zoe", style="french")
    embed = result.response.embeds[0]
    assert embed.description.startswith("Zoe Kuznetsova stepped off the crowded train")
    assert embed.footer.text.startswith(NOT_CONFIGURED)
    assert world.env.bot.storyteller is None
