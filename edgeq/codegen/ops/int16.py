"""int16x8 emitters: int16 activations (zero point 0), int8 symmetric weights, int64 biases.

Covers CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, MAX_POOL_2D, AVERAGE_POOL_2D, SOFTMAX and DEQUANTIZE
with int16 inputs (QUANTIZE float32 → int16 is quantize_ops.py's float emitter). Kernels:
firmware/kernels/include/edgeq_kernels_s16.h. Facts from tflite-micro's conv.cc / depthwise_conv.cc /
fully_connected.cc (int16 input with int64 bias → reference_integer_ops with an int64 accumulator and the
int64 MultiplyByQuantizedMultiplier), pooling.cc and softmax_common.cc (the two gen_lut<float> tables).
Multipliers are computed as for int8 (PopulateConvolutionQuantizationParams: in * w / out per channel in
double; FULLY_CONNECTED per-tensor multiplies in * w in float32 first).
"""
from __future__ import annotations

import math

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register
from edgeq.codegen.ops.common import (channel_scales, fused_activation, requant_arrays, scalar_quant, struct,
                                      symmetric_weights)
from edgeq.codegen.ops.conv import _geometry as conv_geometry
from edgeq.codegen.ops.conv import output_elements
from edgeq.codegen.ops.fully_connected import _geometry as fc_geometry
from edgeq.codegen.ops.pool import _geometry as pool_geometry
from edgeq.codegen.quantize import activation_range_int8, f32, quantize_multiplier, round_half_away

INT16_MIN, INT16_MAX = -32768, 32767
LUT_SIZE = 513  # 512 segments plus the closing anchor for the last slope


def _symmetric_s16(ctx: OpContext, tensor, role: str) -> float:
    scale, zero_point = scalar_quant(ctx, tensor)
    if zero_point != 0:
        raise ctx.fail(f"int16 {role} with zero point {zero_point} (TFLite's int16 activations are symmetric)",
                       "re-convert with `edgeq convert --mode int16x8`")
    return scale


def _act_range_s16(ctx: OpContext) -> tuple[int, int]:
    return activation_range_int8(fused_activation(ctx), scalar_quant(ctx, ctx.output())[0], 0,
                                 INT16_MIN, INT16_MAX)


def _bias_s64(ctx: OpContext, channels: int):
    bias = ctx.input(2)
    if bias is None:
        return None
    if bias.dtype != "int64" or not bias.is_constant:
        raise ctx.fail(f"{bias.dtype} bias with int16 activations is not supported (int64 expected)",
                       "convert with `edgeq convert --mode int16x8` (int64 biases)")
    data = bias.data.astype(np.int64).reshape(-1)
    if data.size != channels:
        raise ctx.fail(f"{data.size} bias values for {channels} output channels")
    return ctx.const_array("bias", "int64_t", data)


def _weighted(ctx: OpContext, name: str, geom_type: str, geom: dict, reals: list[float],
              channels: int, written: int) -> KernelCall:
    multiplier, shift = requant_arrays(ctx, reals)
    if any(s > 7 for s in shift.values.tolist()):
        raise ctx.fail("requantization factor above 2^7 (TFLite's int16 kernels shift left by at most 7)")
    bias = _bias_s64(ctx, channels)
    act_min, act_max = _act_range_s16(ctx)
    weight_array = ctx.weights(1)
    return KernelCall(
        statements=(
            struct(geom_type, "geom", geom),
            struct("edgeq_quant_s16_t", "quant", {"act_min": act_min, "act_max": act_max,
                                                  "multiplier": multiplier.name, "shift": shift.name}),
            f"{name}(&geom, &quant, {ctx.input_ptr(0)}, {weight_array.name}, "
            f"{bias.name if bias is not None else 'NULL'}, {ctx.output_ptr()});",
        ),
        kernels=(kernel(name),),
        arrays=(weight_array, multiplier, shift) + ((bias,) if bias is not None else ()),
        output_bytes=written * 2,
    )


