"""Buttons and selects that outlive the process: their state is in the custom_id.

discord.py matches each incoming custom_id against the templates registered with
`add_dynamic_items`, so a button on a message sent last week still works after a
restart. Callbacks re-check the story's scope: a forged custom_id naming another
server's story gets "not found".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.core.pagination import clamp_page, paginate
from bot.lookup import get_visible_story
from bot.rendering import LIST_PAGE_SIZE, page_embed, story_list_embed
from bot.storage import Store
from bot.tree import send_error

if TYPE_CHECKING:
    from bot.bot import ConteurBot

SELECT_OPTION_LIMIT = 25
_NAV_LABELS = {"first": "First", "prev": "Previous", "next": "Next", "last": "Last"}


def _store(interaction: discord.Interaction) -> Store:
    return cast("ConteurBot", interaction.client).store


async def reading_message(
    store: Store, guild_id: int | None, story_id: int, page_number: int
) -> tuple[discord.Embed, discord.ui.View]:
    """The embed and controls showing one page of a story."""
    story = await get_visible_story(store, guild_id, story_id)
    pages = paginate(story.passages)
    number = clamp_page(page_number, len(pages))
    embed = page_embed(story.summary, pages[number - 1], len(pages))
    return embed, reading_view(story.id, number, len(pages))


def reading_view(story_id: int, page: int, page_count: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    targets = {"first": 1, "prev": page - 1, "next": page + 1, "last": page_count}
    for nav, target in targets.items():
        at_edge = (nav in ("first", "prev") and page <= 1) or (
            nav in ("next", "last") and page >= page_count
        )
        view.add_item(PageButton(story_id, clamp_page(target, page_count), nav, at_edge))
    if page_count > 1:
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
        await show_page(interaction, self.story_id, self.page)


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
        await show_page(interaction, self.story_id, page)


def jump_options(page: int, page_count: int) -> list[discord.SelectOption]:
    """At most 25 pages: a window centred on the current one."""
    first = max(1, min(page - SELECT_OPTION_LIMIT // 2, page_count - SELECT_OPTION_LIMIT + 1))
    last = min(page_count, first + SELECT_OPTION_LIMIT - 1)
    return [
        discord.SelectOption(label=f"Page {n}", value=str(n), default=n == page)
        for n in range(first, last + 1)
    ]


async def show_page(interaction: discord.Interaction, story_id: int, page: int) -> None:
    try:
        embed, view = await reading_message(
            _store(interaction), interaction.guild_id, story_id, page
        )
    except Exception as error:  # noqa: BLE001 - one error path for component callbacks too
        await send_error(interaction, error)
        return
    await interaction.response.edit_message(embed=embed, view=view)


async def story_list_message(
    store: Store, guild_id: int | None, page: int
) -> tuple[discord.Embed, discord.ui.View]:
    total = await store.count_visible_stories(guild_id)
    page_count = max(1, -(-total // LIST_PAGE_SIZE))
    page = clamp_page(page, page_count)
    stories = await store.visible_stories_page(
        guild_id, offset=(page - 1) * LIST_PAGE_SIZE, limit=LIST_PAGE_SIZE
    )
    view = discord.ui.View(timeout=None)
    if page_count > 1:
        view.add_item(ListButton(max(1, page - 1), "prev", disabled=page <= 1))
        view.add_item(ListButton(min(page_count, page + 1), "next", disabled=page >= page_count))
    return story_list_embed(stories, page, page_count, total), view


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
            embed, view = await story_list_message(
                _store(interaction), interaction.guild_id, self.page
            )
        except Exception as error:  # noqa: BLE001 - one error path for component callbacks too
            await send_error(interaction, error)
            return
        await interaction.response.edit_message(embed=embed, view=view)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (PageButton, JumpSelect, ListButton)
