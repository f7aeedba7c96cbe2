"""Shape arithmetic computed once, at parse time.

Keras 3 models converted the standard way (`TFLiteConverter.from_keras_model`, batch dimension left open)
compute a Reshape's or Flatten's target shape in the graph: SHAPE of an activation, STRIDED_SLICE of that,
PACK with the constant -1, into RESHAPE's shape input. Every tensor edgeq runs has a static shape, so these
values are constants; TFLite Micro evaluates them on the device at every inference. `fold_shape_arithmetic`
evaluates such integer operators whose inputs are known (SHAPE needs only its input's static shape) and gives
their outputs the values as constant data. An operator whose outputs are all constant runs no code
(`Graph.has_code`); the file's operator indices are kept.

The rules are TFLite's reference kernels' (strided slice bounds as StridedSliceStartForAxis/EndForAxis); an
operator outside them (an ellipsis mask, a fused activation, a result whose shape disagrees with the model's
output tensor) is left as it is, for the runtime to run or refuse with its own reason.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from edgeq.ir.graph import Graph, Op, Tensor

INTEGER_DTYPES = ("int32", "int64")


def strided_indices(begin: int, end: int, stride: int, size: int, begin_masked: bool, end_masked: bool,
                    shrink: bool, offset: bool) -> range:
    """Indices one axis of a STRIDED_SLICE visits: TFLite's StridedSliceStartForAxis / StridedSliceEndForAxis."""
    start = begin + size if begin < 0 else begin
    start = min(max(start, 0), size) if stride > 0 else min(max(start, -1), size - 1)
    if begin_masked:
        start = 0 if stride > 0 else size - 1
    if shrink:
        stop = start if start >= size else start + 1
    else:
        stop = end + start if offset else end
        stop = stop + size if stop < 0 else stop
        stop = min(max(stop, 0), size) if stride > 0 else min(max(stop, -1), size - 1)
        if end_masked:
            stop = size if stride > 0 else -1
    return range(start, stop, stride)


def _strided_slice(op: Op, x: np.ndarray, begin, end, strides) -> np.ndarray | None:
    option = op.options.get
    if option("ellipsis_mask", 0) or option("new_axis_mask", 0) or not (len(begin) == len(end) == len(strides)
                                                                         == x.ndim) or not np.all(strides):
        return None
    index = []
    for d in range(x.ndim):
        bit = 1 << d
        shrink = bool(option("shrink_axis_mask", 0) & bit)
        picked = strided_indices(int(begin[d]), int(end[d]), int(strides[d]), x.shape[d],
                                 bool(option("begin_mask", 0) & bit), bool(option("end_mask", 0) & bit), shrink,
                                 bool(option("offset", False)))
        if shrink and len(picked) != 1:
            return None
        index.append(picked[0] if shrink else np.asarray(picked, dtype=np.int64))
    for d in reversed(range(x.ndim)):  # last axis first: a shrunk axis vanishes without renumbering the others
        x = np.take(x, index[d], axis=d)
    return x


def _no_activation(op: Op) -> bool:
    return op.options.get("fused_activation_function", "NONE") == "NONE"


def _evaluate(op: Op, values: list[np.ndarray | None], input_shapes: list[tuple[int, ...] | None]) -> np.ndarray | None:
    """The operator's single output, or None when it is not one this module folds."""
    code, option = op.opcode, op.options.get
    if code == "SHAPE":
        shape = input_shapes[0]
        return None if shape is None or any(d <= 0 for d in shape) else np.asarray(shape, dtype=np.int64)
    if any(v is None for v in values):
        return None
    if code == "STRIDED_SLICE" and len(values) == 4:
        return _strided_slice(op, *values)
    if code == "PACK":
        return np.stack(values, axis=int(option("axis", 0)))
    if code == "CONCATENATION" and _no_activation(op):
        return np.concatenate(values, axis=int(option("axis", 0)))
    if code == "GATHER" and len(values) == 2 and not option("batch_dims", 0):
        return np.take(values[0], values[1], axis=int(option("axis", 0)))
    if code in ("REDUCE_PROD", "SUM") and len(values) == 2:
        reduce = np.prod if code == "REDUCE_PROD" else np.sum
        axes = tuple(int(a) % max(values[0].ndim, 1) for a in np.atleast_1d(values[1]))
        return reduce(values[0], axis=axes, keepdims=bool(option("keep_dims", False)))
    if code in ("ADD", "SUB", "MUL") and len(values) == 2 and _no_activation(op):
        return {"ADD": np.add, "SUB": np.subtract, "MUL": np.multiply}[code](values[0], values[1])
    if code == "FLOOR_DIV" and len(values) == 2 and np.all(values[1]):
        return np.floor_divide(values[0], values[1])
    if code == "CAST" and len(values) == 1:
        return values[0]
    return None


def fold_shape_arithmetic(graph: Graph) -> Graph:
    """The graph with every foldable integer operator's output given constant data (see module docstring)."""
    tensors = list(graph.tensors)
    changed = False
    for op in graph.ops:
        if len(op.outputs) != 1 or op.outputs[0] < 0:
            continue
        out = tensors[op.outputs[0]]
        if out.is_constant or out.dtype not in INTEGER_DTYPES or out.is_variable:
            continue
        inputs = [tensors[i] if i >= 0 else None for i in op.inputs]
        if op.opcode != "SHAPE" and any(t is None or t.dtype not in INTEGER_DTYPES for t in inputs):
            continue
        values = [t.data.astype(np.int64) if t is not None and t.is_constant else None for t in inputs]
        shapes = [t.shape if t is not None else None for t in inputs]
        result = _evaluate(op, values, shapes)
        if result is None or tuple(np.shape(result)) != tuple(out.shape):
            continue
        data = np.asarray(result, dtype=np.int64)
        if out.dtype == "int32" and (data.min(initial=0) < -(2**31) or data.max(initial=0) >= 2**31):
            continue
        data = data.astype(out.dtype)
        data.setflags(write=False)
        tensors[out.index] = dataclasses.replace(out, data=data)
        changed = True
    return dataclasses.replace(graph, tensors=tuple(tensors)) if changed else graph
