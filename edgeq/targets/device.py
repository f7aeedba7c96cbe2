"""Opening a built firmware: which board a build directory is for, and its firmware behind a `Transport`
(QEMU, a serial port, or a board from the lab file). bench, validate, sweep and flash all start here; none of
them imports `edgeq.bench` to reach a device.
"""
from __future__ import annotations

from pathlib import Path

from edgeq.build.manifest import Build, read_build
from edgeq.errors import EdgeqError
from edgeq.targets.boards import Board
from edgeq.targets.choice import one_target
from edgeq.transport.base import Transport


def board_of_build(build_dir: Path) -> tuple[Board, Build]:
    """The build in `build_dir` and the board it was built for; EdgeqError for a host build."""
    from edgeq.targets import get_board

    build = read_build(build_dir)
    board_id = build.target_facts.get("board")
    if not board_id:
        raise EdgeqError(f"{build_dir} was built for {build.target!r}, not for a board",
                         "build with `edgeq build MODEL --target cortex-m4` (or --board ID) first")
    return get_board(str(board_id)), build


def open_board_transport(build_dir: Path, *, emulate: bool = False, port: str | None = None,
                         board_id: str | None = None) -> tuple[Transport, Board]:
    """The build's firmware behind a Transport: QEMU (`emulate`), a serial `port`, or a lab-file board."""
    from edgeq.targets.lab import lab_board
    from edgeq.transport.qemu import QemuTransport
    from edgeq.transport.serial import SerialTransport

    build_dir = Path(build_dir)
    board, build = board_of_build(build_dir)
    one_target({"--emulate": emulate, "--port DEV": port, "--board ID": board_id},
               "--emulate runs it in QEMU; --port/--board use a flashed board")
    if emulate:
        if not board.emulated:
            raise EdgeqError(f"{build_dir} is built for {board.id}, which QEMU does not emulate",
                             "rebuild with --target CORE (its emulated default board), or use --port DEV")
        # edgeq's firmware prints `m-init-done` once its UART works: wait for it, as an STM32 USART drops
        # what arrives before it is enabled
        return QemuTransport(board, build.program, build_dir / "logs",
                             boot_output_timeout=10.0), board
    if board_id:
        if board_id != board.id:
            raise EdgeqError(f"--board {board_id} but {build_dir} is built for {board.id}",
                             f"rebuild with `edgeq build MODEL --board {board_id}`")
        entry = lab_board(board_id)
        if not entry.port:
            raise EdgeqError(f"the lab file entry for {board_id} has no port", "add port = \"/dev/ttyACM0\"")
        port = entry.port
    return SerialTransport(port, board.console.baud, what=f"{board.id} on {port}"), board
