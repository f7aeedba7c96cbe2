"""Base layers for the hostile-quantization tests (tests/zoo/hostile.py rewrites their quantization after
conversion: dead channels with int32-extreme biases, real multipliers >= 0.5 and > 1). Each has a bias
and at least six output channels so every hostile channel kind fits in one model."""
from __future__ import annotations

from zoo.cases import L, _case

CASES = (
    _case("hostile_conv_3x3", [[7, 6, 5]], [L("Conv2D", filters=9, kernel_size=3, padding="same")],
          ("CONV_2D",), variants=("int8",)),
    _case("hostile_conv_1x1", [[5, 6, 12]], [L("Conv2D", filters=10, kernel_size=1)], ("CONV_2D",),
          variants=("int8",)),
    _case("hostile_depthwise_3x3", [[7, 6, 8]], [L("DepthwiseConv2D", kernel_size=3, padding="same")],
          ("DEPTHWISE_CONV_2D",), variants=("int8",)),
    _case("hostile_fc", [[23]], [L("Dense", units=11)], ("FULLY_CONNECTED",), variants=("int8",)),
    _case("hostile_fc_batch", [[6, 20]], [L("Dense", units=9)], ("FULLY_CONNECTED",), variants=("int8",)),
)

# int16x8: a window of 576 taps, so a channel of full-scale weights (tests/zoo/hostile.py,
# saturated_channel) pushes 32768 * sum|w| past 2^31 and the kernels must accumulate in 64 bits.
CASES += (
    _case("hostile_conv_s16_deep", [[5, 4, 64]], [L("Conv2D", filters=6, kernel_size=3, padding="same")],
          ("CONV_2D",), variants=("int16x8",)),
)
