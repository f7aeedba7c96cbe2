"""Depthwise 3x3 layers for the two-pixel pass of edgeq_depthwise_ring_s8 (stride 1: pairs of output pixels
sharing weight and input loads, the odd last pixel alone; stride 2: one pixel at a time), with several full
groups of four channels, the saturating (full int8 range) form."""
from __future__ import annotations

from zoo.cases import L, _case

CASES = (
    # stride 1, VALID: three output columns (one pair + the odd pixel), four groups
    _case("dwp_c16_3x3_s1_valid", [[6, 5, 16]], [L("DepthwiseConv2D", kernel_size=3)],
          ("DEPTHWISE_CONV_2D",), variants=("int8",)),
    # stride 1, SAME on 8 columns (four pairs), 12 channels + a partial group of two (14)
    _case("dwp_c14_3x3_s1_same", [[5, 8, 14]], [L("DepthwiseConv2D", kernel_size=3, padding="same")],
          ("DEPTHWISE_CONV_2D",), variants=("int8",)),
)
