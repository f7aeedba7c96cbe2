"""First-layer convolutions run by edgeq_conv2d_ring_direct_s8 (issue 10): few input channels, at most 8
filters, each window packed contiguously (filter rows of 3 and 2 words, the 8-accumulator pass whole and
partial). MobileNetV1's first layer (3x3 stride 2 SAME on 3 channels, 8 filters) without its ReLU6, so the
full-range requantization runs. tests/host_c/test_zoo.py (host vs TFLM) and tests/qemu/test_dsp_zoo.py
(Cortex-M4 vs TFLM) run them."""
from __future__ import annotations

from zoo.cases import L, _case

CASES = (
    _case("fc_conv_c3_3x3_s2_f8", [[12, 11, 3]], [L("Conv2D", filters=8, kernel_size=3, strides=2, padding="same")],
          ("CONV_2D",), variants=("int8",)),
    _case("fc_conv_c2_3x4_f6", [[7, 9, 2]], [L("Conv2D", filters=6, kernel_size=(3, 4), padding="same")],
          ("CONV_2D",), variants=("int8",)),
)
