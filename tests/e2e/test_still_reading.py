"""A story a big load stored a moment ago, before its characters are read, as members see it."""

from bot.errors import StillReading
from tests.e2e.conftest import raised

FERRY = (
    "Title: The Ferry\n\n"
    "Marta Solberg crossed the fjord at dawn. Marta waved to Erik Dahl on the pier.\n\n"
    "Erik smiled at Marta. Marta went home to Bergen before the rain."
)


async def test_characters_say_still_reading_until_the_background_reader_is_done(world, tmp_path):
    # The catalogues are built before the load: the load and the reading amend them.
    assert await world.member.autocomplete(world.channel, "character show", "name", "valerie")
    (tmp_path / "ferry.txt").write_text(FERRY)
    library = world.env.bot.library
    await library.load_paths([tmp_path], defer_casts=True)

    asked = await world.member.slash(
        world.channel, "character show", name="Marta", story="the-ferry"
    )
    shown = asked.response.embeds[0]
    assert asked.response.ephemeral and shown.title == "One moment"
    assert "I'm still reading “The Ferry”" in shown.description
    assert raised(world.env) == [StillReading]
    anywhere = await world.member.slash(world.channel, "character show", name="Marta")
    assert anywhere.response.ephemeral
    assert "I'm still reading a new story" in anywhere.response.embeds[0].description
    assert raised(world.env) == [StillReading]
    info = await world.member.slash(world.channel, "story info", story="the-ferry")
    fields = {f.name: f.value for f in info.response.embeds[0].fields}
    assert fields["Characters and places"].startswith("Still reading this story")
    # Questions to discuss come from the characters: they wait for them too.
    discuss = await world.member.slash(world.channel, "story discuss", story="the-ferry")
    assert discuss.response.ephemeral, "public"
    assert "I'm still reading “The Ferry”" in discuss.response.embeds[0].description
    assert raised(world.env) == [StillReading]
    # The story itself is there already: readable and searchable.
    found = await world.member.slash(world.channel, "search", query="fjord at dawn")
    assert "The Ferry" in found.response.embeds[0].fields[0].name

    library.cast_reading.start()
    await library.cast_reading.finished()
    choices = await world.member.autocomplete(world.channel, "character show", "name", "marta")
    assert [c["name"] for c in choices] == ["Marta Solberg — The Ferry"]
    profile = await world.member.slash(world.channel, "character show", name=choices[0]["value"])
    assert profile.response.embeds[0].title == "Marta Solberg"
    assert "Protagonist of *The Ferry*" in profile.response.embeds[0].description
    info = await world.member.slash(world.channel, "story info", story="the-ferry")
    fields = {f.name: f.value for f in info.response.embeds[0].fields}
    assert "Marta Solberg" in fields["Characters"]
    assert raised(world.env) == []
