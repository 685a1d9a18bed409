"""Buttons, selects and forms that outlive the process: their state is in the custom_id.

discord.py matches each incoming custom_id against the templates registered with
`add_dynamic_items`, so a button on a message sent last week still works after a
restart. Callbacks re-check the story's scope: a forged custom_id naming another
server's story gets "not found".
"""

from __future__ import annotations

from typing import Any

import discord

from bot.discord_adapter.ui.moderation import (
    DraftButton,
    HideButton,
    KeepButton,
    NoChangeButton,
    RemoveButton,
    ReopenFormButton,
    UnsubscribeButton,
)
from bot.discord_adapter.ui.reading import (
    ClearBookmarksButton,
    ForgetMeButton,
    JumpSelect,
    ListButton,
    OpenPassageButton,
    OwnCopyButton,
    PageButton,
    reading_message,
    story_list_message,
)

__all__ = [
    "DYNAMIC_ITEMS",
    "ClearBookmarksButton",
    "ForgetMeButton",
    "OpenPassageButton",
    "reading_message",
    "story_list_message",
]

DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    PageButton,
    JumpSelect,
    OwnCopyButton,
    ListButton,
    OpenPassageButton,
    ClearBookmarksButton,
    ForgetMeButton,
    DraftButton,
    RemoveButton,
    KeepButton,
    HideButton,
    NoChangeButton,
    ReopenFormButton,
    UnsubscribeButton,
)
