"""The one way from a name, a build or a phone to a `Target` (`edgeq.targets.target`): pure look-ups of board,
lab and phone data, nothing opened.

- `resolve(name)`: `host`, a core (its default board, emulated) or a board id — where to build for.
- `resolve_run(build, emulate=, port=, board=)`: where a built program runs (the command line's options).
- `board_target_of(build)`: the board a build was made for (to flash it).
- `resolve_phone(serial, phone_id)`: a phone over adb.
"""
from __future__ import annotations

from edgeq.build.manifest import Build
from edgeq.build.target import HOST
from edgeq.errors import EdgeqError
from edgeq.targets.board_target import BoardTarget, EmulatedBoard, SerialBoard
from edgeq.targets.boards import Board
from edgeq.targets.choice import one_target
from edgeq.targets.cores import CORES
from edgeq.targets.host_target import HostTarget
from edgeq.targets.lab import lab_board
from edgeq.targets.phone_target import PhoneTarget
from edgeq.targets.phones import GENERIC, load_phone
from edgeq.targets.registry import board_files, default_board, get_board
from edgeq.targets.target import Target


def _board_target(board: Board) -> BoardTarget:
    return EmulatedBoard(board) if board.emulated else SerialBoard(board)


def resolve(name: str) -> Target:
    """`host`, a core name (its default board) or a board id; EdgeqError for anything else."""
    if name == HOST.name:
        return HostTarget()
    if name in CORES:
        return _board_target(default_board(name))
    if name in board_files():
        return _board_target(get_board(name))
    raise EdgeqError(f"unknown build target {name!r}",
                     "use `--target host`, or a core/board listed by `edgeq targets`")


def board_target_of(build: Build) -> BoardTarget:
    """The board `build` was made for; EdgeqError for a host build."""
    board_id = build.target_facts.get("board")
    if not board_id:
        raise EdgeqError(f"{build.out_dir} was built for {build.target!r}, not for a board",
                         "build with `edgeq build MODEL --target cortex-m4` (or --board ID) first")
    return _board_target(get_board(str(board_id)))


def resolve_run(build: Build, *, emulate: bool = False, port: str | None = None,
                board: str | None = None) -> Target:
    """Where `build` runs: the host for a host build given none of the options; else QEMU (`emulate`), a serial
    `port`, or a lab-file `board` — exactly one, for a board build."""
    if not (emulate or port or board):
        if build.is_host:
            return HostTarget()
        raise EdgeqError(f"{build.out_dir} is built for {build.target!r}: say where it runs",
                         "add --emulate (QEMU), --port DEV or --board ID")
    built_for = board_target_of(build).board
    one_target({"--emulate": emulate, "--port DEV": port, "--board ID": board},
               "--emulate runs it in QEMU; --port/--board use a flashed board")
    if emulate:
        if not built_for.emulated:
            raise EdgeqError(f"{build.out_dir} is built for {built_for.id}, which QEMU does not emulate",
                             "rebuild with --target CORE (its emulated default board), or use --port DEV")
        return EmulatedBoard(built_for)
    if board:
        if board != built_for.id:
            raise EdgeqError(f"--board {board} but {build.out_dir} is built for {built_for.id}",
                             f"rebuild with `edgeq build MODEL --board {board}`")
        entry = lab_board(board)
        if not entry.port:
            raise EdgeqError(f"the lab file entry for {board} has no port", "add port = \"/dev/ttyACM0\"")
        return SerialBoard(built_for, lab=entry)
    return SerialBoard(built_for, port=port)


def resolve_phone(serial: str | None = None, phone_id: str | None = None) -> PhoneTarget:
    """A phone over adb: `serial` (None: the only attached one), described by devices/phones/<phone_id>.toml
    (None: a generic Android phone)."""
    return PhoneTarget(load_phone(phone_id) if phone_id else GENERIC, serial)
