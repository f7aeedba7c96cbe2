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
   An operator's output and input may share bytes where its kernel allows (`edgeq.plan.overlap`): the
   output then may start at least `gap` bytes below the input (or the input that far above the output),
   so those offsets are candidates too.
5. The arena size is the highest end offset. Buffers with disjoint lifetimes may share bytes, buffers
   alive together never do except as a granted overlap (`find_overlaps` verifies this for every plan).
6. While the arena is above the lower bound (`lower_bound`, aligned), place again in up to `RESTARTS`
   perturbed orders (each size scaled by a factor in [0.5, 1.5) from a fixed seed, so plans stay
   deterministic) and keep the first smallest arena. Overlaps make the size order miss more often: on
   person_detect a stride-2 depthwise output fits inside its input only if the next, larger output is
   placed elsewhere first (51,072 bytes in size order, 41,856 = the bound after a few restarts).
Placing big buffers first leaves the small ones to fill holes, which is why it rarely beats the
lower bound (the largest sum of sizes alive at one operator) by much.
"""
from __future__ import annotations

import random
from typing import AbstractSet, Callable, Mapping

from edgeq.ir.graph import Graph
from edgeq.plan.lifetimes import Buffer, buffers_for
from edgeq.plan.model import MemoryPlan, Placement, check_plan
from edgeq.plan.overlap import Overlap, grant_overlaps, overlap_between, union_bytes

ALIGNMENT = 16
#: Perturbed placement orders tried at most when the size order leaves the arena above the lower bound.
RESTARTS = 64


def _aligned(size: int, alignment: int) -> int:
    return (size + alignment - 1) // alignment * alignment


def _place(buffer: Buffer, placed: list[Placement], alignment: int, overlaps: tuple[Overlap, ...] = ()) -> int:
    """The lowest aligned offset where `buffer` clashes with no placed buffer alive with it: 0, an aligned
    end of one of them, or the edge a granted overlap allows."""
    size = _aligned(buffer.size, alignment)
    blocked = []  # open intervals of forbidden offsets
    candidates = {0}
    for p in placed:
        if not p.buffer.lives_with(buffer):
            continue
        low, high = p.offset - size, p.end
        allowed = overlap_between(overlaps, p.buffer.key, buffer.key)
        if allowed is not None and allowed.input == p.buffer.key:  # buffer is the output: start gap below p
            low = max(low, p.offset - allowed.gap)
            candidates.add((p.offset - allowed.gap) // alignment * alignment)
        elif allowed is not None:  # buffer is the input: start gap above the output p
            high = min(high, p.offset + allowed.gap)
            candidates.add(_aligned(p.offset + allowed.gap, alignment))
        blocked.append((low, high))
        candidates.add(_aligned(p.end, alignment))
    return min(c for c in candidates if c >= 0 and all(not low < c < high for low, high in blocked))


def _greedy(buffers: tuple[Buffer, ...], overlaps: tuple[Overlap, ...], alignment: int,
            order: Callable[[Buffer], tuple]) -> tuple[list[Placement], int]:
    placed: list[Placement] = []
    for buffer in sorted(buffers, key=order):
        placed.append(Placement(buffer, _place(buffer, placed, alignment, overlaps)))
    return placed, max((_aligned(p.end, alignment) for p in placed), default=0)


def plan_memory(graph: Graph, scratch_bytes: Mapping[int, int] | None = None,
                inplace_ops: AbstractSet[int] = frozenset(), alignment: int = ALIGNMENT,
                output_overlaps: Mapping[int, int] | None = None) -> MemoryPlan:
    """`output_overlaps`: operator index -> the gap its kernel needs to write its output over its input 0
    (`KernelCall.output_below_input`); granted under `edgeq.plan.overlap`'s contract."""
    buffers = buffers_for(graph, scratch_bytes, inplace_ops)
    overlaps = grant_overlaps(graph, buffers, output_overlaps or {})
    placed, arena = _greedy(buffers, overlaps, alignment,
                            lambda b: (-_aligned(b.size, alignment), b.first_op, b.key))
    bound = _aligned(_most_alive(len(graph.ops), buffers, overlaps), alignment)
    rng = random.Random(0)
    for _ in range(RESTARTS):
        if arena <= bound:
            break
        factor = {b.key: 0.5 + rng.random() for b in buffers}
        candidate, size = _greedy(buffers, overlaps, alignment, lambda b: (-b.size * factor[b.key], b.key))
        if size < arena:
            placed, arena = candidate, size
    placed.sort(key=lambda p: (p.offset, p.buffer.key))
    plan = MemoryPlan(placements=tuple(placed), arena_bytes=arena, alignment=alignment, algorithm="greedy",
                      overlaps=overlaps)
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
                inplace_ops: AbstractSet[int] = frozenset(), output_overlaps: Mapping[int, int] | None = None) -> int:
    """The most bytes alive at any one operator (an overlapping output and input counted as the fewest
    bytes they can take together): no plan can be smaller than this."""
    buffers = buffers_for(graph, scratch_bytes, inplace_ops)
    return _most_alive(len(graph.ops), buffers, grant_overlaps(graph, buffers, output_overlaps or {}))


def _most_alive(op_count: int, buffers: tuple[Buffer, ...], overlaps: tuple[Overlap, ...]) -> int:
    by_key = {b.key: b for b in buffers}

    def alive(i: int) -> int:
        total = sum(b.size for b in buffers if b.first_op <= i <= b.last_op)
        for o in overlaps:
            if o.op == i:
                source, target = by_key[o.input], by_key[o.output]
                total -= source.size + target.size - union_bytes(o, source.size, target.size)
        return total

    return max((alive(i) for i in range(op_count)), default=0)
