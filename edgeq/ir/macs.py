"""Multiply-accumulate counts, the usual convention of MLPerf Tiny and the CMSIS-NN literature:
only operators with weights count (convolutions and fully-connected); element-wise ops, pooling and
activations count zero. Bias additions are not MACs.

Operators the verifier has shape rules for (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED) arrive with the
ranks counted on here; for the others (TRANSPOSE_CONV, CONV_3D, BATCH_MATMUL) an absent input or an
unexpected rank counts 0 MACs rather than guessing.
"""
from __future__ import annotations

import math

from edgeq.ir.graph import Graph, Op, Tensor

# operator -> (input index, rank) of every tensor its count reads
_NEEDS = {
    "CONV_2D": ((1, 4),), "DEPTHWISE_CONV_2D": ((1, 4),), "CONV_3D": ((1, 5),),
    "TRANSPOSE_CONV": ((1, 4), (2, 4)), "FULLY_CONNECTED": ((1, 2),), "BATCH_MATMUL": ((0, None),),
}


def _input(graph: Graph, op: Op, k: int) -> Tensor | None:
    index = op.inputs[k] if k < len(op.inputs) else -1
    return graph.tensors[index] if 0 <= index < len(graph.tensors) else None


def op_macs(graph: Graph, op: Op) -> int:
    needs = _NEEDS.get(op.opcode)
    if needs is None or not op.outputs:
        return 0
    for k, rank in needs:
        tensor = _input(graph, op, k)
        if tensor is None or (rank is not None and len(tensor.shape) != rank) or not tensor.shape:
            return 0
    out = graph.tensors[op.outputs[0]]
    weights = _input(graph, op, 1)
    if op.opcode == "FULLY_CONNECTED":
        return out.num_elements * int(weights.shape[-1])
    if op.opcode == "BATCH_MATMUL":
        lhs = _input(graph, op, 0)
        inner = lhs.shape[-2] if op.options.get("adj_x") and len(lhs.shape) > 1 else lhs.shape[-1]
        return out.num_elements * int(inner)
    if op.opcode == "TRANSPOSE_CONV":  # inputs: output_shape, weights [O,H,W,I], input
        src = _input(graph, op, 2)
        return src.num_elements // max(src.shape[-1], 1) * math.prod(weights.shape)
    if op.opcode == "DEPTHWISE_CONV_2D":  # weights [1, H, W, C*M]: one input channel per output channel
        return out.num_elements * int(weights.shape[1] * weights.shape[2])
    # CONV_2D weights [O, H, W, I] (CONV_3D [D, H, W, I, O]): each output element needs H*W*I MACs.
    if not out.shape or out.shape[-1] <= 0:
        return 0
    return out.num_elements * (math.prod(weights.shape) // int(out.shape[-1]))


def total_macs(graph: Graph) -> int:
    return sum(op_macs(graph, op) for op in graph.ops)
