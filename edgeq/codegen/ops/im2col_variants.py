"""CONV_2D int8 as im2col + packed GEMM (`edgeq_conv2d_im2col_s8`, firmware/kernels/variants/): each output
pixel's filter window is read from a zero-point-padded ring of input rows and expanded to int16 pairs,
four pixels at a time through the 4-row GEMM tile. First layers with 1-3 input channels are covered too
(the window depth is padded to whole words). 1x1 stride-1 convolutions take the pointwise GEMM instead
(dsp_variants.py); quantization folding and weight packing are shared with it (`packed_quant`).
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import Declined, KernelCall, OpContext, register_variant
from edgeq.codegen.ops import conv as conv_ops
from edgeq.codegen.ops.common import struct
from edgeq.codegen.ops.dsp_variants import exact_notes, pack_gemm, packed_quant, packed_struct, round4, same_shape

_KERNELS = ("variants/edgeq_conv2d_im2col_s8.c", "variants/edgeq_gemm_row_s8.c", "variants/edgeq_ring_load_s8.c")


@register_variant("CONV_2D", "int8")
def conv_im2col(ctx: OpContext) -> KernelCall | Declined:
    geom = conv_ops._geometry(ctx, depthwise=False)
    if geom["dilation_h"] != 1 or geom["dilation_w"] != 1:
        return Declined("im2col", f"dilation {geom['dilation_h']}x{geom['dilation_w']}")
    data = ctx.input(1).data.astype(np.int64)
    w2d = data.reshape(data.shape[0], -1)  # [out_c][fh * fw * in_c], the im2col order
    quant = packed_quant(ctx, w2d, fc_rounding=False)
    if isinstance(quant, Declined):
        return quant
    words = round4(w2d.shape[1]) // 4
    text, arrays = packed_struct(ctx, geom["output_c"], words, pack_gemm(w2d), quant)
    ring = round4(((geom["output_w"] - 1) * geom["stride_w"] + geom["filter_w"]) * geom["input_c"])
    return KernelCall(
        statements=(
            struct("edgeq_conv_geom_t", "geom", geom),
            text,
            f"edgeq_conv2d_im2col_s8(&geom, &packed, {quant.input_zero_point}, {ctx.input_ptr(0)}, "
            f"{ctx.output_ptr()}, {ctx.scratch_ptr()});",
        ),
        kernels=_KERNELS,
        arrays=arrays,
        scratch_bytes=ring * geom["filter_h"] + words * 4
        + (4 if geom["output_h"] * geom["output_w"] >= 4 else 1) * words * 8,
        inplace=same_shape(ctx),
        declined=exact_notes(quant),
    )
