"""Reading: page buttons, the jump menu, list paging, search-result and bookmark buttons.

discord.py matches each incoming custom_id against the templates registered with
`add_dynamic_items`, so a button on a message sent last week still works after a
restart. Callbacks re-check the story's scope: a forged custom_id naming another
server's story gets "not found".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.app import reading
from bot.app.library import Library
from bot.app.reading import OpenedPage, StoryListPage
from bot.core.pagination import clamp_page
from bot.discord_adapter.rendering import page_embed, story_list_embed
from bot.discord_adapter.tree import send_error
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
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"conteur:read:(?P<story>\d{1,19}):(?P<page>\d{1,6}):(?P<nav>first|prev|next|last)",
):
    def __init__(self, story_id: int, page: int, nav: str, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=_NAV_LABELS[nav],
                style=discord.ButtonStyle.secondary,
                custom_id=f"conteur:read:{story_id}:{page}:{nav}",
                disabled=disabled,
            )
        )
        self.story_id = story_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> PageButton:
        return cls(int(match["story"]), int(match["page"]), match["nav"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await turn_page(interaction, self.story_id, self.page)


class JumpSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"conteur:jump:(?P<story>\d{1,19})",
):
    def __init__(self, story_id: int, page: int = 1, page_count: int = 1) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"conteur:jump:{story_id}",
                placeholder=f"Jump to page… (now {page} of {page_count})",
                options=jump_options(page, page_count),
            )
        )
        self.story_id = story_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> JumpSelect:
        return cls(int(match["story"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        data = cast("dict[str, Any]", interaction.data or {})
        values = data.get("values") or ["1"]
        page = int(values[0]) if str(values[0]).isdigit() else 1
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
        opened = await reading.turn_page(
            _library(interaction),
            user_id=interaction.user.id,
            guild_id=interaction.guild_id,
            story_id=story_id,
            page=page,
        )
    except Exception as error:  # noqa: BLE001 - one error path for component callbacks too
        await send_error(interaction, error)
        return
    embed, view = reading_message(opened)
    # content=None: a "continuing where you left off" line belongs to the opening only.
    await interaction.response.edit_message(content=None, embed=embed, view=view)


class OwnCopyButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"conteur:copy:(?P<story>\d{1,19}):(?P<page>\d{1,6})",
):
    """Opens the page someone else's copy was turned to, for the presser only."""

    def __init__(self, story_id: int, page: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Open my own copy",
                style=discord.ButtonStyle.primary,
                custom_id=f"conteur:copy:{story_id}:{page}",
            )
        )
        self.story_id = story_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> OwnCopyButton:
        return cls(int(match["story"]), int(match["page"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            opened = await reading.turn_page(
                _library(interaction),
                user_id=interaction.user.id,
                guild_id=interaction.guild_id,
                story_id=self.story_id,
                page=self.page,
            )
        except Exception as error:  # noqa: BLE001 - one error path for component callbacks too
            await send_error(interaction, error)
            return
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
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"conteur:list:(?P<page>\d{1,6}):(?P<nav>prev|next)",
):
    def __init__(self, page: int, nav: str, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=_NAV_LABELS[nav],
                style=discord.ButtonStyle.secondary,
                custom_id=f"conteur:list:{page}:{nav}",
                disabled=disabled,
            )
        )
        self.page = page

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> ListButton:
        return cls(int(match["page"]), match["nav"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            listed = await reading.list_stories(
                _library(interaction), interaction.guild_id, self.page
            )
            embed, view = story_list_message(listed)
        except Exception as error:  # noqa: BLE001 - one error path for component callbacks too
            await send_error(interaction, error)
            return
        await interaction.response.edit_message(embed=embed, view=view)


class OpenPassageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"conteur:open:(?P<story>\d{1,19}):(?P<passage>\d{1,6})",
):
    """Under a search result: opens the story at the page holding that passage."""

    def __init__(self, story_id: int, passage: int, rank: int = 0) -> None:
        super().__init__(
            discord.ui.Button(
                label=str(rank) if rank else "Open",
                style=discord.ButtonStyle.primary,
                custom_id=f"conteur:open:{story_id}:{passage}",
            )
        )
        self.story_id = story_id
        self.passage = passage

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> OpenPassageButton:
        return cls(int(match["story"]), int(match["passage"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            opened = await reading.open_passage(
                _library(interaction),
                guild_id=interaction.guild_id,
                story_id=self.story_id,
                passage=self.passage,
            )
            embed, view = reading_message(opened)
        except Exception as error:  # noqa: BLE001 - one error path for component callbacks too
            await send_error(interaction, error)
            return
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


class ClearBookmarksButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"conteur:bookmarks:clear:(?P<user>\d{1,19})",
):
    """Only the member the bookmarks belong to can clear them."""

    def __init__(self, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Clear my bookmarks",
                style=discord.ButtonStyle.danger,
                custom_id=f"conteur:bookmarks:clear:{user_id}",
            )
        )
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> ClearBookmarksButton:
        return cls(int(match["user"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.user_id:
            await send_error(interaction, NotAllowed("These bookmarks are not yours."))
            return
        cleared = await reading.clear_bookmarks(_library(interaction), self.user_id)
        await interaction.response.edit_message(
            content=f"Cleared {cleared} bookmark{'s' if cleared != 1 else ''}.",
            embed=None,
            view=None,
        )


class ForgetMeButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"conteur:forget:(?P<user>\d{1,19})",
):
    """The confirmation of /privacy forget; only that member can press it."""

    def __init__(self, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Delete my data",
                style=discord.ButtonStyle.danger,
                custom_id=f"conteur:forget:{user_id}",
            )
        )
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> ForgetMeButton:
        return cls(int(match["user"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.user_id:
            await send_error(interaction, NotAllowed("Only the member who asked can confirm."))
            return
        removed = await reading.forget_reader(_library(interaction), self.user_id)
        await interaction.response.edit_message(
            content=f"Done: deleted {removed} record{'s' if removed != 1 else ''} about you. "
            "Moderation records (who added or changed a server's stories, its audit log) "
            "stay with that server's moderators.",
            view=None,
        )
