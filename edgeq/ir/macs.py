"""Multiply-accumulate counts, the usual convention of MLPerf Tiny and the CMSIS-NN literature:
only operators with weights count (convolutions and fully-connected); element-wise ops, pooling and
activations count zero. Bias additions are not MACs.

Operators the verifier has shape rules for (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED) arrive with the
ranks counted on here; for the others (TRANSPOSE_CONV, CONV_3D, BATCH_MATMUL) an absent input or an
unexpected rank counts 0 MACs rather than guessing.

Recurrent operators, as in the peer table (shared/benchmarks/peer_tflm_cmsis_nn.md): LSTM = T·(4·units·in +
4·units²) per batch (every present gate weight matrix once per time step, plus a projection), SVDF =
filters·(in + memory) per batch. A WHILE counts its body subgraph × the trip count when the loop is a
counter running from a constant to a constant (`while_trips`); otherwise its count is unknown
(`unknown_macs`) and `op_macs` gives 0 for it.
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
    if op.opcode in _LOOPED:
        return _LOOPED[op.opcode](graph, op)
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


_LSTM_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 16)  # input->gate (4), recurrent->gate (4), projection; absent: -1


def _lstm_macs(graph: Graph, op: Op) -> int:
    x = _input(graph, op, 0)
    if x is None or len(x.shape) != 3 or x.shape[-1] <= 0:
        return 0
    steps_and_batch = x.num_elements // int(x.shape[-1])  # [batch, T, in] or time-major [T, batch, in]
    weights = (_input(graph, op, k) for k in _LSTM_WEIGHTS)
    return steps_and_batch * sum(w.num_elements for w in weights if w is not None)


def _svdf_macs(graph: Graph, op: Op) -> int:
    """inputs: x [batch, in], weights_feature [filters, in], weights_time [filters, memory]."""
    x, feature, time = (_input(graph, op, k) for k in range(3))
    if x is None or feature is None or time is None or len(x.shape) != 2:
        return 0
    return int(x.shape[0]) * (feature.num_elements + time.num_elements)


def _while_macs(graph: Graph, op: Op) -> int:
    trips = while_trips(graph, op)
    body = graph.subgraphs.get(int(op.options.get("body_subgraph_index", -1)))
    return 0 if trips is None or body is None else trips * total_macs(body)


_LOOPED = {"UNIDIRECTIONAL_SEQUENCE_LSTM": _lstm_macs, "SVDF": _svdf_macs, "WHILE": _while_macs}


def _scalar(graph: Graph, index: int) -> int | None:
    t = graph.tensors[index] if 0 <= index < len(graph.tensors) else None
    if t is None or t.data is None or t.num_elements != 1 or t.dtype not in ("int32", "int64"):
        return None
    return int(t.data.reshape(-1)[0])


def while_trips(graph: Graph, op: Op) -> int | None:
    """The static trip count of a WHILE whose condition is `var < limit` (or a LOGICAL_AND of such) for loop
    variables that start at a constant and grow by a constant in the body; None when it is not static."""
    cond = graph.subgraphs.get(int(op.options.get("cond_subgraph_index", -1)))
    body = graph.subgraphs.get(int(op.options.get("body_subgraph_index", -1)))
    if cond is None or body is None or len(cond.outputs) != 1:
        return None
    producers = {out: o for o in cond.ops for out in o.outputs}

    def trips(index: int) -> int | None:
        node = producers.get(index)
        if node is None:
            return None
        if node.opcode == "LOGICAL_AND":
            counts = [trips(i) for i in node.inputs]
            return None if None in counts else min(counts)
        if node.opcode != "LESS" or len(node.inputs) != 2 or node.inputs[0] not in cond.inputs:
            return None
        var = cond.inputs.index(node.inputs[0])
        if var >= len(op.inputs):
            return None
        limit, start, step = _scalar(cond, node.inputs[1]), _scalar(graph, op.inputs[var]), _increment(body, var)
        if limit is None or start is None or step is None or step <= 0:
            return None
        return max(0, -(-(limit - start) // step))

    return trips(cond.outputs[0])


def _increment(body: Graph, var: int) -> int | None:
    """The constant the body adds to loop variable `var` (body output `var` = ADD(body input `var`, c))."""
    if var >= len(body.inputs) or var >= len(body.outputs):
        return None
    for o in body.ops:
        if o.opcode == "ADD" and body.outputs[var] in o.outputs and body.inputs[var] in o.inputs:
            other = [i for i in o.inputs if i != body.inputs[var]]
            return _scalar(body, other[0]) if len(other) == 1 else None
    return None


def unknown_macs(graph: Graph) -> tuple[int, ...]:
    """Indices of the operators whose MACs are not known statically: a WHILE without a static trip count, or
    one whose body holds such a loop."""
    unknown = []
    for op in graph.ops:
        if op.opcode == "WHILE":
            body = graph.subgraphs.get(int(op.options.get("body_subgraph_index", -1)))
            if while_trips(graph, op) is None or body is None or unknown_macs(body):
                unknown.append(op.index)
    return tuple(unknown)


def total_macs(graph: Graph) -> int:
    return sum(op_macs(graph, op) for op in graph.ops)
