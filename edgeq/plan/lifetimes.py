"""Tensor lifetimes: which buffers the arena must hold, and during which operators.

Contract:
- Every non-constant tensor an operator reads or writes needs arena space, from the operator that
  produces it (graph inputs: from operator 0) to the last operator that reads it (graph outputs: to the
  last operator, so results survive `invoke`).
- Reshape-like operators (`ALIAS_OPS`) change only the shape: their output shares the input's bytes,
  so input and output form one buffer whose lifetime is the union of both.
- In-place operators (chosen by the code generator: element-wise kernels whose output element i
  depends only on input elements i) may write over an input of the same size whose last reader they
  are; the output then joins that input's buffer. Graph inputs are never overwritten (the host loads an
  input once and may run it many times) and graph outputs never join a buffer that is reused.
- Variable tensors (recurrent state, `Graph.variable_tensors`) live from the first operator to the last:
  no other buffer ever shares their bytes, so the state one inference leaves is what the next one reads.
  Like graph inputs, they are never overwritten by an in-place operator.
- Resource variables (`edgeq.ir.resources`) are persistent the same way: all VAR_HANDLE outputs naming one
  variable share one buffer holding its value (the handle tensors themselves have no bytes).
- A kernel's scratch space is a buffer living only during its own operator.
Lifetimes are inclusive operator-index intervals; two buffers may share bytes only if their intervals
are disjoint, or as an operator's output over its input where its kernel allows it (`overlap.py`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import AbstractSet, Mapping

from edgeq.ir.graph import ALIAS_OPS, Graph
from edgeq.ir.resources import resource_variables


@dataclass(frozen=True)
class Buffer:
    """One arena allocation: the tensors sharing it (first is the root), or an operator's scratch."""

    key: str  # "t<root tensor index>" or "s<op index>"
    tensors: tuple[int, ...]
    size: int
    first_op: int
    last_op: int

    def lives_with(self, other: "Buffer") -> bool:
        return self.first_op <= other.last_op and other.first_op <= self.last_op


def alias_roots(graph: Graph, inplace_ops: AbstractSet[int] = frozenset()) -> dict[int, int]:
    """Map each aliased or in-place tensor to the tensor whose bytes it uses (absent: its own bytes)."""
    last_reader: dict[int, int] = {}
    for op in graph.ops:
        for tensor in op.inputs:
            last_reader[tensor] = op.index
    end = len(graph.ops)
    for tensor in graph.outputs:
        last_reader[tensor] = end
    protected = set(graph.inputs) | set(graph.variable_tensors)
    root: dict[int, int] = {}
    group_last: dict[int, int] = {}

    def group_of(tensor: int) -> int:
        return root.get(tensor, tensor)

    def join(tensor: int, into: int) -> None:
        root[tensor] = into
        group_last[into] = max(group_last.get(into, last_reader.get(into, -1)), last_reader.get(tensor, -1))
        if into in protected:
            protected.add(tensor)

    for op in graph.ops:
        if not op.inputs or not op.outputs:
            continue
        if op.opcode in ALIAS_OPS and not graph.tensors[op.inputs[0]].is_constant:
            join(op.outputs[0], group_of(op.inputs[0]))
        elif op.index in inplace_ops:
            out = graph.tensors[op.outputs[0]]
            for tensor in op.inputs:
                if tensor < 0 or graph.tensors[tensor].is_constant or graph.tensors[tensor].nbytes != out.nbytes:
                    continue
                r = group_of(tensor)
                if r in protected or group_last.get(r, last_reader.get(r, -1)) != op.index:
                    continue
                join(op.outputs[0], r)
                break
    return root


def buffers_for(graph: Graph, scratch_bytes: Mapping[int, int] | None = None,
                inplace_ops: AbstractSet[int] = frozenset()) -> tuple[Buffer, ...]:
    """The buffers of a graph, in a deterministic order (by root tensor index, then scratch by op)."""
    roots = alias_roots(graph, inplace_ops)
    resources = resource_variables(graph)
    for variable in resources:
        roots.update({handle: variable.handles[0] for handle in variable.handles[1:]})
    storage = {variable.handles[0]: variable.nbytes for variable in resources}
    last_index = max(len(graph.ops) - 1, 0)
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    members: dict[int, list[int]] = {}

    def touch(tensor: int, op_index: int) -> None:
        if tensor < 0 or graph.tensors[tensor].is_constant:
            return
        r = roots.get(tensor, tensor)
        first[r] = min(first.get(r, op_index), op_index)
        last[r] = max(last.get(r, op_index), op_index)
        group = members.setdefault(r, [r])
        if tensor not in group:
            group.append(tensor)

    for tensor in graph.inputs:
        touch(tensor, 0)
    for op in graph.ops:
        for tensor in op.inputs + op.outputs:
            touch(tensor, op.index)
    for tensor in graph.outputs:
        touch(tensor, last_index)
    for tensor in graph.variable_tensors + tuple(storage):  # persistent state: alive during every operator
        touch(tensor, 0)
        touch(tensor, last_index)

    buffers = [
        Buffer(
            key=f"t{r}",
            tensors=tuple(members[r]),
            size=max([storage.get(r, 0)] + [graph.tensors[t].nbytes for t in members[r]]),
            first_op=first[r],
            last_op=last[r],
        )
        for r in sorted(first)
    ]
    for op_index, size in sorted((scratch_bytes or {}).items()):
        if size > 0:
            buffers.append(Buffer(key=f"s{op_index}", tensors=(), size=int(size), first_op=op_index, last_op=op_index))
    return tuple(buffers)
