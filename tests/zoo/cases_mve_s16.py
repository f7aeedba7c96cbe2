"""Shapes for the Helium int16x8 GEMM rows and MAX_POOL_2D (tests/qemu/test_mve_s16.py): a max pool over 20
channels (int8: one whole 16-lane vector and a tail-predicated one; int16: two 8-lane vectors and a tail)
with clipped SAME windows at stride 2; a 23x23 depthwise (529 taps: saturated weights push 32768 * sum|w| past
2^31, where the Helium int32-lane depthwise must decline)."""
from __future__ import annotations

from zoo.cases import L, _case

CASES = (
    _case("mve_maxpool_c20_3x3_s2_same", [[7, 9, 20]],
          [L("MaxPooling2D", pool_size=3, strides=2, padding="same")], ("MAX_POOL_2D",), variants=("int8", "int16x8")),
    _case("mve_dw_s16_23x23", [[23, 23, 3]], [L("DepthwiseConv2D", kernel_size=23)], ("DEPTHWISE_CONV_2D",),
          variants=("int16x8",)),
)
