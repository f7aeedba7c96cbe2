"""int16x8 FULLY_CONNECTED layers for the hostile int16 tests (tests/zoo/hostile_s16.py rewrites them:
a channel of full-scale weights, real multipliers at and around the kernels' requantization bounds, int64
biases far outside int32): 1, 4, 5, 6 and 7 output channels (every fill of the kernels' last block of four),
odd in-features and in-features below one quad, single rows and batches of rows."""
from __future__ import annotations

from zoo.cases import L, _case

_S16 = ("int16x8",)

CASES = (
    # 601 in-features: full-scale weights push 32768 * sum|w| past 2^31 (block 0 wide, block 1 narrow).
    _case("hostile_fc_s16_wide", [[601]], [L("Dense", units=7)], ("FULLY_CONNECTED",), variants=_S16),
    _case("hostile_fc_s16_wide_rows", [[3, 600]], [L("Dense", units=6)], ("FULLY_CONNECTED",), variants=_S16),
    _case("hostile_fc_s16_k3_n5", [[3]], [L("Dense", units=5)], ("FULLY_CONNECTED",), variants=_S16),
    _case("hostile_fc_s16_k9_n1", [[9]], [L("Dense", units=1)], ("FULLY_CONNECTED",), variants=_S16),
    _case("hostile_fc_s16_k16_n4_rows", [[3, 16]], [L("Dense", units=4)], ("FULLY_CONNECTED",), variants=_S16),
)

# int16 ADD/SUB of an odd element count (edgeq_add_fast_s16's last, unpaired element), one with RELU6 (a
# clamp range other than the whole int16 range or RELU's).
CASES += (
    _case("add_s16_odd_relu6", [[3, 5, 7], [3, 5, 7]], [L("ReLU", max_value=6.0)], ("ADD",),
          combine=["Add", {}], variants=_S16),
    _case("sub_s16_odd", [[3, 5, 7], [3, 5, 7]], [], ("SUB",), combine=["Subtract", {}], variants=_S16),
)

# int16x8 1x1 stride-2 convolution over whole quads of channels: edgeq_conv2d_im2col_s16 reads pixel pairs
# in place (no window copy), the odd last pixel through the window path.
CASES += (
    _case("conv_s16_1x1_s2_in_place", [[5, 5, 8]], [L("Conv2D", filters=6, kernel_size=1, strides=2)],
          ("CONV_2D",), variants=_S16),
)

# float input quantized to int16 (QUANTIZE float32 -> int16 without roundf), RELU, dequantized: a rounding
# slip of one step shows in the float output.
CASES += (
    _case("quantize_f32_s16_relu", [[64]], [L("ReLU")], ("QUANTIZE", "DEQUANTIZE"), variants=("int16x8_float_io",)),
)