def _conv(ctx: OpContext, depthwise: bool) -> KernelCall:
    geom = conv_geometry(ctx, depthwise)
    weights = ctx.input(1)
    if weights.dtype != "int8":
        raise ctx.fail(f"{weights.dtype} weights with int16 activations are not supported (int8 expected)")
    w_scales = symmetric_weights(ctx, weights)
    in_scale = _symmetric_s16(ctx, ctx.input(0), "input")
    out_scale = _symmetric_s16(ctx, ctx.output(), "output")
    channels = geom["output_c"]
    scales = channel_scales(ctx, w_scales, channels)
    name = "edgeq_depthwise_conv2d_s16" if depthwise else "edgeq_conv2d_s16"
    return _weighted(ctx, name, "edgeq_conv_geom_t", geom, [in_scale * s / out_scale for s in scales], channels,
                     output_elements(geom))


@register("CONV_2D", "int16")
def emit_conv_s16(ctx: OpContext) -> KernelCall:
    return _conv(ctx, depthwise=False)


@register("DEPTHWISE_CONV_2D", "int16")
def emit_depthwise_s16(ctx: OpContext) -> KernelCall:
    return _conv(ctx, depthwise=True)


@register("FULLY_CONNECTED", "int16")
def emit_fc_s16(ctx: OpContext) -> KernelCall:
    geom = fc_geometry(ctx)
    weights = ctx.input(1)
    if weights.dtype != "int8":
        raise ctx.fail(f"{weights.dtype} weights with int16 activations are not supported (int8 expected)")
    w_scales = symmetric_weights(ctx, weights)
    in_scale = _symmetric_s16(ctx, ctx.input(0), "input")
    out_scale = _symmetric_s16(ctx, ctx.output(), "output")
    reals = [in_scale * s / out_scale for s in channel_scales(ctx, w_scales, geom["output_c"])]  # double (fully_connected.py)
    return _weighted(ctx, "edgeq_fully_connected_s16", "edgeq_fc_geom_t", geom, reals, geom["output_c"],
                     geom["batches"] * geom["output_c"])


