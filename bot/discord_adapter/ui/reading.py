"""Reading: page buttons, the jump menu, list paging, search-result and bookmark buttons.

Restart-safe like every button here (see the package docstring); callbacks re-check the
story's scope, so a forged custom_id naming another server's story gets "not found".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import discord

from bot.app import reading
from bot.app.library import Library
from bot.app.reading import OpenedPage, StoryListPage
from bot.core.pagination import clamp_page
from bot.discord_adapter.rendering import page_embed, story_list_embed
from bot.discord_adapter.tree import send_error
from bot.discord_adapter.ui.deadline import within_deadline
from bot.discord_adapter.ui.restart_safe import (
    RestartSafe,
    answer_expired,
    one_of,
    page_number,
    select_value,
    snowflake,
)
from bot.errors import NotAllowed

if TYPE_CHECKING:
    from bot.discord_adapter.bot import ConteurBot


SELECT_OPTION_LIMIT = 25
_NAV_LABELS = {"first": "First", "prev": "Previous", "next": "Next", "last": "Last"}


def _library(interaction: discord.Interaction) -> Library:
    return cast("ConteurBot", interaction.client).library


def reading_message(opened: OpenedPage) -> tuple[discord.Embed, discord.ui.View]:
    """The embed and controls showing one page of a story."""
    embed = page_embed(opened.story, opened.page, opened.page_count)
    return embed, reading_view(opened.story.id, opened.number, opened.page_count)


def reading_view(story_id: int, page: int, page_count: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if page_count <= 1:  # four disabled buttons would only say there is nowhere to go
        return view
    targets = {"first": 1, "prev": page - 1, "next": page + 1, "last": page_count}
    for nav, target in targets.items():
        at_edge = (nav in ("first", "prev") and page <= 1) or (
            nav in ("next", "last") and page >= page_count
        )
        view.add_item(PageButton(story_id, clamp_page(target, page_count), nav, at_edge))
    view.add_item(JumpSelect(story_id, page, page_count))
    return view


class PageButton(
    RestartSafe[discord.ui.Button[Any]],
    prefix="conteur:read",
    fields=(snowflake, page_number, one_of(*_NAV_LABELS)),
):
    def __init__(self, story_id: int, page: int, nav: str, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=_NAV_LABELS[nav],
                style=discord.ButtonStyle.secondary,
                custom_id=self.custom_id_for(story_id, page, nav),
                disabled=disabled,
            )
        )
        self.story_id = story_id
        self.page = page

    async def run(self, interaction: discord.Interaction) -> None:
        await turn_page(interaction, self.story_id, self.page)


class JumpSelect(RestartSafe[discord.ui.Select[Any]], prefix="conteur:jump", fields=(snowflake,)):
    def __init__(self, story_id: int, page: int = 1, page_count: int = 1) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=self.custom_id_for(story_id),
                placeholder=f"Jump to page… (now {page} of {page_count})",
                options=jump_options(page, page_count),
            )
        )
        self.story_id = story_id

    async def run(self, interaction: discord.Interaction) -> None:
        page = select_value(interaction, page_number)
        if page is None:
            await answer_expired(interaction)  # not one of the pages we offered
            return
        await turn_page(interaction, self.story_id, page)


def jump_options(page: int, page_count: int) -> list[discord.SelectOption]:
    """At most 25 pages: a window centred on the current one."""
    first = max(1, min(page - SELECT_OPTION_LIMIT // 2, page_count - SELECT_OPTION_LIMIT + 1))
    last = min(page_count, first + SELECT_OPTION_LIMIT - 1)
    return [
        discord.SelectOption(label=f"Page {n}", value=str(n), default=n == page)
        for n in range(first, last + 1)
    ]


def reader_of(message: discord.Message | None) -> int | None:
    """Who opened this copy of a story: the member whose command sent it, if any."""
    metadata = message.interaction_metadata if message is not None else None
    return metadata.user.id if metadata is not None else None


async def turn_page(interaction: discord.Interaction, story_id: int, page: int) -> None:
    """Turn the page in place, and remember it as the reader's place.

    A copy opened by someone else is theirs: turning it would move their page
    under them, so the presser is offered a copy of their own instead.
    """
    reader = reader_of(interaction.message)
    if reader is not None and reader != interaction.user.id:
        view = discord.ui.View(timeout=None)
        view.add_item(OwnCopyButton(story_id, page))
        await interaction.response.send_message(
            f"This is <@{reader}>'s copy, so only they turn its pages. "
            "Open your own to read along at your pace:",
            view=view,
            ephemeral=True,
        )
        return
    try:
        # Saving the reader's place may wait for another process's write (conteur
        # load): past the budget the click is deferred, so it never goes unanswered.
        opened, deferred = await within_deadline(
            interaction,
            reading.turn_page(
                _library(interaction),
                user_id=interaction.user.id,
                guild_id=interaction.guild_id,
                story_id=story_id,
                page=page,
            ),
            interaction.response.defer,
        )
    except Exception as error:  # noqa: BLE001 - one error path for component callbacks too
        await send_error(interaction, error)
        return
    embed, view = reading_message(opened)
    # content=None: a "continuing where you left off" line belongs to the opening only.
    if deferred:
        await interaction.edit_original_response(content=None, embed=embed, view=view)
    else:
        await interaction.response.edit_message(content=None, embed=embed, view=view)


class OwnCopyButton(
    RestartSafe[discord.ui.Button[Any]],
    prefix="conteur:copy",
    fields=(snowflake, page_number),
):
    """Opens the page someone else's copy was turned to, for the presser only."""

    def __init__(self, story_id: int, page: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Open my own copy",
                style=discord.ButtonStyle.primary,
                custom_id=self.custom_id_for(story_id, page),
            )
        )
        self.story_id = story_id
        self.page = page

    async def run(self, interaction: discord.Interaction) -> None:
        opened = await reading.turn_page(
            _library(interaction),
            user_id=interaction.user.id,
            guild_id=interaction.guild_id,
            story_id=self.story_id,
            page=self.page,
        )
        embed, view = reading_message(opened)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


