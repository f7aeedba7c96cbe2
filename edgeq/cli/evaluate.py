"""`edgeq evaluate KERAS_MODEL QUANT.tflite --data VAL.npz`: float vs quantized accuracy and per-layer SQNR."""
from __future__ import annotations

import click

from edgeq import jsontext


@click.command("evaluate")
@click.argument("keras_model", type=click.Path(path_type=str))
@click.argument("tflite_model", type=click.Path(path_type=str))
@click.option("--data", required=True, type=click.Path(path_type=str), help="Labelled data .npz with x and y.")
@click.option("--layer-samples", default=50, show_default=True, type=int, help="Samples used for per-layer SQNR.")
@click.option("--limit", default=None, type=int, help="Evaluate only the first N samples.")
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation as JSON.")
def command(keras_model, tflite_model, data, layer_samples, limit, as_json):
    """Compare a float Keras model with its quantized .tflite on labelled data.

    Top-1 for classifiers, MSE/MAE for regressors and autoencoders, agreement between the two, SQNR (dB) of
    every op output (float TFLite vs quantized, LiteRT reference kernels) and model size.
    """
    from edgeq.convert.api import evaluate
    from edgeq.convert.evaluate import format_report

    ev = evaluate(keras_model, tflite_model, data, layer_samples=layer_samples, limit=limit,
                  progress=None if as_json else (lambda line: click.echo(line, err=True)))
    click.echo(jsontext.dumps(ev.to_dict(), indent=2) if as_json else format_report(ev))