def _pool(ctx: OpContext, name: str) -> KernelCall:
    if scalar_quant(ctx, ctx.input(0)) != scalar_quant(ctx, ctx.output()):
        raise ctx.fail("int16 pooling with different input and output quantization is not supported")
    _symmetric_s16(ctx, ctx.input(0), "input")
    act_min, act_max = _act_range_s16(ctx)
    geom = pool_geometry(ctx)
    return KernelCall(
        statements=(struct("edgeq_pool_geom_t", "geom", geom),
                    f"{name}(&geom, {act_min}, {act_max}, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
        kernels=(kernel(name),),
        output_bytes=geom["batches"] * geom["output_h"] * geom["output_w"] * geom["channels"] * 2,
    )


@register("MAX_POOL_2D", "int16")
def emit_maxpool_s16(ctx: OpContext) -> KernelCall:
    return _pool(ctx, "edgeq_maxpool_s16")


@register("AVERAGE_POOL_2D", "int16")
def emit_avgpool_s16(ctx: OpContext) -> KernelCall:
    return _pool(ctx, "edgeq_avgpool_s16")


# -- SOFTMAX ------------------------------------------------------------------------------------------------

def _round_f32(x: np.float32) -> np.float32:
    """TfLiteRound on a float: half away from zero, exact for every float32."""
    return f32(round_half_away(float(x)))


def gen_lut_s16(func, input_min: float, input_max: float) -> list[int]:
    """TFLM's gen_lut<float, int16_t, int16_t> with output range [-1, 1], every step in float32.

    Each of the 512 anchors is func's sample biased by half the error that linear interpolation makes at
    the segment's midpoint; the 513th anchor (func(input_max)) only closes the last slope.
    """
    steps = LUT_SIZE - 1
    lo, hi = f32(input_min), f32(input_max)
    step = (hi - lo) / f32(steps)
    half_step = step / f32(2)
    scaling = f32(65536) / (f32(1) - f32(-1))
    lut = []
    for i in range(steps):
        x = lo + f32(i) * step
        val, mid, nxt = func(x), func(x + half_step), func(lo + f32(i + 1) * step)
        sample = _round_f32(val * scaling)
        interp = _round_f32((nxt * scaling + _round_f32(val * scaling)) / f32(2))
        bias = _round_f32((interp - _round_f32(mid * scaling)) / f32(2))
        lut.append(int(min(max(sample - bias, f32(INT16_MIN)), f32(INT16_MAX))))
    lut.append(int(min(max(_round_f32(func(hi) * scaling), f32(INT16_MIN)), f32(INT16_MAX))))
    return lut


def _expf(x: np.float32) -> np.float32:
    # expf: the double exp rounded once to float (what a correctly rounded expf returns).
    return f32(math.exp(float(x)))


def _one_over_one_plus_x(x: np.float32) -> np.float32:
    return f32(1) / (f32(1) + x)


EXP_LUT = tuple(gen_lut_s16(_expf, -10.0, 0.0))
ONE_OVER_ONE_PLUS_X_LUT = tuple(gen_lut_s16(_one_over_one_plus_x, 0.0, 1.0))


def softmax_params_s16(in_scale: float, beta: float) -> tuple[int, int]:
    """CalculateSoftmaxParams for int16: in_scale * beta / (10 / 65535) in double, QuantizeMultiplier."""
    multiplier, shift = quantize_multiplier(float(in_scale) * float(f32(beta)) / (10.0 / 65535.0))
    if shift > 30:
        raise ValueError("SOFTMAX input scale too large for an int16 softmax")
    return multiplier, shift


@register("SOFTMAX", "int16")
def emit_softmax_s16(ctx: OpContext) -> KernelCall:
    inp, out = ctx.input(0), ctx.output()
    if out.dtype != "int16":
        raise ctx.fail(f"int16 SOFTMAX with a {out.dtype} output is not supported (int16 expected)")
    in_scale = _symmetric_s16(ctx, inp, "input")
    out_scale = _symmetric_s16(ctx, out, "output")
    if abs(out_scale - 1.0 / 32768) > 0.001 / 32768:
        raise ctx.fail(f"int16 SOFTMAX output scale {out_scale} (TFLite requires 1/32768)")
    if not inp.shape:
        raise ctx.fail("SOFTMAX of a scalar")
    try:
        multiplier, shift = softmax_params_s16(in_scale, float(ctx.option("beta", 1.0)))
    except ValueError as err:
        raise ctx.fail(str(err)) from None
    depth = int(inp.shape[-1])
    exp_lut = ctx.const_array("exp_lut", "int16_t", EXP_LUT)
    recip_lut = ctx.const_array("recip_lut", "int16_t", ONE_OVER_ONE_PLUS_X_LUT)
    return KernelCall(
        statements=(
            struct("edgeq_softmax_params_s16_t", "params", {
                "input_multiplier": multiplier, "input_shift": shift,
                "exp_lut": exp_lut.name, "one_over_one_plus_x_lut": recip_lut.name}),
            f"edgeq_softmax_s16({inp.num_elements // max(depth, 1)}, {depth}, &params, {ctx.input_ptr(0)}, "
            f"{ctx.output_ptr()});",
        ),
        kernels=(kernel("edgeq_softmax_s16"),),
        arrays=(exp_lut, recip_lut),
    )


# -- DEQUANTIZE ---------------------------------------------------------------------------------------------

@register("DEQUANTIZE", "int16")
def emit_dequantize_s16(ctx: OpContext) -> KernelCall:
    if ctx.output().dtype != "float32":
        raise ctx.fail(f"dequantizing to {ctx.output().dtype} is not supported (float32 only)")
    scale, zero_point = scalar_quant(ctx, ctx.input(0))
    return KernelCall(
        statements=(f"edgeq_dequantize_s16_f32({ctx.output().num_elements}, {float(scale)!r}, {zero_point}, "
                    f"{ctx.input_ptr(0)}, {ctx.output_ptr()});",),
        kernels=(kernel("edgeq_dequantize_s16_f32"),),
    )
