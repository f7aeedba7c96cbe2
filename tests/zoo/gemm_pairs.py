"""Live hostile channels at chosen positions of the packed GEMM's channel pairs (tests/zoo/hostile_at.py):
the 4-row tile (edgeq_pointwise_s8, via edgeq_gemm_tile4_s8) and the direct rows (edgeq_gemm_rows_direct_s8)
decide the requantization form per pair, so an exact channel as the hi or lo member, a pair whose only
channel is exact (odd channel count), fast pairs between exact ones and a left shift must all stay
bit-exact. Each case: (zoo case id, live channels, left-shift channels, output zero point, kernel)."""
from __future__ import annotations

POINTWISE = "variants/edgeq_pointwise_s8.c"
ROWS_DIRECT = "variants/edgeq_gemm_rows_direct_s8.c"

GEMM_CASES = (
    # 10 channels, 30 rows (4-row tiles, then 2 single rows): pair 1 lo, pair 2 hi (left shift), pair 4 hi
    ("hostile_conv_1x1-int8", (3, 8), (4,), None, POINTWISE),
    # 9 channels, 6 rows: pair 0 hi, and channel 8, alone in the last pair
    ("hostile_fc_batch-int8", (0, 8), (), None, POINTWISE),
    # 14 channels, ReLU clamping at 0 (zero point 0): the tile's clamped pairs around pairs 1 (hi) and 4 (lo)
    ("gemm_tile_relu-int8", (2, 9), (), 0, POINTWISE),
    # 14 channels, full range: the asm runs of fast pairs start at pair 0 and at the odd pair 3 (after pair 2)
    ("gemm_tile_relu-int8", (4,), (), None, POINTWISE),
    # 11 channels, one row: pairs 0 (lo), 1 (hi, left shift) and 3 (hi) of the first 8-channel block
    ("hostile_fc-int8", (1, 6), (2,), None, ROWS_DIRECT),
)
