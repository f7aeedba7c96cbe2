"""Helium (MVE) int16x8 variants for Cortex-M55-class cores: FULLY_CONNECTED and 1x1 stride-1 same-size
CONV_2D as GEMM rows of VMLALDAVA.S16 (int16 activations x int8 weights widened on load, TFLM's exact 64-bit
accumulator; firmware/kernels/mve/edgeq_gemm_rows_mve_s16.c, contract in edgeq_kernels_mve.h); any other
CONV_2D as one gathered window per output pixel + a GEMM row (edgeq_conv2d_mve_s16.c); MAX_POOL_2D eight
channels per vector (edgeq_maxpool_mve_s16.c); AVERAGE_POOL_2D eight channels per load, two int32x4 sums
(edgeq_avgpool_mve_s16.c); same-shape ADD/SUB eight elements per vector with elementwise_variants' SMMULR-form
constants, each rescale VQRDMULH + a rounding shift (edgeq_add_mve_s16.c); DEPTHWISE_CONV_2D with depth
multiplier 1 eight channels per step (VMULLB / VMULLT into int32 lanes) where every channel's
32768 * sum|w| < 2^31 makes those sums exact
(edgeq_depthwise_mve_s16.c; other layers fall through to the packed DSP variant or the base kernel).

The weights are interleaved per block of four channels and chunk of eight depths (`pack_mve_s16`), and the
requantization constants are dsp_variants_s16's (`_packed` without packed weights: offset with the int64
bias and rounding folded in, 15-bit multiplier, post shift; its arrays in the kernel's own struct), so the
results equal the packed DSP kernel's and TFLM's. Every sum is 64-bit: no narrow/wide split per block.

They apply only when the build says the core has MVE (`isa_enabled("mve")`) and are registered `first=True`,
ahead of the packed DSP variants.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from edgeq.codegen.ops import Declined, KernelCall, OpContext, isa_enabled, register_variant
from edgeq.codegen.ops.common import channel_scales, struct, symmetric_weights
from edgeq.codegen.ops.conv import _geometry as conv_geometry
from edgeq.codegen.ops.dsp_variants_s16 import _packed
from edgeq.codegen.ops.elementwise_variants import _add_sub_s16
from edgeq.codegen.ops.fully_connected import _geometry as fc_geometry
from edgeq.codegen.ops.int16 import _act_range_s16, _pool, _symmetric_s16
from edgeq.codegen.ops.mve_variants import round_up

_GEMM = "mve/edgeq_gemm_rows_mve_s16.c"


def pack_mve_s16(w: np.ndarray) -> np.ndarray:
    """[N][K] int8 → blocks of 4 channels, chunks of 8 depths, 4 x 8 bytes per chunk (edgeq_kernels_mve.h)."""
    n, k = w.shape
    padded = np.zeros((round_up(n, 4), round_up(k, 8)), dtype=np.int64)
    padded[:n, :k] = w
    blocks = padded.reshape(padded.shape[0] // 4, 4, padded.shape[1] // 8, 8).transpose(0, 2, 1, 3)
    return np.ascontiguousarray(blocks).reshape(-1).astype(np.int8)


def gemm_struct_s16(ctx: OpContext, w2d: np.ndarray) -> tuple[str, tuple] | Declined:
    """The `edgeq_mve_gemm_s16_t gemm` declaration and its arrays for weights [output channels][depth]."""
    weights = ctx.input(1)
    if weights.dtype != "int8":
        return Declined("mve s16 gemm", f"{weights.dtype} weights")
    in_scale = _symmetric_s16(ctx, ctx.input(0), "input")
    out_scale = _symmetric_s16(ctx, ctx.output(), "output")
    scales = channel_scales(ctx, symmetric_weights(ctx, weights), w2d.shape[0])
    packed = _packed(ctx, w2d, [in_scale * s / out_scale for s in scales], packed_weights=False)
    if isinstance(packed, Declined):
        return Declined("mve s16 gemm", packed.reason)
    _, (offset, multiplier, post_shift) = packed
    interleaved = ctx.const_array("mve_w", "int8_t", pack_mve_s16(w2d))
    act_min, act_max = _act_range_s16(ctx)
    text = struct("edgeq_mve_gemm_s16_t", "gemm", {
        "channels": w2d.shape[0], "depth": w2d.shape[1], "act_min": act_min, "act_max": act_max,
        "weights": interleaved.name, "offset": offset.name, "multiplier": multiplier.name,
        "post_shift": post_shift.name})
    return text, (interleaved, offset, multiplier, post_shift)


def gemm_rows_s16(ctx: OpContext, w2d: np.ndarray, rows: int) -> KernelCall | Declined:
    """edgeq_gemm_rows_mve_s16 over `rows` input rows."""
    gemm = gemm_struct_s16(ctx, w2d)
    if isinstance(gemm, Declined):
        return gemm
    text, arrays = gemm
    return KernelCall(
        statements=(text, f"edgeq_gemm_rows_mve_s16(&gemm, {rows}, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
        kernels=(_GEMM,), arrays=arrays, output_bytes=rows * w2d.shape[0] * 2)


@register_variant("FULLY_CONNECTED", "int16", first=True)
def fully_connected_mve_s16(ctx: OpContext) -> KernelCall | Declined | None:
    if not isa_enabled("mve"):
        return None
    geom = fc_geometry(ctx)
    w2d = ctx.input(1).data.astype(np.int64).reshape(geom["output_c"], geom["depth"])
    return gemm_rows_s16(ctx, w2d, geom["batches"])


@register_variant("CONV_2D", "int16", first=True)
def conv_mve_s16(ctx: OpContext) -> KernelCall | Declined | None:
    """1x1 stride-1 same-size convolutions as GEMM rows over the pixels, every other one as im2col + GEMM row."""
    if not isa_enabled("mve"):
        return None
    geom = conv_geometry(ctx, depthwise=False)
    data = ctx.input(1).data.astype(np.int64)
    w2d = data.reshape(data.shape[0], -1)  # [output_c][filter_h * filter_w * input_c]: the window order
    pixels = geom["batches"] * geom["output_h"] * geom["output_w"]
    if (geom["filter_h"], geom["filter_w"], geom["stride_h"], geom["stride_w"]) == (1, 1, 1, 1) and \
            (geom["output_h"], geom["output_w"]) == (geom["input_h"], geom["input_w"]):
        return gemm_rows_s16(ctx, w2d, pixels)
    gemm = gemm_struct_s16(ctx, w2d)
    if isinstance(gemm, Declined):
        return gemm
    text, arrays = gemm
    return KernelCall(
        statements=(struct("edgeq_conv_geom_t", "geom", geom), text,
                    f"edgeq_conv2d_mve_s16(&geom, &gemm, {ctx.input_ptr(0)}, {ctx.output_ptr()}, "
                    f"{ctx.scratch_ptr()});"),
        kernels=("mve/edgeq_conv2d_mve_s16.c", _GEMM), arrays=arrays,
        scratch_bytes=round_up(2 * w2d.shape[1], 16),  # edgeq_conv2d_mve_s16_scratch_size
        output_bytes=pixels * w2d.shape[0] * 2)


@register_variant("MAX_POOL_2D", "int16", first=True)
def maxpool_mve_s16(ctx: OpContext) -> KernelCall | None:
    """int16.py's pooling call on the Helium kernel (edgeq_maxpool_s16's contract)."""
    if not isa_enabled("mve"):
        return None
    return dataclasses.replace(_pool(ctx, "edgeq_maxpool_mve_s16"), kernels=("mve/edgeq_maxpool_mve_s16.c",))


@register_variant("AVERAGE_POOL_2D", "int16", first=True)
def avgpool_mve_s16(ctx: OpContext) -> KernelCall | None:
    """int16.py's pooling call on the Helium kernel (edgeq_avgpool_s16's contract)."""
    if not isa_enabled("mve"):
        return None
    return dataclasses.replace(_pool(ctx, "edgeq_avgpool_mve_s16"), kernels=("mve/edgeq_avgpool_mve_s16.c",))


def _add_sub_mve_s16(ctx: OpContext, subtract: bool) -> KernelCall | None:
    """Same-shape int16 ADD/SUB with elementwise_variants' constants on the Helium kernel; None (the next
    variant or the base kernel) where that generator declines (broadcast, a left-shift rescale)."""
    if not isa_enabled("mve"):
        return None
    return _add_sub_s16(ctx, subtract, function="edgeq_add_mve_s16", source="mve/edgeq_add_mve_s16.c")


@register_variant("ADD", "int16", first=True)
def add_mve_s16(ctx: OpContext) -> KernelCall | None:
    return _add_sub_mve_s16(ctx, subtract=False)


@register_variant("SUB", "int16", first=True)
def sub_mve_s16(ctx: OpContext) -> KernelCall | None:
    return _add_sub_mve_s16(ctx, subtract=True)


@register_variant("DEPTHWISE_CONV_2D", "int16", first=True)
def depthwise_mve_s16(ctx: OpContext) -> KernelCall | Declined | None:
    """Depth multiplier 1 with int32-exact channel sums (32768 * sum|w| < 2^31, nearly every trained layer);
    None otherwise, for the packed DSP variant or the base kernel."""
    if not isa_enabled("mve"):
        return None
    geom = conv_geometry(ctx, depthwise=True)
    weights = ctx.input(1)
    if weights.dtype != "int8" or geom["depth_multiplier"] != 1:
        return None
    taps, channels = geom["filter_h"] * geom["filter_w"], geom["output_c"]
    taps_c = weights.data.astype(np.int64).reshape(taps, channels)
    if (np.abs(taps_c).sum(axis=0) * 32768 >= 2**31).any():
        return None
    in_scale = _symmetric_s16(ctx, ctx.input(0), "input")
    out_scale = _symmetric_s16(ctx, ctx.output(), "output")
    scales = channel_scales(ctx, symmetric_weights(ctx, weights), channels)
    packed = _packed(ctx, np.ascontiguousarray(taps_c.T), [in_scale * s / out_scale for s in scales],
                     packed_weights=False)
    if isinstance(packed, Declined):
        return Declined("mve s16 depthwise", packed.reason)
    _, (offset, multiplier, post_shift) = packed
    weights_array = ctx.const_array("dw_w", "int8_t", taps_c.reshape(-1))
    act_min, act_max = _act_range_s16(ctx)
    text = struct("edgeq_mve_gemm_s16_t", "gemm", {
        "channels": channels, "depth": taps, "act_min": act_min, "act_max": act_max,
        "weights": weights_array.name, "offset": offset.name, "multiplier": multiplier.name,
        "post_shift": post_shift.name})
    return KernelCall(
        statements=(struct("edgeq_conv_geom_t", "geom", geom), text,
                    f"edgeq_depthwise_mve_s16(&geom, &gemm, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
        kernels=("mve/edgeq_depthwise_mve_s16.c",), arrays=(weights_array, offset, multiplier, post_shift),
        output_bytes=geom["batches"] * geom["output_h"] * geom["output_w"] * channels * 2)
