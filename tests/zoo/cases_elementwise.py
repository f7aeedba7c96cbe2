"""ADD and SUB beyond same-shape inputs of similar scales: broadcasting (a per-channel and a per-row
operand) and inputs whose scales are 100x apart (tabulated per-input rescales with very different
multipliers; elementwise_variants.py)."""
from __future__ import annotations

from zoo.cases import _case
from zoo.cases_math import TF

ACT = [5, 6, 7]

CASES = (
    _case("add_broadcast_channels", [ACT, [1, 7]], [TF("x[0] + x[1]")], ("ADD",), variants=("int8", "fp32")),
    _case("sub_broadcast_rows", [ACT, [6, 1]], [TF("x[0] - x[1]")], ("SUB",), variants=("int8", "fp32")),
    _case("add_scales_apart", [ACT, ACT], [TF("0.01 * x[0] + x[1]")], ("ADD",), variants=("int8",)),
    _case("sub_scales_apart", [ACT, ACT], [TF("x[0] - 0.01 * x[1]")], ("SUB",), variants=("int8",)),
)
