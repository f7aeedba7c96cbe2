""".tflite models in a sweep: already converted, so each is measured as it is (pure).

A .tflite has no conversion step and can be only what its file is. Its mode is the one edgeq recorded when it
converted it (`edgeq_provenance`, which also knows qat and mixed), else it is read from the tensors:
  float activations: float16 weights → fp16; int8/int4 weights → dynamic; else fp32;
  integer activations: int4 weights → int4; int16 and int8 activations → mixed; int16 only → int16x8;
  else int8.
An operator's activation type is that of its first computed input, what it calculates in (QUANTIZE and
DEQUANTIZE, which only change the type at the edges of a model or between its parts, do not count; neither
does an int8 SOFTMAX's int16 output).
Of the modes a user asks for, the file's own mode is measured and every other is refused with the reason;
when --modes leaves the file's own mode out, every cell is refused and the hint names the mode to add.
"""
from __future__ import annotations

import json
from pathlib import Path

from edgeq.ir import Graph
from edgeq.sweep.plan import ALL_MODES, ModeDecision

_EDGE_OPS = frozenset({"QUANTIZE", "DEQUANTIZE"})


def is_tflite(model: Path) -> bool:
    return model.suffix.lower() == ".tflite"


def own_mode(graph: Graph) -> str:
    """The quantization mode `graph` already is (one of `ALL_MODES`)."""
    recorded = _recorded_mode(graph)
    if recorded is not None:
        return recorded
    activations: set[str] = set()
    weights: set[str] = set()
    for op in graph.ops:
        if op.opcode in _EDGE_OPS:
            continue
        inputs = [graph.tensors[i] for i in op.inputs if i >= 0]
        activations.update(t.dtype for t in inputs[:1] if not t.is_constant)
        weights.update(t.dtype for t in inputs if t.is_constant)
    if "float32" in activations:
        if any(t.is_constant and t.dtype == "float16" for t in graph.tensors):  # dequantized at load
            return "fp16"
        return "dynamic" if weights & {"int8", "int4"} else "fp32"
    if "int4" in weights:
        return "int4"
    if "int16" in activations:
        return "mixed" if "int8" in activations else "int16x8"
    return "int8"


def _recorded_mode(graph: Graph) -> str | None:
    raw = graph.metadata.get("edgeq_provenance")
    if not raw:
        return None
    try:
        mode = json.loads(raw.decode("utf-8")).get("mode")
    except (UnicodeDecodeError, ValueError, AttributeError):
        return None
    return mode if mode in ALL_MODES else None


def plan_tflite_modes(modes: tuple[str, ...], own: str, name: str) -> tuple[ModeDecision, ...]:
    """One decision per asked mode: the file's own mode runs, every other mode is refused with the reason."""
    if own not in modes:
        return tuple(ModeDecision(mode, False, f"{name} is already converted ({own}) and --modes leaves {own} out",
                                  f"add {own} to --modes to measure it") for mode in modes)
    return tuple(ModeDecision(mode, True) if mode == own else ModeDecision(
        mode, False, f"{name} is already converted ({own}): a .tflite is measured as it is; only Keras models "
                     f"are converted", "give the Keras model to sweep the other modes") for mode in modes)
