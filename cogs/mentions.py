"""@Conteur who is Sophie? — questions asked by mentioning the bot."""

from __future__ import annotations

import logging
import re

import discord
from discord.ext import commands

from bot.app.answers import answer_question
from bot.app.telling import thread_story
from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.rendering import fit_embed
from bot.discord_adapter.rendering.telling import answer_embed
from bot.errors import RateLimited

log = logging.getLogger(__name__)

HOW_TO_ASK = (
    "Ask me about the stories, e.g. “who is Sophie?”, “where does Zoe go?”, "
    "or anything you remember. `/help` lists every command."
)


def question_from(message: discord.Message, bot_id: int) -> str:
    """The message without the mentions of the bot."""
    return " ".join(re.sub(rf"<@!?{bot_id}>", " ", message.content).split())


class MentionsCog(commands.Cog):
    def __init__(self, bot: ConteurBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or message.author.bot or me not in message.mentions:
            return
        question = question_from(message, me.id)
        try:
            # An empty mention is answered too (with help), so it counts like a question.
            self.bot.ask_limits.check(message.author.id, message.channel.id)
        except RateLimited as error:
            # Each notice is a message too: one per member per window, then silence.
            if self.bot.ask_limits.may_send_notice(message.author.id):
                await message.reply(error.message, mention_author=False, delete_after=15)
            return
        if not question:
            await message.reply(HOW_TO_ASK, mention_author=False)
            return
        guild_id = message.guild.id if message.guild else None
        story_id = await thread_story(self.bot.library, message.channel.id, guild_id)
        answer = await answer_question(
            self.bot.library, question[:300], guild_id=guild_id, story_id=story_id
        )
        await message.reply(
            embed=fit_embed(answer_embed(question[:250], answer)), mention_author=False
        )


async def setup(bot: ConteurBot) -> None:
    await bot.add_cog(MentionsCog(bot))
