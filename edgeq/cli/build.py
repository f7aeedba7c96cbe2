"""`edgeq build MODEL.tflite --target host -o DIR [--force] [--json]`: generated C, firmware sources, a
standalone Makefile and the compiled program, moved into DIR only when complete."""
from __future__ import annotations

import shlex

import click

from edgeq import jsontext


@click.command("build")
@click.argument("model", type=click.Path(dir_okay=False))
@click.option("--target", "target", default="host", show_default=True,
              help="Target to build for: host, a core (e.g. cortex-m4) or a board id.")
@click.option("--board", default=None, help="Board id (with --target, the board's core must be that target).")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Directory to create.")
@click.option("--force", is_flag=True, help="Replace DIR if it is an earlier edgeq build.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def command(model: str, target: str, board: str | None, out_dir: str, force: bool, as_json: bool) -> None:
    """Generate C for MODEL and build it for a target."""
    from edgeq.build import build_project

    if board is not None:
        from edgeq.targets.registry import resolve_board

        # the sweep's and bench's rule: a board and a target given together must agree (the default
        # --target host agrees with nothing, so only an explicit --target is checked)
        explicit = click.get_current_context().get_parameter_source("target") != click.core.ParameterSource.DEFAULT
        target = resolve_board(target if explicit and target != board else None, board).id
    result = build_project(model, target, out_dir, force=force)
    summary = {
        "out_dir": str(result.out_dir), "target": result.target, "program": str(result.program),
        "outputs": [str(p) for p in result.outputs], "model": result.model_name,
        "model_sha256": result.model_sha256, "arena_bytes": result.arena_bytes,
        "weights_bytes": result.weights_bytes, "input_bytes": result.input_bytes,
        "kernels": list(result.kernel_sources),
    }
    memory = _linked_memory(result) if result.target != "host" else None
    if memory is not None:
        summary["memory"] = memory
    if as_json:
        click.echo(jsontext.dumps(summary, indent=2))
        return
    click.echo(f"built {result.model_name} for {result.target}: {result.program}")
    click.echo(f"  arena {result.arena_bytes:,} bytes (the plan `edgeq plan` shows: activations, in-place "
               f"operators and kernel scratch), weights {result.weights_bytes:,} bytes, "
               f"{len(result.kernel_sources)} kernel source(s)")
    if memory is not None:
        click.echo(f"  flash {memory['flash_bytes']:,} of {memory['flash_capacity']:,} bytes "
                   f"(code {memory['text']:,}, constants {memory['rodata']:,} incl. weights, data {memory['data']:,})")
        click.echo(f"  RAM   {memory['ram_bytes']:,} of {memory['ram_capacity']:,} bytes "
                   f"(data {memory['data']:,}, bss {memory['bss']:,} incl. arena {memory['arena']:,}, "
                   f"stacks {memory['stack']:,})")
    click.echo(f"  rebuild with: make -C {shlex.quote(str(result.out_dir))}")


def _linked_memory(result) -> dict:
    """Flash and RAM use read from the linked ELF (the build has already checked them against the board)."""
    from edgeq.targets.build import ARENA_SYMBOL
    from edgeq.targets.registry import get_board
    from edgeq.toolchain.size import memory_report

    board = get_board(result.target)
    report = memory_report(result.program, arena_symbol=ARENA_SYMBOL)
    return {
        "flash_bytes": report.flash_bytes, "flash_capacity": board.flash_memory.size,
        "ram_bytes": report.ram_bytes, "ram_capacity": board.ram_memory.size,
        "text": report.text, "rodata": report.rodata, "data": report.data, "bss": report.bss,
        "arena": report.arena, "stack": report.stack,
    }
