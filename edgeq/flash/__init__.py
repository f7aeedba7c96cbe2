"""Put a built firmware on a board: pyocd, openocd, or any gdb server (openocd's, pyocd's, QEMU's gdbstub).

Every method loads the ELF, verifies it against the target's memory, and resets the core so it starts
from the new vector table. Each is one external command; failures raise EdgeqError with the tool's output.
Called by a board target's `flash(build)` (`edgeq.targets.board_target`), which picks the probe.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from edgeq.errors import EdgeqError
from edgeq.targets.boards import Board

FLASH_TIMEOUT_S = 300


@dataclass(frozen=True)
class FlashResult:
    method: str
    command: tuple[str, ...]
    output: str


def gdb_reset_command(board: Board) -> str:
    """QEMU's gdbstub forwards `monitor` to its HMP (`system_reset`); openocd and pyocd know `reset`."""
    return "monitor system_reset" if board.emulated else "monitor reset"


def gdb_script(remote: str, reset: str) -> str:
    """gdb commands: connect, load, verify (compare-sections), reset, detach (the core runs on).
    Run from a script file, gdb stops at the first failing command (with -ex it would carry on)."""
    return "\n".join(["set confirm off", "set tcp connect-timeout 5", f"target remote {remote}", "load",
                      "compare-sections", reset, "detach", ""])


def gdb_command(elf: Path, script: Path) -> list[str]:
    return ["gdb-multiarch", "-nx", "-batch", "-x", str(script), str(elf)]


def openocd_command(board: Board, elf: Path) -> list[str]:
    cmd = ["openocd"]
    for cfg in board.flash.openocd_config:
        cmd += ["-f", cfg]
    return cmd + ["-c", f"program {tcl_word(str(elf))} verify reset exit"]


def tcl_word(text: str) -> str:
    """`text` as one literal word of openocd's (Jim) Tcl: every character but [A-Za-z0-9/._-] backslash-escaped,
    so a path with spaces, `$`, `[...]` or quotes is neither split nor substituted."""
    if "\n" in text or "\r" in text:
        raise EdgeqError(f"cannot pass a path with a line break to openocd: {text!r}", "rename the directory")
    return "".join(c if c.isascii() and (c.isalnum() or c in "/._-") else "\\" + c for c in text)


def pyocd_command(board: Board, elf: Path, probe_id: str | None = None) -> list[str]:
    cmd = ["pyocd", "flash", "--target", str(board.flash.pyocd_target)]
    if probe_id:
        cmd += ["--uid", probe_id]
    return cmd + [str(elf)]


def _run(method: str, cmd: list[str], check_output=None) -> FlashResult:
    if shutil.which(cmd[0]) is None:
        raise EdgeqError(f"{cmd[0]} is not on PATH (needed for --probe {method})",
                         {"gdb": "install gdb-multiarch (tools/setup.sh)", "openocd": "install openocd (tools/setup.sh)",
                          "pyocd": "pip install pyocd (edgeq[devices])"}[method])
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=FLASH_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise EdgeqError(f"{cmd[0]} did not finish within {FLASH_TIMEOUT_S} s", "check the probe connection") from None
    output = (proc.stdout + proc.stderr).strip()
    if proc.returncode != 0:
        raise EdgeqError(f"flashing with {method} failed (exit {proc.returncode}):\n{output[-3000:]}",
                         "check that the board is connected and powered, and that the probe is free "
                         "(no other debugger attached)")
    if check_output is not None:
        check_output(output)
    return FlashResult(method, tuple(cmd), output)


def _check_gdb(output: str) -> None:
    lowered = output.lower()
    if "mis-matched" in lowered or "mismatch" in lowered:
        raise EdgeqError(f"verification failed: the memory does not match the ELF after loading:\n{output[-2000:]}",
                         "flash again; if it persists the target's flash is write-protected or failing")
    if "remote communication error" in lowered or "connection refused" in lowered or "could not" in lowered \
            or "not connected" in lowered or "cannot" in lowered:
        raise EdgeqError(f"gdb could not talk to the gdb server:\n{output[-2000:]}",
                         "start the gdb server first (openocd, pyocd gdbserver, or QEMU with -gdb tcp:HOST:PORT)")
    if "Start address" not in output and "Transfer rate" not in output:
        raise EdgeqError(f"gdb did not load the program:\n{output[-2000:]}", "check the --gdb-remote address")


def flash(board: Board, elf: Path, method: str | None = None, probe_id: str | None = None,
          gdb_remote: str | None = None) -> FlashResult:
    elf = Path(elf)
    if not elf.is_file():
        raise EdgeqError(f"firmware not found: {elf}", "build it with `edgeq build MODEL --board ID`")
    method = method or board.flash.method
    if method == "gdb":
        if not gdb_remote:
            raise EdgeqError("--probe gdb needs the gdb server's address", "pass --gdb-remote HOST:PORT (e.g. localhost:3333)")
        with tempfile.TemporaryDirectory(prefix="edgeq-gdb-") as tmp:
            script = Path(tmp) / "flash.gdb"
            script.write_text(gdb_script(gdb_remote, gdb_reset_command(board)), encoding="utf-8")
            return _run("gdb", gdb_command(elf, script), _check_gdb)
    if method == "openocd":
        if not board.flash.openocd_config:
            raise EdgeqError(f"{board.id} has no openocd configuration", "use --probe pyocd or gdb")
        return _run("openocd", openocd_command(board, elf))
    if method == "pyocd":
        if not board.flash.pyocd_target:
            raise EdgeqError(f"{board.id} has no pyocd target name", "use --probe openocd or gdb")
        return _run("pyocd", pyocd_command(board, elf, probe_id))
    raise EdgeqError(f"unknown probe {method!r}", "use pyocd, openocd or gdb")
