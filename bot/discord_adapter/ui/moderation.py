"""The add/edit form, the preview's Publish/Cancel buttons and the remove confirmation."""

from __future__ import annotations

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
from bot.discord_adapter.ui.deadline import within_deadline
from bot.discord_adapter.ui.restart_safe import RestartSafe, one_of, snowflake
from bot.discord_adapter.ui.restart_safe import stamp as draft_stamp_field
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


async def send_preview(interaction: discord.Interaction, preparing: Awaitable[Preview]) -> None:
    """The preview, or "thinking…" first when preparing it outlasts the deadline.

    Preparing compares the text with the whole library and extracts its characters
    (seconds for a long, name-heavy text); the moderator must never be left with
    "This interaction failed".
    """
    preview, deferred = await within_deadline(
        interaction, preparing, lambda: interaction.response.defer(ephemeral=True, thinking=True)
    )
    embed, view = preview_embed(preview), preview_view(preview)
    if deferred:
        await interaction.followup.send(embed=embed, view=view, ephemeral=True)
    else:
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


async def open_form(interaction: discord.Interaction, form: StoryForm) -> None:
    """Show the form; the member's older open forms are released (never sent, kept forever)."""
    await interaction.response.send_modal(form)
    _bot(interaction).open_forms.add(interaction.user.id, form)


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
    RestartSafe[discord.ui.Button[Any]], prefix="conteur:reopen", fields=(snowflake,)
):
    """Under a rejected form's error: the same form, with what its writer typed."""

    def __init__(self, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Reopen the form",
                style=discord.ButtonStyle.primary,
                custom_id=self.custom_id_for(user_id),
            )
        )
        self.user_id = user_id

    async def run(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.user_id:
            raise NotAllowed("That form is someone else's.")
        reopen = _bot(interaction).rejected_forms.take(self.user_id)
        if reopen is None:
            raise NotFound(
                "That form's text is no longer kept (it is, for a while, until a restart).",
                hint="Run `/story add` or `/story edit` again.",
            )
        await open_form(interaction, reopen())


def adding_form(title: str = "", author: str = "", text: str = "") -> StoryForm:
    async def submit(interaction: discord.Interaction, title: str, author: str, text: str) -> None:
        bot = _bot(interaction)
        await require_moderator(bot.store, interaction)
        preparing = prepare(
            bot.library,
            guild_id=cast(int, interaction.guild_id),
            user_id=interaction.user.id,
            text=text,
            title=title,
            author=author,
        )
        await send_preview(interaction, preparing)

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
        preparing = prepare(
            bot.library,
            guild_id=guild_id,
            user_id=interaction.user.id,
            text=new_text,
            title=new_title,
            author=new_author,
            editing=story,
            base_hash=base_hash,
        )
        await send_preview(interaction, preparing)

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
    RestartSafe[discord.ui.Button[Any]],
    prefix="conteur:draft",
    fields=(snowflake, one_of(*_DRAFT_LABELS), draft_stamp_field),
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
                custom_id=self.custom_id_for(draft_id, action, stamp),
            )
        )
        self.draft_id = draft_id
        self.action = action
        self.stamp = stamp

    async def run(self, interaction: discord.Interaction) -> None:
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
                # Publishing re-checks the library and extracts the characters: past the
                # budget the click is deferred and the message edited when it is done.
                (story, edited), _deferred = await within_deadline(
                    interaction,
                    publish(
                        bot.library,
                        self.draft_id,
                        guild_id=interaction.guild_id,
                        user_id=interaction.user.id,
                        confirmed=self.action == "confirm",
                        stamp=self.stamp,
                    ),
                    interaction.response.defer,
                )
                verb = "Updated" if edited else "Published"
                message = (
                    f"{verb} “{escape(story.title)}”. "
                    f"Read it with `/story read story:{story.slug}`."
                )
        except NeedsConfirmation as needed:
            await _edit_clicked(
                interaction,
                content=confirmation_note(
                    duplicate_appeared=needed.duplicate_appeared,
                    story_changed=needed.story_changed,
                ),
                embed=preview_embed(needed.preview),
                view=preview_view(needed.preview),
            )
            return
        await _edit_clicked(interaction, content=message, embed=None, view=None)


