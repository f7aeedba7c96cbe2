"""`edgeq validate MODEL_OR_DIR --target host --data FILE.npz|random:N [--json]`: outputs of the built C
program against TFLite Micro on the same inputs."""
from __future__ import annotations

import click

from edgeq import jsontext


@click.command("validate")
@click.argument("model_or_dir", type=click.Path())
@click.option("--target", default=None, help="Target to build a .tflite for (host, a core such as cortex-m4, "
              "or a board id); default host, or the build directory's own target.")
@click.option("--emulate", is_flag=True, help="Run a microcontroller build in QEMU.")
@click.option("--port", default=None, metavar="DEV", help="Run on a flashed board at this serial port.")
@click.option("--board", default=None, metavar="ID", help="Run on a flashed board from the lab file.")
@click.option("--data", "data", default="random:20", show_default=True,
              help="Inputs: FILE.npz (key `x`, or the first array) or random:N (seeded).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed for random:N.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def command(model_or_dir: str, target: str | None, emulate: bool, port: str | None, board: str | None, data: str,
            seed: int, as_json: bool) -> None:
    """Compare a build's outputs with TFLite Micro, element by element."""
    from pathlib import Path

    from edgeq.cli.progress import counter
    from edgeq.errors import EdgeqError
    from edgeq.targets.choice import one_target
    from edgeq.validate import validate_build

    one_target({"--emulate": emulate, "--port DEV": port, "--board ID": board},
               "e.g. --emulate to run in QEMU; none of them runs a host build here", required=False)
    on_device = bool(emulate or port or board)
    if not Path(model_or_dir).exists():
        raise EdgeqError(f"{model_or_dir} does not exist", "give a .tflite file or an `edgeq build` directory")
    if target is None:
        if not on_device:
            target = "host"
        elif not Path(model_or_dir).is_dir():   # a build directory on a device keeps its own target
            raise EdgeqError("a .tflite run on a device needs --target CORE (or a board id) to be built",
                             "e.g. `edgeq validate model.tflite --target cortex-m4 --emulate`")
    where = "in QEMU" if emulate else ("on the board" if on_device else "on the host")
    report = validate_build(model_or_dir, data, seed=seed, target=target, emulate=emulate, port=port, board=board,
                            progress=counter(f"validate: samples {where}"))
    if as_json:
        click.echo(jsontext.dumps(report.to_dict(), indent=2))
    else:
        click.echo(f"{report.samples} samples vs {report.reference}: exact match {report.exact_match_rate:.4%}, "
                   f"{report.mismatched_elements} mismatched elements (max |diff| {report.max_abs_diff:g}), "
                   f"top-1 agreement {report.top1_agreement:.2%}, arena {report.arena_bytes:,} bytes")
        click.echo(f"verdict: {report.describe_verdict()}")
        if report.litert_ref_mismatched_elements is not None:
            click.echo(f"second opinion, LiteRT reference kernels: {report.litert_ref_mismatched_elements} "
                       "mismatched elements (LiteRT rounds FULLY_CONNECTED once where TFLM rounds twice)")
    if not report.passed:
        beyond = f" (up to {report.max_ulp} ULP, bound {report.ulp_bound})" if report.max_ulp else ""
        raise EdgeqError(f"{report.mismatched_elements} output elements differ from {report.reference}{beyond}",
                         "the generated C is not bit-exact for this model: please report it", exit_code=1)
