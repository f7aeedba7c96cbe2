"""Graph (+ MemoryPlan) → model.c / model.h implementing firmware/include/edgeq_model.h.

Steps:
1. `require_mcu_support` rejects unsupported operators/dtypes (nothing generated yet).
2. `arena_plan`: every emitter runs once without a plan to report its scratch bytes (and to raise on a
   variant it cannot run; a kernel that would write other than its output tensor's bytes is refused here),
   then the memory planner places tensors and scratch, an output over its input where the kernel declares
   how (`KernelCall.output_below_input`; a given plan replaces that one). `edgeq plan` shows
   this same plan.
3. Emitters run again with the plan; their const arrays are merged by name (a weight tensor read by two
   operators is emitted once) and rendered with the templates. Iteration follows operator and tensor
   indices, so the same graph always gives the same bytes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Mapping

import jinja2

from edgeq.codegen.ops import ALIAS_OPS, ConstArray, KernelCall, OpContext, activation_dtype, c_type, lookup
from edgeq.codegen.ops.common import c_float, c_int
from edgeq.errors import EdgeqError
from edgeq.ir import Graph, require_mcu_support
from edgeq.ir.resources import resource_variables

_DTYPE_ENUM = {"float32": "EDGEQ_DTYPE_FLOAT32", "int8": "EDGEQ_DTYPE_INT8", "uint8": "EDGEQ_DTYPE_UINT8",
               "int16": "EDGEQ_DTYPE_INT16", "int32": "EDGEQ_DTYPE_INT32"}
#: Element-wise kernels whose output element i reads only input element i: may run in place.
_INPLACE_CANDIDATES = frozenset({"ADD", "SUB", "MUL", "RELU", "RELU6", "LEAKY_RELU", "HARD_SWISH", "LOGISTIC",
                                 "TANH", "QUANTIZE", "DEQUANTIZE"})


@dataclass(frozen=True)
class GeneratedOp:
    index: int
    opcode: str
    function: str  # name of the static C function running it
    kernels: tuple[str, ...]  # empty for aliasing ops (no code)
    scratch_bytes: int
    declined: tuple[str, ...] = ()  # why faster variants did not run this op, one line each


@dataclass(frozen=True)
class GeneratedModel:
    files: Mapping[str, str]  # "model.c", "model.h"
    kernel_sources: tuple[str, ...]  # relative to firmware/kernels/, sorted
    arena_bytes: int
    weights_bytes: int
    ops: tuple[GeneratedOp, ...]
    plan: object  # edgeq.plan.MemoryPlan


@dataclass(frozen=True)
class ArenaPlan:
    """The arena `generate_model` plans, with what it is made of: `edgeq plan` and `edgeq build` show this one
    figure (activations placed greedily, element-wise ops in place, plus the kernels' scratch buffers)."""

    plan: object  # edgeq.plan.MemoryPlan
    scratch_bytes: Mapping[int, int]  # operator index -> its kernel's scratch buffer
    inplace_ops: frozenset[int]  # operators whose output shares their input's bytes
    # operator -> bytes its output must start below its input 0 to overlap it (the plan's `overlaps` are
    # the ones granted)
    output_overlaps: Mapping[int, int]


def arena_plan(graph: Graph) -> ArenaPlan:
    """The plan the generated C uses (MCU-supported graphs only: the kernels' scratch comes from the emitters)."""
    from edgeq.plan import plan_memory

    require_mcu_support(graph)
    sized = {op.index: _emit(graph, op, None) for op in graph.ops if graph.has_code(op)}
    scratch = {index: call.scratch_bytes for index, call in sized.items() if call.scratch_bytes > 0}
    inplace = _inplace_ops(graph) | {index for index, call in sized.items() if call.inplace}
    overlaps = {index: call.output_below_input for index, call in sized.items()
                if call.output_below_input is not None}
    plan = plan_memory(graph, scratch, inplace_ops=inplace, output_overlaps=overlaps)
    return ArenaPlan(plan, scratch, frozenset(inplace), MappingProxyType(overlaps))


def generate_model(graph: Graph, plan=None, name: str | None = None) -> GeneratedModel:
    require_mcu_support(graph)
    model_name = _c_name(name or graph.name or "model")
    planned = arena_plan(graph)  # every emitter runs once without a plan, also when a plan is given
    plan = planned.plan if plan is None else plan
    calls = {op.index: _emit(graph, op, plan) for op in graph.ops if graph.has_code(op)}

    arrays: dict[str, ConstArray] = {}
    for index in sorted(calls):
        for array in calls[index].arrays:
            known = arrays.get(array.name)
            if known is not None and not known.same_content(array):
                raise EdgeqError(f"internal error: two different const arrays named {array.name}",
                                 "please report this model")
            arrays.setdefault(array.name, array)

    ops = tuple(
        GeneratedOp(op.index, op.opcode, f"edgeq_op_{op.index}",
                    calls[op.index].kernels if op.index in calls else (),
                    calls[op.index].scratch_bytes if op.index in calls else 0,
                    calls[op.index].declined if op.index in calls else ())
        for op in graph.ops
    )
    kernel_sources = tuple(sorted({k for op in ops for k in op.kernels}))
    context = {
        "name": model_name,
        "sha256": graph.sha256,
        "arena_bytes": plan.arena_bytes,
        "arrays": [_render_array(arrays[key]) for key in sorted(arrays)],
        "ops": [{"index": op.index, "opcode": op.opcode, "function": op.function,
                 "statements": calls[op.index].statements if op.index in calls else ()} for op in ops],
        "inputs": [_tensor_info(graph, plan, i) for i in graph.inputs],
        "outputs": [_tensor_info(graph, plan, i) for i in graph.outputs],
        "state": [_state_info(graph, plan, i) for i in graph.variable_tensors]
        + [_resource_info(plan, variable) for variable in resource_variables(graph)],
    }
    files = {"model.c": _template("model.c.j2").render(context), "model.h": _template("model.h.j2").render(context)}
    return GeneratedModel(
        files=MappingProxyType(files),
        kernel_sources=kernel_sources,
        arena_bytes=int(plan.arena_bytes),
        weights_bytes=sum(a.nbytes for a in arrays.values()),
        ops=ops,
        plan=plan,
    )


def _emit(graph: Graph, op, plan) -> KernelCall:
    call = lookup(graph, op)(OpContext(graph, op, plan))
    if call.output_bytes is None:  # (also every op without outputs: ASSIGN_VARIABLE, CALL_ONCE)
        return call
    out = graph.tensors[op.outputs[0]]
    if call.output_bytes != out.nbytes:
        # the arena bound: a kernel writes exactly its output tensor's planned bytes, never past them
        raise EdgeqError(f"operator {op.index} ({op.opcode}): its kernel writes {call.output_bytes} bytes, the "
                         f"output tensor {out.index} '{out.name}' {out.shape} {out.dtype} holds {out.nbytes}",
                         "the model's shapes or types disagree with the operator; re-export it")
    return call


def _inplace_ops(graph: Graph) -> frozenset[int]:
    """Element-wise ops without broadcasting and with one output dtype size: safe to run in place."""
    chosen = set()
    for op in graph.ops:
        if op.opcode not in _INPLACE_CANDIDATES or activation_dtype(graph, op) not in ("int8", "float32"):
            continue
        out = graph.tensors[op.outputs[0]]
        inputs = [graph.tensors[i] for i in op.inputs if i >= 0]
        if all(t.shape == out.shape and t.nbytes == out.nbytes for t in inputs):
            chosen.add(op.index)
    return frozenset(chosen)


def _tensor_info(graph: Graph, plan, index: int) -> dict:
    tensor = graph.tensors[index]
    if tensor.dtype not in _DTYPE_ENUM:
        raise EdgeqError(f"model input/output '{tensor.name}' has type {tensor.dtype}",
                         "edgeq models take float32, int8, uint8, int16 or int32 inputs and outputs")
    scale, zero_point = (tensor.quant.scale[0], tensor.quant.zero_point[0]) if tensor.quant else (0.0, 0)
    return {"offset": plan.offset_of(index), "bytes": tensor.nbytes, "dtype": _DTYPE_ENUM[tensor.dtype],
            "ctype": c_type(tensor.dtype), "scale": c_float(scale), "zero_point": c_int(zero_point)}


def _state_info(graph: Graph, plan, index: int) -> dict:
    """A variable tensor as edgeq_model_reset() restores it: TFLM's ResetVariableTensors fills int8 tensors
    with their zero point and every other type with zero bytes."""
    tensor = graph.tensors[index]
    fill = tensor.quant.zero_point[0] if tensor.dtype == "int8" and tensor.quant else 0
    return {"offset": plan.offset_of(index), "bytes": tensor.nbytes, "fill": int(fill), "index": index,
            "name": re.sub(r"[^A-Za-z0-9_.:/-]", "_", tensor.name)[:60]}


def _resource_info(plan, variable) -> dict:
    """A resource variable's bytes, zeroed at start and by edgeq_model_reset() as TFLM's ResetAll does."""
    return {"offset": plan.offset_of(variable.handles[0]), "bytes": variable.nbytes, "fill": 0,
            "index": variable.handles[0], "name": re.sub(r"[^A-Za-z0-9_.:/-]", "_", variable.key)[:60]}


def _render_array(array: ConstArray) -> dict:
    if array.ctype == "float":
        literals = [c_float(v) for v in array.values.tolist()]
    else:
        literals = [c_int(v) for v in array.values.tolist()]
    per_line = 16 if array.ctype != "float" else 8
    lines = [", ".join(literals[i:i + per_line]) for i in range(0, len(literals), per_line)]
    return {"name": array.name, "ctype": array.ctype, "count": max(len(literals), 1), "lines": lines or ["0"]}


def _c_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text) or "model"


@lru_cache(maxsize=None)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True,
                              lstrip_blocks=True, autoescape=False)


def _template(name: str) -> jinja2.Template:
    text = resources.files("edgeq.codegen").joinpath("templates", name).read_text(encoding="utf-8")
    return _environment().from_string(text)


__all__ = ["GeneratedModel", "GeneratedOp", "generate_model"]
