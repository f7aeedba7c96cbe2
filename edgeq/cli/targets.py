"""`edgeq targets [--json]`: the boards edgeq knows (devices/boards) and which are attached (lab file)."""
from __future__ import annotations

import click

from edgeq import jsontext


def _board_dict(board, attached) -> dict:
    return {
        "id": board.id, "name": board.name, "core": board.core, "fpu": board.fpu, "clock_hz": board.clock_hz,
        "flash_bytes": board.flash_memory.size, "ram_bytes": board.ram_memory.size,
        "console": board.console.kind, "cycle_counter": board.timer.cycle_counter,
        "flash_method": board.flash.method,
        "emulator": board.emulator.machine if board.emulator else None,
        "default_for": board.default_for,
        "power": {"ua_per_mhz": board.power.ua_per_mhz, "supply_v": board.power.supply_v,
                  "basis": board.power.basis, "source": board.power.source},
        "attached": None if attached is None else {"port": attached.port, "probe": attached.probe,
                                                   "power_monitor": attached.power.monitor if attached.power else None},
    }


@click.command("targets")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def command(as_json: bool) -> None:
    """List boards (and phones when present) with core, memory and how edgeq reaches them."""
    from edgeq.targets import all_boards
    from edgeq.targets.lab import lab_path, load_lab

    lab = load_lab()
    boards = [_board_dict(b, lab.get(b.id)) for b in all_boards()]
    if as_json:
        click.echo(jsontext.dumps({"boards": boards, "lab_file": str(lab_path())}, indent=2))
        return
    click.echo(f"{'board':<20} {'core':<11} {'MHz':>5} {'flash KiB':>9} {'RAM KiB':>8}  {'where':<22} default for")
    for b in boards:
        where = f"QEMU {b['emulator']}" if b["emulator"] else (b["attached"]["port"] if b["attached"] else "not attached")
        click.echo(f"{b['id']:<20} {b['core']:<11} {b['clock_hz'] / 1e6:>5g} {b['flash_bytes'] // 1024:>9} "
                   f"{b['ram_bytes'] // 1024:>8}  {where:<22} {b['default_for'] or ''}")
    click.echo(f"lab file: {lab_path()}{'' if lab else ' (none: no boards attached)'}")
