"""Everything that speaks Discord: the client, the command tree and its one error
handler, the permission checks, option transformers, rendering, restart-safe views
and the story-of-the-day sender. Not named `discord`, which would shadow the library.
"""
