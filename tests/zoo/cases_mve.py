"""Shapes that reach the Helium kernels' assembly paths (firmware/kernels/mve/) and the C paths beside them:
3x3 depthwise with four-channel blocks at strides 1 and 2, rows whose width leaves 2 and 3 pixels after the
groups of four (kws_ref_model has 1), dilation in height only, a partial last channel block; a 1x1
convolution whose depth is one whole 16-byte chunk plus a tail, with an odd number of GEMM rows. tests/qemu/test_mve_kernels.py runs
them on the Cortex-M55 (also with hostile quantization); the host and M4 zoo tests pick them up too."""
from __future__ import annotations

from zoo.cases import L, _case

I8 = ("int8",)
DW = ("DEPTHWISE_CONV_2D",)

CASES = (
    _case("mve_dw_c10_3x3_s2_w7", [[9, 13, 10]], [L("DepthwiseConv2D", kernel_size=3, strides=2,
                                                    padding="same")], DW, variants=I8),
    _case("mve_dw_c8_3x3_dil21_w6", [[9, 6, 8]], [L("DepthwiseConv2D", kernel_size=3, dilation_rate=(2, 1),
                                                    padding="same", activation="relu6")], DW, variants=I8),
    _case("mve_conv_c20_1x1", [[5, 7, 20]], [L("Conv2D", filters=12, kernel_size=1)], ("CONV_2D",),
          variants=I8),
)
