"""The domain core: plain Python, no Discord.

Everything here is importable and testable without discord.py; cogs and the
rendering module translate between this and Discord.
"""
