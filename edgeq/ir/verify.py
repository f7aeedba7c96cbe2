"""The model verifier: everything edgeq assumes about a .tflite file, checked once, first, in `edgeq.ir.parse`.

Every command (inspect, plan, build, validate, ...) parses through it, so no later stage indexes out of
range, reads a missing buffer, divides by a NaN scale or generates C for shapes that disagree. A failure is
one `EdgeqError` (exit code 2) whose message is one line naming the operator (index and opcode), the tensor
(index and name) and the broken rule.

Two passes, both pure (no IO) and vectorised (no Python loop over weight elements):

1. `verify_flatbuffer(model, file_bytes, label, ...)` on the unpacked flatbuffer (`schema.ModelT`), before the
   `Graph` is built: subgraph, opcode, tensor and buffer indices are in range and non-negative (-1 only for
   an absent optional operator input); dimensions are >= 0 and element counts fit int32; a buffer holds
   exactly shape x dtype bytes; a quantization has one zero point per scale and a scale count of 1 or the
   size of its quantized dimension.
2. `verify_graph(graph, label)` on the `Graph`: scales finite and > 0, zero points inside their dtype;
   at least one operator; operator tensors have no zero dimension; operator outputs are not constants and
   each tensor has one producer; the graph is acyclic in operator order (every input is a graph input, a
   constant, a variable, or an earlier op's output); graph outputs are computed; then the per-operator
   rules of `edgeq.ir.shape_rules` (shapes, requantization factors and parameters in TFLite Micro's range,
   what TFLM's Prepare refuses). Operators without a rule get the generic checks only.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from edgeq.errors import EdgeqError
from edgeq.ir.graph import DTYPE_SIZES, Graph, Tensor
from edgeq.ir.shape_rules import HINT, SHAPE_RULES, OpCheck, printable, quantized, scale0

#: int32 indexing in the generated C and in TFLM bounds every tensor.
MAX_ELEMENTS = 2**31 - 1
#: Zero-point range of each quantized dtype.
ZERO_POINT_RANGE = {"int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767), "int4": (-8, 7),
                    "uint16": (0, 65535), "int32": (-2**31, 2**31 - 1)}


def _error(label: str, where: str, rule: str) -> EdgeqError:
    return EdgeqError(f"{label}: {where}: {rule}", HINT)


def _tensor_where(index: int, name: Any) -> str:
    if isinstance(name, bytes):
        name = name.decode("utf-8", "replace")
    return f"tensor {index} '{printable(str(name or ''))}'"


def _length(values: Any) -> int:
    return 0 if values is None else len(values)


# -- pass 1: the flatbuffer ---------------------------------------------------------------------------------

def verify_flatbuffer(model: Any, file_bytes: int, label: str, opcode_names: dict[int, str],
                      dtype_names: dict[int, str]) -> None:
    """Indices, dimensions, buffer sizes and quantization array lengths of the first subgraph.
    `opcode_names` / `dtype_names` map the schema's enum values to names (for messages and sizes)."""
    subgraphs = model.subgraphs or []
    if not subgraphs:
        raise _error(label, "model", "has no subgraph")
    codes = model.operatorCodes or []
    buffers = model.buffers or []
    sub = subgraphs[0]
    tensors = sub.tensors or []
    n_tensors = len(tensors)

    for index, t in enumerate(tensors):
        where = _tensor_where(index, t.name)
        shape = np.asarray(t.shape if t.shape is not None else (), dtype=np.int64).reshape(-1)
        if shape.size and shape.min() < 0:
            raise _error(label, where, f"negative dimension {int(shape.min())} in shape {tuple(shape.tolist())}")
        if shape.size > 8:
            raise _error(label, where, f"rank {shape.size} (at most 8 supported)")
        elements = math.prod(int(d) for d in shape)
        if elements > MAX_ELEMENTS:
            raise _error(label, where, f"{elements} elements (shape {tuple(shape.tolist())}) exceed int32 indexing")
        if not 0 <= t.buffer < len(buffers):
            raise _error(label, where, f"buffer index {t.buffer} outside the model's {len(buffers)} buffers")
        if t.type not in dtype_names:
            raise _error(label, where, f"tensor type {t.type} is not a TFLite type")
        dtype = dtype_names[t.type].lower()
        stored = _buffer_bytes(buffers[t.buffer], file_bytes) if t.buffer > 0 else 0
        if stored < 0:
            raise _error(label, where, f"buffer {t.buffer} points outside the file ({file_bytes} bytes)")
        if stored and t.sparsity is not None:
            raise _error(label, where, "sparse tensors are not supported (re-export without sparsification)")
        if stored:
            expected = (elements + 1) // 2 if dtype == "int4" else elements * DTYPE_SIZES.get(dtype, 0)
            if dtype in DTYPE_SIZES or dtype == "int4":
                if stored != expected:
                    raise _error(label, where, f"buffer {t.buffer} holds {stored} bytes, shape "
                                               f"{tuple(shape.tolist())} x {dtype} needs {expected}")
        _verify_quant_lengths(label, where, t.quantization, shape)

    def tensor_index(i: int, what: str, where: str, optional: bool = False) -> None:
        if optional and i == -1:
            return
        if not 0 <= i < n_tensors:
            raise _error(label, where, f"{what} tensor index {i} outside the subgraph's {n_tensors} tensors")

    for m in model.metadata or []:
        if not 0 <= m.buffer < len(buffers):
            raise _error(label, "model", f"metadata buffer index {m.buffer} outside the model's {len(buffers)} buffers")
    for i in _ints(sub.inputs):
        tensor_index(i, "input", "model")
    for i in _ints(sub.outputs):
        tensor_index(i, "output", "model")
    for index, o in enumerate(sub.operators or []):
        if not 0 <= o.opcodeIndex < len(codes):
            raise _error(label, f"operator {index}", f"opcode index {o.opcodeIndex} outside the model's "
                                                     f"{len(codes)} operator codes")
        code = codes[o.opcodeIndex]
        value = max(int(code.builtinCode), int(code.deprecatedBuiltinCode))
        where = f"operator {index} ({opcode_names.get(value, f'BUILTIN_{value}')})"
        for i in _ints(o.inputs):
            tensor_index(i, "input", where, optional=True)
        for i in _ints(o.outputs):
            tensor_index(i, "output", where)
        for i in _ints(o.intermediates):  # the converter's quantization records (LSTM)
            tensor_index(i, "intermediate", where)
        for key, val in getattr(o.builtinOptions, "__dict__", {}).items():
            if key.lower().endswith("subgraphindex") and not 0 <= int(val) < len(subgraphs):
                raise _error(label, where, f"option {key} = {val} outside the model's {len(subgraphs)} subgraphs")


