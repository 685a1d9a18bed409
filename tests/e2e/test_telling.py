"""/story retell, discuss, ask, @mentions, and reading that remembers."""

import itertools

import discord

from bot.errors import RateLimited

ZOE = "The Story of Zoe Kuznetsova"


async def test_retell_is_short_faithful_and_keeps_the_ending(world):
    result = await world.member.slash(world.channel, "story retell", story="zoe")
    embed = result.response.embeds[0]
    assert embed.title == ZOE
    assert embed.description.startswith("Zoe Kuznetsova stepped off the crowded train")
    assert embed.description.endswith("creative force to be reckoned with.")
    assert len(embed.description) < 1200
    assert embed.footer.text.startswith("A short retelling in the story's own words")


async def test_longer_retellings_are_longer(world):
    short = await world.member.slash(world.channel, "story retell", story="lea")
    long = await world.member.slash(world.channel, "story retell", story="lea", length="long")
    assert len(long.response.embeds[0].description) > len(short.response.embeds[0].description)


async def test_discuss_opens_a_thread_with_questions(world):
    result = await world.member.slash(world.channel, "story discuss", story="valerie")
    assert result.response.embeds[0].title == "The Story of Valérie Ivanov"
    (thread,) = world.channel.threads
    assert thread.name == "Discussing The Story of Valérie Ivanov"
    questions = thread.last_message.embeds[0]
    assert questions.title == "Let's talk about it"
    assert "Why does Valérie leave Russia?" in questions.description
    assert questions.description.count("\n") in (2, 3)  # three or four questions


async def test_discuss_without_thread_permission_posts_the_questions_and_says_why(world):
    bot_member = world.guild.me
    closed = world.guild.create_text_channel(
        "no-threads",
        overwrites={bot_member: discord.PermissionOverwrite(create_public_threads=False)},
    )
    result = await world.member.slash(closed, "story discuss", story="zoe")
    retelling, questions = result.response.embeds
    assert retelling.title == ZOE
    assert "What does Sophie's gift mean to Zoe?" in questions.description
    assert "I don't have permission to create threads here" in questions.footer.text
    assert closed.threads == []


async def test_ask_who_where_and_meet_from_the_characters(world):
    who = await world.member.slash(world.channel, "story ask", question="who is Sophie?")
    text = who.response.embeds[0].description
    assert "the gallery owner" in text and "the artist" in text  # both Sophies, both stories
    where = await world.member.slash(world.channel, "story ask", question="where does zoe go?")
    assert "Montmartre" in where.response.embeds[0].description
    meet = await world.member.slash(world.channel, "story ask", question="who does valrie meet")
    assert "Sophie" in meet.response.embeds[0].description


async def test_ask_quotes_the_text_or_says_it_does_not_know(world):
    gift = await world.member.slash(
        world.channel, "story ask", question="what did Sophie give Zoe?"
    )
    embed = gift.response.embeds[0]
    assert "Zoe took the gift" in embed.description
    assert "The Story of Zoe Kuznetsova ¶ 7" in embed.fields[0].value
    unknown = await world.member.slash(
        world.channel, "story ask", question="what is the capital of Peru?"
    )
    assert unknown.response.embeds[0].description == "The stories don't say."


async def test_asking_too_fast_gets_a_friendly_notice(world):
    for _ in range(5):
        await world.member.slash(world.channel, "story ask", question="who is Zoe?")
    sixth = await world.member.slash(world.channel, "story ask", question="who is Zoe?")
    assert sixth.ephemeral
    assert sixth.response.embeds[0].title == "Slow down"
    assert [type(e.original) for e in world.env.errors] == [RateLimited]


async def test_a_mention_is_answered_without_pinging_anyone(world):
    bot_user = world.env.bot.user
    await world.member.send(world.channel, f"{bot_user.mention} who is Léa Roux?")
    reply = world.channel.last_message
    assert reply.author.id == bot_user.id
    assert "a struggling artist" in reply.embeds[0].description
    assert not reply.mentions


async def test_a_mention_in_a_discussion_thread_uses_its_story(world):
    await world.member.slash(world.channel, "story discuss", story="zoe")
    (thread,) = world.channel.threads
    bot_user = world.env.bot.user
    await world.member.send(thread, f"{bot_user.mention} who is Sophie?")
    answer = thread.last_message.embeds[0].description
    assert "the artist" in answer and "gallery owner" not in answer


async def test_reading_remembers_where_you_stopped(world):
    first = await world.member.slash(world.channel, "story read", story="valerie")
    await world.member.click(first.response.message, label="Next")
    again = await world.member.slash(world.channel, "story read", story="valerie")
    assert again.response.content == "Continuing where you left off: page 2."
    assert again.response.embeds[0].footer.text.startswith("Page 2 of 2")
    resumed = await world.member.slash(world.channel, "story continue")
    assert resumed.response.embeds[0].title == "The Story of Valérie Ivanov"
    marks = await world.member.slash(world.channel, "story bookmarks")
    assert marks.ephemeral
    assert "**The Story of Valérie Ivanov** — page 2" in marks.response.embeds[0].description
    cleared = await world.member.click(marks.response.message, label="Clear my bookmarks")
    assert cleared.response.content == "Cleared 1 bookmark."
    fresh = await world.member.slash(world.channel, "story read", story="valerie")
    assert fresh.response.content == ""
    assert fresh.response.embeds[0].footer.text.startswith("Page 1 of 2")


async def test_random_never_repeats_the_last_story_shown(world):
    seen = []
    for _ in range(6):
        result = await world.member.slash(world.channel, "story random")
        seen.append(result.response.embeds[0].title)
    assert all(a != b for a, b in itertools.pairwise(seen))


async def test_privacy_forget_deletes_everything_about_the_member(world, store):
    await world.member.slash(world.channel, "story read", story="lea")
    asked = await world.member.slash(world.channel, "privacy forget")
    assert asked.ephemeral and "Delete all of it?" in asked.response.content
    done = await world.member.click(asked.response.message, label="Delete my data")
    assert done.response.content.startswith("Done: deleted 2 records about you.")
    assert await store.bookmarks(world.member.id, world.guild.id) == []
    assert await store.last_shown_story(world.member.id) is None
