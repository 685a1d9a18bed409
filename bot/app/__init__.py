"""The application layer: one Discord-free function per user action.

Slash commands, the offline console and the `conteur` command call these and only
render what they return. Each is built from the store, the library (which keeps the
database and the search index moving together) and the store's clock.
"""
