"""Conteur: a Discord bot that retells and discusses a library of short stories."""

__version__ = "0.1.0"
