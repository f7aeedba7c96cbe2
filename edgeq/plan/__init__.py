"""Static memory planning for the activation arena.

`plan_memory(graph, scratch_bytes)` → `MemoryPlan` (greedy, see `greedy.py` for the algorithm);
`linear_plan` is the no-reuse baseline; `find_overlaps` checks any plan; `render_chart` draws it; an
operator's output may overlap its input where its kernel allows (`overlap.py`).
"""
from edgeq.plan.chart import render_chart
from edgeq.plan.greedy import linear_plan, plan_memory
from edgeq.plan.lifetimes import ALIAS_OPS, Buffer, buffers_for
from edgeq.plan.model import MemoryPlan, Placement, find_overlaps
from edgeq.plan.overlap import Overlap

__all__ = ["ALIAS_OPS", "Buffer", "MemoryPlan", "Overlap", "Placement", "buffers_for", "find_overlaps",
           "linear_plan", "plan_memory", "render_chart"]
