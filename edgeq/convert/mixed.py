"""Automatic mixed precision: int8 everywhere, int16 activations (int8 weights) for the layers that need them.

0. Full int8 from the TFLite converter first: when its top-1 drop against the float model on `--val-data`
   (LiteRT reference kernels) is within `max_drop`, it is the result.
1. Rank: `tf.lite.experimental.QuantizationDebugger` runs the converter's int8 model with each quantized op's
   output checked against the float op on the same (dequantized) inputs: a per-layer error free of upstream
   error, as RMSE / scale (error in units of the output's quantization step; ~0.29 is ideal rounding, larger
   means the int8 grid fits that layer badly), TensorFlow's suggested metric.
2. Build: ai-edge-quantizer quantizes the float model with a per-operator recipe — int8 activations and
   weights by default, int16 activations with int8 weights for the chosen layers (matched by their output
   tensor name) — and inserts QUANTIZE int8<->int16 where the two meet. Model inputs and outputs are int8
   (float with `--io float`). Calibration runs once; each candidate only re-quantizes.
3. Search, each candidate measured like step 0: from all int8, switch the worst-ranked layers to int16 (one
   at a time, then in growing steps) until the drop is within `max_drop`; then try switching each chosen layer
   back to int8 (latest first) and keep that when the drop still holds, so the int16 set stays small. Only
   with `allow_float` may layers then stay float (same order), for a model int16 cannot rescue; without it
   the result computes no operator in float.
Imports TensorFlow: runs inside the converter child.
"""
from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass
from io import StringIO
from typing import Callable

import numpy as np

from edgeq.convert import ptq, runtime
from edgeq.errors import EdgeqError


NO_ERROR = 1e-6  # rmse/scale below this: the op only moves values (pooling, slicing), a wider type gains nothing
MAX_PRUNE = 24  # int16 sets up to this size are pruned layer by layer (one build each)


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
    int16_layers: tuple[LayerError, ...]  # layers with int16 activations, in the order chosen
    kept_float: tuple[LayerError, ...]  # layers left float (only with allow_float)
    ranking: tuple[LayerError, ...]  # every quantized layer, worst first (empty when full int8 met max_drop)
    met: bool

    def to_dict(self) -> dict:
        return asdict(self)


def accuracy(model_bytes: bytes, x: np.ndarray, y: np.ndarray) -> float:
    pred = runtime.predict(model_bytes, x)
    labels = y if y.ndim == 1 else y.argmax(axis=-1)
    return float((pred.argmax(axis=-1) == labels).mean() * 100.0)


def layer_errors(debugger) -> list[LayerError]:
    """Per-layer errors from the debugger's statistics dump, worst first."""
    buf = StringIO()
    debugger.layer_statistics_dump(buf)
    rows = list(csv.DictReader(StringIO(buf.getvalue())))
    errors = []
    for row in rows:
        rmse = float(np.sqrt(float(row["mean_squared_error"])))
        scale = float(row["scale"])
        errors.append(LayerError(row["tensor_name"], rmse, rmse / scale if scale > 0 else 0.0))
    return sorted(errors, key=lambda e: e.rmse_per_scale, reverse=True)


def rank_layers(model, calib: np.ndarray) -> list[LayerError]:
    import tensorflow as tf

    conv = ptq.converter_for(model, "dynamic")  # optimizations=[DEFAULT]; the debugger adds calibration
    conv.representative_dataset = ptq.representative(calib)
    debugger = tf.lite.experimental.QuantizationDebugger(converter=conv, debug_dataset=ptq.representative(calib))
    debugger.run()
    return layer_errors(debugger)


def _scope(tensor: str) -> str:
    """ai-edge-quantizer regex for the op whose outputs include `tensor`."""
    return f"(^|;){re.escape(tensor)};"


