"""ASCII chart of a plan: one row per operator, arena bytes across, one letter per live buffer.

Like TFLite Micro's PrintMemoryPlan: reading down a column shows which buffers reuse the same bytes. A `*`
marks bytes two buffers alive at that operator share (an output written over its input, edgeq.plan.overlap);
the figure at the right is the bytes in use then.
"""
from __future__ import annotations

import string

from edgeq.plan.model import MemoryPlan

_LABELS = string.ascii_letters + string.digits


def render_chart(plan: MemoryPlan, op_names: list[str], width: int = 64) -> str:
    if plan.arena_bytes == 0:
        return "(empty arena)"
    scale = plan.arena_bytes / width
    labels = {p.buffer.key: _LABELS[i % len(_LABELS)] for i, p in enumerate(plan.placements)}
    lines = [f"arena {plan.arena_bytes} bytes, one column = {scale:.0f} bytes"]
    for op_index, name in enumerate(op_names):
        row = ["."] * width
        alive = [p for p in plan.placements if p.buffer.first_op <= op_index <= p.buffer.last_op]
        for p in alive:
            start = int(p.offset / scale)
            stop = max(start + 1, int(round(p.end / scale)))
            for col in range(start, min(stop, width)):
                row[col] = labels[p.buffer.key] if row[col] == "." else "*"
        live = _union_bytes([(p.offset, p.end) for p in alive])
        lines.append(f"{op_index:3d} {name[:18]:<18} {''.join(row)} {live:>8}")
    legend = ", ".join(f"{labels[p.buffer.key]}={p.buffer.key}({p.buffer.size})" for p in plan.placements)
    lines.append("buffers: " + legend)
    return "\n".join(lines)


def _union_bytes(intervals: list[tuple[int, int]]) -> int:
    total, reached = 0, 0
    for start, end in sorted(intervals):
        total += max(0, end - max(start, reached))
        reached = max(reached, end)
    return total
