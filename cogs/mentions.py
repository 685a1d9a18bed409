"""@Conteur who is Sophie? — questions asked by mentioning the bot.

In a /story discuss thread of a server that turned the storyteller on, the bot also
takes part in the conversation: it answers members who mention it or reply to it,
with the thread's recent turns as context, once per member message.
"""

from __future__ import annotations

import logging
import re
from collections import deque

import discord
from discord.ext import commands

from bot.app.telling import thread_story
from bot.discord_adapter.bot import ConteurBot
from bot.discord_adapter.rendering import fit_embed
from bot.discord_adapter.rendering.storyteller import asked_embed
from bot.errors import RateLimited
from bot.storyteller import Turn
from bot.storyteller import actions as storyteller_actions

log = logging.getLogger(__name__)

HOW_TO_ASK = (
    "Ask me about the stories, e.g. “who is Sophie?”, “where does Zoe go?”, "
    "or anything you remember. `/help` lists every command."
)
# The thread's messages the storyteller sees before the one it answers.
RECENT_TURNS = 10
# Member messages remembered as answered, so a redelivered event never gets two replies.
ANSWERED_MEMORY = 1000


def question_from(message: discord.Message, bot_id: int) -> str:
    """The message without the mentions of the bot."""
    return " ".join(re.sub(rf"<@!?{bot_id}>", " ", message.content).split())


def replies_to(message: discord.Message, user_id: int) -> bool:
    resolved = message.reference.resolved if message.reference else None
    return isinstance(resolved, discord.Message) and resolved.author.id == user_id


def turn_of(message: discord.Message, bot_id: int) -> Turn:
    by_bot = message.author.id == bot_id
    text = message.content
    if by_bot and message.embeds:
        text = message.embeds[0].description or text
    else:
        text = question_from(message, bot_id)
    return Turn(message.author.display_name, text, by_bot)


class MentionsCog(commands.Cog):
    def __init__(self, bot: ConteurBot) -> None:
        self.bot = bot
        self.answered: deque[int] = deque(maxlen=ANSWERED_MEMORY)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or message.author.bot or message.id in self.answered:
            return
        mentioned = me in message.mentions
        if not mentioned and not replies_to(message, me.id):
            return
        guild_id = message.guild.id if message.guild else None
        story_id = await thread_story(self.bot.library, message.channel.id, guild_id)
        storyteller = self.bot.storyteller
        in_conversation = (
            storyteller is not None and story_id is not None and await storyteller.is_on(guild_id)
        )
        if not mentioned and not in_conversation:
            return  # a plain reply to the bot outside a storyteller's thread: not a question
        self.answered.append(message.id)
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
        if in_conversation and storyteller is not None and story_id is not None:
            assert guild_id is not None
            history = [m async for m in message.channel.history(limit=RECENT_TURNS, before=message)]
            turns = [turn_of(m, me.id) for m in reversed(history)] + [turn_of(message, me.id)]
            asked = await storyteller_actions.thread_reply(
                self.bot.library, storyteller, story_id, turns, guild_id=guild_id
            )
        else:
            asked = await storyteller_actions.ask(
                self.bot.library,
                storyteller,
                question[:300],
                guild_id=guild_id,
                story_id=story_id,
                progress=None,
            )
        await message.reply(
            embed=fit_embed(asked_embed(question[:250], asked)), mention_author=False
        )


async def setup(bot: ConteurBot) -> None:
    await bot.add_cog(MentionsCog(bot))
