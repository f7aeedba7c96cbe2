"""`edgeq build MODEL.tflite --target host -o DIR [--force] [--json]`: generated C, firmware sources, a
standalone Makefile and the compiled program, moved into DIR only when complete."""
from __future__ import annotations

import json

import click


@click.command("build")
@click.argument("model", type=click.Path(dir_okay=False))
@click.option("--target", "target", default="host", show_default=True,
              help="Target to build for: host, a core (e.g. cortex-m4) or a board id.")
@click.option("--board", default=None, help="Board id (overrides --target).")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Directory to create.")
@click.option("--force", is_flag=True, help="Replace DIR if it is an earlier edgeq build.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def command(model: str, target: str, board: str | None, out_dir: str, force: bool, as_json: bool) -> None:
    """Generate C for MODEL and build it for a target."""
    from edgeq.build import build_project

    result = build_project(model, board or target, out_dir, force=force)
    summary = {
        "out_dir": str(result.out_dir), "target": result.target, "program": str(result.program),
        "outputs": [str(p) for p in result.outputs], "model": result.model_name,
        "model_sha256": result.model_sha256, "arena_bytes": result.arena_bytes,
        "weights_bytes": result.weights_bytes, "input_bytes": result.input_bytes,
        "kernels": list(result.kernel_sources),
    }
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    click.echo(f"built {result.model_name} for {result.target}: {result.program}")
    click.echo(f"  arena {result.arena_bytes:,} bytes, weights {result.weights_bytes:,} bytes, "
               f"{len(result.kernel_sources)} kernel source(s)")
    click.echo(f"  rebuild with: make -C {result.out_dir}")
