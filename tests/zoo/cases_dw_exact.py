"""Depthwise layers wide enough for exact-form channels in several groups of four (issue 10): the unrolled
3x3 of edgeq_depthwise_ring_s8 keeps every full group and requantizes only the groups that hold such a
channel per channel. tests/zoo/hostile_at.py's DW_EXACT_CASES put exact channels in them (tests/host_c/
test_hostile_at.py, tests/qemu/test_hostile_at_m4.py)."""
from __future__ import annotations

from zoo.cases import L, _case

CASES = (
    # 24 channels: six groups of four, the saturating (full int8 range) form
    _case("dwx_c24_3x3_same", [[5, 6, 24]], [L("DepthwiseConv2D", kernel_size=3, padding="same")],
          ("DEPTHWISE_CONV_2D",), variants=("int8",)),
    # depth multiplier 2 on 11 channels: 22 outputs, the last group partial (the general loop); ReLU
    _case("dwx_m2_c11_3x3_relu", [[5, 4, 11]], [L("DepthwiseConv2D", kernel_size=3, depth_multiplier=2,
                                                   padding="same", activation="relu")],
          ("DEPTHWISE_CONV_2D",), variants=("int8",)),
)
