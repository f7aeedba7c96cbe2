"""The intermediate representation: one subgraph of a .tflite model, immutable.

Contract: tensor and operator indices are the ones in the .tflite file; `Op.inputs` uses -1 for an absent
optional input (e.g. a convolution without bias), as TFLite does. Constant tensors carry their data as a
read-only numpy array already shaped and typed (int4 is unpacked to one int8 per element).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

#: Operators that only change a tensor's shape: their output shares the input's bytes (the planner's
#: rule), so they have no emitter and no code.
ALIAS_OPS = frozenset({"RESHAPE", "SQUEEZE", "EXPAND_DIMS"})


@dataclass(frozen=True)
class QuantParams:
    """Affine quantization: real = scale * (q - zero_point); per-channel along `axis` when len(scale) > 1."""

    scale: tuple[float, ...]
    zero_point: tuple[int, ...]
    axis: int = 0

    @property
    def per_channel(self) -> bool:
        return len(self.scale) > 1


@dataclass(frozen=True)
class Tensor:
    index: int
    name: str
    shape: tuple[int, ...]
    dtype: str  # numpy-style name: "int8", "int16", "int32", "float32", "float16", "uint8", "int4", ...
    quant: QuantParams | None
    data: np.ndarray | None = field(default=None, compare=False, repr=False)
    is_variable: bool = False

    @property
    def is_constant(self) -> bool:
        return self.data is not None

    @property
    def num_elements(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) if self.shape else 1

    @property
    def nbytes(self) -> int:
        """Bytes this tensor occupies at runtime (int4 packed two per byte, as TFLite stores it)."""
        if self.dtype == "int4":
            return (self.num_elements + 1) // 2
        return self.num_elements * DTYPE_SIZES.get(self.dtype, 0)


DTYPE_SIZES: Mapping[str, int] = MappingProxyType({
    "float32": 4, "float16": 2, "bfloat16": 2, "float64": 8, "int32": 4, "uint32": 4, "int64": 8,
    "uint64": 8, "int16": 2, "uint16": 2, "int8": 1, "uint8": 1, "bool": 1,
})


@dataclass(frozen=True)
class Op:
    index: int
    opcode: str  # builtin name, e.g. "CONV_2D", or "CUSTOM:<name>"
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), compare=False)


@dataclass(frozen=True)
class Graph:
    tensors: tuple[Tensor, ...]
    ops: tuple[Op, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    name: str = ""
    metadata: Mapping[str, bytes] = field(default_factory=lambda: MappingProxyType({}), compare=False)
    sha256: str = ""  # of the source .tflite bytes
    source_bytes: int = 0
    # The model's other subgraphs (control-flow bodies such as a WHILE's cond and body) by their index in the
    # file; parsed for counting (MACs, weights) only, not verified or run.
    subgraphs: Mapping[int, "Graph"] = field(default_factory=lambda: MappingProxyType({}), compare=False)

    def tensor(self, index: int) -> Tensor:
        return self.tensors[index]

    def op_inputs(self, op: Op) -> tuple[Tensor | None, ...]:
        return tuple(None if i < 0 else self.tensors[i] for i in op.inputs)

    def op_outputs(self, op: Op) -> tuple[Tensor, ...]:
        return tuple(self.tensors[i] for i in op.outputs)

    def has_code(self, op: Op) -> bool:
        """Whether the operator runs at inference: not an alias (ALIAS_OPS), not one whose outputs were all
        computed at parse time (edgeq.ir.fold)."""
        return op.opcode not in ALIAS_OPS and not (op.outputs and all(
            i >= 0 and self.tensors[i].is_constant for i in op.outputs))

    @property
    def variable_tensors(self) -> tuple[int, ...]:
        """Indices of the variable tensors operators use (TFLite's `is_variable`: recurrent state such as an
        LSTM's hidden and cell state or an SVDF's memory). Their bytes persist across inferences; TFLM sets
        them to the zero point (int8) or 0 (other types) at start and on `reset_all_variables`."""
        used = {i for op in self.ops for i in op.inputs + op.outputs if i >= 0}
        return tuple(t.index for t in self.tensors if t.is_variable and t.index in used)

    @property
    def stateful(self) -> bool:
        """Whether an inference depends on the ones before it: variable tensors or resource variables
        (VAR_HANDLE). Comparisons with TFLM reset such a model before every independent sample."""
        return bool(self.variable_tensors) or any(op.opcode == "VAR_HANDLE" for op in self.ops)

    @property
    def weight_bytes(self) -> int:
        """Bytes of constant tensors referenced by operators (what the model stores besides activations)."""
        used = {i for op in self.ops for i in op.inputs if i >= 0}
        return sum(t.nbytes for t in self.tensors if t.is_constant and t.index in used)
