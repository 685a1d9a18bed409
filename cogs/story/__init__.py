"""/story: everything about one story, split by what you do with it.

- reading.py     /story list, read, continue, random, info, bookmarks
- telling.py     /story retell, discuss, ask
- moderation.py  /story add, edit, remove, restore, history, export, hide, unhide

The commands are plain functions gathered into one `story` group here; each
finds the bot through `interaction.client`.
"""

from __future__ import annotations

from discord import app_commands

from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.ui import DYNAMIC_ITEMS
from cogs.story import moderation, reading, telling


def story_group() -> app_commands.Group:
    group = app_commands.Group(name="story", description="Read, retell and discuss the stories")
    for module in (reading, telling, moderation):
        for command in module.COMMANDS:
            group.add_command(command)
    return group


async def setup(bot: ConteurBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    bot.tree.add_command(story_group())
