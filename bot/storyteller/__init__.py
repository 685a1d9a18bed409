"""The optional storyteller: a language model behind an OpenAI-compatible API.

Off unless the bot owner sets CONTEUR_MODEL_URL and a server's admins opt in
(/settings storyteller on). Discord-free; the cogs call `Storyteller` and render.

- client.py     the endpoint: one streamed chat completion (aiohttp, server-sent events)
- prompts.py    every prompt, versioned (PROMPT_VERSION keys the retelling cache)
- grounding.py  the checks a reply passes before it is posted
- pacing.py     how often a streamed reply may be edited
- service.py    retell / answer / converse: check, ask again once, or fall back
- actions.py    the use cases the commands call, with the extractive fallback
"""

from bot.storyteller.prompts import PROMPT_VERSION, STYLES, Turn
from bot.storyteller.service import Allowance, Storyteller, Told

__all__ = ["PROMPT_VERSION", "STYLES", "Allowance", "Storyteller", "Told", "Turn"]
