"""Automatic mixed precision: keep the most error-sensitive layers float until the accuracy drop fits.

1. `tf.lite.experimental.QuantizationDebugger` runs the int8 model with each quantized op's output checked
   against the float op on the same (dequantized) inputs: a per-layer error free of upstream error.
2. Layers are ranked by RMSE / scale (error in units of the output's quantization step; ~0.29 is the
   ideal rounding error, larger means the int8 grid fits that layer badly), TensorFlow's suggested metric.
3. Starting from full int8, the worst layers are denylisted (kept float) one at a time, each candidate
   re-measured on `--val-data` with LiteRT reference kernels, until the drop against the float model is within
   `max_drop` accuracy points. Denylisted ops stay float; the debugger keeps float model I/O.
Imports TensorFlow: runs inside the converter child.
"""
from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from typing import Callable

import numpy as np

from edgeq.convert import ptq, runtime
from edgeq.errors import EdgeqError


@dataclass(frozen=True)
class LayerError:
    tensor: str
    rmse: float
    rmse_per_scale: float


@dataclass(frozen=True)
class MixedReport:
    float_accuracy: float
    int8_accuracy: float
    final_accuracy: float
    max_drop: float
    kept_float: tuple[LayerError, ...]  # in the order they were kept
    ranking: tuple[LayerError, ...]  # every quantized layer, worst first
    met: bool

    def to_dict(self) -> dict:
        return asdict(self)


def accuracy(model_bytes: bytes, x: np.ndarray, y: np.ndarray) -> float:
    pred = runtime.predict(model_bytes, x)
    labels = y if y.ndim == 1 else y.argmax(axis=-1)
    return float((pred.argmax(axis=-1) == labels).mean() * 100.0)


def layer_errors(debugger) -> list[LayerError]:
    """Per-layer errors from the debugger's statistics dump, worst first."""
    buf = io.StringIO()
    debugger.layer_statistics_dump(buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    errors = []
    for row in rows:
        rmse = float(np.sqrt(float(row["mean_squared_error"])))
        scale = float(row["scale"])
        errors.append(LayerError(row["tensor_name"], rmse, rmse / scale if scale > 0 else 0.0))
    return sorted(errors, key=lambda e: e.rmse_per_scale, reverse=True)


def search(
    model,
    calib: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    max_drop: float,
    progress: Callable[[str], None],
) -> tuple[bytes, MixedReport]:
    import tensorflow as tf

    if y_val.ndim not in (1, 2):
        raise EdgeqError("mixed precision measures top-1 accuracy: --val-data y must be class ids or one-hot rows", "use labelled classification data")

    def build(denylist: list[str]) -> tuple[bytes, object]:
        conv = ptq.converter_for(model, "dynamic")  # optimizations=[DEFAULT]; the debugger adds calibration
        conv.representative_dataset = ptq.representative(calib)
        options = tf.lite.experimental.QuantizationDebugOptions(denylisted_nodes=denylist or None)
        debugger = tf.lite.experimental.QuantizationDebugger(
            converter=conv, debug_dataset=ptq.representative(calib), debug_options=options
        )
        return bytes(debugger.get_nondebug_quantized_model()), debugger

    float_acc = accuracy(ptq.convert(model, "fp32"), x_val, y_val)
    candidate, debugger = build([])
    progress("mixed: measuring per-layer quantization error (QuantizationDebugger)")
    debugger.run()
    ranking = layer_errors(debugger)
    # Ops that only move int8 values (pooling, reshape) show no error: keeping them float gains nothing.
    candidates = [layer for layer in ranking if layer.rmse_per_scale > 0]
    int8_acc = current = accuracy(candidate, x_val, y_val)
    progress(f"mixed: float accuracy {float_acc:.2f}%, full int8 {int8_acc:.2f}% (drop {float_acc - int8_acc:.2f}, allowed {max_drop:g})")
    kept: list[LayerError] = []
    for layer in candidates:
        if float_acc - current <= max_drop:
            break
        kept.append(layer)
        candidate, _ = build([k.tensor for k in kept])
        current = accuracy(candidate, x_val, y_val)
        progress(
            f"mixed: keep float {layer.tensor} (rmse/scale {layer.rmse_per_scale:.3f}, rmse {layer.rmse:.4g}) "
            f"-> accuracy {current:.2f}% (drop {float_acc - current:.2f})"
        )
    met = float_acc - current <= max_drop
    report = MixedReport(float_acc, int8_acc, current, max_drop, tuple(kept), tuple(ranking), met)
    if not met:
        raise EdgeqError(
            f"mixed precision could not reach a drop of {max_drop:g} points: with all {len(kept)} layers that showed "
            f"quantization error kept float, the drop is still {float_acc - current:.2f}",
            "the remaining error comes from the input/calibration ranges: use more representative --calib data, "
            "or raise --max-drop",
        )
    return candidate, report
