"""The sweep's `Target` from the command line's --target/--board/--adb/--host (boards come from devices/)."""
from __future__ import annotations

from edgeq.sweep.record import Target


def resolve(core: str | None = None, board: str | None = None, adb: str | None = None,
            host: bool = False) -> Target:
    if host:
        return Target("host", "host", name="this machine (LiteRT)")
    if adb is not None:
        return Target("adb", adb, name="Android phone over adb" + ("" if adb == "adb" else f" {adb}"))
    from edgeq.targets import resolve_board

    chosen = resolve_board(target=core, board=board)
    return Target("board", chosen.id, name=chosen.name, core=chosen.core, emulated=chosen.emulator is not None)
