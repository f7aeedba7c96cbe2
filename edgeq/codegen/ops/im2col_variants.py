"""CONV_2D int8 as im2col + packed GEMM (`edgeq_conv2d_im2col_s8`, firmware/kernels/variants/): each output
pixel's filter window is read from a zero-point-padded ring of input rows and expanded to int16 pairs,
four pixels at a time through the 4-row GEMM tile. Any kernel size (1xN, Nx1, 7x7...), stride, padding,
dilation (the ring holds the dilated window's rows, taps dilation_w columns apart) and batch; first
layers with 1-3 input channels are covered too (the window depth is padded to whole words). 1x1 stride-1
convolutions take the pointwise GEMM instead (dsp_variants.py); quantization folding and weight packing
are shared with it (`packed_quant`). A DEPTHWISE_CONV_2D with one input channel is the same GEMM
(depthwise_variants.py calls `im2col_call`).

With at most 8 output channels and no dilation across the width (first layers: micro_speech's depthwise
with depth multiplier 8), `edgeq_conv2d_ring_direct_s8` runs instead: the window straight from the ring
against int16 weights, no expanded windows in scratch (the ring and one int8 window), which the tile would share among
too few channels to pay for. Both kernels write output row oy only after loading the input rows it reads
into the ring, so their output may overlap their input (`ring_output_gap`, edgeq.plan.overlap).
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import Declined, KernelCall, OpContext, register_variant
from edgeq.codegen.ops import conv as conv_ops
from edgeq.codegen.ops.common import struct
from edgeq.codegen.ops.dsp_variants import exact_notes, pack_gemm, packed_quant, packed_struct, round4, same_shape

_KERNELS = ("variants/edgeq_conv2d_im2col_s8.c", "variants/edgeq_gemm_row_s8.c", "variants/edgeq_ring_load_s8.c")
_RING_DIRECT = ("variants/edgeq_conv2d_ring_direct_s8.c", "variants/edgeq_ring_load_s8.c")
#: Most output channels the direct kernel takes: it re-reads the window per 4 channels, where the im2col
#: tile expands it once for all of them.
RING_DIRECT_MAX_CHANNELS = 8


def ring_cols(geom: dict[str, int]) -> int:
    """Input columns one output row reads (edgeq_ring_cols in edgeq_kernels_packed.h)."""
    return (geom["output_w"] - 1) * geom["stride_w"] + (geom["filter_w"] - 1) * geom["dilation_w"] + 1


def ring_rows(geom: dict[str, int]) -> int:
    """Input rows one output row reads: the dilated filter height (edgeq_ring_rows)."""
    return (geom["filter_h"] - 1) * geom["dilation_h"] + 1


def ring_output_gap(geom: dict[str, int]) -> int:
    """Bytes the output of a convolution loading its input through edgeq_ring_load_s8 must start below the
    input to overlap it (edgeq.plan.overlap; negative: it may start that far above). Output row oy of batch
    b is written after the ring has loaded input rows up to oy * stride_h - pad_top + ring_rows - 1, and
    no input row is read again once loaded, so the row's write end (b * output_h + oy + 1) output rows must
    not pass the first input byte still to load, (b * input_h + rows loaded) input rows in, wherever one
    is left."""
    in_row = geom["input_w"] * geom["input_c"]
    out_row = geom["output_w"] * geom["output_c"]
    batches, in_h, out_h = geom["batches"], geom["input_h"], geom["output_h"]
    gap = None
    for b in range(batches):
        for oy in range(out_h):
            loaded = max(0, min(oy * geom["stride_h"] - geom["pad_top"] + ring_rows(geom), in_h))
            if b == batches - 1 and loaded == in_h:
                break  # nothing left to read
            need = (b * out_h + oy + 1) * out_row - (b * in_h + loaded) * in_row
            gap = need if gap is None else max(gap, need)
    return -batches * in_h * in_row if gap is None else gap  # (None: every input row is loaded before any write)


def im2col_scratch_bytes(geom: dict[str, int]) -> int:
    """edgeq_conv2d_im2col_s8_scratch_size: the ring, the gathered window (+ 4 bytes for word copies past
    its end), 4 (or 1) expanded rows."""
    words = round4(geom["filter_h"] * geom["filter_w"] * geom["input_c"]) // 4
    rows = 4 if geom["output_h"] * geom["output_w"] >= 4 else 1
    return round4(ring_cols(geom) * geom["input_c"]) * ring_rows(geom) + words * 4 + 4 + rows * words * 8


def ring_direct_scratch_bytes(geom: dict[str, int]) -> int:
    """edgeq_conv2d_ring_direct_s8_scratch_size: the ring, 4 bytes read past a window's last word, the
    gathered window (filter_h whole-word rows: each row is copied in words, the last up to 3 bytes past
    the contiguous window)."""
    window = geom["filter_h"] * round4(geom["filter_w"] * geom["input_c"])
    return round4(ring_cols(geom) * geom["input_c"]) * ring_rows(geom) + 4 + window


def pack_ring_direct(w2d: np.ndarray) -> np.ndarray:
    """[N][filter_h * filter_w * input_c] (N <= RING_DIRECT_MAX_CHANNELS) → int16 in
    edgeq_conv2d_ring_direct_s8.c's order: per word i of the contiguous window, per channel (N padded to 4,
    or 8 above 4: the kernel's one pass), the pair (w[4i], w[4i+2]); then per channel (w[4i+1], w[4i+3])."""
    n, depth = w2d.shape
    padded = np.zeros((4 if n <= 4 else 8, round4(depth)), dtype=np.int64)
    padded[:n, :depth] = w2d
    four = padded.reshape(padded.shape[0], round4(depth) // 4, 2, 2)  # [c][i][s][t]: depth 4i + 2s + t
    return np.ascontiguousarray(four.transpose(1, 3, 0, 2)).reshape(-1)  # [i][t][c][s]


def ring_direct_call(ctx: OpContext, geom: dict[str, int], w2d: np.ndarray) -> KernelCall | Declined:
    quant = packed_quant(ctx, w2d)
    if isinstance(quant, Declined):
        return quant
    weights = ctx.const_array("w16", "int16_t", pack_ring_direct(w2d))
    bias = ctx.const_array("packed_bias", "int32_t", quant.bias)
    requant = ctx.const_array("requant", "int32_t", quant.requant)
    words = round4(w2d.shape[1]) // 4
    return KernelCall(
        statements=(
            struct("edgeq_conv_geom_t", "geom", geom),
            struct("edgeq_packed_s8_t", "packed", {
                "channels": geom["output_c"], "depth_words": words, **quant.fields(),
                "weights": f"(const int8_t *){weights.name}", "bias": bias.name, "requant": requant.name}),
            f"edgeq_conv2d_ring_direct_s8(&geom, &packed, {quant.input_zero_point}, {ctx.input_ptr(0)}, "
            f"{ctx.output_ptr()}, {ctx.scratch_ptr()});",
        ),
        kernels=_RING_DIRECT,
        arrays=(weights, bias, requant),
        scratch_bytes=ring_direct_scratch_bytes(geom),
        inplace=same_shape(ctx),
        output_below_input=ring_output_gap(geom),
        declined=exact_notes(quant),
    )


def im2col_call(ctx: OpContext, geom: dict[str, int], w2d: np.ndarray) -> KernelCall | Declined:
    """The im2col GEMM for weights [output channels][filter_h * filter_w * input_c] (the window order), or
    the direct ring kernel for few channels."""
    if geom["output_c"] <= RING_DIRECT_MAX_CHANNELS and geom["dilation_w"] == 1:
        return ring_direct_call(ctx, geom, w2d)
    quant = packed_quant(ctx, w2d)
    if isinstance(quant, Declined):
        return quant
    words = round4(w2d.shape[1]) // 4
    text, arrays = packed_struct(ctx, geom["output_c"], words, pack_gemm(w2d), quant)
    return KernelCall(
        statements=(
            struct("edgeq_conv_geom_t", "geom", geom),
            text,
            f"edgeq_conv2d_im2col_s8(&geom, &packed, {quant.input_zero_point}, {ctx.input_ptr(0)}, "
            f"{ctx.output_ptr()}, {ctx.scratch_ptr()});",
        ),
        kernels=_KERNELS,
        arrays=arrays,
        scratch_bytes=im2col_scratch_bytes(geom),
        inplace=same_shape(ctx),
        output_below_input=ring_output_gap(geom),
        declined=exact_notes(quant),
    )


@register_variant("CONV_2D", "int8")
def conv_im2col(ctx: OpContext) -> KernelCall | Declined:
    geom = conv_ops._geometry(ctx, depthwise=False)
    data = ctx.input(1).data.astype(np.int64)
    return im2col_call(ctx, geom, data.reshape(data.shape[0], -1))
