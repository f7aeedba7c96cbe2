"""The one error type that reaches the user.

Every expected failure (bad input, missing tool, a model that does not fit) is raised as
`EdgeqError(message, hint)`. The CLI prints both and exits non-zero; any other exception
reaching the user is a bug and keeps its traceback.
"""
from __future__ import annotations


class EdgeqError(Exception):
    """A failure the user can act on: `message` says what is wrong, `hint` what to do."""

    def __init__(self, message: str, hint: str = "", exit_code: int = 2):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message
