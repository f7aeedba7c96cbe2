"""Pointwise layers for the 4-row GEMM tile (edgeq_gemm_tile4_s8): its full-range pairs run in one asm loop
that walks the channel pairs itself (weights of alternate pairs interleaved in blocks), so the zoo needs
runs of several full pairs per tile, an odd channel count (the last, half pair leaves the loop) and a
ReLU whose clamp tests/zoo/gemm_pairs.py moves off the int8 minimum (the tile's clamped pairs)."""
from __future__ import annotations

from zoo.cases import L, _case

CASES = (
    # 12 rows (3 tiles), 14 channels: 7 full pairs per tile, depth 20 (5 depth words)
    _case("gemm_tile_relu", [[3, 4, 20]], [L("Conv2D", filters=14, kernel_size=1, activation="relu")],
          ("CONV_2D",), variants=("int8",)),
    # 16 rows, 13 channels: 6 full pairs and the half pair 6, depth 9 (the last depth word padded)
    _case("gemm_tile_odd", [[4, 4, 9]], [L("Conv2D", filters=13, kernel_size=1)], ("CONV_2D",),
          variants=("int8",)),
)