def _ints(values: Any) -> list[int]:
    return [] if values is None else [int(v) for v in values]


def _buffer_bytes(buf: Any, file_bytes: int) -> int:
    """Bytes a buffer holds (inline or after the flatbuffer); -1 if it points outside the file."""
    if buf is None:
        return 0
    if buf.data is not None and len(buf.data):
        return len(buf.data)
    offset, size = int(getattr(buf, "offset", 0) or 0), int(getattr(buf, "size", 0) or 0)
    if offset > 1 and size:
        return size if offset + size <= file_bytes else -1
    return 0


def _verify_quant_lengths(label: str, where: str, q: Any, shape: np.ndarray) -> None:
    if q is None or _length(q.scale) == 0:
        return
    scales = _length(q.scale)
    if _length(q.zeroPoint) != scales:
        raise _error(label, where, f"{_length(q.zeroPoint)} zero points for {scales} scales")
    if scales > 1:
        # old converters give rank-1 biases their filter's quantized dimension: TFLite reads dimension 0
        axis = 0 if shape.size == 1 else int(q.quantizedDimension)
        if not 0 <= axis < shape.size:
            raise _error(label, where, f"quantized dimension {axis} outside the rank {shape.size}")
        if scales != int(shape[axis]):
            raise _error(label, where, f"{scales} scales for the {int(shape[axis])} channels of dimension {axis}")


# -- pass 2: the graph --------------------------------------------------------------------------------------

# Operators TFLite defines without outputs: they act on resource variables or run another subgraph.
_NO_OUTPUTS = frozenset({"ASSIGN_VARIABLE", "CALL_ONCE"})


