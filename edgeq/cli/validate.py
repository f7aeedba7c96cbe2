"""`edgeq validate MODEL_OR_DIR --target host --data FILE.npz|random:N [--json]`: outputs of the built C
program against TFLite Micro on the same inputs."""
from __future__ import annotations

import json

import click


@click.command("validate")
@click.argument("model_or_dir", type=click.Path())
@click.option("--target", default="host", show_default=True, help="Target the build runs on.")
@click.option("--data", "data", default="random:20", show_default=True,
              help="Inputs: FILE.npz (key `x`, or the first array) or random:N (seeded).")
@click.option("--seed", default=0, show_default=True, help="Seed for random:N.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def command(model_or_dir: str, target: str, data: str, seed: int, as_json: bool) -> None:
    """Compare a build's outputs with TFLite Micro, element by element."""
    from edgeq.errors import EdgeqError
    from edgeq.validate import validate_build

    if target != "host":
        raise EdgeqError(f"validate --target {target} is not available in this command yet",
                         "use --target host")
    report = validate_build(model_or_dir, data, seed=seed, target=target)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo(f"{report.samples} samples vs {report.reference}: exact match {report.exact_match_rate:.4%}, "
                   f"{report.mismatched_elements} mismatched elements (max |diff| {report.max_abs_diff:g}), "
                   f"top-1 agreement {report.top1_agreement:.2%}, arena {report.arena_bytes:,} bytes")
    if report.mismatched_elements:
        raise EdgeqError(f"{report.mismatched_elements} output elements differ from {report.reference}",
                         "the generated C is not bit-exact for this model: please report it", exit_code=1)
