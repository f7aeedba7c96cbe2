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
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from edgeq.errors import EdgeqError

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


def load_lab(path: Path | None = None) -> dict[str, LabBoard]:
    """Attached boards by id; an absent lab file means no boards are attached."""
    path = path or lab_path()
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise EdgeqError(f"{path}: not valid TOML: {err}", "fix the lab file (format: edgeq/targets/lab.py)") from None
    unknown = set(data) - {"boards"}
    if unknown:
        raise EdgeqError(f"{path}: unknown top-level key {sorted(unknown)[0]!r}", "the lab file has one table: [boards.<id>]")
    boards = data.get("boards", {})
    if not isinstance(boards, dict):
        raise EdgeqError(f"{path}: key 'boards' must be a table", "write [boards.<id>] tables")
    return {board_id: _entry(path, board_id, entry) for board_id, entry in boards.items()}


def _entry(path: Path, board_id: str, entry: object) -> LabBoard:
    where = f"{path}: key 'boards.{board_id}"
    if not isinstance(entry, dict):
        raise EdgeqError(f"{where}' must be a table", "write [boards.<id>] with port = \"/dev/tty…\"")
    allowed = {"port", "probe", "probe_id", "gdb_remote", "power"}
    for key, value in entry.items():
        if key not in allowed:
            raise EdgeqError(f"{where}.{key}' is not part of the lab format", f"allowed keys: {', '.join(sorted(allowed))}")
        if key != "power" and not isinstance(value, str):
            raise EdgeqError(f"{where}.{key}' must be a string", "quote the value")
    probe = entry.get("probe")
    if probe is not None and probe not in PROBES:
        raise EdgeqError(f"{where}.probe' is {probe!r}", f"expected one of: {', '.join(PROBES)}")
    power = None
    if "power" in entry:
        raw = entry["power"]
        if not isinstance(raw, dict):
            raise EdgeqError(f"{where}.power' must be a table", "write [boards.<id>.power] monitor = \"ppk2\"")
        extra = set(raw) - {"monitor", "port", "serial", "voltage_v"}
        if extra:
            raise EdgeqError(f"{where}.power.{sorted(extra)[0]}' is not part of the lab format",
                             "allowed keys: monitor, port, serial, voltage_v")
        monitor = raw.get("monitor")
        if monitor not in MONITORS:
            raise EdgeqError(f"{where}.power.monitor' is {monitor!r}", f"expected one of: {', '.join(MONITORS)}")
        voltage = raw.get("voltage_v")
        if voltage is not None and (isinstance(voltage, bool) or not isinstance(voltage, (int, float)) or voltage <= 0):
            raise EdgeqError(f"{where}.power.voltage_v' must be a positive number", "e.g. voltage_v = 3.3")
        power = PowerMonitorConfig(monitor, raw.get("port"), raw.get("serial"),
                                   None if voltage is None else float(voltage))
    return LabBoard(board_id, entry.get("port"), probe, entry.get("probe_id"), entry.get("gdb_remote"), power)


def lab_board(board_id: str, path: Path | None = None) -> LabBoard:
    lab = load_lab(path)
    if board_id not in lab:
        where = path or lab_path()
        raise EdgeqError(f"board {board_id!r} is not in the lab file {where}",
                         f"add [boards.{board_id}] with port = \"/dev/ttyACM0\" (or use --port DEV / --emulate)")
    return lab[board_id]
