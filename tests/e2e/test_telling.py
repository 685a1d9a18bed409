"""/story retell, discuss, ask, @mentions, and reading that remembers."""

import itertools

import discord

from bot.core.parsing import parse_story_text
from bot.errors import RateLimited
from cogs.mentions import HOW_TO_ASK
from tests.e2e.conftest import raised_types, unwrapped

ZOE = "The Story of Zoe Kuznetsova"
VALERIE = "The Story of Valérie Ivanov"
UNANSWERABLE = "The stories don't say."


def harbour_tale(paragraphs: int) -> str:
    """A long story of plain, distinct sentences."""
    body = "\n\n".join(
        f"Anna walked to harbour number {n}. She counted {n + 3} boats there. "
        f"The gulls cried over pier {n * 7}."
        for n in range(paragraphs)
    )
    return f"Title: The Long Harbour\n\n{body}"


def bot_replies(world, channel=None):
    bot_id = world.env.bot.user.id
    return [m for m in (channel or world.channel).history() if m.author.id == bot_id]


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
    assert "Sophie handed her a small canvas" in embed.description
    assert embed.fields[0].value.startswith("The Story of Zoe Kuznetsova: ¶")
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
    assert raised_types(world.env) == [RateLimited]


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
    at_the_start = await world.member.slash(world.channel, "story read", story="valerie")
    assert at_the_start.response.content == ""  # saved at page 1: nothing to "continue"


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
    assert await store.reading.bookmarks(world.member.id, world.guild.id) == []
    assert await store.reading.last_shown_story(world.member.id) is None


async def test_ask_drops_the_question_scaffolding_before_searching(world):
    who = await world.member.slash(world.channel, "story ask", question="who are you")
    assert who.response.embeds[0].description == UNANSWERABLE
    assert who.response.embeds[0].fields == []
    gallery = await world.member.slash(
        world.channel, "story ask", question="tell me about the gallery"
    )
    embed = gallery.response.embeds[0]
    assert "gallery" in embed.description
    assert embed.fields[0].value.startswith(f"{VALERIE}: ¶")


async def test_a_known_character_without_the_fact_is_not_guessed_at(world):
    result = await world.member.slash(
        world.channel, "story ask", question="where does Sophie come from?"
    )
    embed = result.response.embeds[0]
    assert embed.description.endswith("don't say where Sophie comes from.")
    assert VALERIE in embed.description and ZOE in embed.description
    assert embed.fields == []


async def test_the_from_field_groups_paragraphs_by_story(world):
    result = await world.member.slash(world.channel, "story ask", question="who is Valérie?")
    assert result.response.embeds[0].fields[0].value == f"{VALERIE}: ¶1, ¶2, ¶3"


async def test_a_members_refused_questions_do_not_use_up_the_channel(world):
    for _ in range(8):  # five answered, three refused
        await world.member.slash(world.channel, "story ask", question="who is Zoe?")
    for _ in range(5):  # the channel has heard five questions: five more are fine
        other = await world.moderator.slash(world.channel, "story ask", question="who is Zoe?")
        assert not other.ephemeral
    assert all(isinstance(unwrapped(e), RateLimited) for e in world.env.errors)


async def test_mentions_are_rate_limited_and_the_notice_is_sent_once(world):
    bot_user = world.env.bot.user
    for _ in range(5):
        await world.member.send(world.channel, bot_user.mention)
    for _ in range(4):
        await world.member.send(world.channel, f"{bot_user.mention} who is Zoe?")
    await world.member.send(world.channel, bot_user.mention)
    replies = [m.content for m in bot_replies(world)]
    assert replies.count(HOW_TO_ASK) == 5
    assert len(replies) == 6  # one notice, then silence
    assert replies[-1].startswith("I need a breather")


async def test_a_mention_is_not_taken_for_a_text_command(world):
    seen = []

    async def on_command_error(ctx, error):
        seen.append(error)

    world.env.bot.add_listener(on_command_error)
    bot_user = world.env.bot.user
    await world.member.send(world.channel, f"{bot_user.mention} who is Sophie?")
    assert "Sophie" in world.channel.last_message.embeds[0].description
    assert seen == []


async def test_ask_defers_and_reads_only_the_casts_it_needs(world, store, monkeypatch):
    loaded = []
    read_cast = store.casts._stored_cast  # what every cast read comes down to

    async def counting(story_id):
        loaded.append(story_id)
        return await read_cast(story_id)

    monkeypatch.setattr(store.casts, "_stored_cast", counting)
    result = await world.member.slash(world.channel, "story ask", question="who is Léa Roux?")
    callbacks = [r.json for r in world.env.http_requests if r.path.endswith("/callback")]
    assert callbacks[-1]["type"] == 5  # "thinking…": deferred, then the answer
    assert "a struggling artist" in result.response.embeds[0].description
    assert len(loaded) == 1


