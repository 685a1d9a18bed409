"""/daily through the simulated Discord, in virtual time."""

import random

import discord
import pytest
from simcord.backend.models.channel import Overwrite
from simcord.enums import OverwriteType

import bot.discord_adapter.daily
from bot.core.fanout import RateLimiter
from bot.core.parsing import parse_story_text

HOUR = 3600.0


def daily_posts(channel):
    return [
        m
        for m in channel.history()
        if m.embeds and (m.embeds[0].title or "").startswith("Story of the day")
    ]


async def test_subscribe_and_the_post_arrives_at_the_right_minute(world):
    result = await world.moderator.slash(
        world.channel, "daily subscribe", time="09:00", timezone="UTC"
    )
    assert result.ephemeral
    assert "a story every day at 09:00 (UTC)" in result.response.content
    await world.env.advance_time(9 * HOUR - 120)  # 08:58: nothing yet
    assert daily_posts(world.channel) == []
    await world.env.advance_time(180)  # 09:01
    (post,) = daily_posts(world.channel)
    assert post.created_at.strftime("%H:%M") == "09:00"
    assert post.embeds[0].title.startswith("Story of the day: ")
    assert post.embeds[1].footer.text.startswith("Page 1 of")  # the story begins below
    (thread,) = world.channel.threads
    assert thread.last_message.embeds[0].title == "Let's talk about it"
    status = await world.moderator.slash(world.channel, "daily status")
    field = status.response.embeds[0].fields[0]
    assert "▶ active" in field.value and "Last: The Story of" in field.value


async def test_one_post_a_day_in_rotation(world):
    await world.moderator.slash(world.channel, "daily subscribe", time="06:00", timezone="UTC")
    titles = []
    for _day in range(4):
        await world.env.advance_time(24 * HOUR)
        titles.append(daily_posts(world.channel)[-1].embeds[0].title)
    assert len(daily_posts(world.channel)) == 4
    assert len(set(titles[:3])) == 3  # three stories before any repeat


async def test_a_missing_permission_pauses_and_resume_restarts(world):
    await world.moderator.slash(world.channel, "daily subscribe", time="09:00", timezone="UTC")
    world.env.inject_error(
        "POST",
        f"/channels/{world.channel.id}/messages",
        status=403,
        code=50013,
        message="Missing Permissions",
    )
    await world.env.advance_time(9 * HOUR + 60)
    assert daily_posts(world.channel) == []
    status = await world.moderator.slash(world.channel, "daily status")
    field = status.response.embeds[0].fields[0].value
    assert "⏸ paused — I lost permission to post in" in field
    resumed = await world.moderator.slash(world.channel, "daily resume")
    assert resumed.response.content == "Resumed: the story of the day is back on."
    await world.env.advance_time(120)
    assert len(daily_posts(world.channel)) == 1  # today's story still arrives, once


async def test_transient_errors_are_retried(world):
    await world.moderator.slash(world.channel, "daily subscribe", time="09:00", timezone="UTC")
    world.env.inject_error("POST", f"/channels/{world.channel.id}/messages", status=503, times=2)
    await world.env.advance_time(9 * HOUR + 600)
    assert len(daily_posts(world.channel)) == 1


async def test_a_long_outage_is_retried_ever_less_often_and_posts_once_it_ends(world):
    await world.moderator.slash(world.channel, "daily subscribe", time="09:00", timezone="UTC")
    messages = f"/channels/{world.channel.id}/messages"
    world.env.inject_error("POST", messages, status=503, times=None)  # Discord is down
    before = len(world.env.http_requests)
    await world.env.advance_time(9 * HOUR + HOUR)  # an hour of outage after 09:00
    tries = [
        r for r in world.env.http_requests[before:] if r.method == "POST" and r.path == messages
    ]
    # Five tries a round, rounds 30 s, 1, 2, 4, 8, 15, 15… min apart: about 40 in the
    # hour, where retrying each second would make thousands.
    assert 20 <= len(tries) <= 50
    assert daily_posts(world.channel) == []
    world.env.backend.faults.clear()  # Discord is back
    await world.env.advance_time(16 * 60)
    assert len(daily_posts(world.channel)) == 1
    await world.env.advance_time(3 * HOUR)
    assert len(daily_posts(world.channel)) == 1


