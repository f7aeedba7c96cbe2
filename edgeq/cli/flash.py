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
    from edgeq.build.manifest import read_build
    from edgeq.targets.resolver import board_target_of

    build = read_build(build_dir)
    target = board_target_of(build)
    result = target.flash(build, probe, probe_id, gdb_remote)
    if as_json:
        from edgeq import jsontext

        click.echo(jsontext.dumps({"program": str(build.program), "board": target.name, "method": result.method,
                                   "command": list(result.command), "verified": True, "reset": True}, indent=2))
        return
    click.echo(f"flashed {build.program} to {target.name} with {result.method}: verified, reset")
