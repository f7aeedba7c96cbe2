"""Run arm-none-eabi-gcc / objcopy: sources + board → ELF, BIN, HEX (IO at the edge; flags from flags.py).

Used directly for small firmwares (tests, fixtures) and by the build orchestration, which renders the
same flags into a standalone Makefile.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from edgeq.errors import EdgeqError
from edgeq.process_group import run_in_group
from edgeq.targets.boards import Board
from edgeq.toolchain.flags import compile_flags, link_flags
from edgeq.toolchain.port import DEFAULT_STACK_BYTES, board_header, linker_script, port_files

PREFIX = "arm-none-eabi-"


@dataclass(frozen=True)
class Firmware:
    elf: Path
    bin: Path
    hex: Path
    map: Path


def tool(name: str) -> str:
    path = shutil.which(PREFIX + name)
    if path is None:
        raise EdgeqError(f"{PREFIX}{name} is not on PATH",
                         "install the Arm GNU toolchain (Debian: gcc-arm-none-eabi libnewlib-arm-none-eabi; "
                         "or run tools/setup.sh)")
    return path


def run(cmd: list[str], what: str, cwd: Path | None = None) -> str:
    proc = run_in_group(cmd, cwd=cwd)   # gcc and its cc1/as/ld end together on Ctrl-C or SIGTERM
    if proc.returncode != 0:
        output = (proc.stderr or proc.stdout).strip()
        raise EdgeqError(f"{what} failed (exit {proc.returncode}):\n{output[-4000:]}",
                         "the command was: " + " ".join(cmd))
    return proc.stdout


def write_port_files(board: Board, out_dir: Path, stack_bytes: int = DEFAULT_STACK_BYTES) -> tuple[Path, Path]:
    """edgeq_board.h and linker.ld for `board` into out_dir; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    header = out_dir / "edgeq_board.h"
    header.write_text(board_header(board), encoding="utf-8")
    script = out_dir / "linker.ld"
    script.write_text(linker_script(board, stack_bytes), encoding="utf-8")
    return header, script


def build_firmware(board: Board, sources: list[Path], include_dirs: list[Path], out_dir: Path,
                   name: str = "firmware", defines: tuple[str, ...] = (),
                   stack_bytes: int = DEFAULT_STACK_BYTES) -> Firmware:
    """Compile and link `sources` plus the board's port into out_dir/{name}.elf/.bin/.hex."""
    out_dir = Path(out_dir)
    header, script = write_port_files(board, out_dir, stack_bytes)
    port = port_files(board)
    elf, map_file = out_dir / f"{name}.elf", out_dir / f"{name}.map"
    cmd = [tool("gcc"), *compile_flags(board), *link_flags(board, str(script), str(map_file)),
           *(f"-D{d}" for d in defines),
           *(f"-I{d}" for d in (out_dir, *include_dirs, *port.include_dirs)),
           *(str(s) for s in (*sources, *port.sources)), "-o", str(elf)]
    run(cmd, f"arm-none-eabi-gcc for {board.id}")
    bin_file, hex_file = out_dir / f"{name}.bin", out_dir / f"{name}.hex"
    run([tool("objcopy"), "-O", "binary", str(elf), str(bin_file)], "objcopy -O binary")
    run([tool("objcopy"), "-O", "ihex", str(elf), str(hex_file)], "objcopy -O ihex")
    return Firmware(elf, bin_file, hex_file, map_file)
