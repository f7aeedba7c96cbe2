"""Kernel variants chosen at generation time from static shapes, with weights re-laid out for SIMD.

Each emitter here is a `register_variant`: it returns None when the op does not fit, and the base
emitter (conv.py, fully_connected.py: the reference kernels) runs it instead. The variants
(firmware/kernels/variants/, layouts in edgeq_kernels_packed.h) are:

* FULLY_CONNECTED and 1x1 stride-1 CONV_2D → `edgeq_pointwise_s8`, a GEMM over packed int8 weights
  (input rows expanded to int16 in scratch); with fewer than 4 rows and not in place,
  `edgeq_gemm_rows_direct_s8` (the same GEMM sign-extending the input in registers, no scratch);
* other CONV_2D with dilation 1 → `edgeq_conv2d_im2col_s8` (im2col from a zero-point-padded row ring,
  which also covers first layers with 1-3 input channels: the depth is padded to whole words);
* DEPTHWISE_CONV_2D: see depthwise_variants.py.

What is folded at generation time: the input zero point into the bias (as the reference emitters do),
the requantization into (multiplier, right shift, rounding + output zero point) triples, and the int8
weights into the order the kernels load them, still one byte per weight: the GEMM stores two output
channels per byte pair (one channel offset by 128) so that one SMLAD of the raw word and one of its
SXTB16 give four MACs (edgeq_gemm_row_s8.c).

Conditions checked here, so the kernels need no checks: every channel's right shift is in [1, 31] and
no accumulator can reach 2^30 (bias + 128 * sum|w|), which makes the SMMULR form of TFLM's double
rounding exact (edgeq_simd.h). Otherwise the variant declines and the reference kernel runs.

In place: the convolution variants read what they still need into scratch before overwriting it, so
an op whose output has the input's shape returns `inplace=True` and the planner may merge the two
buffers (this is what brings the depthwise-separable and residual models' arenas down).
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, register_variant
from edgeq.codegen.ops import conv as conv_ops
from edgeq.codegen.ops import fully_connected as fc_ops
from edgeq.codegen.ops.common import act_range_s8, channel_scales, folded_bias, scalar_quant, struct, symmetric_weights
from edgeq.codegen.quantize import quantize_multiplier

ACC_LIMIT = 1 << 30
_GEMM = ("variants/edgeq_gemm_row_s8.c",)
_RING = ("variants/edgeq_ring_load_s8.c",)
_GEMM_DIRECT = ("variants/edgeq_gemm_rows_direct_s8.c",)


def _round4(n: int) -> int:
    return (n + 3) // 4 * 4


def _requant(reals: list[float], out_zp: int) -> np.ndarray | None:
    """Per channel (multiplier, right shift r, 2^(r-1) + out_zp * 2^r), or None if a channel needs a left
    or zero shift or the rounding term would not stay below 2^30 (see edgeq_simd.h)."""
    triples = []
    for real in reals:
        multiplier, shift = quantize_multiplier(real)
        if not -31 <= shift <= -1:
            return None
        r = -shift
        rounding = (1 << (r - 1)) + out_zp * (1 << r)
        if abs(rounding) >= ACC_LIMIT:
            return None
        triples.append((multiplier, r, rounding))
    return np.array(triples, dtype=np.int64).reshape(-1)


def _quant(ctx: OpContext, weights_2d: np.ndarray, fc_rounding: bool):
    """(bias, requant pairs, act/zero-point fields) for int8 weights [channels][taps], or None."""
    weights = ctx.input(1)
    if weights.dtype != "int8":
        return None
    w_scales = symmetric_weights(ctx, weights)
    in_scale, in_zp = scalar_quant(ctx, ctx.input(0))
    out_scale, out_zp = scalar_quant(ctx, ctx.output())
    channels = weights_2d.shape[0]
    if len(w_scales) not in (1, channels):
        return None
    if fc_rounding and len(w_scales) == 1:
        # TFLM's FULLY_CONNECTED multiplies input and weight scales in float32 (see fully_connected.py).
        reals = [float(np.float32(in_scale) * np.float32(w_scales[0])) / out_scale] * channels
    else:
        reals = [in_scale * s / out_scale for s in channel_scales(ctx, w_scales, channels)]
    requant = _requant(reals, out_zp)
    if requant is None:
        return None
    bias = folded_bias(ctx, weights_2d.sum(axis=1), in_zp)
    bias_values = bias.values.astype(np.int64) if bias is not None else np.zeros(channels, dtype=np.int64)
    bound = np.abs(bias_values) + 128 * np.abs(weights_2d).sum(axis=1)
    if bound.max(initial=0) >= ACC_LIMIT:
        return None
    padded_bias = np.zeros(_round4(channels), dtype=np.int64)
    padded_bias[:channels] = bias_values
    act_min, act_max = act_range_s8(ctx)
    return padded_bias, requant, {"act_min": act_min, "act_max": act_max}, in_zp


def _pack_gemm(w: np.ndarray, pairs: int = 2) -> np.ndarray:
    """[N][K] int8 → int8 bytes in the pair layout of edgeq_kernels_packed.h: blocks of `pairs` channel
    pairs (2 for the expanded-input kernels, 4 for edgeq_gemm_rows_direct_s8)."""
    n, k = w.shape
    block = 2 * pairs
    padded = np.zeros(((n + block - 1) // block * block, _round4(k)), dtype=np.int64)
    padded[:n, :k] = w
    # channel block*b + 2q + h (h = 0: hi, 1: lo), depth 4g + 2s + t (word j = 2g + t, s picks k0/k1)
    six = padded.reshape(padded.shape[0] // block, pairs, 2, padded.shape[1] // 4, 2, 2)  # [b][q][h][g][s][t]
    six = six.copy()
    six[:, :, 1] += 128  # the lo channel, offset to unsigned (the kernel subtracts 128 * sum(x))
    six = six[:, :, ::-1]  # byte order within a half: lo first
    ordered = six.transpose(0, 3, 5, 1, 4, 2)  # [b][g][t][q][s][h']
    return np.ascontiguousarray(ordered).reshape(-1).astype(np.uint8).view(np.int8)


def _packed_struct(ctx: OpContext, channels: int, depth_words: int, packed: np.ndarray, bias: np.ndarray,
                   requant: np.ndarray, fields: dict):
    arrays = (ctx.const_array("packed_w", "int8_t", packed), ctx.const_array("packed_bias", "int32_t", bias),
              ctx.const_array("requant", "int32_t", requant))
    text = struct("edgeq_packed_s8_t", "packed", {
        "channels": channels, "depth_words": depth_words, **fields,
        "weights": arrays[0].name, "bias": arrays[1].name, "requant": arrays[2].name})
    return text, arrays


def _same_shape(ctx: OpContext) -> bool:
    return tuple(ctx.input(0).shape) == tuple(ctx.output().shape)


def _pointwise(ctx: OpContext, w2d: np.ndarray, rows: int, depth: int, fc_rounding: bool,
               inplace: bool) -> KernelCall | None:
    quant = _quant(ctx, w2d, fc_rounding)
    if quant is None:
        return None
    bias, requant, fields, _ = quant
    channels = w2d.shape[0]
    words = _round4(depth) // 4
    if rows < 4 and not inplace:
        # No 4-row tile to share weight loads: read the input directly instead of expanding it into
        # scratch (which would be twice the input and often the arena's largest buffer).
        text, arrays = _packed_struct(ctx, channels, words, _pack_gemm(w2d, pairs=4), bias, requant, fields)
        return KernelCall(
            statements=(
                text,
                f"edgeq_gemm_rows_direct_s8(&packed, {rows}, {depth}, {ctx.input_ptr(0)}, {ctx.output_ptr()});",
            ),
            kernels=_GEMM_DIRECT,
            arrays=arrays,
        )
    text, arrays = _packed_struct(ctx, channels, words, _pack_gemm(w2d), bias, requant, fields)
    scratch = (4 if rows >= 4 else 1) * words * 8
    return KernelCall(
        statements=(
            text,
            f"edgeq_pointwise_s8(&packed, {rows}, {depth}, {ctx.input_ptr(0)}, {ctx.output_ptr()}, "
            f"{ctx.scratch_ptr()});",
        ),
        kernels=("variants/edgeq_pointwise_s8.c",) + _GEMM,
        arrays=arrays,
        scratch_bytes=scratch,
        inplace=inplace,
    )


@register_variant("FULLY_CONNECTED", "int8")
def fully_connected_packed(ctx: OpContext) -> KernelCall | None:
    geom = fc_ops._geometry(ctx)
    w2d = ctx.input(1).data.astype(np.int64).reshape(geom["output_c"], geom["depth"])
    return _pointwise(ctx, w2d, geom["batches"], geom["depth"], fc_rounding=True, inplace=False)


@register_variant("CONV_2D", "int8")
def conv_packed(ctx: OpContext) -> KernelCall | None:
    geom = conv_ops._geometry(ctx, depthwise=False)
    if geom["dilation_h"] != 1 or geom["dilation_w"] != 1 or ctx.input(1).dtype != "int8":
        return None
    data = ctx.input(1).data.astype(np.int64)
    w2d = data.reshape(data.shape[0], -1)  # [out_c][fh * fw * in_c], the im2col order
    if (geom["filter_h"], geom["filter_w"], geom["stride_h"], geom["stride_w"]) == (1, 1, 1, 1) and \
            geom["output_h"] == geom["input_h"] and geom["output_w"] == geom["input_w"]:
        rows = geom["batches"] * geom["input_h"] * geom["input_w"]
        return _pointwise(ctx, w2d, rows, geom["input_c"], fc_rounding=False, inplace=_same_shape(ctx))
    quant = _quant(ctx, w2d, fc_rounding=False)
    if quant is None:
        return None
    bias, requant, fields, in_zp = quant
    words = _round4(w2d.shape[1]) // 4
    text, arrays = _packed_struct(ctx, geom["output_c"], words, _pack_gemm(w2d), bias, requant, fields)
    ring = _round4(((geom["output_w"] - 1) * geom["stride_w"] + geom["filter_w"]) * geom["input_c"])
    return KernelCall(
        statements=(
            struct("edgeq_conv_geom_t", "geom", geom),
            text,
            f"edgeq_conv2d_im2col_s8(&geom, &packed, {in_zp}, {ctx.input_ptr(0)}, {ctx.output_ptr()}, "
            f"{ctx.scratch_ptr()});",
        ),
        kernels=("variants/edgeq_conv2d_im2col_s8.c",) + _GEMM + _RING,
        arrays=arrays,
        scratch_bytes=ring * geom["filter_h"] + words * 4
        + (4 if geom["output_h"] * geom["output_w"] >= 4 else 1) * words * 8,
        inplace=_same_shape(ctx),
    )
