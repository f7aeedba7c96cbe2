"""Thin click commands, one module per command, discovered lazily (heavy imports inside functions)."""
