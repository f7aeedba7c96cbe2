"""int16x8 variants of CONV_2D and FULLY_CONNECTED (int16 activations, int8 weights, int64 bias): the int8
weights re-laid out at generation time so that the kernels (firmware/kernels/variants/edgeq_gemm_s16.c,
layout in edgeq_kernels_packed_s16.h) multiply four of them with four int16 inputs per two SMLALD, in
TFLM's exact int64 accumulator. Requantization constants, bias and activation range are the base int16
emitter's (int16.py), so the results are bit-exact with it by construction of the arithmetic.

* FULLY_CONNECTED and 1x1 stride-1 same-size CONV_2D → `edgeq_gemm_rows_s16` (rows read in place, no
  scratch);
* any other CONV_2D → `edgeq_conv2d_im2col_s16` (one zero-padded int16 window per pixel in scratch).
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import Declined, KernelCall, OpContext, register_variant
from edgeq.codegen.ops.common import channel_scales, requant_arrays, struct, symmetric_weights
from edgeq.codegen.ops.conv import _geometry as conv_geometry
from edgeq.codegen.ops.fully_connected import _geometry as fc_geometry
from edgeq.codegen.ops.int16 import _act_range_s16, _bias_s64, _symmetric_s16
from edgeq.codegen.quantize import f32

_GEMM = "variants/edgeq_gemm_s16.c"


def pack_s16(w: np.ndarray) -> np.ndarray:
    """[N][K] int8 → bytes in the channel-pair, depth-quad layout of edgeq_kernels_packed_s16.h."""
    n, k = w.shape
    padded = np.zeros((n + n % 2, (k + 3) // 4 * 4), dtype=np.int64)
    padded[:n, :k] = w
    quads = padded.reshape(padded.shape[0] // 2, 2, -1, 4)          # [pair][h][q][k0..k3]
    words = quads[..., [0, 2, 1, 3]].transpose(0, 2, 1, 3)          # [pair][q][h][bytes]
    return np.ascontiguousarray(words).reshape(-1).astype(np.int8)


def _packed(ctx: OpContext, w2d: np.ndarray, reals: list[float]):
    """The `edgeq_packed_s16_t packed` declaration and its arrays, or Declined."""
    multiplier, shift = requant_arrays(ctx, reals)
    if any(s > 7 for s in shift.values.tolist()):
        return Declined("s16 gemm", "requantization factor above 2^7 (the base emitter explains)")
    bias = _bias_s64(ctx, w2d.shape[0])
    act_min, act_max = _act_range_s16(ctx)
    weights = ctx.const_array("packed_w", "int8_t", pack_s16(w2d))
    text = struct("edgeq_packed_s16_t", "packed", {
        "channels": w2d.shape[0], "depth": w2d.shape[1], "act_min": act_min, "act_max": act_max,
        "weights": weights.name, "bias": bias.name if bias is not None else "NULL",
        "multiplier": multiplier.name, "shift": shift.name})
    return text, (weights, multiplier, shift) + ((bias,) if bias is not None else ())


@register_variant("FULLY_CONNECTED", "int16")
def fully_connected_s16(ctx: OpContext) -> KernelCall | Declined:
    geom = fc_geometry(ctx)
    weights = ctx.input(1)
    if weights.dtype != "int8":
        return Declined("s16 gemm", f"{weights.dtype} weights")
    w_scales = symmetric_weights(ctx, weights)
    in_scale = _symmetric_s16(ctx, ctx.input(0), "input")
    out_scale = _symmetric_s16(ctx, ctx.output(), "output")
    if len(w_scales) > 1:
        reals = [in_scale * s / out_scale for s in channel_scales(ctx, w_scales, geom["output_c"])]
    else:  # TFLM's FULLY_CONNECTED multiplies in and weight scales in float32 (int16.py)
        reals = [float(f32(in_scale) * f32(w_scales[0])) / out_scale] * geom["output_c"]
    packed = _packed(ctx, weights.data.astype(np.int64).reshape(geom["output_c"], geom["depth"]), reals)
    if isinstance(packed, Declined):
        return packed
    text, arrays = packed
    return KernelCall(
        statements=(text, f"edgeq_gemm_rows_s16(&packed, {geom['batches']}, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
        kernels=(_GEMM,), arrays=arrays, output_bytes=geom["batches"] * geom["output_c"] * 2)


@register_variant("CONV_2D", "int16")
def conv_s16(ctx: OpContext) -> KernelCall | Declined:
    geom = conv_geometry(ctx, depthwise=False)
    weights = ctx.input(1)
    if weights.dtype != "int8":
        return Declined("s16 gemm", f"{weights.dtype} weights")
    in_scale = _symmetric_s16(ctx, ctx.input(0), "input")
    out_scale = _symmetric_s16(ctx, ctx.output(), "output")
    scales = channel_scales(ctx, symmetric_weights(ctx, weights), geom["output_c"])
    data = weights.data.astype(np.int64)
    packed = _packed(ctx, data.reshape(data.shape[0], -1), [in_scale * s / out_scale for s in scales])
    if isinstance(packed, Declined):
        return packed
    text, arrays = packed
    pixels = geom["batches"] * geom["output_h"] * geom["output_w"]
    written = pixels * geom["output_c"] * 2
    pointwise = ((geom["filter_h"], geom["filter_w"], geom["stride_h"], geom["stride_w"]) == (1, 1, 1, 1)
                 and (geom["output_h"], geom["output_w"]) == (geom["input_h"], geom["input_w"]))
    if pointwise:
        return KernelCall(
            statements=(text, f"edgeq_gemm_rows_s16(&packed, {pixels}, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
            kernels=(_GEMM,), arrays=arrays, output_bytes=written)
    window = (geom["filter_h"] * geom["filter_w"] * geom["input_c"] + 3) // 4 * 4
    return KernelCall(
        statements=(struct("edgeq_conv_geom_t", "geom", geom), text,
                    f"edgeq_conv2d_im2col_s16(&geom, &packed, {ctx.input_ptr(0)}, {ctx.output_ptr()}, "
                    f"{ctx.scratch_ptr()});"),
        kernels=(_GEMM,), arrays=arrays, scratch_bytes=window * 2, output_bytes=written)
