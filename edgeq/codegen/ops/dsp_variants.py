"""Packed-weight GEMM variants chosen at generation time, and the quantization folding every packed
variant shares.

Each emitter here is a `register_variant`: it returns a `Declined` reason (or None when the op is of
another shape) and the base emitter (conv.py, fully_connected.py: the reference kernels) runs the op
instead. The variants (firmware/kernels/variants/, layouts in edgeq_kernels_packed.h) are:

* FULLY_CONNECTED and 1x1 stride-1 CONV_2D → `edgeq_pointwise_s8`, a GEMM over packed int8 weights
  (input rows expanded to int16 in scratch); with fewer than 4 rows and not in place,
  `edgeq_gemm_rows_direct_s8` (the same GEMM sign-extending the input in registers, no scratch);
* other CONV_2D: im2col_variants.py; DEPTHWISE_CONV_2D: depthwise_variants.py.

What is folded at generation time (`packed_quant`): the input zero point into the bias (modulo 2^32, as
TFLM's int32 accumulator wraps), the requantization into per-channel triples, and the int8 weights into
the order the kernels load them, still one byte per weight: the GEMM stores two output channels per byte
pair (one channel offset by 128) so that one SMLAD of the raw word and one of its SXTB16 give four MACs
(edgeq_gemm_row_s8.c).

Requantization, per channel: a channel whose output is the same for every input (constant_channels.py:
a filter that never activates, all-zero weights) gets the triple (0, 1, 2 * output + 1) and bias 0, which
the fast form turns into that output whatever it accumulated. Otherwise, where the right shift is in [1, 31] and no accumulator can reach 2^30
(|bias| + 128 * sum|w|), the SMMULR form of TFLM's double rounding is exact (edgeq_simd.h) and the triple
is (multiplier, r, 2^(r-1) + zp * 2^r). Any other channel (a dead channel whose bias sits near 2^31, a
real multiplier >= 1 that needs a left shift) gets the exact full-range form (multiplier,
EDGEQ_RQ_EXACT + shift, zp) and the op's `exact_channels` flag: the kernels then branch per channel.
So every int8 weight tensor TFLite can produce runs the SIMD kernels; nothing declines for quantization.

In place: the convolution variants read what they still need into scratch before overwriting it, so
an op whose output has the input's shape returns `inplace=True` and the planner may merge the two
buffers (this is what brings the depthwise-separable and residual models' arenas down). Of another
shape, the output may still overlap the input from the byte its kernel has read past
(`KernelCall.output_below_input`: `pointwise_output_gap`, im2col_variants.ring_output_gap).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edgeq.codegen.ops import Declined, KernelCall, OpContext, register_variant
from edgeq.codegen.ops import fully_connected as fc_ops
from edgeq.codegen.ops.common import (act_range_s8, channel_scales, folded_bias, int32_bias, scalar_quant, struct,
                                      symmetric_weights)
from edgeq.codegen.ops.constant_channels import constant_outputs
from edgeq.codegen.quantize import quantize_multiplier

ACC_LIMIT = 1 << 30
#: rq[1] of an exact-form channel is RQ_EXACT + TFLM's shift (EDGEQ_RQ_EXACT in edgeq_simd.h).
RQ_EXACT = 64
#: Weight dtypes the packed kernels take: int4 arrives unpacked to one int8 per weight (edgeq.ir).
PACKABLE_WEIGHTS = ("int8", "int4")
_GEMM = ("variants/edgeq_gemm_row_s8.c",)
_GEMM_DIRECT = ("variants/edgeq_gemm_rows_direct_s8.c",)


def round4(n: int) -> int:
    return (n + 3) // 4 * 4


@dataclass(frozen=True)
class PackedQuant:
    """Per-channel constants of a packed int8 kernel (channels padded to a multiple of 4 with zeros)."""

    bias: np.ndarray          # int32 values (as int64): bias - in_zp * sum(w), wrapped modulo 2^32
    requant: np.ndarray       # 3 int32 per channel: fast (m, r, rounding) or exact (m, RQ_EXACT + shift, zp)
    exact_channels: tuple[int, ...]  # channels requantized in the exact form (their reasons in `notes`)
    notes: tuple[str, ...]    # why the first few exact channels are not on the branch-free form
    constant_channels: tuple[tuple[int, int], ...]  # (channel, output) of channels the same for every input
    act_min: int
    act_max: int
    input_zero_point: int

    def fields(self) -> dict:
        return {"act_min": self.act_min, "act_max": self.act_max, "exact_channels": int(bool(self.exact_channels))}


def _requant_triple(real: float, out_zp: int, acc_bound: int) -> tuple[tuple[int, int, int], str]:
    """The channel's triple and, for the exact form, why it is needed ("" for the fast form)."""
    multiplier, shift = quantize_multiplier(real)
    exact = (multiplier, RQ_EXACT + shift, out_zp)
    if shift >= 0:
        return exact, f"real multiplier {real:.3g} needs a left shift of {shift}"
    if shift < -31:
        return exact, f"real multiplier {real:.3g} needs a right shift of {-shift}"
    r = -shift
    rounding = (1 << (r - 1)) + out_zp * (1 << r)
    if abs(rounding) >= ACC_LIMIT:
        return exact, f"rounding term of shift {r} with zero point {out_zp} needs 31 bits"
    if acc_bound >= ACC_LIMIT:
        return exact, f"accumulator may reach 2^{int(acc_bound).bit_length() - 1} (bias + 128·Σ|w|)"
    return (multiplier, r, rounding), ""


