"""Run a .tflite model in LiteRT with the reference kernels (pure; no TensorFlow).

`OpResolverType.BUILTIN_REF` avoids XNNPACK, whose int8 results differ from the reference kernels by up to
tens of LSB. Inputs are given in float and quantized with the model's input parameters; outputs come back
dequantized, so float and quantized models are compared in the same units.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def interpreter(model_bytes: bytes, preserve_all_tensors: bool = False):
    import warnings

    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    with warnings.catch_warnings():  # LiteRT warns that preserving tensors is a debugging feature: it is one here
        warnings.simplefilter("ignore")
        interp = Interpreter(
            model_content=bytes(model_bytes),
            experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
            experimental_preserve_all_tensors=preserve_all_tensors,
        )
    interp.allocate_tensors()
    return interp


def quantize(x: np.ndarray, detail: dict) -> np.ndarray:
    dtype = np.dtype(detail["dtype"])
    if dtype.kind == "f":
        return x.astype(dtype)
    scale, zero = detail["quantization"]
    info = np.iinfo(dtype)
    return np.clip(np.round(x / scale + zero), info.min, info.max).astype(dtype)


def dequantize(q: np.ndarray, detail: dict) -> np.ndarray:
    if np.dtype(detail["dtype"]).kind == "f":
        return q.astype(np.float32)
    scale, zero = detail["quantization"]
    if scale == 0:  # an integer tensor without quantization parameters
        return q.astype(np.float32)
    return ((q.astype(np.float32) - zero) * scale).astype(np.float32)


def predict(model_bytes: bytes, x: np.ndarray) -> np.ndarray:
    """Float outputs of a single-input, single-output, batch-1 model for every row of `x`."""
    interp = interpreter(model_bytes)
    inp = interp.get_input_details()[0]
    out = interp.get_output_details()[0]
    results = []
    for i in range(len(x)):
        interp.set_tensor(inp["index"], quantize(x[i : i + 1], inp))
        interp.invoke()
        results.append(dequantize(interp.get_tensor(out["index"]), out)[0])
    return np.stack(results)


@dataclass(frozen=True)
class OpOutput:
    """One operator's output tensor, collected over samples, in float units."""

    op_index: int
    op_name: str  # builtin op, e.g. CONV_2D
    tensor_name: str
    values: np.ndarray  # (N, *shape), dequantized
    dtype: str  # dtype in the model (int8, int16, float32, ...)


def op_outputs(model_bytes: bytes, x: np.ndarray) -> list[OpOutput]:
    """Every operator's (first) output for every row of `x`, via `experimental_preserve_all_tensors`."""
    interp = interpreter(model_bytes, preserve_all_tensors=True)
    inp = interp.get_input_details()[0]
    details = {d["index"]: d for d in interp.get_tensor_details()}
    ops = [op for op in interp._get_ops_details() if len(op["outputs"]) > 0]  # noqa: SLF001 (LiteRT's public-in-practice op listing)
    collected: dict[int, list[np.ndarray]] = {op["index"]: [] for op in ops}
    for i in range(len(x)):
        interp.set_tensor(inp["index"], quantize(x[i : i + 1], inp))
        interp.invoke()
        for op in ops:
            t = details[op["outputs"][0]]
            collected[op["index"]].append(dequantize(interp.get_tensor(t["index"]), t))
    return [
        OpOutput(
            op["index"],
            op["op_name"],
            details[op["outputs"][0]]["name"],
            np.concatenate(collected[op["index"]]),
            np.dtype(details[op["outputs"][0]]["dtype"]).name,
        )
        for op in ops
    ]
