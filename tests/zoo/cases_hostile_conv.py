"""Convolution shapes the packed SIMD kernels must run (issue 10): depth multipliers 2 and 8 (one and
three input channels), 1, 3, 5 and 7 channels, 1xN and Nx1 kernels, dilation 2, stride 3, a 7x7 kernel
with asymmetric SAME padding. Each is one layer with int8 I/O; tests/host_c/test_zoo.py (host vs TFLM),
tests/qemu/test_dsp_zoo.py (Cortex-M4 vs TFLM) and tests/host_c/test_variant_choice.py (the packed
variant is CHOSEN) run them all."""
from __future__ import annotations

from zoo.cases import L, _case

I8 = ("int8",)
DW = ("DEPTHWISE_CONV_2D",)
CONV = ("CONV_2D",)


def _dw(name: str, shape: list, **kwargs) -> dict:
    return _case(name, [shape], [L("DepthwiseConv2D", **kwargs)], DW, variants=I8)


def _conv(name: str, shape: list, **kwargs) -> dict:
    return _case(name, [shape], [L("Conv2D", **kwargs)], CONV, variants=I8)


CASES = (
    # depth multiplier != 1: one input channel (the im2col GEMM), three input channels (replicated ring)
    _dw("hc_dw_m8_c1_5x4_s2_same", [13, 11, 1], kernel_size=(5, 4), strides=2, depth_multiplier=8,
        padding="same", activation="relu"),
    _dw("hc_dw_m2_c3_3x3_same", [7, 6, 3], kernel_size=3, depth_multiplier=2, padding="same"),
    _dw("hc_dw_m8_c3_3x3_s2", [9, 8, 3], kernel_size=3, strides=2, depth_multiplier=8, padding="same",
        activation="relu6"),
    # channel counts not a multiple of 4 (tail group) and one channel
    _dw("hc_dw_c1_3x3_same", [6, 7, 1], kernel_size=3, padding="same"),
    _dw("hc_dw_c3_3x3_same_relu", [6, 7, 3], kernel_size=3, padding="same", activation="relu"),
    _dw("hc_dw_c5_1x5_same", [6, 9, 5], kernel_size=(1, 5), padding="same"),
    _dw("hc_dw_c7_5x1_s3", [11, 6, 7], kernel_size=(5, 1), strides=3, padding="same"),
    # dilation 2 (depthwise with multiplier 2 on 3 channels, convolution on 5 channels), stride 3
    _dw("hc_dw_c3_m2_3x3_dil2", [9, 8, 3], kernel_size=3, dilation_rate=2, depth_multiplier=2, padding="same"),
    _dw("hc_dw_c6_3x3_s3_valid", [10, 11, 6], kernel_size=3, strides=3),
    _conv("hc_conv_c5_3x3_dil2_valid", [9, 10, 5], filters=3, kernel_size=3, dilation_rate=2),
    _conv("hc_conv_c2_2x3_dil_2x3_same", [8, 9, 2], filters=6, kernel_size=(2, 3), dilation_rate=(2, 3),
          padding="same"),
    _conv("hc_conv_c3_3x3_s3_same", [10, 11, 3], filters=5, kernel_size=3, strides=3, padding="same"),
    _conv("hc_conv_c4_1x5_same", [5, 9, 4], filters=7, kernel_size=(1, 5), padding="same"),
    _conv("hc_conv_c1_7x1_s2", [11, 4, 1], filters=3, kernel_size=(7, 1), strides=2),
    _conv("hc_conv_c2_7x7_s2_same", [12, 11, 2], filters=4, kernel_size=7, strides=2, padding="same"),
)
