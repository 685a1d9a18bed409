"""/help, generated from the command tree so it never goes stale."""

from __future__ import annotations

from typing import Any

from discord import Interaction, app_commands
from discord.ext import commands

from bot.bot import ConteurBot
from bot.rendering import help_embed

# Feature headings for each top-level command; a new group shows under its own name.
FEATURE_NAMES = {
    "story": "Reading",
    "search": "Search",
    "character": "Characters",
    "daily": "Story of the day",
    "settings": "Server settings",
    "privacy": "Your data",
    "help": "Help",
}


def usage(command: app_commands.Command[Any, ..., Any]) -> str:
    options = " ".join(
        f"{p.name}:<{p.name}>" if p.required else f"[{p.name}]" for p in command.parameters
    )
    return f"/{command.qualified_name} {options}".strip()


def command_sections(
    tree: app_commands.CommandTree[Any],
) -> list[tuple[str, list[tuple[str, str, str]]]]:
    sections: dict[str, list[tuple[str, str, str]]] = {}
    for command in tree.walk_commands():
        if not isinstance(command, app_commands.Command):
            continue
        root = command.qualified_name.split()[0]
        example = str(command.extras.get("example", f"/{command.qualified_name}"))
        sections.setdefault(FEATURE_NAMES.get(root, root.title()), []).append(
            (usage(command), command.description, example)
        )
    return list(sections.items())


class HelpCog(commands.Cog):
    def __init__(self, bot: ConteurBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", extras={"example": "/help"})
    async def help(self, interaction: Interaction) -> None:
        """What Conteur does, and every command with an example."""
        sections = command_sections(self.bot.tree)
        await interaction.response.send_message(embed=help_embed(sections), ephemeral=True)


async def setup(bot: ConteurBot) -> None:
    await bot.add_cog(HelpCog(bot))