class Recipes:
    """ai-edge-quantizer on one float model: calibrated once, quantized per precision assignment."""

    def __init__(self, float_tflite: bytes, calib: np.ndarray, int8_io: bool = True):
        from ai_edge_litert.interpreter import Interpreter

        self.float_tflite = float_tflite
        self.int8_io = int8_io
        signatures = Interpreter(model_content=float_tflite).get_signature_list()
        if len(signatures) != 1:
            raise EdgeqError(f"mixed needs a model with one signature, this one has {list(signatures)}", "use --mode int8")
        (signature, sig), = signatures.items()
        (input_name,) = sig["inputs"]
        samples = {signature: [{input_name: calib[i : i + 1]} for i in range(len(calib))]}
        # Profiler-based calibration: the default (preserve-all-tensors under XNNPACK) fails on tensors XNNPACK
        # never materialises, e.g. the unused forget-gate split of an unrolled LSTM's first step.
        from ai_edge_quantizer.calibrator import CalibrationMode

        self.calibration = self._quantizer((), ()).calibrate(samples, mode=CalibrationMode.CALIBRATION_PROFILER_BASED)

    def _quantizer(self, int16: tuple[str, ...], floating: tuple[str, ...]):
        from ai_edge_quantizer import algorithm_manager, qtyping, quantizer

        ops = qtyping.TFLOperationName.ALL_SUPPORTED
        q = quantizer.Quantizer(self.float_tflite)
        # Later entries take precedence for the layers they match. An op's scope is its output tensor names,
        # each followed by ';'.
        q.add_static_config(".*", ops, activation_num_bits=8, weight_num_bits=8)
        for name in int16:
            q.add_static_config(_scope(name), ops, activation_num_bits=16, weight_num_bits=8)
        no_quantize = algorithm_manager.AlgorithmName.NO_QUANTIZE
        for name in floating:
            q.update_quantization_recipe(_scope(name), ops, algorithm_key=no_quantize)
        if not self.int8_io:  # float model inputs/outputs: QUANTIZE/DEQUANTIZE at the boundary
            for boundary in (qtyping.TFLOperationName.INPUT, qtyping.TFLOperationName.OUTPUT):
                q.update_quantization_recipe(".*", boundary, algorithm_key=no_quantize)
        return q

    def build(self, int16: tuple[str, ...] = (), floating: tuple[str, ...] = ()) -> bytes:
        result = self._quantizer(int16, floating).quantize(self.calibration, enable_progress_report=False)
        return type_dead_outputs(bytes(result.quantized_model))


