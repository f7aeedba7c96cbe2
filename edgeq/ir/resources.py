"""Resource variables (VAR_HANDLE / READ_VARIABLE / ASSIGN_VARIABLE, initialised by a CALL_ONCE subgraph).

TFLite Micro keys a resource variable by its VAR_HANDLE's (container, shared_name) across all subgraphs and
gives it one persistent buffer, sized by the first tensor assigned to it and zeroed at start and by
`reset_all_variables` (MicroResourceVariables). `resource_variables(graph)` collects them for the planner
(one persistent arena buffer each, found through the main graph's handle tensors) and the code generator.
"""
from __future__ import annotations

from dataclasses import dataclass

from edgeq.errors import EdgeqError
from edgeq.ir.graph import Graph, Tensor


@dataclass(frozen=True)
class ResourceVariable:
    key: str  # "container/shared_name"
    dtype: str
    nbytes: int
    handles: tuple[int, ...]  # the main graph's VAR_HANDLE output tensors for it (the first holds its bytes)


def variable_key(options) -> str:
    return f"{options.get('container') or ''}/{options.get('shared_name') or ''}"


def _values(graph: Graph) -> list[tuple[str, Tensor]]:
    """(variable key, value tensor) of every READ_VARIABLE output and ASSIGN_VARIABLE value in `graph`."""
    handles = {op.outputs[0]: variable_key(op.options) for op in graph.ops if op.opcode == "VAR_HANDLE"}
    found = []
    for op in graph.ops:
        if op.opcode == "READ_VARIABLE" and op.inputs and op.outputs:
            found.append((handles.get(op.inputs[0], "?"), graph.tensors[op.outputs[0]]))
        elif op.opcode == "ASSIGN_VARIABLE" and len(op.inputs) == 2:
            found.append((handles.get(op.inputs[0], "?"), graph.tensors[op.inputs[1]]))
    return found


def resource_variables(graph: Graph) -> tuple[ResourceVariable, ...]:
    """The resource variables the main graph uses, in handle order. Raises EdgeqError when a variable is read
    or written with tensors of different types or sizes (TFLM refuses those at run time)."""
    handles: dict[str, list[int]] = {}
    for op in graph.ops:
        if op.opcode == "VAR_HANDLE" and op.outputs:
            handles.setdefault(variable_key(op.options), []).append(op.outputs[0])
    values: dict[str, list[Tensor]] = {}
    for g in (graph, *graph.subgraphs.values()):
        for key, tensor in _values(g):
            values.setdefault(key, []).append(tensor)
    variables = []
    for key, tensors in handles.items():
        seen = values.get(key, [])
        kinds = {(t.dtype, t.nbytes) for t in seen}
        if len(kinds) > 1:
            raise EdgeqError(f"resource variable '{key}' is used with different types or sizes: {sorted(kinds)}",
                             "TFLite Micro requires one type and size per variable; re-export the model")
        dtype, nbytes = kinds.pop() if kinds else ("float32", 0)
        variables.append(ResourceVariable(key, dtype, nbytes, tuple(tensors)))
    return tuple(variables)