async def test_a_restart_neither_duplicates_nor_skips(world, settings, store):
    from bot.discord_adapter.bot import ConteurBot

    await world.moderator.slash(world.channel, "daily subscribe", time="09:00", timezone="UTC")
    await world.env.advance_time(9 * HOUR + 60)
    await world.env.restart_bot(ConteurBot(settings, store, sync_globally=True))
    await world.env.advance_time(3 * HOUR)
    assert len(daily_posts(world.channel)) == 1
    await world.env.restart_bot(ConteurBot(settings, store, sync_globally=True))
    await world.env.advance_time(24 * HOUR)
    assert len(daily_posts(world.channel)) == 2


async def test_members_subscribe_by_dm_and_a_closed_dm_pauses(world):
    enabled = await world.member.slash(
        world.channel, "daily dm enable", time="07:30", timezone="Europe/Paris"
    )
    assert "a story in your DMs every day at 07:30 (Europe/Paris)" in enabled.response.content
    await world.env.advance_time(7 * HOUR)  # 07:00 UTC = 08:00 in Paris
    dm = world.member.user.dm_channel
    assert len(daily_posts(dm)) == 1
    world.env.inject_error(
        "POST",
        f"/channels/{dm.id}/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
        times=None,
    )
    await world.env.advance_time(24 * HOUR)
    status = await world.member.slash(world.channel, "daily status")
    shown = status.response.embeds[0].fields[-1].value
    assert "your DMs are closed to me" in shown and "run /daily dm enable to resume" in shown


async def test_invalid_time_and_zone_get_suggestions(world):
    bad_zone = await world.moderator.slash(
        world.channel, "daily subscribe", timezone="Europe/Pairs"
    )
    assert "Did you mean Europe/Paris" in bad_zone.response.embeds[0].fields[0].value
    bad_time = await world.moderator.slash(world.channel, "daily subscribe", time="25:61")
    assert bad_time.response.embeds[0].title == "Invalid input"
    assert len(world.env.errors) == 2
    choices = await world.moderator.autocomplete(
        world.channel, "daily subscribe", "timezone", "paris"
    )
    assert choices[0]["value"] == "Europe/Paris" and len(choices) <= 25


async def test_members_cannot_subscribe_a_channel(world):
    denied = await world.member.slash(world.channel, "daily subscribe")
    assert denied.response.embeds[0].title == "Not allowed"
    assert world.env.errors


def bot_requests(world, since=0):
    """REST requests the bot made, not counting interaction replies (outside the limit)."""
    return [r for r in world.env.http_requests[since:] if not r.path.startswith("/interactions")]


async def test_every_request_of_a_post_takes_a_rate_limit_token(world, monkeypatch):
    tokens = []
    acquire = RateLimiter.acquire

    async def counted(self):
        tokens.append(self)
        await acquire(self)

    monkeypatch.setattr(RateLimiter, "acquire", counted)
    await world.moderator.slash(world.channel, "daily subscribe", time="09:00", timezone="UTC")
    await world.member.slash(world.channel, "daily dm enable", time="09:00", timezone="UTC")
    before = len(world.env.http_requests)
    await world.env.advance_time(9 * HOUR + 60)
    made = bot_requests(world, before)
    # The channel: message, thread, questions. The DM: open the channel, message.
    assert len(made) == 5 and len(tokens) == 5
    assert len(set(tokens)) == 1  # one limiter shared by all