def type_dead_outputs(model_bytes: bytes) -> bytes:
    """Give an operator's unused outputs the type and quantization of a used sibling output.

    ai-edge-quantizer leaves an output nothing reads (never calibrated) in float32, e.g. the forget-gate part
    of an unrolled LSTM's first SPLIT, whose cell state is zero. TFLM's SPLIT writes every output in the
    input's type, and edgeq's runtime refuses a split that changes type, so the dead output must match."""
    import copy

    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(bytearray(model_bytes), 0)
    changed = False
    for sub in model.subgraphs:
        read = {int(i) for op in sub.operators or [] for i in (op.inputs if op.inputs is not None else [])}
        read |= {int(i) for i in sub.outputs}
        for op in sub.operators or []:
            outputs = [int(i) for i in (op.outputs if op.outputs is not None else [])]
            live = [sub.tensors[i] for i in outputs if i in read]
            for i in outputs:
                dead = sub.tensors[i]
                if i not in read and live and dead.type != live[0].type:
                    dead.type = live[0].type
                    dead.quantization = copy.deepcopy(live[0].quantization)
                    changed = True
    if not changed:
        return model_bytes
    builder = flatbuffers.Builder(len(model_bytes) + 1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def float_ops(model_bytes: bytes) -> list[str]:
    """'OPCODE (output tensor)' for every operator that computes in float (QUANTIZE from float and
    DEQUANTIZE only convert at a boundary)."""
    from edgeq.ir import parse
    from edgeq.ir.support import activation_dtype

    graph = parse(model_bytes, label="mixed-precision candidate")
    found = []
    for op in graph.ops:
        if op.opcode in ("QUANTIZE", "DEQUANTIZE"):
            continue
        if activation_dtype(graph, op) == "float32":
            found.append(f"{op.opcode} ({graph.tensors[op.outputs[0]].name})")
    return found


def _output_names(model_bytes: bytes) -> set[str]:
    from edgeq.ir import parse

    graph = parse(model_bytes, label="float model")
    return {graph.tensors[o].name for op in graph.ops for o in op.outputs}


def _names(layers: list[LayerError]) -> str:
    first = f"{layers[0].tensor} (rmse/scale {layers[0].rmse_per_scale:.3f})"
    return first if len(layers) == 1 else f"{first} and the next {len(layers) - 1} ranked layers"


def search(
    model,
    calib: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    max_drop: float,
    progress: Callable[[str], None],
    allow_float: bool = False,
    io: str = "int8",
) -> tuple[bytes, MixedReport]:
    if y_val.ndim not in (1, 2):
        raise EdgeqError("mixed precision measures top-1 accuracy: --val-data y must be class ids or one-hot rows", "use labelled classification data")

    float_tflite = ptq.convert(model, "fp32")
    float_acc = accuracy(float_tflite, x_val, y_val)
    full_int8 = ptq.convert(model, "int8", calib, io)
    int8_acc = accuracy(full_int8, x_val, y_val)
    progress(f"mixed: float accuracy {float_acc:.2f}%, full int8 {int8_acc:.2f}% (drop {float_acc - int8_acc:.2f}, allowed {max_drop:g})")
    # The converter's int8 keeps an operator float where it cannot quantize it (an unrolled LSTM's gates can
    # be such a case): that model is the answer only when it is integer throughout, or floats are allowed.
    if float_acc - int8_acc <= max_drop and (allow_float or not float_ops(full_int8)):
        return full_int8, MixedReport(float_acc, int8_acc, int8_acc, max_drop, (), (), (), True)
    progress("mixed: measuring per-layer quantization error (QuantizationDebugger)")
    ranking = rank_layers(model, calib)
    names = _output_names(float_tflite)
    candidates = [layer for layer in ranking if layer.rmse_per_scale > NO_ERROR and layer.tensor in names]
    recipes = Recipes(float_tflite, calib, int8_io=io == "int8")

    def measure(int16: list[LayerError], floating: list[LayerError]) -> tuple[bytes, float]:
        data = recipes.build(tuple(k.tensor for k in int16), tuple(k.tensor for k in floating))
        return data, accuracy(data, x_val, y_val)

    def met(acc: float) -> bool:
        return float_acc - acc <= max_drop

    candidate, current = measure([], [])
    left_float = float_ops(candidate)
    if left_float and not allow_float:
        raise EdgeqError(
            f"ai-edge-quantizer cannot quantize {len(left_float)} operator(s) of this model, so mixed precision "
            f"would leave them float: {', '.join(left_float[:5])}",
            "use --mode int8 or int16x8, or pass --allow-float to accept float operators",
        )
    progress(f"mixed: ai-edge-quantizer int8 {current:.2f}%; widening the worst-ranked layers")
    int16: list[LayerError] = []
    while not met(current) and len(int16) < len(candidates):
        # One layer at a time, then in steps of half the set so far: a deep (unrolled) graph needs few builds.
        step = candidates[len(int16) : len(int16) + max(1, len(int16) // 2)]
        int16 += step
        candidate, current = measure(int16, [])
        progress(f"mixed: int16 activations for {_names(step)} -> accuracy {current:.2f}% "
                 f"(drop {float_acc - current:.2f})")
    if met(current) and len(int16) <= MAX_PRUNE:
        for layer in reversed(int16[:-1]):  # the last one added was needed to cross the line
            trial = [k for k in int16 if k is not layer]
            data, acc = measure(trial, [])
            if met(acc):
                progress(f"mixed: {layer.tensor} back to int8 -> accuracy {acc:.2f}%")
                int16, candidate, current = trial, data, acc
    kept: list[LayerError] = []
    if not met(current) and allow_float:
        while not met(current) and len(kept) < len(candidates):
            step = candidates[len(kept) : len(kept) + max(1, len(kept) // 2)]
            kept += step
            candidate, current = measure([k for k in int16 if k not in kept], kept)
            progress(f"mixed: keep float {_names(step)} -> accuracy {current:.2f}% (drop {float_acc - current:.2f})")
        int16 = [k for k in int16 if k not in kept]
    report = MixedReport(float_acc, int8_acc, current, max_drop, tuple(int16), tuple(kept), tuple(ranking), met(current))
    if not report.met:
        tried = "int16 activations" + (" and float" if allow_float else "")
        raise EdgeqError(
            f"mixed precision could not reach a drop of {max_drop:g} points: with {tried} for all {len(candidates)} "
            f"layers that showed quantization error, the drop is still {float_acc - current:.2f}",
            "the remaining error comes from the input/calibration ranges: use more representative --calib data, "
            "raise --max-drop" + ("" if allow_float else ", or pass --allow-float"),
        )
    return candidate, report
