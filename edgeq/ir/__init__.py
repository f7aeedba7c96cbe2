"""Parsed .tflite models as frozen dataclasses, without TensorFlow.

`parse(path_or_bytes) -> Graph`; `op_macs(graph, op)` / `total_macs(graph)`; `mcu_support(graph)` says what
the microcontroller runtime can run (shared by `inspect`, `plan` and `build`).
"""
from edgeq.ir.graph import Graph, Op, QuantParams, Tensor
from edgeq.ir.macs import op_macs, total_macs
from edgeq.ir.parse import parse
from edgeq.ir.support import SupportIssue, mcu_support, require_mcu_support

__all__ = [
    "Graph", "Op", "QuantParams", "Tensor", "parse", "op_macs", "total_macs",
    "SupportIssue", "mcu_support", "require_mcu_support",
]