async def test_a_failure_after_the_post_never_posts_it_again(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the questions could not be written")

    monkeypatch.setattr(bot.discord_adapter.daily, "discussion_questions", broken)
    await world.moderator.slash(world.channel, "daily subscribe", time="09:00", timezone="UTC")
    await world.env.advance_time(9 * HOUR + 600)
    assert len(daily_posts(world.channel)) == 1
    assert world.channel.threads == []
    status = await world.moderator.slash(world.channel, "daily status")
    assert "(sent)" in status.response.embeds[0].fields[0].value


async def test_the_longest_post_fits_discords_limits(world):
    library = world.env.bot.library
    for story_id in await library.visible_ids(world.guild.id):  # only ours in the rotation
        await library.set_hidden(world.guild.id, story_id, world.moderator.id, True)
    rng = random.Random(3)
    words = "lantern harbour keeper wind gull rope tide stone bell night sea_salt".split()
    body = "\n\n".join(
        "Mara " + " ".join(rng.choice(words) for _ in range(300)) + "." for _ in range(12)
    )
    title = "The Keeper of the Lantern " + "and the Gulls " * 6
    story = await library.add_story(
        parse_story_text(body, title=title.strip()), guild_id=world.guild.id
    )
    await world.moderator.slash(world.channel, "daily subscribe", time="09:00", timezone="UTC")
    await world.env.advance_time(9 * HOUR + 60)
    (post,) = daily_posts(world.channel)
    assert story.title in post.embeds[0].title
    assert 5800 < sum(len(embed) for embed in post.embeds) <= 6000  # the retelling gave way
    assert post.embeds[1].footer.text.startswith("Page 1 of")


async def test_a_post_discord_refuses_fails_that_day_without_retrying(world):
    await world.moderator.slash(world.channel, "daily subscribe", time="09:00", timezone="UTC")
    messages = f"/channels/{world.channel.id}/messages"
    world.env.inject_error("POST", messages, status=400, code=50035, message="Invalid Form Body")
    await world.env.advance_time(20 * HOUR)
    attempts = [r for r in bot_requests(world) if r.method == "POST" and r.path == messages]
    assert len(attempts) == 1  # not retried all day
    status = await world.moderator.slash(world.channel, "daily status")
    field = status.response.embeds[0].fields[0].value
    assert "▶ active" in field  # not paused: tomorrow comes as usual
    assert "not delivered: Discord refused the post (400, code 50035" in field
    await world.env.advance_time(14 * HOUR)
    assert len(daily_posts(world.channel)) == 1


async def test_moderators_hear_of_a_pause_by_dm_when_there_is_no_system_channel(world):
    await world.moderator.slash(world.channel, "daily subscribe", time="09:00", timezone="UTC")
    world.env.inject_error("POST", f"/channels/{world.channel.id}/messages", status=403, code=50013)
    await world.env.advance_time(9 * HOUR + 60)
    (notice,) = world.moderator.user.dm_channel.history()
    assert notice.content.startswith(
        f"The story of the day for <#{world.channel.id}> in **Readers** (09:00 UTC) is paused: "
        "I lost permission to post in"
    )
    assert "`/daily resume`, picking it under `subscription`" in notice.content


async def test_a_subscription_whose_channel_was_deleted_can_still_be_removed(world):
    await world.moderator.slash(world.channel, "daily subscribe", time="09:00", timezone="UTC")
    lobby = world.guild.create_text_channel("lobby")
    world.env.backend.delete_channel(world.channel.id)
    await world.env.settle()
    await world.env.advance_time(9 * HOUR + 60)
    command = "daily unsubscribe"
    choices = await world.moderator.autocomplete(lobby, command, "subscription", "")
    assert [c["name"] for c in choices] == ["#deleted-channel 09:00 UTC (paused)"]
    assert await world.member.autocomplete(lobby, command, "subscription", "") == []
    # Someone else's server cannot reach it, whatever id they send.
    other = world.env.create_guild("Elsewhere")
    room = other.create_text_channel("general")
    boss = other.add_member(
        world.env.create_user("olga"),
        roles=[other.create_role("Mods", permissions=discord.Permissions(manage_guild=True))],
    )
    value = choices[0]["value"]
    denied = await boss.slash(room, command, subscription=value)
    assert denied.response.embeds[0].title == "Not found"
    assert len(world.env.errors) == 1  # a user error, answered; nothing unexpected
    asked = await world.moderator.slash(lobby, command, subscription=value)
    assert asked.response.content.startswith(
        "Stop the story of the day for #deleted-channel 09:00 UTC (paused)?"
    )
    status = await world.moderator.slash(lobby, "daily status")
    assert len(status.response.embeds[0].fields) == 1  # asking removed nothing
    done = await world.moderator.click(asked.response.message, label="Unsubscribe")
    assert done.response.content == "Unsubscribed: no more stories of the day there."
    status = await world.moderator.slash(lobby, "daily status")
    assert status.response.embeds[0].description.startswith("Nothing is subscribed here")


async def test_subscribing_a_subscribed_channel_moves_and_resumes_it(world):
    await world.moderator.slash(world.channel, "daily subscribe", time="09:00", timezone="UTC")
    moved = await world.moderator.slash(world.channel, "daily subscribe", time="10:30")
    assert moved.response.content.startswith(
        f"Updated <#{world.channel.id}>: now a story every day at 10:30 (UTC), "
        "instead of 09:00 (UTC)."
    )
    await world.moderator.slash(world.channel, "daily pause")
    again = await world.moderator.slash(world.channel, "daily subscribe")
    assert "already gets a story every day at 10:30 (UTC)" in again.response.content
    assert "It was paused (Paused by maud); it is resumed now." in again.response.content
    status = await world.moderator.slash(world.channel, "daily status")
    (field,) = status.response.embeds[0].fields
    assert field.value.startswith(f"In <#{world.channel.id}> · ▶ active\nEvery day at 10:30 (UTC)")
    await world.env.advance_time(10.5 * HOUR + 60)
    (post,) = daily_posts(world.channel)
    assert post.created_at.strftime("%H:%M") == "10:30"


async def test_a_server_keeps_at_most_ten_subscriptions(world):
    for number in range(10):
        room = world.guild.create_text_channel(f"room-{number}")
        await world.moderator.slash(world.channel, "daily subscribe", channel=room)
    refused = await world.moderator.slash(world.channel, "daily subscribe")
    assert refused.response.embeds[0].title == "Not allowed"
    assert "already has 10 story-of-the-day subscriptions" in refused.response.embeds[0].description
    assert len(world.env.errors) == 1
    moved = await world.moderator.slash(world.channel, "daily subscribe", channel=room, time="7:00")
    assert moved.response.content.startswith("Updated")  # a subscribed channel still moves


async def test_a_paused_subscription_says_when_it_would_post_if_resumed(world):
    await world.moderator.slash(world.channel, "daily subscribe", time="09:00", timezone="UTC")
    await world.moderator.slash(world.channel, "daily pause")
    status = await world.moderator.slash(world.channel, "daily status")
    assert "\nNext (if resumed): " in status.response.embeds[0].fields[0].value


async def test_a_member_resumes_dms_paused_as_closed_with_dm_enable(world):
    await world.member.slash(
        world.channel, "daily dm enable", time="07:30", timezone="Europe/Paris"
    )
    dm = world.member.user.dm_channel
    world.env.inject_error("POST", f"/channels/{dm.id}/messages", status=403, code=50007)
    await world.env.advance_time(6.5 * HOUR + 60)  # 07:31 in Paris: the DM bounced
    assert daily_posts(dm) == []
    resumed = await world.member.slash(world.channel, "daily dm enable")
    assert resumed.response.content.startswith(
        "Resumed: a story in your DMs every day at 07:30 (Europe/Paris)."
    )
    await world.env.advance_time(60)
    (post,) = daily_posts(dm)  # today's, still today
    assert post.embeds[0].footer.text.startswith("Thursday 01 January 2026")


# --- the crash window: Discord has the post, the log still says "sending" ----------------


async def crash_after_discord_accepts_the_post(
    world, store, monkeypatch, settings, *, dm=False, while_down=None
):
    """Post at 09:00, die before the log records it, restart an hour later.

    Returns where it posted, the post and the subscription.
    """
    from bot.discord_adapter.bot import ConteurBot

    if dm:
        await world.member.slash(world.channel, "daily dm enable", time="09:00", timezone="UTC")
        subscription = await store.daily.dm_subscription(world.member.id)
    else:
        await world.moderator.slash(world.channel, "daily subscribe", time="09:00", timezone="UTC")
        (subscription,) = await store.daily.guild_subscriptions(world.guild.id)

    async def dies_before_recording(subscription_id, local_date, message_id):
        raise RuntimeError("killed")  # nothing after this runs: no thread, no record

    with monkeypatch.context() as crash:
        crash.setattr(store.daily, "mark_sent", dies_before_recording)
        await world.env.advance_time(9 * HOUR + 60)
    where = world.member.user.dm_channel if dm else world.channel
    (post,) = daily_posts(where)
    assert (await store.daily.last_delivery(subscription.id)).status == "sending"
    if while_down is not None:
        while_down()
    await world.env.advance_time(HOUR)  # long enough for Discord to forget the nonce
    await world.env.restart_bot(ConteurBot(settings, store, sync_globally=True))
    await world.env.advance_time(60)
    return where, post, subscription


def history_reads(world, where, since=0):
    path = f"/channels/{where.id}/messages"
    return [r for r in bot_requests(world, since) if r.method == "GET" and r.path == path]


@pytest.mark.parametrize("dm", [False, True], ids=["channel", "dm"])
async def test_a_restart_finds_the_post_a_crash_left_unrecorded_and_does_not_post_it_again(
    world, store, monkeypatch, settings, dm
):
    where, post, subscription = await crash_after_discord_accepts_the_post(
        world, store, monkeypatch, settings, dm=dm
    )
    await world.env.advance_time(3 * HOUR)
    assert daily_posts(where) == [post]  # no second message
    delivery = await store.daily.last_delivery(subscription.id)
    assert (delivery.status, delivery.message_id) == ("sent", post.id)
    assert post.embeds[0].footer.text.endswith(f" · ref {subscription.id}.20260101")
    assert len(history_reads(world, where)) == 1  # one bounded look
    await world.env.advance_time(24 * HOUR)
    assert len(daily_posts(where)) == 2  # and tomorrow as usual


async def test_the_look_at_the_history_takes_a_rate_limit_token(
    world, store, monkeypatch, settings
):
    tokens = []
    acquire = RateLimiter.acquire

    async def counted(self):
        tokens.append(len(world.env.http_requests))
        await acquire(self)

    monkeypatch.setattr(RateLimiter, "acquire", counted)
    where, _, _ = await crash_after_discord_accepts_the_post(world, store, monkeypatch, settings)
    (look,) = history_reads(world, where)
    assert world.env.http_requests.index(look) in tokens  # a token just before the request


def deny_read_message_history(world):
    flag = discord.Permissions.read_message_history.flag
    bot_id = world.env.backend.bot_user.id
    overwrite = Overwrite(target_id=bot_id, type=OverwriteType.MEMBER, deny=flag)
    world.env.backend.set_overwrite(world.channel.id, overwrite)


@pytest.mark.parametrize(
    "unreadable", ["forbidden", "unknown channel", "server error", "no read message history"]
)
async def test_when_the_history_cannot_be_read_recovery_resends_exactly_once(
    world, store, monkeypatch, settings, unreadable
):
    history = f"/channels/{world.channel.id}/messages"
    refusals = {
        "forbidden": (403, 50001),
        "unknown channel": (404, 10003),
        "server error": (500, 0),
    }

    def while_down():
        if unreadable in refusals:
            status, code = refusals[unreadable]
            world.env.inject_error("GET", history, status=status, code=code, times=None)
        else:
            deny_read_message_history(world)

    where, post, subscription = await crash_after_discord_accepts_the_post(
        world, store, monkeypatch, settings, while_down=while_down
    )
    await world.env.advance_time(12 * HOUR)  # the rest of the day
    first, resent = daily_posts(where)  # the documented window: one extra message
    assert first == post
    delivery = await store.daily.last_delivery(subscription.id)
    assert (delivery.status, delivery.message_id) == ("sent", resent.id)
    expected_reads = 0 if unreadable == "no read message history" else 1
    assert len(history_reads(world, where)) == expected_reads  # not even asked without it
