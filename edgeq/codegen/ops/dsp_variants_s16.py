"""int16x8 variants of CONV_2D, FULLY_CONNECTED and DEPTHWISE_CONV_2D (int16 activations, int8 weights,
int64 bias): the int8 weights re-laid out at generation time in blocks of four output channels so that the
kernels (firmware/kernels/variants/edgeq_gemm_s16.c, layout in edgeq_kernels_packed_s16.h) read the four
weight words of a depth quad at once and multiply them, two SXTB16 each, with four int16 inputs.

* FULLY_CONNECTED and 1x1 stride-1 same-size CONV_2D → `edgeq_gemm_rows_s16` (rows read in place, no
  scratch; row pairs share each weight word, a single row shares its inputs between the block's four
  channels);
* any other CONV_2D → `edgeq_conv2d_im2col_s16` (zero-padded int16 windows of two pixels in scratch);
* DEPTHWISE_CONV_2D with depth multiplier 1 and fewer than 512 taps → `edgeq_depthwise_s16` (channel
  pairs, weights as int16 pairs; 32-bit partial sums are exact below 512 taps: 511 * 128 * 32768 < 2^31).

Accumulation per block of four channels (`wide_blocks`): where each channel's 32768 * sum|w| < 2^31 (nearly
every trained layer) SMLAD in 32 bits, exact there; otherwise SMLALD in 64 bits, TFLM's accumulator, for
that block only. Requantization is TFLM's int64 MultiplyByQuantizedMultiplier with the bias, rounding and
the 15-bit multiplier folded at generation time (`prepared_requant`): one multiply-accumulate and a shift
per output, bit-exact with the base int16 emitter (int16.py).
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import Declined, KernelCall, OpContext, register_variant
from edgeq.codegen.ops.common import channel_scales, requant_arrays, struct, symmetric_weights
from edgeq.codegen.ops.conv import _geometry as conv_geometry
from edgeq.codegen.ops.fully_connected import _geometry as fc_geometry
from edgeq.codegen.ops.int16 import _act_range_s16, _bias_s64, _symmetric_s16

_GEMM = "variants/edgeq_gemm_s16.c"


#: Output channels per weight block of the kernels (edgeq_kernels_packed_s16.h).
BLOCK = 4


def pack_s16(w: np.ndarray) -> np.ndarray:
    """[N][K] int8 → bytes in the four-channel-block, depth-quad layout of edgeq_kernels_packed_s16.h."""
    n, k = w.shape
    padded = np.zeros((-(-n // BLOCK) * BLOCK, -(-k // 4) * 4), dtype=np.int64)
    padded[:n, :k] = w
    quads = padded.reshape(padded.shape[0] // BLOCK, BLOCK, -1, 4)   # [block][channel][q][k0..k3]
    words = quads[..., [0, 2, 1, 3]].transpose(0, 2, 1, 3)          # [block][q][channel][bytes]
    return np.ascontiguousarray(words).reshape(-1).astype(np.int8)


def wide_blocks(w2d: np.ndarray) -> np.ndarray:
    """Per block of four channels, 1 where some channel's sum of int16 x int8 products may leave int32
    (|x| <= 32768, so 32768 * sum|w| >= 2^31): that block accumulates in 64 bits, the others in 32."""
    wide = np.abs(w2d).sum(axis=1) * 32768 >= 2**31
    padded = np.zeros(-(-len(wide) // BLOCK) * BLOCK, dtype=bool)
    padded[:len(wide)] = wide
    return padded.reshape(-1, BLOCK).any(axis=1).astype(np.uint8)


def reduce_multiplier(multiplier: int) -> int:
    """TFLM's int64 MultiplyByQuantizedMultiplier reduces its 31-bit multiplier to 15 bits, rounding half
    up, 0x7FFF where that would reach 2^15 (edgeq_requant_s16.h); done here once instead of per output."""
    return (multiplier + (1 << 15)) >> 16 if multiplier < 0x7FFF0000 else 0x7FFF


def _wrap64(value: int) -> int:
    return (value + 2**63) % 2**64 - 2**63


def prepared_requant(multiplier: int, shift: int, bias: int) -> tuple[int, int, int]:
    """(offset, multiplier, post_shift) of one channel, as edgeq_kernels_packed_s16.h defines them: TFLM's
    (acc * r + 2^(t-1)) >> t with acc = sum + bias turned into one 32x32+64-bit multiply-accumulate of the
    sum and a shift of its high word wherever the factors allow it."""
    reduced, total = reduce_multiplier(multiplier), 15 - shift
    offset = bias * reduced + (1 << (total - 1))
    if total >= 32:
        return _wrap64(offset), reduced, total - 32
    scale = 32 - total
    if reduced << scale < 2**31 and _wrap64(offset << scale) != -2**63:  # (-2^63 has no C literal)
        return _wrap64(offset << scale), reduced << scale, 0
    return _wrap64(offset), reduced, -total


def _packed(ctx: OpContext, w2d: np.ndarray, reals: list[float], packed_weights: bool = True):
    """The `edgeq_packed_s16_t packed` declaration and its arrays, or Declined (`packed_weights` False:
    the kernel takes its weights separately, `weights` and `wide` are NULL)."""
    multiplier, shift = requant_arrays(ctx, reals)
    if any(s > 7 for s in shift.values.tolist()):
        return Declined("s16 gemm", "requantization factor above 2^7 (the base emitter explains)")
    bias = _bias_s64(ctx, w2d.shape[0])
    biases = bias.values.tolist() if bias is not None else [0] * w2d.shape[0]
    offset, mult, post = zip(*(prepared_requant(m, sh, b) for m, sh, b in
                               zip(multiplier.values.tolist(), shift.values.tolist(), biases)))
    act_min, act_max = _act_range_s16(ctx)
    arrays = (ctx.const_array("offset", "int64_t", np.array(offset, dtype=np.int64)),
              ctx.const_array("multiplier", "int32_t", np.array(mult, dtype=np.int64)),
              ctx.const_array("post_shift", "int32_t", np.array(post, dtype=np.int64)))
    fields = {"channels": w2d.shape[0], "depth": w2d.shape[1], "act_min": act_min, "act_max": act_max,
              "weights": "NULL", "wide": "NULL"}
    if packed_weights:
        weights = ctx.const_array("packed_w", "int8_t", pack_s16(w2d))
        fields["weights"] = weights.name
        arrays += (weights,)
        wide = wide_blocks(w2d)
        if wide.any():
            wide_array = ctx.const_array("wide", "uint8_t", wide)
            fields["wide"] = wide_array.name
            arrays += (wide_array,)
    fields.update({"offset": arrays[0].name, "multiplier": arrays[1].name, "post_shift": arrays[2].name})
    return struct("edgeq_packed_s16_t", "packed", fields), arrays


@register_variant("FULLY_CONNECTED", "int16")
def fully_connected_s16(ctx: OpContext) -> KernelCall | Declined:
    geom = fc_geometry(ctx)
    weights = ctx.input(1)
    if weights.dtype != "int8":
        return Declined("s16 gemm", f"{weights.dtype} weights")
    w_scales = symmetric_weights(ctx, weights)
    in_scale = _symmetric_s16(ctx, ctx.input(0), "input")
    out_scale = _symmetric_s16(ctx, ctx.output(), "output")
    reals = [in_scale * s / out_scale for s in channel_scales(ctx, w_scales, geom["output_c"])]  # double (fully_connected.py)
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
        kernels=(_GEMM,), arrays=arrays, scratch_bytes=window * 2 * 2, output_bytes=written)


#: Taps below which a depthwise channel's int32 partial sum of int16 x int8 products cannot overflow.
DEPTHWISE_TAP_LIMIT = 512


def pair_weights_s16(taps_c: np.ndarray) -> np.ndarray:
    """[taps][C] int8 → int16 values: for each channel pair, for each tap, the pair's two weights."""
    taps, channels = taps_c.shape
    padded = np.zeros((taps, channels + channels % 2), dtype=np.int64)
    padded[:, :channels] = taps_c
    return np.ascontiguousarray(padded.reshape(taps, -1, 2).transpose(1, 0, 2)).reshape(-1)


