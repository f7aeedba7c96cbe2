"""What edgeq's microcontroller runtime can run: the operator/dtype table shared by `inspect`, `plan`
and `build`, and the checks that explain a refusal before anything is generated.

The table (`supported_ops()`) lists, per builtin operator, the activation dtypes the C kernels in
firmware/kernels implement; it is derived from the code generator's emitter registry, never kept by hand.
Weights must suit the activations (int8 weights for int8 and for int16 activations, float32 for float32);
int4 weights are accepted where TFLite Micro accepts them (CONV_2D, int8 activations), so results stay
checkable against it. int16 activations (int16x8 models) come with int64 biases.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from edgeq.errors import EdgeqError
from edgeq.ir.graph import ALIAS_OPS, Graph, Op

#: Dtypes an alias operator (RESHAPE, SQUEEZE, EXPAND_DIMS) passes through: it has no code of its own.
_ALIAS_DTYPES = frozenset({"int8", "int16", "float32"})


def supported_ops() -> Mapping[str, frozenset[str]]:
    """Operator → activation dtypes the MCU runtime runs, derived from the code generator's emitter
    registry (the one list; `edgeq ops` prints it) plus the alias operators, which have no code."""
    from edgeq.codegen.ops import registered  # lazy: the IR does not need codegen to parse a model

    table: dict[str, set[str]] = {opcode: set(_ALIAS_DTYPES) for opcode in ALIAS_OPS}
    for opcode, dtype in registered():
        table.setdefault(opcode, set()).add(dtype)
    return MappingProxyType({opcode: frozenset(dtypes) for opcode, dtypes in sorted(table.items())})


# Operators whose second input holds weights; float activations with integer weights make a hybrid op.
# (BATCH_MATMUL is not here: its right-hand side has the activations' type, constant or not.)
_WEIGHTED = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "TRANSPOSE_CONV",
             "UNIDIRECTIONAL_SEQUENCE_LSTM", "SVDF", "EMBEDDING_LOOKUP")

# Weighted operators whose third input is the bias (an LSTM's is a weight tensor, an SVDF's the time weights).
_BIAS_THIRD = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED")  # TRANSPOSE_CONV's third is its input


@dataclass(frozen=True)
class SupportIssue:
    op_index: int  # -1 for model-level issues
    opcode: str
    reason: str
    hint: str

    def describe(self) -> str:
        where = f"operator {self.op_index} ({self.opcode})" if self.op_index >= 0 else "model"
        return f"{where}: {self.reason}"


def activation_dtype(graph: Graph, op: Op) -> str:
    """The dtype the op computes in: its first non-constant input (QUANTIZE/DEQUANTIZE: the input side).
    The emitter registry is keyed by it."""
    for i in op.inputs:
        if i >= 0 and not graph.tensors[i].is_constant:
            return graph.tensors[i].dtype
    return graph.tensors[op.outputs[0]].dtype if op.outputs else "none"  # e.g. CALL_ONCE: no tensors


def _op_issue(graph: Graph, op: Op) -> SupportIssue | None:
    if op.opcode not in ALIAS_OPS and not graph.has_code(op):
        return None  # its outputs were computed at parse time (edgeq.ir.fold)
    dtype = activation_dtype(graph, op)
    if op.opcode in _WEIGHTED and dtype == "float32" and len(op.inputs) > 1 and op.inputs[1] >= 0:
        weights = graph.tensors[op.inputs[1]]
        if weights.dtype in ("int8", "uint8", "int4"):
            return SupportIssue(
                op.index, op.opcode,
                f"hybrid (dynamic-range) operator: {weights.dtype} weights with float32 activations; "
                "TFLite Micro and edgeq's MCU runtime run only full-integer or float operators",
                "convert with `edgeq convert --mode int8` (full-integer) or `--mode fp32`",
            )
    if op.opcode == "DEQUANTIZE" and op.inputs and graph.tensors[op.inputs[0]].dtype == "float16":
        return SupportIssue(
            op.index, op.opcode, "float16 weights (dequantized at runtime) are not supported on microcontrollers",
            "convert with `--mode int8` for MCUs; float16 suits GPUs and phones",
        )
    table = supported_ops()
    supported = table.get(op.opcode)
    if supported is None:
        return SupportIssue(
            op.index, op.opcode, f"operator {op.opcode} is not supported by edgeq's MCU runtime",
            "supported operators: " + ", ".join(sorted(table)) + " (`edgeq ops` prints the table)",
        )
    if dtype not in supported:
        return SupportIssue(
            op.index, op.opcode, f"{op.opcode} with {dtype} activations is not supported "
            f"(supported: {', '.join(sorted(supported))})",
            "convert with `--mode int8` (or `--mode fp32`)",
        )
    if op.opcode == "QUANTIZE" and op.outputs:
        from edgeq.codegen.ops.quantize_ops import quantize_refusal  # the emitters' own rule: one source

        why = quantize_refusal(dtype, graph.tensors[op.outputs[0]].dtype)
        if why is not None:
            return SupportIssue(op.index, op.opcode, why, "convert with `--mode int8` or `--mode int16x8`")
    if op.opcode in _WEIGHTED and len(op.inputs) > 1 and op.inputs[1] >= 0:
        weights = graph.tensors[op.inputs[1]]
        expected = {"int8": ("int8", "int4") if op.opcode == "CONV_2D" else ("int8",), "int16": ("int8",),
                    "float32": ("float32",)}
        if weights.dtype not in expected.get(dtype, ()):
            why = {"int8": "TFLite Micro accepts int4 weights only in CONV_2D",
                   "int16": "int16 activations need int8 weights"}.get(dtype, f"{dtype} activations need "
                                                                       f"{dtype} weights")
            return SupportIssue(
                op.index, op.opcode, f"{weights.dtype} weights with {dtype} activations are not supported ({why})",
                "convert with `--mode int8`" if dtype != "int16" else "convert with `--mode int16x8`",
            )
        if dtype == "int16" and op.opcode in _BIAS_THIRD and len(op.inputs) > 2 and op.inputs[2] >= 0:
            bias = graph.tensors[op.inputs[2]].dtype
            if bias != "int64":
                return SupportIssue(
                    op.index, op.opcode, f"{bias} bias with int16 activations is not supported "
                    "(edgeq's int16 kernels take int64 biases, the converter's default for int16x8)",
                    "convert with `edgeq convert --mode int16x8`",
                )
    return None


def mcu_support(graph: Graph) -> tuple[SupportIssue, ...]:
    """Every reason the MCU runtime cannot run this graph; empty when it can."""
    issues = [issue for op in graph.ops if (issue := _op_issue(graph, op)) is not None]
    for i in graph.inputs + graph.outputs:
        t = graph.tensors[i]
        if any(d <= 0 for d in t.shape):
            issues.append(SupportIssue(-1, "-", f"tensor '{t.name}' has a dynamic shape {t.shape}",
                                       "convert with a fixed batch size of 1 (`edgeq convert` does this)"))
    return tuple(issues)


def require_mcu_support(graph: Graph) -> None:
    """Raise one EdgeqError listing every unsupported operator, before any file is written."""
    issues = mcu_support(graph)
    if issues:
        lines = "\n  ".join(issue.describe() for issue in issues)
        raise EdgeqError(f"the MCU runtime cannot run this model:\n  {lines}", issues[0].hint)
