"""DEPTHWISE_CONV_2D int8 variant over the zero-point-padded row ring (firmware/kernels/variants/):
`edgeq_depthwise_ring_s8`, four channels per load, with weights stored four channels per word.

Requantization and bias folding as the GEMM variants (dsp_variants.py); where the variant declines, the
reference kernel runs.
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import Declined, KernelCall, OpContext, register_variant
from edgeq.codegen.ops import conv as conv_ops
from edgeq.codegen.ops.common import struct
from edgeq.codegen.ops.dsp_variants import exact_notes, packed_quant, packed_struct, same_shape


def _pack_depthwise(w: np.ndarray) -> np.ndarray:
    """[taps][C] int8 → int8: per 4 channels, per tap, the 4 channels' weights."""
    taps, channels = w.shape
    groups = w.reshape(taps, channels // 4, 4)  # [t][g][cc]
    return np.ascontiguousarray(groups.transpose(1, 0, 2)).reshape(-1).astype(np.int8)


@register_variant("DEPTHWISE_CONV_2D", "int8")
def depthwise_packed(ctx: OpContext) -> KernelCall | Declined:
    geom = conv_ops._geometry(ctx, depthwise=True)
    if geom["depth_multiplier"] != 1:
        return Declined("depthwise ring", f"depth multiplier {geom['depth_multiplier']}")
    if geom["dilation_h"] != 1 or geom["dilation_w"] != 1:
        return Declined("depthwise ring", f"dilation {geom['dilation_h']}x{geom['dilation_w']}")
    if geom["input_c"] % 4:
        return Declined("depthwise ring", f"{geom['input_c']} channels (not a multiple of 4)")
    channels = geom["output_c"]
    taps_c = ctx.input(1).data.astype(np.int64).reshape(-1, channels)  # [taps][C]
    quant = packed_quant(ctx, np.ascontiguousarray(taps_c.T), fc_rounding=False)
    if isinstance(quant, Declined):
        return quant
    in_zp = quant.input_zero_point
    text, arrays = packed_struct(ctx, channels, 0, _pack_depthwise(taps_c), quant)
    ring_cols = (geom["output_w"] - 1) * geom["stride_w"] + geom["filter_w"]
    return KernelCall(
        statements=(
            struct("edgeq_conv_geom_t", "geom", geom),
            text,
            f"edgeq_depthwise_ring_s8(&geom, &packed, {in_zp}, {ctx.input_ptr(0)}, {ctx.output_ptr()}, "
            f"{ctx.scratch_ptr()});",
        ),
        kernels=("variants/edgeq_depthwise_ring_s8.c",),
        arrays=arrays,
        # int16 ring (2 bytes per input byte) + the weights sign-extended to int16 (edgeq_depthwise_ring_s8.c)
        scratch_bytes=2 * ring_cols * channels * geom["filter_h"] + 2 * taps_c.size,
        inplace=same_shape(ctx),
        declined=exact_notes(quant),
    )