async def _edit_clicked(interaction: discord.Interaction, **changes: Any) -> None:
    """Edit the message whose button was clicked, deferred or not."""
    if interaction.response.is_done():
        await interaction.edit_original_response(**changes)
    else:
        await interaction.response.edit_message(**changes)


def removal_view(story_id: int) -> discord.ui.View:
    """The confirmation's two ways out: remove it, or keep it."""
    view = discord.ui.View(timeout=None)
    view.add_item(RemoveButton(story_id))
    view.add_item(KeepButton())
    return view


class KeepButton(RestartSafe[discord.ui.Button[Any]], prefix="conteur:keep"):
    """Backs out of a removal. It changes nothing, so it names no story and checks no one."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Keep it", style=discord.ButtonStyle.secondary, custom_id="conteur:keep"
            )
        )

    async def run(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content="Kept: nothing was removed.", view=None)


class RemoveButton(
    RestartSafe[discord.ui.Button[Any]], prefix="conteur:remove", fields=(snowflake,)
):
    def __init__(self, story_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Remove it",
                style=discord.ButtonStyle.danger,
                custom_id=self.custom_id_for(story_id),
            )
        )
        self.story_id = story_id

    async def run(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        member = await require_moderator(bot.store, interaction)
        guild_id = cast(int, interaction.guild_id)
        story = await get_visible_story(bot.store, guild_id, self.story_id)
        require_own_story(story, guild_id)
        await bot.library.remove_story(story.id, member.id)
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


class NoChangeButton(RestartSafe[discord.ui.Button[Any]], prefix="conteur:nochange"):
    """Backs out of a confirmation. It changes nothing, so it names nothing and checks no one."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Cancel", style=discord.ButtonStyle.secondary, custom_id="conteur:nochange"
            )
        )

    async def run(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content="Cancelled: nothing changed.", view=None)


class HideButton(
    RestartSafe[discord.ui.Button[Any]],
    prefix="conteur:hide",
    fields=(snowflake, one_of("0", "1")),
):
    """Hides (1) or shows again (0) a built-in story in the server the button is in."""

    def __init__(self, story_id: int, hide: bool | str) -> None:
        hidden = hide in (True, "1")  # True when built, "1" when parsed from the custom_id
        super().__init__(
            discord.ui.Button(
                label="Hide it" if hidden else "Show it",
                style=discord.ButtonStyle.danger if hidden else discord.ButtonStyle.primary,
                custom_id=self.custom_id_for(story_id, int(hidden)),
            )
        )
        self.story_id = story_id
        self.hide = hidden

    async def run(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        member = await require_moderator(bot.store, interaction)
        story = await curation.set_hidden(
            bot.library,
            guild_id=member.guild.id,
            actor_id=member.id,
            story_id=self.story_id,
            hidden=self.hide,
        )
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
    RestartSafe[discord.ui.Button[Any]], prefix="conteur:unsubscribe", fields=(snowflake,)
):
    """Removes one of this server's story-of-the-day subscriptions (re-checked to be this one's)."""

    def __init__(self, subscription_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Unsubscribe",
                style=discord.ButtonStyle.danger,
                custom_id=self.custom_id_for(subscription_id),
            )
        )
        self.subscription_id = subscription_id

    async def run(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        member = await require_moderator(bot.store, interaction)
        chosen = await bot.daily.chosen(
            member.guild.id,
            channel_id=None,
            subscription_id=self.subscription_id,
            given_channel=False,
        )
        await bot.daily.unsubscribe(chosen)
        await interaction.response.edit_message(
            content="Unsubscribed: no more stories of the day there.", view=None
        )
