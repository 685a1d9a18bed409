"""The add/edit form, the preview's Publish/Cancel buttons and the remove confirmation."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.app import curation
from bot.app.lookup import get_visible_story
from bot.app.moderation import (
    NeedsConfirmation,
    Preview,
    cancel,
    draft_stamp,
    prepare,
    publish,
    require_own_story,
)
from bot.discord_adapter.checks import require_moderator
from bot.discord_adapter.rendering import escape
from bot.discord_adapter.rendering.moderation import confirmation_note, preview_embed
from bot.discord_adapter.tree import send_error
from bot.errors import NotAllowed, NotFound, UserError

if TYPE_CHECKING:
    from bot.discord_adapter.bot import ConteurBot

MODAL_TEXT_LIMIT = 4000  # Discord's limit for one text field in a form


def _bot(interaction: discord.Interaction) -> ConteurBot:
    return cast("ConteurBot", interaction.client)


def preview_view(preview: Preview) -> discord.ui.View:
    """Publish (or "Publish anyway" for what the preview warns of) and Cancel."""
    view = discord.ui.View(timeout=None)
    draft_id, stamp = preview.draft.id, draft_stamp(preview.draft)
    warned = preview.near_duplicate is not None or preview.changed_meanwhile
    publishing = "confirm" if warned else "publish"
    view.add_item(DraftButton(draft_id, publishing, stamp))
    view.add_item(DraftButton(draft_id, "cancel", stamp))
    return view


async def send_preview(interaction: discord.Interaction, preview: Preview) -> None:
    await interaction.response.send_message(
        embed=preview_embed(preview), view=preview_view(preview), ephemeral=True
    )


class StoryForm(discord.ui.Modal):
    """Title, author and text; prefilled when editing.

    No timeout: writing a story can take longer than any limit we would pick,
    and the submit callback re-checks the moderator and the story anyway.
    """

    def __init__(
        self,
        heading: str,
        submit: Callable[[discord.Interaction, str, str, str], Awaitable[None]],
        *,
        title: str = "",
        author: str = "",
        text: str = "",
        reopen: Callable[[str, str, str], StoryForm] | None = None,
    ) -> None:
        super().__init__(title=heading[:45], timeout=None)
        self.submit = submit
        self.reopen = reopen
        self.story_title: discord.ui.TextInput[StoryForm] = discord.ui.TextInput(
            label="Title", custom_id="title", max_length=120, default=title or None
        )
        self.author: discord.ui.TextInput[StoryForm] = discord.ui.TextInput(
            label="Author (optional)",
            custom_id="author",
            max_length=80,
            required=False,
            default=author or None,
        )
        self.text: discord.ui.TextInput[StoryForm] = discord.ui.TextInput(
            label="Story text (blank lines between paragraphs)",
            custom_id="text",
            style=discord.TextStyle.paragraph,
            max_length=MODAL_TEXT_LIMIT,
            default=text or None,
        )
        for item in (self.story_title, self.author, self.text):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.submit(interaction, self.story_title.value, self.author.value, self.text.value)

    async def on_error(  # type: ignore[override]  # Modal's own signature has no item
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        if not isinstance(error, UserError) or self.reopen is None:
            await send_error(interaction, error)
            return
        # What was typed stays: the error offers the form again, filled in.
        typed = (self.story_title.value, self.author.value, self.text.value)
        reopen = self.reopen
        _bot(interaction).rejected_forms.keep(interaction.user.id, lambda: reopen(*typed))
        view = discord.ui.View(timeout=None)
        view.add_item(ReopenFormButton(interaction.user.id))
        await send_error(interaction, error, view=view)


class ReopenFormButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"conteur:reopen:(?P<user>\d{1,19})",
):
    """Under a rejected form's error: the same form, with what its writer typed."""

    def __init__(self, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Reopen the form",
                style=discord.ButtonStyle.primary,
                custom_id=f"conteur:reopen:{user_id}",
            )
        )
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ReopenFormButton:
        return cls(int(match["user"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.user_id:
            await send_error(interaction, NotAllowed("That form is someone else's."))
            return
        reopen = _bot(interaction).rejected_forms.take(self.user_id)
        if reopen is None:
            await send_error(
                interaction,
                NotFound(
                    "That form's text is no longer kept (it is, for a while, until a restart).",
                    hint="Run `/story add` or `/story edit` again.",
                ),
            )
            return
        await interaction.response.send_modal(reopen())


def adding_form(title: str = "", author: str = "", text: str = "") -> StoryForm:
    async def submit(interaction: discord.Interaction, title: str, author: str, text: str) -> None:
        bot = _bot(interaction)
        await require_moderator(bot.store, interaction)
        preview = await prepare(
            bot.library,
            guild_id=cast(int, interaction.guild_id),
            user_id=interaction.user.id,
            text=text,
            title=title,
            author=author,
        )
        await send_preview(interaction, preview)

    return StoryForm(
        "Add a story", submit, title=title, author=author, text=text, reopen=adding_form
    )


def editing_form(story_id: int, base_hash: str, title: str, author: str, text: str) -> StoryForm:
    """`base_hash`: the version the form is prefilled with, which the edit starts from."""

    async def submit(
        interaction: discord.Interaction, new_title: str, new_author: str, new_text: str
    ) -> None:
        bot = _bot(interaction)
        await require_moderator(bot.store, interaction)
        guild_id = cast(int, interaction.guild_id)
        story = await get_visible_story(bot.store, guild_id, story_id)
        require_own_story(story, guild_id)
        preview = await prepare(
            bot.library,
            guild_id=guild_id,
            user_id=interaction.user.id,
            text=new_text,
            title=new_title,
            author=new_author,
            editing=story,
            base_hash=base_hash,
        )
        await send_preview(interaction, preview)

    def reopen(new_title: str, new_author: str, new_text: str) -> StoryForm:
        return editing_form(story_id, base_hash, new_title, new_author, new_text)

    return StoryForm("Edit the story", submit, title=title, author=author, text=text, reopen=reopen)


_DRAFT_LABELS = {"publish": "Publish", "confirm": "Publish anyway", "cancel": "Cancel"}
_DRAFT_STYLES = {
    "publish": discord.ButtonStyle.success,
    "confirm": discord.ButtonStyle.danger,
    "cancel": discord.ButtonStyle.secondary,
}


class DraftButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=(
        r"conteur:draft:(?P<draft>\d{1,19}):(?P<action>publish|confirm|cancel)"
        r":(?P<stamp>\d{1,12})"
    ),
):
    """`stamp` is when the draft was made (see bot.moderation.draft_stamp).

    It is required: a custom_id without one is no button of ours, and gets
    what any unknown button gets.
    """

    def __init__(self, draft_id: int, action: str, stamp: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=_DRAFT_LABELS[action],
                style=_DRAFT_STYLES[action],
                custom_id=f"conteur:draft:{draft_id}:{action}:{stamp}",
            )
        )
        self.draft_id = draft_id
        self.action = action
        self.stamp = stamp

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> DraftButton:
        return cls(int(match["draft"]), match["action"], int(match["stamp"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        try:
            await require_moderator(bot.store, interaction)
            if self.action == "cancel":
                await cancel(
                    bot.store,
                    self.draft_id,
                    guild_id=interaction.guild_id,
                    user_id=interaction.user.id,
                    stamp=self.stamp,
                )
                message = "Cancelled: nothing was saved."
            else:
                story, edited = await publish(
                    bot.library,
                    self.draft_id,
                    guild_id=interaction.guild_id,
                    user_id=interaction.user.id,
                    confirmed=self.action == "confirm",
                    stamp=self.stamp,
                )
                verb = "Updated" if edited else "Published"
                message = (
                    f"{verb} “{escape(story.title)}”. "
                    f"Read it with `/story read story:{story.slug}`."
                )
        except NeedsConfirmation as needed:
            await interaction.response.edit_message(
                content=confirmation_note(
                    duplicate_appeared=needed.duplicate_appeared,
                    story_changed=needed.story_changed,
                ),
                embed=preview_embed(needed.preview),
                view=preview_view(needed.preview),
            )
            return
        except Exception as error:  # noqa: BLE001 - one error path for component callbacks too
            await send_error(interaction, error)
            return
        await interaction.response.edit_message(content=message, embed=None, view=None)


def removal_view(story_id: int) -> discord.ui.View:
    """The confirmation's two ways out: remove it, or keep it."""
    view = discord.ui.View(timeout=None)
    view.add_item(RemoveButton(story_id))
    view.add_item(KeepButton())
    return view


class KeepButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"conteur:keep",
):
    """Backs out of a removal. It changes nothing, so it names no story and checks no one."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Keep it", style=discord.ButtonStyle.secondary, custom_id="conteur:keep"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> KeepButton:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content="Kept: nothing was removed.", view=None)


class RemoveButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"conteur:remove:(?P<story>\d{1,19})",
):
    def __init__(self, story_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Remove it",
                style=discord.ButtonStyle.danger,
                custom_id=f"conteur:remove:{story_id}",
            )
        )
        self.story_id = story_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RemoveButton:
        return cls(int(match["story"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        try:
            member = await require_moderator(bot.store, interaction)
            guild_id = cast(int, interaction.guild_id)
            story = await get_visible_story(bot.store, guild_id, self.story_id)
            require_own_story(story, guild_id)
            await bot.library.remove_story(story.id, member.id)
        except Exception as error:  # noqa: BLE001 - one error path for component callbacks too
            await send_error(interaction, error)
            return
        await interaction.response.edit_message(
            content=f"Removed “{escape(story.title)}”. "
            "`/story restore` brings it back within 30 days.",
            view=None,
        )


def hiding_view(story_id: int, hide: bool) -> discord.ui.View:
    """The confirmation of /story hide or unhide: do it, or change nothing."""
    view = discord.ui.View(timeout=None)
    view.add_item(HideButton(story_id, hide))
    view.add_item(NoChangeButton())
    return view


class NoChangeButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"conteur:nochange",
):
    """Backs out of a confirmation. It changes nothing, so it names nothing and checks no one."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Cancel", style=discord.ButtonStyle.secondary, custom_id="conteur:nochange"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> NoChangeButton:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content="Cancelled: nothing changed.", view=None)


class HideButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"conteur:hide:(?P<story>\d{1,19}):(?P<hide>[01])",
):
    """Hides (1) or shows again (0) a built-in story in the server the button is in."""

    def __init__(self, story_id: int, hide: bool) -> None:
        super().__init__(
            discord.ui.Button(
                label="Hide it" if hide else "Show it",
                style=discord.ButtonStyle.danger if hide else discord.ButtonStyle.primary,
                custom_id=f"conteur:hide:{story_id}:{int(hide)}",
            )
        )
        self.story_id = story_id
        self.hide = hide

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> HideButton:
        return cls(int(match["story"]), match["hide"] == "1")

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        try:
            member = await require_moderator(bot.store, interaction)
            story = await curation.set_hidden(
                bot.library,
                guild_id=member.guild.id,
                actor_id=member.id,
                story_id=self.story_id,
                hidden=self.hide,
            )
        except Exception as error:  # noqa: BLE001 - one error path for component callbacks too
            await send_error(interaction, error)
            return
        state = "hidden in this server" if self.hide else "visible in this server again"
        await interaction.response.edit_message(
            content=f"“{escape(story.title)}” is now {state}.", view=None
        )


def unsubscribing_view(subscription_ids: list[int]) -> discord.ui.View:
    """The confirmation of /daily unsubscribe: stop it, or change nothing."""
    view = discord.ui.View(timeout=None)
    for subscription_id in subscription_ids:
        view.add_item(UnsubscribeButton(subscription_id))
    view.add_item(NoChangeButton())
    return view


class UnsubscribeButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"conteur:unsubscribe:(?P<subscription>\d{1,19})",
):
    """Removes one of this server's story-of-the-day subscriptions (re-checked to be this one's)."""

    def __init__(self, subscription_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Unsubscribe",
                style=discord.ButtonStyle.danger,
                custom_id=f"conteur:unsubscribe:{subscription_id}",
            )
        )
        self.subscription_id = subscription_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> UnsubscribeButton:
        return cls(int(match["subscription"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        try:
            member = await require_moderator(bot.store, interaction)
            chosen = await bot.daily.chosen(
                member.guild.id,
                channel_id=None,
                subscription_id=self.subscription_id,
                given_channel=False,
            )
            await bot.daily.unsubscribe(chosen)
        except Exception as error:  # noqa: BLE001 - one error path for component callbacks too
            await send_error(interaction, error)
            return
        await interaction.response.edit_message(
            content="Unsubscribed: no more stories of the day there.", view=None
        )
