"""/daily through the simulated Discord, in virtual time."""

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


async def test_a_restart_neither_duplicates_nor_skips(world, settings, store):
    from bot.bot import ConteurBot

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
    assert "The member's DMs are closed to me." in status.response.embeds[0].fields[-1].value


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
