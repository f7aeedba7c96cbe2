"""Find degenerate quantization in a converted model and name the layer (pure: flatbuffer schema, no TensorFlow).

When calibration drives a tensor to (almost) exactly zero — all-zero calibration data, or an untrained model
whose activations are ~1e-10 — the TFLite converter still quantizes it, with a placeholder range about 2e-6
wide (int8 scale ~7.8e-9). Such a model maps every input to the same output, and some kernels cannot even
prepare it (LiteRT aborts in MEAN's multiplier computation), which used to surface as "converter crash".
`degenerate_tensors(model)` lists every such tensor in operator order, so the error can name the first layer.

Rule: a quantized (integer) graph input or operator output whose scale is not a finite positive number, or
whose whole integer range spans less than `RANGE_FLOOR` in real units.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

RANGE_FLOOR = 1e-5
_LEVELS = {"INT8": 255, "UINT8": 255, "INT16": 65535, "INT32": 2**32 - 1}


@dataclass(frozen=True)
class DegenerateTensor:
    where: str          # "MEAN (operator 3)" or "model input"
    tensor: str
    scale: float
    levels: int

    @property
    def span(self) -> float:
        return self.scale * self.levels if math.isfinite(self.scale) else math.nan

    def describe(self) -> str:
        return (f"{self.where}, tensor '{self.tensor}': scale {self.scale:.3g}, so its whole integer range "
                f"covers {self.span:.3g} in real units")


def degenerate_tensors(model: bytes) -> tuple[DegenerateTensor, ...]:
    """Degenerate quantized tensors of the first subgraph, inputs first, then operator outputs in order.
    Returns () for a model the schema cannot read (the caller's own error path reports that)."""
    from ai_edge_litert import schema_py_generated as schema

    try:
        m = schema.ModelT.InitFromPackedBuf(bytes(model), 0)
        graph = m.subgraphs[0]
    except Exception:  # noqa: BLE001 - any unreadable buffer: nothing to audit
        return ()
    op_names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    type_names = {v: k for k, v in vars(schema.TensorType).items() if not k.startswith("_")}
    found: list[DegenerateTensor] = []
    seen: set[int] = set()

    def check(index: int, where: str) -> None:
        if index < 0 or index >= len(graph.tensors or ()) or index in seen:
            return
        seen.add(index)
        tensor = graph.tensors[index]
        levels = _LEVELS.get(type_names.get(tensor.type, ""))
        q = tensor.quantization
        if levels is None or q is None or q.scale is None or len(q.scale) == 0:
            return
        for scale in q.scale:
            scale = float(scale)
            if not (math.isfinite(scale) and scale > 0 and scale * levels >= RANGE_FLOOR):
                name = tensor.name.decode() if isinstance(tensor.name, bytes) else str(tensor.name)
                found.append(DegenerateTensor(where, name, scale, levels))
                return

    for index in (graph.inputs if graph.inputs is not None else ()):
        check(int(index), "model input")
    for number, op in enumerate(graph.operators or ()):
        code = m.operatorCodes[op.opcodeIndex]
        builtin = max(code.builtinCode, code.deprecatedBuiltinCode)
        for index in (op.outputs if op.outputs is not None else ()):
            check(int(index), f"{op_names.get(builtin, f'operator code {builtin}')} (operator {number})")
    return tuple(found)
