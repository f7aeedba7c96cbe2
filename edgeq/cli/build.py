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
    build = build_project(model, target, out_dir, force=force)
    summary = {
        "out_dir": str(build.out_dir), "target": build.target, "program": str(build.program),
        "outputs": [str(p) for p in build.outputs], "model": build.model_name,
        "model_sha256": build.model_sha256, "arena_bytes": build.arena_bytes,
        "weights_bytes": build.weights_bytes, "input_bytes": build.input_bytes,
        "kernels": list(build.kernel_sources),
    }
    memory = _linked_memory(build.memory) if build.memory is not None else None
    if memory is not None:
        summary["memory"] = memory
    if as_json:
        click.echo(jsontext.dumps(summary, indent=2))
        return
    click.echo(f"built {build.model_name} for {build.target}: {build.program}")
    click.echo(f"  arena {build.arena_bytes:,} bytes (the plan `edgeq plan` shows: activations, in-place "
               f"operators and kernel scratch), weights {build.weights_bytes:,} bytes, "
               f"{len(build.kernel_sources)} kernel source(s)")
    if memory is not None:
        click.echo(f"  flash {memory['flash_bytes']:,} of {memory['flash_capacity']:,} bytes "
                   f"(code {memory['text']:,}, constants {memory['rodata']:,} incl. weights, data {memory['data']:,})")
        click.echo(f"  RAM   {memory['ram_bytes']:,} of {memory['ram_capacity']:,} bytes "
                   f"(data {memory['data']:,}, bss {memory['bss']:,} incl. arena {memory['arena']:,}, "
                   f"stacks {memory['stack']:,})")
    click.echo(f"  rebuild with: make -C {shlex.quote(str(build.out_dir))}")


def _linked_memory(memory) -> dict:
    """Flash and RAM of the linked ELF, as the build's fit check measured them (carried by the `Build`)."""
    report = memory.report
    return {
        "flash_bytes": report.flash_bytes, "flash_capacity": memory.flash_capacity,
        "ram_bytes": report.ram_bytes, "ram_capacity": memory.ram_capacity,
        "text": report.text, "rodata": report.rodata, "data": report.data, "bss": report.bss,
        "arena": report.arena, "stack": report.stack,
    }
