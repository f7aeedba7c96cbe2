"""Shapes for the Helium int16x8 GEMM rows and MAX_POOL_2D (tests/qemu/test_mve_s16.py): a max pool over 20
channels (int8: one whole 16-lane vector and a tail-predicated one; int16: two 8-lane vectors and a tail)
with clipped SAME windows at stride 2."""
from __future__ import annotations

from zoo.cases import L, _case

CASES = (
    _case("mve_maxpool_c20_3x3_s2_same", [[7, 9, 20]],
          [L("MaxPooling2D", pool_size=3, strides=2, padding="same")], ("MAX_POOL_2D",), variants=("int8", "int16x8")),
)