def story_list_message(listed: StoryListPage) -> tuple[discord.Embed, discord.ui.View]:
    page, page_count = listed.number, listed.page_count
    view = discord.ui.View(timeout=None)
    if page_count > 1:
        view.add_item(ListButton(max(1, page - 1), "prev", disabled=page <= 1))
        view.add_item(ListButton(min(page_count, page + 1), "next", disabled=page >= page_count))
    embed = story_list_embed(listed.stories, page, page_count, listed.total, listed.characters)
    return embed, view


class ListButton(
    RestartSafe[discord.ui.Button[Any]],
    prefix="conteur:list",
    fields=(page_number, one_of("prev", "next")),
):
    def __init__(self, page: int, nav: str, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=_NAV_LABELS[nav],
                style=discord.ButtonStyle.secondary,
                custom_id=self.custom_id_for(page, nav),
                disabled=disabled,
            )
        )
        self.page = page

    async def run(self, interaction: discord.Interaction) -> None:
        listed = await reading.list_stories(_library(interaction), interaction.guild_id, self.page)
        embed, view = story_list_message(listed)
        await interaction.response.edit_message(embed=embed, view=view)


class OpenPassageButton(
    RestartSafe[discord.ui.Button[Any]],
    prefix="conteur:open",
    fields=(snowflake, page_number),
):
    """Under a search result: opens the story at the page holding that passage."""

    def __init__(self, story_id: int, passage: int, rank: int = 0) -> None:
        super().__init__(
            discord.ui.Button(
                label=str(rank) if rank else "Open",
                style=discord.ButtonStyle.primary,
                custom_id=self.custom_id_for(story_id, passage),
            )
        )
        self.story_id = story_id
        self.passage = passage

    async def run(self, interaction: discord.Interaction) -> None:
        opened = await reading.open_passage(
            _library(interaction),
            guild_id=interaction.guild_id,
            story_id=self.story_id,
            passage=self.passage,
        )
        embed, view = reading_message(opened)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


class ClearBookmarksButton(
    RestartSafe[discord.ui.Button[Any]], prefix="conteur:bookmarks:clear", fields=(snowflake,)
):
    """Only the member the bookmarks belong to can clear them."""

    def __init__(self, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Clear my bookmarks",
                style=discord.ButtonStyle.danger,
                custom_id=self.custom_id_for(user_id),
            )
        )
        self.user_id = user_id

    async def run(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.user_id:
            raise NotAllowed("These bookmarks are not yours.")
        cleared = await reading.clear_bookmarks(_library(interaction), self.user_id)
        await interaction.response.edit_message(
            content=f"Cleared {cleared} bookmark{'s' if cleared != 1 else ''}.",
            embed=None,
            view=None,
        )


class ForgetMeButton(
    RestartSafe[discord.ui.Button[Any]], prefix="conteur:forget", fields=(snowflake,)
):
    """The confirmation of /privacy forget; only that member can press it."""

    def __init__(self, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Delete my data",
                style=discord.ButtonStyle.danger,
                custom_id=self.custom_id_for(user_id),
            )
        )
        self.user_id = user_id

    async def run(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.user_id:
            raise NotAllowed("Only the member who asked can confirm.")
        removed = await reading.forget_reader(_library(interaction), self.user_id)
        await interaction.response.edit_message(
            content=f"Done: deleted {removed} record{'s' if removed != 1 else ''} about you. "
            "Moderation records (who added or changed a server's stories, its audit log) "
            "stay with that server's moderators.",
            view=None,
        )
