"""Float Keras model vs quantized .tflite on a labelled set: task metrics, agreement, per-layer SQNR, size.

The metric functions and the op matching are pure; `evaluate` (in `api.py`) feeds them the Keras model's
predictions, LiteRT reference-kernel outputs of the quantized model, and every op output of both a float
TFLite conversion and the quantized model (LiteRT `experimental_preserve_all_tensors`).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from edgeq.convert.runtime import OpOutput

# Ops that only convert between float and integer at the model boundary (or expand fp16 weights).
BOUNDARY_OPS = frozenset({"QUANTIZE", "DEQUANTIZE"})


@dataclass(frozen=True)
class LayerSQNR:
    op_index: int  # index in the quantized model
    op: str
    tensor: str
    dtype: str
    sqnr_db: float  # inf when the quantized output equals the float one
    matched_by: str  # "name" or "order"


@dataclass(frozen=True)
class Evaluation:
    task: str  # "classification" | "regression"
    samples: int
    float_metrics: dict[str, float]
    quant_metrics: dict[str, float]
    agreement: dict[str, float]
    layers: tuple[LayerSQNR, ...]
    layer_samples: int
    quant_size_bytes: int
    float_tflite_size_bytes: int

    def to_dict(self) -> dict:
        def clean(v):
            if isinstance(v, float) and math.isinf(v):
                return None  # JSON has no infinity: null means "no error at all"
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, (list, tuple)):
                return [clean(x) for x in v]
            return v

        return clean(asdict(self))


def task_of(y: np.ndarray, outputs: np.ndarray) -> str:
    """Classification when labels are class ids or one-hot rows for a multi-column output."""
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        if y.ndim == 1 and y.dtype.kind in "iu":
            return "classification"
        if y.shape == outputs.shape and np.isin(y, (0, 1)).all() and np.allclose(y.sum(axis=1), 1):
            return "classification"
    return "regression"


def classification_metrics(y: np.ndarray, outputs: np.ndarray) -> dict[str, float]:
    labels = y if y.ndim == 1 else y.argmax(axis=1)
    return {"top1": float((outputs.argmax(axis=1) == labels).mean() * 100.0)}


def regression_metrics(y: np.ndarray, outputs: np.ndarray) -> dict[str, float]:
    diff = outputs.reshape(len(outputs), -1) - y.reshape(len(y), -1).astype(np.float32)
    return {"mse": float(np.mean(diff**2)), "mae": float(np.mean(np.abs(diff)))}


def agreement(task: str, float_out: np.ndarray, quant_out: np.ndarray) -> dict[str, float]:
    f = float_out.reshape(len(float_out), -1).astype(np.float64)
    q = quant_out.reshape(len(quant_out), -1).astype(np.float64)
    out = {
        "output_mse": float(np.mean((f - q) ** 2)),
        "output_sqnr_db": sqnr_db(f, q),
        "output_correlation": float(np.corrcoef(f.ravel(), q.ravel())[0, 1]) if f.std() > 0 and q.std() > 0 else float("nan"),
    }
    if task == "classification":
        out["top1_agreement"] = float((f.argmax(axis=1) == q.argmax(axis=1)).mean() * 100.0)
    return out


def sqnr_db(reference: np.ndarray, test: np.ndarray) -> float:
    """Signal-to-quantization-noise ratio 10*log10(sum(ref^2) / sum((ref - test)^2)) in dB."""
    ref = reference.astype(np.float64)
    noise = float(np.sum((ref - test.astype(np.float64)) ** 2))
    signal = float(np.sum(ref**2))
    if noise == 0.0:
        return float("inf")
    if signal == 0.0:
        return float("-inf")
    return 10.0 * math.log10(signal / noise)


def match_ops(float_ops: list[OpOutput], quant_ops: list[OpOutput]) -> list[tuple[OpOutput, OpOutput, str]]:
    """Pair each quantized op output with the float op computing the same tensor.

    First by tensor name (the converter keeps Keras layer names), then, for the rest, in op order: the next
    float op of the same type after the previous match. Boundary QUANTIZE/DEQUANTIZE ops and pairs whose shapes
    differ are skipped.
    """
    floats = [op for op in float_ops if op.op_name not in BOUNDARY_OPS]
    quants = [op for op in quant_ops if op.op_name not in BOUNDARY_OPS]
    by_name = {op.tensor_name: op for op in floats}
    pairs: dict[int, tuple[OpOutput, OpOutput, str]] = {}
    for q in quants:
        f = by_name.get(q.tensor_name)
        if f is not None and f.op_name == q.op_name and f.values.shape == q.values.shape:
            pairs[q.op_index] = (f, q, "name")
    used = {f.op_index for f, _, _ in pairs.values()}
    position = 0
    for q in quants:
        if q.op_index in pairs:
            position = floats.index(pairs[q.op_index][0]) + 1
            continue
        for j in range(position, len(floats)):
            f = floats[j]
            if f.op_index not in used and f.op_name == q.op_name and f.values.shape == q.values.shape:
                pairs[q.op_index] = (f, q, "order")
                used.add(f.op_index)
                position = j + 1
                break
    return [pairs[q.op_index] for q in quants if q.op_index in pairs]


def layer_sqnr(float_ops: list[OpOutput], quant_ops: list[OpOutput]) -> tuple[LayerSQNR, ...]:
    return tuple(
        LayerSQNR(q.op_index, q.op_name, q.tensor_name, q.dtype, sqnr_db(f.values, q.values), how)
        for f, q, how in match_ops(float_ops, quant_ops)
    )


def format_report(ev: Evaluation) -> str:
    """A plain-text report for the terminal."""
    lines = [f"task: {ev.task}, {ev.samples} samples"]
    for key in ev.float_metrics:
        f, q = ev.float_metrics[key], ev.quant_metrics[key]
        unit = "%" if key == "top1" else ""
        lines.append(f"{key:>6}: float {f:.4g}{unit}  quantized {q:.4g}{unit}  (change {q - f:+.4g})")
    for key, value in ev.agreement.items():
        lines.append(f"{key}: {value:.4g}")
    lines.append(f"size: quantized {ev.quant_size_bytes:,} B, float32 TFLite {ev.float_tflite_size_bytes:,} B "
                 f"({ev.quant_size_bytes / ev.float_tflite_size_bytes:.1%})")
    lines.append(f"per-layer SQNR over {ev.layer_samples} samples (float TFLite vs quantized, higher is better):")
    width = max((len(layer.op) for layer in ev.layers), default=4)
    for layer in ev.layers:
        sqnr = "exact" if math.isinf(layer.sqnr_db) and layer.sqnr_db > 0 else f"{layer.sqnr_db:7.2f} dB"
        lines.append(f"  #{layer.op_index:<3} {layer.op:<{width}} {layer.dtype:<8} {sqnr:>10}  {layer.tensor[:60]}")
    return "\n".join(lines)