async def test_the_ask_question_is_limited_to_300_characters_by_discord(world):
    ask = world.env.bot.tree.get_command("story").get_command("ask")
    question = next(
        o for o in ask.to_dict(world.env.bot.tree)["options"] if o["name"] == "question"
    )
    assert (question["min_length"], question["max_length"]) == (1, 300)


async def test_a_short_retelling_always_fits_one_embed(world, store):
    sentence = "The **bold** _snake_case_ ~~harbour~~ `code` said *Anna* " * 16
    body = "\n\n".join(f"{sentence}number {n}." for n in range(30))
    await store.stories.add_story(
        parse_story_text(f"Title: Marks\n\n{body}"), guild_id=world.guild.id
    )
    result = await world.member.slash(world.channel, "story retell", story="marks")
    assert len(result.response.embeds) == 1 and result.followups == []
    assert result.response.embeds[0].description.endswith("number 29.")


async def test_discuss_never_drops_part_of_the_retelling(world, store):
    # Sentences so long that the opening and the ending alone need two embeds.
    opening = "Anna walked " + "far and " * 400 + "home."
    ending = "Anna slept " + "long and " * 400 + "well."
    body = "\n\n".join([opening, "The boats came in.", "The gulls cried.", ending])
    await store.stories.add_story(
        parse_story_text(f"Title: Far\n\n{body}"), guild_id=world.guild.id
    )
    result = await world.member.slash(world.channel, "story discuss", story="far")
    shown = [e.description for m in (result.response, *result.followups) for e in m.embeds]
    text = " ".join(shown)
    assert "home." in text and text.count("well.") == 1
    (thread,) = world.channel.threads
    assert thread.last_message.embeds[0].title == "Let's talk about it"


async def test_a_long_retelling_of_a_huge_story_is_attached_as_a_file(world, store):
    await store.stories.add_story(parse_story_text(harbour_tale(600)), guild_id=world.guild.id)
    result = await world.member.slash(
        world.channel, "story retell", story="the long harbour", length="long"
    )
    assert len(result.followups) <= 2
    assert "attached" in result.response.content
    (attachment,) = result.response.attachments
    assert attachment.filename.endswith(".txt")
    text = (await attachment.read()).decode()
    assert text.startswith("Anna walked to harbour number 0.")
    assert "The gulls cried over pier 4193." in text  # the ending


async def test_a_failed_thread_still_posts_the_questions(world):
    world.env.inject_error(
        "POST", "/channels/*/messages/*/threads", status=403, code=50013, message="Missing Access"
    )
    result = await world.member.slash(world.channel, "story discuss", story="valerie")
    assert result.response.embeds[0].title == VALERIE
    (followup,) = result.followups
    questions = followup.embeds[0]
    assert "Why does Valérie leave Russia?" in questions.description
    assert "couldn't open a thread" in questions.footer.text
    assert world.channel.threads == []


async def test_forget_deletes_drafts_and_says_what_is_kept(world, store):
    draft = await store.drafts.save_draft(
        guild_id=world.guild.id,
        user_id=world.member.id,
        story_id=None,
        title="Mine",
        author=None,
        body="A draft of mine.",
        near_duplicate_of=None,
        similarity=None,
    )
    asked = await world.member.slash(world.channel, "privacy forget")
    assert "Nothing else" not in asked.response.content
    assert "moderators" in asked.response.content
    done = await world.member.click(asked.response.message, label="Delete my data")
    assert done.response.content.startswith("Done: deleted 1 record about you.")
    assert await store.drafts.get_draft(draft.id) is None


async def test_random_continues_a_story_you_have_started(world):
    first = await world.member.slash(world.channel, "story read", story="valerie")
    await world.member.click(first.response.message, label="Next")
    world.env.bot.random.seed(5)
    for _ in range(30):
        shown = await world.member.slash(world.channel, "story random")
        if shown.response.embeds[0].title == VALERIE:
            break
    assert shown.response.content == "Continuing where you left off: page 2."
    assert shown.response.embeds[0].footer.text.startswith("Page 2 of 2")


async def test_bookmarks_say_how_many_are_not_listed(world, store):
    for number in range(30):
        parsed = parse_story_text(
            f"Title: Tale {number:02d}\n\nA patient heron, number {number}, waited."
        )
        story = await store.stories.add_story(parsed, guild_id=world.guild.id)
        await store.reading.save_position(world.member.id, story.id, 1)
    marks = await world.member.slash(world.channel, "story bookmarks")
    assert marks.response.embeds[0].description.endswith("and 5 more")


async def test_a_failure_after_thinking_never_leaves_it_thinking(world, monkeypatch):
    """A bug after the reply was deferred: the "thinking…" becomes the apology.

    (Discord makes the first follow-up of a deferred reply that reply itself, public
    as the deferral was: the apology cannot be private there.)
    """
    import bot.app.telling as telling

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the retelling")

    monkeypatch.setattr(telling, "retell", broken)
    await world.member.slash(world.channel, "story retell", story="zoe")
    assert raised_types(world.env) == [RuntimeError]
    (shown,) = world.channel.history()
    assert shown.embeds[0].title == "Something went wrong" and not shown.flags.loading