def verify_graph(graph: Graph, label: str) -> None:
    """Quantization values, dataflow and the per-operator rules (see the module docstring)."""
    for tensor in graph.tensors:
        _verify_quant_values(label, tensor)
    if not graph.ops:
        raise _error(label, "model", "has no operators (nothing to compute)")
    if not graph.inputs or not graph.outputs:
        raise _error(label, "model", f"has {len(graph.inputs)} inputs and {len(graph.outputs)} outputs "
                                     "(at least one of each expected)")
    tensors = graph.tensors
    for i in graph.inputs:
        if tensors[i].is_constant:
            raise _error(label, "model", f"input {_tensor_where(i, tensors[i].name)} is a constant")
    available = set(graph.inputs)
    available.update(t.index for t in tensors if t.is_constant or t.is_variable)
    produced: dict[int, int] = {}
    for op in graph.ops:
        where = f"operator {op.index} ({op.opcode})"
        if not op.outputs and op.opcode not in _NO_OUTPUTS:
            raise _error(label, where, "has no output")
        for i in op.inputs + op.outputs:
            if i >= 0 and tensors[i].num_elements == 0:
                raise _error(label, f"{where}, {_tensor_where(i, tensors[i].name)}",
                             f"shape {tensors[i].shape} has no elements (every dimension must be >= 1)")
        for i in op.inputs:
            if i >= 0 and i not in available:
                rule = (f"reads it before operator {produced[i]} computes it" if i in produced else
                        "reads it, but it is not a model input, a constant, a variable or an earlier "
                        "operator's output (a missing buffer or a cycle)")
                later = next((o.index for o in graph.ops if i in o.outputs), None)
                if later is not None and later >= op.index:
                    rule = f"reads it before operator {later} computes it (operators out of order or a cycle)"
                raise _error(label, f"{where}, {_tensor_where(i, tensors[i].name)}", rule)
        for i in op.outputs:
            t = tensors[i]
            if t.is_constant:
                raise _error(label, f"{where}, {_tensor_where(i, t.name)}", "output is a constant tensor")
            if i in produced or i in graph.inputs:
                by = f"operator {produced[i]}" if i in produced else "the model input"
                raise _error(label, f"{where}, {_tensor_where(i, t.name)}", f"output already written by {by}")
            produced[i] = op.index
        available.update(op.outputs)
    for i in graph.outputs:
        if i not in available:
            raise _error(label, f"model output {_tensor_where(i, tensors[i].name)}", "is computed by no operator")
        if tensors[i].is_constant:
            raise _error(label, f"model output {_tensor_where(i, tensors[i].name)}", "is a constant")
    for op in graph.ops:
        check = OpCheck(graph, op, label)
        if op.outputs:
            _verify_scale_ratios(check)
        rule = SHAPE_RULES.get(op.opcode)
        if rule is not None:
            rule(check)


def _verify_scale_ratios(check: OpCheck) -> None:
    """Every operator (with a rule or not) rescales its activations by at least input / output scale: a
    factor of 2^30 or more is beyond TFLM's QuantizeMultiplier (and its int32 arithmetic) whatever the op."""
    out = check.output()
    if not quantized(out):
        return
    for k in range(len(check.op.inputs)):
        tensor = check.input(k)
        if tensor is not None and not tensor.is_constant and quantized(tensor):
            check.requant(np.array([scale0(tensor) / scale0(out)]), tensor, "the input / output")


def _verify_quant_values(label: str, tensor: Tensor) -> None:
    q = tensor.quant
    if q is None or tensor.dtype not in ZERO_POINT_RANGE:
        return
    scales = np.asarray(q.scale, dtype=np.float64)
    bad = ~np.isfinite(scales) | (scales <= 0)
    if bad.any():
        raise _error(label, _tensor_where(tensor.index, tensor.name),
                     f"scale {float(scales[np.argmax(bad)])!r} (scales must be finite and > 0)")
    lo, hi = ZERO_POINT_RANGE[tensor.dtype]
    zeros = np.asarray(q.zero_point, dtype=np.int64)
    outside = (zeros < lo) | (zeros > hi)
    if outside.any():
        raise _error(label, _tensor_where(tensor.index, tensor.name),
                     f"zero point {int(zeros[np.argmax(outside)])} outside {tensor.dtype}'s [{lo}, {hi}]")
