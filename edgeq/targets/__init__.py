"""Targets: where a model is built for and runs. `edgeq.targets.resolver` makes a `Target`
(`edgeq.targets.target`: host, emulated board, real board, phone) from a name, a build or a phone, over pure
data: boards from `devices/boards/*.toml` (exported here), cores, phones and the lab file of attached boards."""
from edgeq.targets.boards import Board, load_board
from edgeq.targets.registry import all_boards, default_board, get_board, resolve_board

__all__ = ["Board", "load_board", "all_boards", "default_board", "get_board", "resolve_board"]
