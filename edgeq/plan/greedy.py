"""Greedy-by-size arena planning, the algorithm TFLite Micro's GreedyMemoryPlanner uses.

Step by step:
1. Collect the buffers (`lifetimes.buffers_for`): each non-constant tensor group (aliases and in-place
   outputs merged) with its
   size and the inclusive range of operators during which it must stay intact, plus kernel scratch.
2. Round every size up to the alignment (16 bytes: SIMD loads and float/int32 arrays stay aligned).
3. Order the buffers by size, largest first (ties: earlier first use, then key, for determinism).
4. For each buffer, look at the already placed buffers whose lifetimes intersect its own, sorted by
   offset. Walk the gaps between them from offset 0 upward and take the first gap large enough; if none,
   place it just above the highest of them.
5. The arena size is the highest end offset. Buffers with disjoint lifetimes may share bytes, buffers
   alive together never do (`find_overlaps` verifies this for every plan in tests).
Placing big buffers first leaves the small ones to fill holes, which is why it rarely beats the
lower bound (the largest sum of sizes alive at one operator) by much.
"""
from __future__ import annotations

from typing import AbstractSet, Mapping

from edgeq.ir.graph import Graph
from edgeq.plan.lifetimes import Buffer, buffers_for
from edgeq.plan.model import MemoryPlan, Placement, check_plan

ALIGNMENT = 16


def _aligned(size: int, alignment: int) -> int:
    return (size + alignment - 1) // alignment * alignment


def _place(buffer: Buffer, placed: list[Placement], alignment: int) -> int:
    size = _aligned(buffer.size, alignment)
    live = sorted((p for p in placed if p.buffer.lives_with(buffer)), key=lambda p: p.offset)
    candidate = 0
    for p in live:
        if candidate + size <= p.offset:
            return candidate
        candidate = max(candidate, _aligned(p.end, alignment))
    return candidate


def plan_memory(graph: Graph, scratch_bytes: Mapping[int, int] | None = None,
                inplace_ops: AbstractSet[int] = frozenset(), alignment: int = ALIGNMENT) -> MemoryPlan:
    buffers = buffers_for(graph, scratch_bytes, inplace_ops)
    order = sorted(buffers, key=lambda b: (-_aligned(b.size, alignment), b.first_op, b.key))
    placed: list[Placement] = []
    for buffer in order:
        placed.append(Placement(buffer, _place(buffer, placed, alignment)))
    placed.sort(key=lambda p: (p.offset, p.buffer.key))
    arena = max((_aligned(p.end, alignment) for p in placed), default=0)
    plan = MemoryPlan(placements=tuple(placed), arena_bytes=arena, alignment=alignment, algorithm="greedy")
    check_plan(plan)
    return plan


def linear_plan(graph: Graph, scratch_bytes: Mapping[int, int] | None = None,
                inplace_ops: AbstractSet[int] = frozenset(), alignment: int = ALIGNMENT) -> MemoryPlan:
    """Baseline: every buffer gets its own bytes, one after another (no reuse)."""
    placed = []
    offset = 0
    for buffer in buffers_for(graph, scratch_bytes, inplace_ops):
        placed.append(Placement(buffer, offset))
        offset += _aligned(buffer.size, alignment)
    return MemoryPlan(placements=tuple(placed), arena_bytes=offset, alignment=alignment, algorithm="linear")


def lower_bound(graph: Graph, scratch_bytes: Mapping[int, int] | None = None,
                inplace_ops: AbstractSet[int] = frozenset()) -> int:
    """The most bytes alive at any one operator: no plan can be smaller than this."""
    buffers = buffers_for(graph, scratch_bytes, inplace_ops)
    return max((sum(b.size for b in buffers if b.first_op <= i <= b.last_op) for i in range(len(graph.ops))),
               default=0)