@register_variant("DEPTHWISE_CONV_2D", "int16")
def depthwise_s16(ctx: OpContext) -> KernelCall | Declined:
    geom = conv_geometry(ctx, depthwise=True)
    weights = ctx.input(1)
    if weights.dtype != "int8":
        return Declined("s16 depthwise", f"{weights.dtype} weights")
    if geom["depth_multiplier"] != 1:
        return Declined("s16 depthwise", f"depth multiplier {geom['depth_multiplier']}")
    taps = geom["filter_h"] * geom["filter_w"]
    if taps >= DEPTHWISE_TAP_LIMIT:
        return Declined("s16 depthwise", f"{taps} taps (int32 partial sums need fewer than {DEPTHWISE_TAP_LIMIT})")
    in_scale = _symmetric_s16(ctx, ctx.input(0), "input")
    out_scale = _symmetric_s16(ctx, ctx.output(), "output")
    channels = geom["output_c"]
    scales = channel_scales(ctx, symmetric_weights(ctx, weights), channels)
    taps_c = weights.data.astype(np.int64).reshape(taps, channels)
    packed = _packed(ctx, np.ascontiguousarray(taps_c.T), [in_scale * s / out_scale for s in scales],
                     packed_weights=False)
    if isinstance(packed, Declined):
        return packed
    text, arrays = packed
    weights16 = ctx.const_array("weights16", "int16_t", pair_weights_s16(taps_c))
    written = geom["batches"] * geom["output_h"] * geom["output_w"] * channels * 2
    return KernelCall(
        statements=(struct("edgeq_conv_geom_t", "geom", geom), text,
                    f"edgeq_depthwise_s16(&geom, &packed, {weights16.name}, {ctx.input_ptr(0)}, "
                    f"{ctx.output_ptr()});"),
        kernels=("variants/edgeq_depthwise_s16.c",), arrays=arrays + (weights16,), output_bytes=written)
