"""Targets: boards loaded from `devices/boards/*.toml` and the lab file of attached boards."""
from edgeq.targets.boards import Board, load_board
from edgeq.targets.registry import all_boards, default_board, get_board, resolve_board

__all__ = ["Board", "load_board", "all_boards", "default_board", "get_board", "resolve_board"]
