"""The lab file: which boards are attached to this machine, on which serial port, probe and power monitor.

It lives outside the repository (default `~/.config/edgeq/lab.toml`, or the path in EDGEQ_LAB) because it
describes one desk, not the project. Format:

    [boards.nucleo-l4r5zi]          # a board id from devices/boards
    port = "/dev/ttyACM0"           # its console UART
    probe = "pyocd"                 # optional: pyocd | openocd | gdb (default: the board's flash.method)
    probe_id = "066CFF..."          # optional: the probe's unique id / serial number
    gdb_remote = "localhost:3333"   # optional: a gdb server for probe = "gdb"
    [boards.nucleo-l4r5zi.power]    # optional: a power monitor on the board's supply
    monitor = "ppk2"                # ppk2 | joulescope | lpm01a
    port = "/dev/ttyACM1"           # ppk2 / lpm01a serial port (joulescope: `serial` instead)
    voltage_v = 3.3                 # supply the monitor sources (ppk2 source mode, lpm01a)

Entries are pure frozen data (`LabBoard`); a `SerialBoard` target (`edgeq.targets.board_target`) uses them.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from edgeq.errors import EdgeqError
from edgeq.targets.schema import TomlReader

PROBES = ("pyocd", "openocd", "gdb")
MONITORS = ("ppk2", "joulescope", "lpm01a")


@dataclass(frozen=True)
class PowerMonitorConfig:
    monitor: str
    port: str | None
    serial: str | None
    voltage_v: float | None


@dataclass(frozen=True)
class LabBoard:
    board: str
    port: str | None
    probe: str | None
    probe_id: str | None
    gdb_remote: str | None
    power: PowerMonitorConfig | None


def lab_path() -> Path:
    env = os.environ.get("EDGEQ_LAB")
    return Path(env).expanduser() if env else Path.home() / ".config" / "edgeq" / "lab.toml"


LAB_DOC = "the lab file format in edgeq/targets/lab.py"


def load_lab(path: Path | None = None) -> dict[str, LabBoard]:
    """Attached boards by id; an absent lab file means no boards are attached. Read strictly (like boards and
    phones, `edgeq.targets.schema`): typed keys, unknown keys refused, every error naming the file and key."""
    path = path or lab_path()
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise EdgeqError(f"{path}: not valid TOML: {err}", "fix the lab file (format: edgeq/targets/lab.py)") from None
    top = TomlReader(path, data, doc=LAB_DOC)
    boards = top.table_("boards", required=False)
    top.done()
    if boards is None:
        return {}
    return {board_id: _entry(boards, board_id) for board_id in boards.table}


def _entry(boards: TomlReader, board_id: str) -> LabBoard:
    entry = boards.table_(board_id)
    probe = entry.str("probe", required=False, choices=PROBES)
    power = None
    monitor = entry.table_("power", required=False)
    if monitor is not None:
        power = PowerMonitorConfig(monitor.str("monitor", choices=MONITORS), monitor.str("port", required=False),
                                   monitor.str("serial", required=False), monitor.float("voltage_v", required=False))
        monitor.done()
    lab_entry = LabBoard(board_id, entry.str("port", required=False), probe, entry.str("probe_id", required=False),
                         entry.str("gdb_remote", required=False), power)
    entry.done()
    return lab_entry


def lab_board(board_id: str, path: Path | None = None) -> LabBoard:
    lab = load_lab(path)
    if board_id not in lab:
        where = path or lab_path()
        raise EdgeqError(f"board {board_id!r} is not in the lab file {where}",
                         f"add [boards.{board_id}] with port = \"/dev/ttyACM0\" (or use --port DEV / --emulate)")
    return lab[board_id]
