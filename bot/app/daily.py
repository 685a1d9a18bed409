"""The story of the day: subscriptions, and the agenda of when each one is due.

Every change to a subscription goes through `DailySchedule`, which writes it and
re-plans it in the agenda in one call, so the sender (bot.discord_adapter.daily)
always works from what the database says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.app.library import Library
from bot.core.models import Story
from bot.core.schedule import (
    DEFAULT_POST_AT,
    DEFAULT_TIMEZONE,
    Agenda,
    Subscription,
    next_post,
    next_story,
    parse_post_time,
    resolve_timezone,
    zone_of,
)
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.storage import Subscribed

# Each posts a story a day and a thread: enough for any server, and a bound on what one
# server can add to the fan-out at a single minute.
MAX_SUBSCRIPTIONS_PER_SERVER = 10


@dataclass(frozen=True, slots=True)
class SubscriptionStatus:
    """What /daily status shows of one subscription: next post, last story, state."""

    subscription: Subscription
    next_post: datetime
    last_title: str | None
    last_date: date | None
    last_status: str | None
    next_title: str | None
    last_failure: str | None = None  # why Discord refused the last day's post


class DailySchedule:
    def __init__(
        self, library: Library, owns: Callable[[Subscription], bool] = lambda _s: True
    ) -> None:
        self.library = library
        self.store = library.store
        # Which subscriptions this process posts (bot.app.ownership); the agenda holds
        # only those. Every subscription is still readable and editable from any process.
        self.owns = owns
        self.agenda = Agenda()
        # Called after every change, so a sender napping until the next post wakes up.
        self.on_change: Callable[[], None] = lambda: None

    # ------------------------------------------------------------ the agenda

    async def load(self) -> None:
        """Learn every subscription this process posts (at start, after recovery, and
        when its share of them changes); forget the others."""
        last_sent = await self.store.daily.last_sent()
        now = self.store.clock()
        for subscription in await self.store.daily.all_subscriptions():
            if self.owns(subscription):
                self.agenda.upsert(subscription, now, last_sent.get(subscription.id))
            else:
                self.agenda.remove(subscription.id)

    async def changed(self, subscription: Subscription) -> None:
        """A subscription was created, edited, paused or resumed: re-plan it."""
        if not self.owns(subscription):
            self.agenda.remove(subscription.id)
            return
        last = (await self.store.daily.last_sent([subscription.id])).get(subscription.id)
        self.agenda.upsert(subscription, self.store.clock(), last)
        self.on_change()

    async def _reload(self, subscription_id: int) -> None:
        updated = await self.store.daily.get_subscription(subscription_id)
        if updated is not None:
            await self.changed(updated)

    def _removed(self, subscription_id: int) -> None:
        self.agenda.remove(subscription_id)

    # --------------------------------------------------------- subscribing

    async def _when(
        self, guild_id: int | None, at: str | None, zone: str | None, existing: Subscription | None
    ) -> tuple[time, str]:
        """What was typed; for what was not, the existing subscription's, else the defaults."""
        post_at = parse_post_time(at) if at else existing.post_at if existing else DEFAULT_POST_AT
        if zone:
            return post_at, resolve_timezone(zone).key
        if existing is not None:
            return post_at, existing.timezone
        if guild_id is not None:
            configured = (await self.store.guilds.guild_settings(guild_id)).timezone
            if configured:
                return post_at, configured
        return post_at, DEFAULT_TIMEZONE

    async def subscribe_channel(
        self, *, guild_id: int, channel_id: int, actor_id: int, at: str | None, zone: str | None
    ) -> Subscribed:
        """The channel's subscription at this time: new, or moved and resumed."""
        await self._require_a_story(guild_id)
        existing = [
            s
            for s in await self.store.daily.guild_subscriptions(guild_id)
            if s.channel_id == channel_id
        ]
        post_at, timezone = await self._when(guild_id, at, zone, existing[0] if existing else None)
        done = await self.store.daily.subscribe_channel(
            guild_id=guild_id,
            channel_id=channel_id,
            post_at=post_at,
            timezone=timezone,
            actor_id=actor_id,
            limit=MAX_SUBSCRIPTIONS_PER_SERVER,
        )
        if done is None:
            raise NotAllowed(
                f"This server already has {MAX_SUBSCRIPTIONS_PER_SERVER} story-of-the-day "
                "subscriptions, the most I keep for one server.",
                hint="`/daily unsubscribe` one you no longer need (`/daily status` lists "
                "them), or run `/daily subscribe` in a subscribed channel to change its time.",
            )
        await self.changed(done.subscription)
        return done

    async def enable_dm(self, *, user_id: int, at: str | None, zone: str | None) -> Subscribed:
        """The member's DM subscription at this time: new, or moved and resumed."""
        await self._require_a_story(None)
        existing = await self.store.daily.dm_subscription(user_id)
        post_at, timezone = await self._when(None, at, zone, existing)
        done = await self.store.daily.subscribe_dm(
            user_id=user_id, post_at=post_at, timezone=timezone
        )
        await self.changed(done.subscription)
        return done

    async def _require_a_story(self, guild_id: int | None) -> None:
        """A subscription with nothing to post would only fail every day: refuse it now."""
        if await self.store.stories.count_visible_stories(guild_id) == 0:
            raise InvalidInput(
                "There is no story to post: every story here is hidden or removed.",
                hint="Add one with `/story add`, or show a built-in one again with "
                "`/story unhide`, then subscribe.",
            )

    async def disable_dm(self, user_id: int) -> None:
        mine = await self.store.daily.dm_subscription(user_id)
        if mine is None:
            raise NotFound("You don't get the story of the day by DM.")
        await self.store.daily.delete_subscription(mine.id)
        self._removed(mine.id)

    async def chosen(
        self,
        guild_id: int,
        *,
        channel_id: int | None,
        subscription_id: int | None,
        given_channel: bool,
    ) -> list[Subscription]:
        """The subscription picked by id (re-checked to be this server's), else the channel's.

        `given_channel`: the member named the channel (else it is the one they typed in).
        """
        subscriptions = await self.store.daily.guild_subscriptions(guild_id)
        if subscription_id is not None:
            chosen = [s for s in subscriptions if s.id == subscription_id]
            if not chosen:
                raise NotFound(
                    "That is not one of this server's story-of-the-day subscriptions.",
                    hint="Pick one from the list under `subscription`.",
                )
            if given_channel and chosen[0].channel_id != channel_id:
                raise InvalidInput(
                    f"That subscription posts in <#{chosen[0].channel_id}>, not <#{channel_id}>.",
                    hint="Give either `channel` or `subscription`.",
                )
            return chosen
        chosen = [s for s in subscriptions if s.channel_id == channel_id]
        if not chosen:
            where = f"<#{channel_id}>" if channel_id else "this channel"
            raise NotFound(
                f"There is no story-of-the-day subscription for {where}.",
                hint="Pick one under `subscription` (deleted channels are listed too); "
                "`/daily status` shows them all.",
            )
        return chosen

    async def of_server(self, guild_id: int) -> list[Subscription]:
        return await self.store.daily.guild_subscriptions(guild_id)

    async def unsubscribe(self, subscriptions: list[Subscription]) -> None:
        for subscription in subscriptions:
            await self.store.daily.delete_subscription(subscription.id)
            self._removed(subscription.id)

    async def pause(self, subscription: Subscription, reason: str) -> None:
        await self.store.daily.pause(subscription.id, reason)
        await self._reload(subscription.id)

    async def resume(self, subscription: Subscription) -> None:
        """Active again; if today failed, today's story still comes."""
        local_today = self.store.clock().astimezone(zone_of(subscription)).date()
        await self.store.daily.resume(subscription.id, local_today)
        await self._reload(subscription.id)

    # ---------------------------------------------------------------- reads

    async def pick_story(self, subscription: Subscription) -> int | None:
        """Rotation through the stories visible where it posts, without repeats."""
        visible = sorted(await self.library.visible_ids(subscription.guild_id))
        return next_story(visible, await self.store.daily.story_history(subscription.id))

    async def next_post(self, subscription: Subscription) -> datetime:
        last = await self.store.daily.last_delivery(subscription.id)
        return next_post(self.store.clock(), subscription, last.local_date if last else None)

    async def status(self, guild_id: int | None, user_id: int) -> list[SubscriptionStatus]:
        """The server's subscriptions (if any) and the member's own DM one."""
        subscriptions = await self._visible_to(guild_id, user_id)
        return [await self._status(s) for s in subscriptions]

    async def _visible_to(self, guild_id: int | None, user_id: int) -> list[Subscription]:
        subscriptions = []
        if guild_id is not None:
            subscriptions = await self.store.daily.guild_subscriptions(guild_id)
        mine = await self.store.daily.dm_subscription(user_id)
        return [*subscriptions, *([mine] if mine else [])]

    async def _status(self, subscription: Subscription) -> SubscriptionStatus:
        store = self.store
        last = await store.daily.last_delivery(subscription.id)
        last_title = None
        if last is not None:
            story = await store.stories.get_summary(last.story_id)
            last_title = story.title if story else "a removed story"
        upcoming = await self.pick_story(subscription)
        summary = await store.stories.get_summary(upcoming) if upcoming is not None else None
        return SubscriptionStatus(
            subscription=subscription,
            next_post=next_post(store.clock(), subscription, last.local_date if last else None),
            last_title=last_title,
            last_date=last.local_date if last else None,
            last_status=last.status if last else None,
            next_title=summary.title if summary else None,
            last_failure=last.failure if last else None,
        )

    async def preview(self, guild_id: int | None, channel_id: int | None, user_id: int) -> Story:
        """The story the next post here (this channel's, else the server's, else the DM) brings."""
        subscriptions = await self._visible_to(guild_id, user_id)
        candidates = [s for s in subscriptions if s.channel_id == channel_id] or subscriptions
        if not candidates:
            raise NotFound(
                "Nothing is subscribed here yet.",
                hint="`/daily subscribe` (moderators) or `/daily dm enable`.",
            )
        story_id = await self.pick_story(candidates[0])
        story = await self.store.stories.get_story(story_id) if story_id is not None else None
        if story is None:
            raise NotFound("There are no stories to post yet.")
        return story
