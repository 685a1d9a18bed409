"""/help, generated from the command tree so it never goes stale."""

from __future__ import annotations

from typing import Any

from discord import Interaction, app_commands
from discord.ext import commands

from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.rendering import help_embed
from bot.discord_adapter.rendering.storyteller import add_storyteller_help

# Feature headings, by the module that defines the command; a new module shows
# under its own name until it is given a heading here.
FEATURE_NAMES = {
    "reading": "Reading",
    "telling": "Retelling and discussion",
    "search": "Search",
    "character": "Characters",
    "daily": "Story of the day",
    "moderation": "This server's stories (moderators)",
    "settings": "Server settings",
    "privacy": "Your data",
    "help": "Help",
    "admin": "The bot's owners",
}


def feature_of(command: app_commands.Command[Any, ..., Any]) -> str:
    module = command.callback.__module__.rsplit(".", 1)[-1]
    return FEATURE_NAMES.get(module, module.title())


def command_sections(
    tree: app_commands.CommandTree[Any],
) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(feature, [(command, description, example)]) in the order features are defined above."""
    sections: dict[str, list[tuple[str, str, str]]] = {name: [] for name in FEATURE_NAMES.values()}
    for command in tree.walk_commands():
        if not isinstance(command, app_commands.Command):
            continue
        example = str(command.extras.get("example", f"/{command.qualified_name}"))
        sections.setdefault(feature_of(command), []).append(
            (f"/{command.qualified_name}", command.description, example)
        )
    return [(feature, lines) for feature, lines in sections.items() if lines]


class HelpCog(commands.Cog):
    def __init__(self, bot: ConteurBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", extras={"example": "/help"})
    async def help(self, interaction: Interaction) -> None:
        """What Conteur does, and every command with an example."""
        embed = help_embed(command_sections(self.bot.tree))
        if self.bot.storyteller is not None:
            add_storyteller_help(embed, self.bot.storyteller.model_name)
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: ConteurBot) -> None:
    await bot.add_cog(HelpCog(bot))