def _wrap_int32(values: np.ndarray) -> np.ndarray:
    return ((values.astype(np.int64) + (1 << 31)) % (1 << 32)) - (1 << 31)


def packed_quant(ctx: OpContext, weights_2d: np.ndarray) -> PackedQuant | Declined:
    """Bias, requantization and activation fields for int8 weights [channels][taps] (int64 values)."""
    weights = ctx.input(1)
    if weights.dtype not in PACKABLE_WEIGHTS:
        return Declined("packed", f"{weights.dtype} weights")
    w_scales = symmetric_weights(ctx, weights)
    in_scale, in_zp = scalar_quant(ctx, ctx.input(0))
    out_scale, out_zp = scalar_quant(ctx, ctx.output())
    channels = weights_2d.shape[0]
    scales = channel_scales(ctx, w_scales, channels)
    reals = [in_scale * s / out_scale for s in scales]  # in double, per channel or per tensor (fully_connected.py)
    bias = folded_bias(ctx, weights_2d.sum(axis=1), in_zp)
    bias_values = bias.values.astype(np.int64) if bias is not None else np.zeros(channels, dtype=np.int64)
    bounds = np.abs(bias_values) + 128 * np.abs(weights_2d).sum(axis=1)
    act_min, act_max = act_range_s8(ctx)
    multipliers, shifts = zip(*(quantize_multiplier(real) for real in reals))
    constants = constant_outputs(weights_2d, int32_bias(ctx, channels), in_zp, multipliers, shifts, out_zp,
                                 act_min, act_max)
    triples, exact, notes, constant = [], [], [], []
    for channel, (real, bound, value) in enumerate(zip(reals, bounds.tolist(), constants)):
        if value is not None:
            # SMMULR(acc, 0) = 0 whatever acc is, then (0 + 2 * value + 1 - s) >> 1 = value for either sign
            # correction s in {0, 1} (a kernel may take the sign from acc instead of the product)
            triples.append((0, 1, 2 * value + 1))
            bias_values[channel] = 0
            constant.append((channel, value))
            continue
        triple, why = _requant_triple(real, out_zp, bound)
        triples.append(triple)
        if why:
            exact.append(channel)
            if len(notes) < 3:
                notes.append(f"channel {channel}: {why}")
    padded = round4(channels)
    padded_bias = np.zeros(padded, dtype=np.int64)
    padded_bias[:channels] = bias_values
    padded_rq = np.zeros((padded, 3), dtype=np.int64)
    padded_rq[:channels] = triples
    padded_rq[channels:] = (1 << 30, 1, 0)  # harmless fast triples for the zero padding channels
    return PackedQuant(padded_bias, padded_rq.reshape(-1), tuple(exact), tuple(notes), tuple(constant), act_min,
                       act_max, in_zp)


