"""DEPTHWISE_CONV_2D int8 on packed kernels, for every depth multiplier, channel count, kernel size,
stride, dilation, padding and batch TFLite can produce:

* one input channel (a first layer, e.g. micro_speech's 10x8 filter with depth multiplier 8): the op is
  a CONV_2D with `depth_multiplier` filters over that channel, so it runs the im2col GEMM
  (im2col_variants.py) with weights [m][filter_h * filter_w] (with at most 8 channels the direct ring
  kernel);
* otherwise `edgeq_depthwise_ring_s8`: four output channels per group (the last group padded with zero
  weights; only its valid channels are stored), the input ring replicating each input channel m times
  when the depth multiplier m > 1, and weights stored four channels per word.
Both load input rows into their ring before writing the output rows that read them, so the output may
overlap the input (`ring_output_gap`, edgeq.plan.overlap).
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import Declined, KernelCall, OpContext, register_variant
from edgeq.codegen.ops import conv as conv_ops
from edgeq.codegen.ops.common import struct
from edgeq.codegen.ops.dsp_variants import exact_notes, packed_quant, packed_struct, round4, same_shape
from edgeq.codegen.ops.im2col_variants import im2col_call, ring_cols, ring_output_gap, ring_rows


def _pack_depthwise(w: np.ndarray) -> np.ndarray:
    """[taps][C] int8 → int8: per 4 channels (C padded to a multiple of 4 with zeros), per tap, the 4
    channels' weights."""
    taps, channels = w.shape
    padded = np.zeros((taps, round4(channels)), dtype=np.int64)
    padded[:, :channels] = w
    groups = padded.reshape(taps, -1, 4)  # [t][g][cc]
    return np.ascontiguousarray(groups.transpose(1, 0, 2)).reshape(-1).astype(np.int8)


def ring_scratch_bytes(geom: dict[str, int]) -> int:
    """edgeq_depthwise_ring_s8_scratch_size: the int16 ring and the weights sign-extended to int16."""
    padded = round4(geom["output_c"])
    return 2 * padded * (ring_cols(geom) * ring_rows(geom) + geom["filter_h"] * geom["filter_w"])


@register_variant("DEPTHWISE_CONV_2D", "int8")
def depthwise_packed(ctx: OpContext) -> KernelCall | Declined:
    geom = conv_ops._geometry(ctx, depthwise=True)
    channels = geom["output_c"]
    taps_c = ctx.input(1).data.astype(np.int64).reshape(-1, channels)  # [taps][C]
    if geom["input_c"] == 1:
        return im2col_call(ctx, geom, np.ascontiguousarray(taps_c.T))
    quant = packed_quant(ctx, np.ascontiguousarray(taps_c.T))
    if isinstance(quant, Declined):
        return quant
    text, arrays = packed_struct(ctx, channels, 0, _pack_depthwise(taps_c), quant)
    return KernelCall(
        statements=(
            struct("edgeq_conv_geom_t", "geom", geom),
            text,
            f"edgeq_depthwise_ring_s8(&geom, &packed, {quant.input_zero_point}, {ctx.input_ptr(0)}, "
            f"{ctx.output_ptr()}, {ctx.scratch_ptr()});",
        ),
        kernels=("variants/edgeq_depthwise_ring_s8.c",),
        arrays=arrays,
        scratch_bytes=ring_scratch_bytes(geom),
        inplace=same_shape(ctx),
        output_below_input=ring_output_gap(geom),  # rows loaded as edgeq_ring_load_s8 does, then row oy written
        declined=exact_notes(quant),
    )
