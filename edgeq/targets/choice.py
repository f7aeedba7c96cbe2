"""Where a command runs: the one rule for "exactly one target option" shared by bench, validate and sweep."""
from __future__ import annotations

from typing import Mapping

from edgeq.errors import EdgeqError


def one_target(options: Mapping[str, object], hint: str, *, required: bool = True) -> str | None:
    """The name of the single given option in `options` (option spelling -> value; None/False/"" = not
    given). More than one is an error; none is an error when `required`, else None."""
    given = [name for name, value in options.items() if value not in (None, False, "")]
    if len(given) == 1:
        return given[0]
    if not given and not required:
        return None
    which = f" (got {', '.join(given)})" if given else ""
    raise EdgeqError(f"choose {'exactly' if required else 'at most'} one of {', '.join(options)}{which}", hint)