def pack_gemm(w: np.ndarray, pairs: int = 2) -> np.ndarray:
    """[N][K] int8 → int8 bytes in the pair layout of edgeq_kernels_packed.h: blocks of `pairs` channel
    pairs (2 for the expanded-input kernels, 4 for edgeq_gemm_rows_direct_s8)."""
    n, k = w.shape
    block = 2 * pairs
    padded = np.zeros(((n + block - 1) // block * block, round4(k)), dtype=np.int64)
    padded[:n, :k] = w
    # channel block*b + 2q + h (h = 0: hi, 1: lo), depth 4g + 2s + t (word j = 2g + t, s picks k0/k1)
    six = padded.reshape(padded.shape[0] // block, pairs, 2, padded.shape[1] // 4, 2, 2)  # [b][q][h][g][s][t]
    six = six.copy()
    six[:, :, 1] += 128  # the lo channel, offset to unsigned (the kernel subtracts 128 * sum(x))
    six = six[:, :, ::-1]  # byte order within a half: lo first
    ordered = six.transpose(0, 3, 5, 1, 4, 2)  # [b][g][t][q][s][h']
    return np.ascontiguousarray(ordered).reshape(-1).astype(np.uint8).view(np.int8)


def packed_struct(ctx: OpContext, channels: int, depth_words: int, packed: np.ndarray, quant: PackedQuant):
    """The `edgeq_packed_s8_t packed` declaration and the const arrays it names."""
    arrays = (ctx.const_array("packed_w", "int8_t", packed), ctx.const_array("packed_bias", "int32_t", quant.bias),
              ctx.const_array("requant", "int32_t", quant.requant))
    text = struct("edgeq_packed_s8_t", "packed", {
        "channels": channels, "depth_words": depth_words, **quant.fields(),
        "weights": arrays[0].name, "bias": arrays[1].name, "requant": arrays[2].name})
    return text, arrays


def exact_notes(quant: PackedQuant) -> tuple[str, ...]:
    """`--per-op` lines saying which channels took the exact (branching) requantization, and why, and which
    ones are constants (a model with many is worth pruning)."""
    lines = []
    if quant.exact_channels:
        more = len(quant.exact_channels) - len(quant.notes)
        lines.append(f"exact requantization for {len(quant.exact_channels)} channel(s): " + "; ".join(quant.notes)
                     + (f"; +{more} more" if more > 0 else ""))
    if quant.constant_channels:
        shown = ", ".join(f"{channel} = {value}" for channel, value in quant.constant_channels[:4])
        more = len(quant.constant_channels) - 4
        lines.append(f"{len(quant.constant_channels)} channel(s) give the same output for every input (not "
                     f"computed): {shown}" + (f", +{more} more" if more > 0 else ""))
    return tuple(lines)


def same_shape(ctx: OpContext) -> bool:
    return tuple(ctx.input(0).shape) == tuple(ctx.output().shape)


def pointwise_output_gap(rows: int, depth: int, channels: int) -> int:
    """Bytes edgeq_pointwise_s8's output must start below its input to overlap it (edgeq.plan.overlap;
    negative: it may start that far above). Its rows are read (expanded into scratch) four at a time, the
    last rows % 4 one at a time, and each tile's output rows written after its input rows are read: after
    k rows are written, k * channels bytes are, and the input from row k on is still to be read."""
    done = [k for k in range(4, rows - rows % 4 + 1, 4)] + list(range(rows - rows % 4 + 1, rows + 1))
    still_reading = [k for k in done if k < rows] or [rows]
    return max(k * (channels - depth) for k in still_reading)


def pointwise(ctx: OpContext, w2d: np.ndarray, rows: int, depth: int, inplace: bool) -> KernelCall | Declined:
    """The GEMM variants for `rows` input rows of `depth` bytes against weights [channels][depth]."""
    quant = packed_quant(ctx, w2d)
    if isinstance(quant, Declined):
        return quant
    channels = w2d.shape[0]
    words = round4(depth) // 4
    if rows < 4 and not inplace:
        # No 4-row tile to share weight loads: read the input directly instead of expanding it into
        # scratch (which would be twice the input and often the arena's largest buffer).
        text, arrays = packed_struct(ctx, channels, words, pack_gemm(w2d, pairs=4), quant)
        return KernelCall(
            statements=(
                text,
                f"edgeq_gemm_rows_direct_s8(&packed, {rows}, {depth}, {ctx.input_ptr(0)}, {ctx.output_ptr()});",
            ),
            kernels=_GEMM_DIRECT,
            arrays=arrays,
            declined=exact_notes(quant),
        )
    text, arrays = packed_struct(ctx, channels, words, pack_gemm(w2d), quant)
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
        output_below_input=pointwise_output_gap(rows, depth, channels),
        declined=exact_notes(quant),
    )


@register_variant("FULLY_CONNECTED", "int8")
def fully_connected_packed(ctx: OpContext) -> KernelCall | Declined:
    geom = fc_ops._geometry(ctx)
    w2d = ctx.input(1).data.astype(np.int64).reshape(geom["output_c"], geom["depth"])
    return pointwise(ctx, w2d, geom["batches"], geom["depth"], inplace=False)


@register_variant("CONV_2D", "int8")
def conv_pointwise(ctx: OpContext) -> KernelCall | Declined | None:
    """1x1, stride 1, same-size CONV_2D: a GEMM over the pixels (other convolutions: im2col_variants)."""
    from edgeq.codegen.ops import conv as conv_ops

    geom = conv_ops._geometry(ctx, depthwise=False)
    if (geom["filter_h"], geom["filter_w"], geom["stride_h"], geom["stride_w"]) != (1, 1, 1, 1) or \
            geom["output_h"] != geom["input_h"] or geom["output_w"] != geom["input_w"]:
        return None
    data = ctx.input(1).data.astype(np.int64)
    w2d = data.reshape(data.shape[0], -1)
    rows = geom["batches"] * geom["input_h"] * geom["input_w"]
    return pointwise(ctx, w2d, rows, geom["input_c"], inplace=same_shape(ctx))
