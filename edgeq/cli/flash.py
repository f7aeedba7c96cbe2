"""`edgeq flash DIR [--probe pyocd|openocd|gdb] [--json]`: load a board build, verify it, reset the board."""
from __future__ import annotations

from pathlib import Path

import click


@click.command("flash")
@click.argument("build_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--probe", type=click.Choice(["pyocd", "openocd", "gdb"]), default=None,
              help="How to flash (default: the lab file's probe, else the board's flash.method).")
@click.option("--gdb-remote", default=None, metavar="HOST:PORT",
              help="--probe gdb: the gdb server (openocd :3333, pyocd gdbserver, QEMU -gdb tcp:HOST:PORT).")
@click.option("--probe-id", default=None, help="pyocd: the probe's unique id when several are attached.")
@click.option("--json", "as_json", is_flag=True, help="Print what was flashed, where and how, as JSON.")
def command(build_dir: Path, probe: str | None, gdb_remote: str | None, probe_id: str | None,
            as_json: bool) -> None:
    """Flash BUILD_DIR's firmware.elf with verify and reset."""
    from edgeq.targets.device import board_of_build
    from edgeq.flash import flash
    from edgeq.targets.lab import load_lab

    board, build = board_of_build(build_dir)
    entry = load_lab().get(board.id)
    method = probe or (entry.probe if entry else None) or board.flash.method
    remote = gdb_remote or (entry.gdb_remote if entry else None)
    program = build.program
    result = flash(board, program, method, probe_id or (entry.probe_id if entry else None), remote)
    if as_json:
        from edgeq import jsontext

        click.echo(jsontext.dumps({"program": str(program), "board": board.id, "method": result.method,
                                   "command": list(result.command), "verified": True, "reset": True}, indent=2))
        return
    click.echo(f"flashed {program} to {board.id} with {result.method}: verified, reset")
