"""`edgeq convert MODEL -o OUT.tflite --mode M`: Keras model -> quantized .tflite (heavy imports inside)."""
from __future__ import annotations

import click

from edgeq import jsontext
from edgeq.errors import EdgeqError

MODE_HELP = "fp32 | fp16 | dynamic | int8 | int16x8 | qat | mixed | int4"


def _range(value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    try:
        lo, hi = (float(v) for v in value.split(","))
    except ValueError:
        raise EdgeqError(f"--input-range '{value}' is not LO,HI", "e.g. --input-range 0,1 or --input-range -1,1") from None
    return lo, hi


@click.command("convert")
@click.argument("model", type=click.Path(path_type=str))
@click.option("-o", "--output", required=True, type=click.Path(path_type=str), help="Output .tflite path.")
@click.option("-m", "--mode", default="int8", show_default=True, help=MODE_HELP)
@click.option("--io", "io_type", default=None, help="Model input/output type for int8/qat: int8 (default), uint8 or float.")
@click.option("--calib", default=None, help="Calibration data: .npy, .npz (key x), an image directory, or 'synthetic'.")
@click.option("--calib-count", default=200, show_default=True, type=int, help="Use at most this many calibration samples.")
@click.option("--input-range", default=None, help="LO,HI of the model input (synthetic calibration, image scaling).")
@click.option("--train-data", default=None, help="qat: labelled training data .npz (x, y).")
@click.option("--epochs", default=3, show_default=True, type=int, help="qat: fine-tuning epochs.")
@click.option("--batch-size", default=32, show_default=True, type=int, help="qat: batch size.")
@click.option("--lr", default=1e-4, show_default=True, type=float, help="qat: learning rate.")
@click.option("--val-data", default=None, help="mixed: labelled validation data .npz (x, y).")
@click.option("--max-drop", default=1.0, show_default=True, type=float, help="mixed: allowed top-1 drop in accuracy points.")
@click.option("--allow-float", is_flag=True,
              help="mixed: layers may stay float32 when int16 activations cannot reach --max-drop (slow on MCUs).")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed for synthetic data and QAT.")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print the result (provenance, mode report) as JSON.")
def command(model, output, mode, io_type, calib, calib_count, input_range, train_data, epochs, batch_size, lr,
            val_data, max_drop, allow_float, seed, force, as_json):
    """Convert a Keras model (.keras, .h5, SavedModel directory) to a quantized .tflite.

    The conversion runs in a child process; the output is written atomically and carries its provenance
    (mode, calibration source, sample count, versions) as TFLite metadata `edgeq_provenance`.
    """
    from edgeq.convert.api import convert
    from edgeq.convert.modes import check_mode

    check_mode(mode)
    result = convert(
        model, output, mode, io=io_type, calib=calib, calib_count=calib_count, input_range=_range(input_range),
        train_data=train_data, epochs=epochs, batch_size=batch_size, lr=lr, val_data=val_data, max_drop=max_drop,
        allow_float=allow_float, seed=seed, force=force, progress=lambda line: click.echo(line, err=True),
    )
    if as_json:
        click.echo(jsontext.dumps({"output": str(result.output), "mode": result.mode, "size_bytes": result.size_bytes,
                               "provenance": result.provenance, "report": result.report}, indent=2))
        return
    click.echo(f"wrote {result.output} ({result.size_bytes:,} bytes, mode {result.mode})")
    # the calibration source was already said once, as progress
    if result.report and "kept_float" in result.report:
        rep = result.report
        click.echo(f"mixed: float {rep['float_accuracy']:.2f}%, full int8 {rep['int8_accuracy']:.2f}%, "
                   f"result {rep['final_accuracy']:.2f}% (max drop {rep['max_drop']:g})")
        if not rep["int16_layers"] and not rep["kept_float"]:
            click.echo("mixed: every layer int8 (the full int8 model already meets --max-drop)")
        for layer in rep["int16_layers"]:
            click.echo(f"  int16 activations: {layer['tensor']}  (rmse/scale {layer['rmse_per_scale']:.3f})")
        for layer in rep["kept_float"]:
            click.echo(f"  kept float: {layer['tensor']}  (rmse/scale {layer['rmse_per_scale']:.3f}, rmse {layer['rmse']:.4g})")
