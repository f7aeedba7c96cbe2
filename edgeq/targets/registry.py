"""Find boards by id or by core: edgeq's own `devices/boards/*.toml` (package data), plus EDGEQ_BOARDS_DIR.

`--target CORE` resolves to the board whose `default_for` names that core (always an emulated board);
`--board ID` picks a board file by id. Both return a validated `Board`.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from edgeq.data import BOARDS_DIR
from edgeq.errors import EdgeqError
from edgeq.targets.boards import Board, load_board


def board_dirs() -> tuple[Path, ...]:
    """edgeq's boards first; EDGEQ_BOARDS_DIR (os.pathsep-separated) adds the user's own."""
    extra = [Path(p) for p in os.environ.get("EDGEQ_BOARDS_DIR", "").split(os.pathsep) if p]
    return (BOARDS_DIR, *extra)


def board_files() -> dict[str, Path]:
    files: dict[str, Path] = {}
    for directory in board_dirs():
        for path in sorted(directory.glob("*.toml")):
            if path.stem in files:
                raise EdgeqError(f"board id {path.stem!r} is defined twice: {files[path.stem]} and {path}",
                                 "board ids must be unique; rename one file")
            files[path.stem] = path
    return files


@lru_cache(maxsize=None)
def _load_cached(path: Path, mtime_ns: int) -> Board:
    return load_board(path)


def get_board(board_id: str) -> Board:
    files = board_files()
    if board_id not in files:
        raise EdgeqError(f"unknown board {board_id!r}",
                         f"known boards: {', '.join(sorted(files))} (see `edgeq targets`)")
    path = files[board_id]
    return _load_cached(path, path.stat().st_mtime_ns)


def all_boards() -> list[Board]:
    return [get_board(board_id) for board_id in sorted(board_files())]


def default_board(core: str) -> Board:
    boards = all_boards()
    matches = [b for b in boards if b.default_for == core]
    if not matches:
        cores = sorted({b.default_for for b in boards if b.default_for})
        raise EdgeqError(f"no default board for target {core!r}",
                         f"targets with a default board: {', '.join(cores)}; or pick one with --board ID")
    if len(matches) > 1:
        raise EdgeqError(f"several boards claim to be the default for {core!r}: "
                         f"{', '.join(str(b.path) for b in matches)}",
                         "keep `default_for` in exactly one board file per core")
    return matches[0]


def resolve_board(target: str | None = None, board: str | None = None) -> Board:
    """The board for `--target CORE` and/or `--board ID` (when both are given they must agree)."""
    if board is not None:
        chosen = get_board(board)
        if target is not None and target != chosen.core:
            raise EdgeqError(f"--board {board} has core {chosen.core}, not --target {target}",
                             "drop --target, or pick a board with that core")
        return chosen
    if target is None:
        raise EdgeqError("no target given", "pass --target CORE (e.g. cortex-m4) or --board ID")
    return default_board(target)
