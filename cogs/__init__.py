"""Discord glue, one feature per module: read the interaction, call the core, render, reply."""
