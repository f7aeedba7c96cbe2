"""Overlapping an operator's output with its input ("in-place" planning for row-streaming kernels).

A convolution that reads its input row by row (into a ring of rows in scratch) and writes its output row
by row never needs an input byte again once its write pointer has passed it by enough: when the output
starts `gap` bytes below the input, every output byte is written after the last read of the input byte at
the same address. Its emitter computes that gap from the geometry and the kernel's actual read/write order
(`KernelCall.output_below_input`); the planner may then place the output so that it starts at least `gap`
bytes below the input and overlaps it (TinyEngine-style in-place depthwise, MCUNet's patch planning).

Contract of a granted `Overlap` (see `grant_overlaps`): the operator is the input buffer's last reader and
the output buffer's first writer (so the two are alive together during that operator only), the input is
not persistent state (variable tensors, resource variables) and not the output's own buffer. Graph inputs
may be overlapped: their bytes are reused after their last reader anyway (the firmware copies an input
from its staging buffer before every inference). `find_overlaps` accepts exactly the byte sharing a granted
overlap allows and nothing else.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from edgeq.ir.graph import Graph
from edgeq.ir.resources import resource_variables
from edgeq.plan.lifetimes import Buffer


@dataclass(frozen=True)
class Overlap:
    """Operator `op` may write buffer `output` over buffer `input` if output offset + `gap` <= input offset."""

    op: int
    input: str  # buffer keys
    output: str
    gap: int  # bytes, < the output's size; negative: the output may start -gap bytes above the input

    def permits(self, input_offset: int, output_offset: int) -> bool:
        return output_offset + self.gap <= input_offset

    def to_dict(self) -> dict:
        return {"op": self.op, "input": self.input, "output": self.output, "gap": self.gap}


def grant_overlaps(graph: Graph, buffers: tuple[Buffer, ...], declared: Mapping[int, int]) -> tuple[Overlap, ...]:
    """The overlaps the plan may use: `declared` maps an operator index to the gap its kernel needs between
    the start of its output and the start of its input 0 (from the emitter); an overlap is granted only
    under the contract in the module docstring, and only when it can save bytes (gap < output size)."""
    by_tensor = {t: b for b in buffers for t in b.tensors}
    persistent = set(graph.variable_tensors)
    for variable in resource_variables(graph):
        persistent.update(variable.handles)
    granted = []
    for op_index, gap in sorted(declared.items()):
        op = graph.ops[op_index]
        if not op.inputs or not op.outputs or op.inputs[0] < 0:
            continue
        source, target = by_tensor.get(op.inputs[0]), by_tensor.get(op.outputs[0])
        if source is None or target is None or source is target:
            continue  # a constant input, or the op already runs in place
        if persistent.intersection(source.tensors) or persistent.intersection(target.tensors):
            continue
        if source.last_op != op_index or target.first_op != op_index or gap >= target.size:
            continue
        granted.append(Overlap(op_index, source.key, target.key, int(gap)))
    return tuple(granted)


def overlap_between(overlaps: tuple[Overlap, ...], a: str, b: str) -> Overlap | None:
    """The granted overlap relating buffers a and b (either way round), if any."""
    for overlap in overlaps:
        if {overlap.input, overlap.output} == {a, b}:
            return overlap
    return None


def union_bytes(overlap: Overlap, input_size: int, output_size: int) -> int:
    """The fewest bytes input and output can take together under this overlap (input `gap` above output)."""
    return max(output_size, overlap.gap + input_size) - min(overlap.gap, 0)


def explain(overlaps: tuple[Overlap, ...], offsets: Mapping[str, int], sizes: Mapping[str, int],
            op_names: list[str]) -> list[str]:
    """One line per granted overlap the plan uses (input and output sharing bytes), for `edgeq plan`."""
    lines = []
    for o in overlaps:
        below = offsets[o.input] - offsets[o.output]
        shared = min(offsets[o.input] + sizes[o.input], offsets[o.output] + sizes[o.output]) \
            - max(offsets[o.input], offsets[o.output])
        if shared <= 0:
            continue
        where = f"{below:,} B below" if below >= 0 else f"{-below:,} B above"
        need = f"at least {o.gap:,} B below" if o.gap >= 0 else f"at most {-o.gap:,} B above"
        lines.append(f"  op {o.op} {op_names[o.op]}: output {o.output} ({sizes[o.output]:,} B) starts {where} its "
                     f"input {o.input} ({sizes[o.input]:,} B), sharing {shared:,} B; allowed {need}: the kernel "
                     "reads every input byte before its output reaches that address")
    return lines
