"""Multiply-accumulate counts, the usual convention of MLPerf Tiny and the CMSIS-NN literature:
only operators with weights count (convolutions and fully-connected); element-wise ops, pooling and
activations count zero. Bias additions are not MACs.
"""
from __future__ import annotations

import math

from edgeq.ir.graph import Graph, Op


def op_macs(graph: Graph, op: Op) -> int:
    if op.opcode in ("CONV_2D", "DEPTHWISE_CONV_2D", "TRANSPOSE_CONV", "CONV_3D"):
        return _conv_macs(graph, op)
    if op.opcode == "FULLY_CONNECTED":
        weights = graph.tensors[op.inputs[1]]
        out = graph.tensors[op.outputs[0]]
        return out.num_elements * int(weights.shape[-1])
    if op.opcode == "BATCH_MATMUL":
        out = graph.tensors[op.outputs[0]]
        lhs = graph.tensors[op.inputs[0]]
        inner = lhs.shape[-2] if op.options.get("adj_x") else lhs.shape[-1]
        return out.num_elements * int(inner)
    return 0


def _conv_macs(graph: Graph, op: Op) -> int:
    out = graph.tensors[op.outputs[0]]
    if op.opcode == "TRANSPOSE_CONV":  # inputs: output_shape, weights [O,H,W,I], input
        weights = graph.tensors[op.inputs[1]]
        src = graph.tensors[op.inputs[2]]
        return src.num_elements // src.shape[-1] * math.prod(weights.shape)
    weights = graph.tensors[op.inputs[1]]
    if op.opcode == "DEPTHWISE_CONV_2D":  # weights [1, H, W, C*M]: one input channel per output channel
        return out.num_elements * int(weights.shape[1] * weights.shape[2])
    # CONV_2D weights [O, H, W, I] (CONV_3D [D, H, W, I, O]): each output element needs H*W*I MACs.
    per_output = math.prod(weights.shape) // int(out.shape[-1])
    return out.num_elements * per_output


def total_macs(graph: Graph) -> int:
    return sum(op_macs(graph, op) for op in graph.ops)
