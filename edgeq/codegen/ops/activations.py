"""SOFTMAX, LOGISTIC, TANH, RELU, RELU6, LEAKY_RELU, HARD_SWISH: int8 and float32 emitters.

Each `*_params` function below is a pure function of quantization parameters that reproduces TFLite
Micro's Prepare for that operator, including its precision (which products are float32, which double)
and its refusals (e.g. int8 SOFTMAX requires output scale 1/256 and zero point -128). Facts checked
against tflite-micro's activations_common.cc, leaky_relu_common.cc, hard_swish_common.cc,
logistic_common.cc, tanh.cc, softmax_common.cc and quantization_util.cc (PreprocessSoftmaxScaling,
CalculateInputRadius). Kernels: firmware/kernels/include/edgeq_activations.h.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register
from edgeq.codegen.ops.common import c_float, scalar_quant, struct
from edgeq.codegen.quantize import f32, quantize_multiplier, round_half_away

INT8_MIN, INT8_MAX = -128, 127


# -- parameters (pure) ------------------------------------------------------------------------------------

def relu_params(in_scale: float, in_zp: int, out_scale: float, out_zp: int) -> dict[str, int]:
    """CalculateReluOpData<int8_t>: requantize by in/out (double); clamp to [max(-128, zp_out), 127]."""
    multiplier, shift = quantize_multiplier(float(in_scale) / float(out_scale))
    act_min = max(INT8_MIN, out_zp + round_half_away(float(f32(0.0) / f32(out_scale))))
    return {"input_zero_point": in_zp, "output_zero_point": out_zp, "multiplier": multiplier, "shift": shift,
            "act_min": act_min, "act_max": INT8_MAX}


def relu6_bounds(in_scale: float, in_zp: int) -> tuple[int, int]:
    """Relu6Prepare: zero = input zero point, six = FloatToQuantizedType<int8_t>(6.0f, scale, zp) (float)."""
    six = round_half_away(float(f32(6.0) / f32(in_scale))) + in_zp
    return in_zp, min(INT8_MAX, max(INT8_MIN, six))


def leaky_relu_params(in_scale: float, in_zp: int, out_scale: float, out_zp: int, alpha: float) -> dict[str, int]:
    """CalculateOpDataLeakyRelu: both multipliers in double, alpha as stored (float32)."""
    alpha_m, alpha_s = quantize_multiplier(float(in_scale) * float(f32(alpha)) / float(out_scale))
    identity_m, identity_s = quantize_multiplier(float(in_scale) / float(out_scale))
    return {"input_zero_point": in_zp, "output_zero_point": out_zp,
            "identity_multiplier": identity_m, "identity_shift": identity_s,
            "alpha_multiplier": alpha_m, "alpha_shift": alpha_s}


def _downscale_int16(multiplier: int) -> int:
    """DownScaleInt32ToInt16Multiplier: round a Q0.31 multiplier to Q0.15."""
    if multiplier >= 2**31 - 1 - (1 << 15):
        return 2**15 - 1
    return (multiplier + (1 << 15)) >> 16


def hard_swish_params(in_scale: float, in_zp: int, out_scale: float, out_zp: int) -> dict[str, int]:
    """HardSwishPrepare: scales divided in float32, then QuantizeMultiplier in double, then to int16."""
    hires = f32(1.0 / 128.0) * f32(in_scale)
    out_m, out_e = quantize_multiplier(float(f32(hires / f32(out_scale))))
    if out_e > 0:
        raise ValueError("HARD_SWISH output multiplier exponent > 0 (output scale below input scale / 128)")
    relu_m, relu_e = quantize_multiplier(float(f32(hires / (f32(3.0) / f32(32768.0)))))
    if not -31 <= relu_e <= 30:
        raise ValueError("HARD_SWISH input scale out of range")
    return {"input_zero_point": in_zp, "output_zero_point": out_zp,
            "output_multiplier_fixedpoint_int16": _downscale_int16(out_m), "output_multiplier_exponent": out_e,
            "reluish_multiplier_fixedpoint_int16": _downscale_int16(relu_m), "reluish_multiplier_exponent": relu_e}


def _input_radius(integer_bits: int, left_shift: int, total_bits: int = 31) -> int:
    """CalculateInputRadius: floor((2^ib - 1) * 2^(total - ib) / 2^left_shift), in double."""
    return math.floor(((1 << integer_bits) - 1) * float(1 << (total_bits - integer_bits)) / float(1 << left_shift))


def q4_params(in_scale: float, in_zp: int) -> dict[str, int]:
    """LOGISTIC/TANH int8 Prepare: in_scale * 2^27 split by frexp, mantissa rounded to Q0.31."""
    mantissa, left_shift = math.frexp(float(in_scale) * float(1 << 27))
    multiplier = round_half_away(mantissa * (1 << 31))
    if multiplier >= 2**31 or not 0 <= left_shift <= 30:
        raise ValueError(f"input scale {in_scale} is outside the range TFLite's int8 LOGISTIC/TANH handle")
    return {"input_zero_point": in_zp, "input_range_radius": _input_radius(4, left_shift),
            "input_multiplier": multiplier, "input_left_shift": left_shift}


def softmax_params(in_scale: float, beta: float) -> dict[str, int]:
    """PreprocessSoftmaxScaling (Q5.26 differences, capped at 2^31 - 1) and diff_min = -radius."""
    real = min(float(f32(beta)) * float(in_scale) * float(1 << 26), float(2**31 - 1))
    if real <= 1.0:
        raise ValueError("SOFTMAX beta * input scale is too small (TFLite requires a multiplier above 1)")
    multiplier, left_shift = quantize_multiplier(real)
    if left_shift < 0:
        raise ValueError("SOFTMAX multiplier shift is negative")
    return {"input_multiplier": multiplier, "input_left_shift": left_shift,
            "diff_min": -_input_radius(5, left_shift)}


# -- emitters ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Unary:
    """Quantization and size of a one-input, one-output activation."""

    size: int
    in_scale: float
    in_zp: int
    out_scale: float
    out_zp: int


def _unary_s8(ctx: OpContext) -> _Unary:
    out = ctx.output()
    if out.dtype != "int8":
        raise ctx.fail(f"int8 input with {out.dtype} output is not supported", "use int8 output")
    if ctx.input(0).num_elements != out.num_elements:
        raise ctx.fail("input and output sizes differ")
    in_scale, in_zp = scalar_quant(ctx, ctx.input(0))
    out_scale, out_zp = scalar_quant(ctx, out)
    return _Unary(out.num_elements, in_scale, in_zp, out_scale, out_zp)


def _params(ctx: OpContext, compute, *args) -> dict[str, int]:
    try:
        return compute(*args)
    except ValueError as exc:
        raise ctx.fail(str(exc), "TFLite Micro refuses this quantization too; re-convert the model") from None


def _call_s8(ctx: OpContext, name: str, ctype: str, params: dict[str, int], size: int) -> KernelCall:
    return KernelCall(
        statements=(struct(ctype, "params", params),
                    f"{name}(&params, {size}, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
        kernels=(kernel(name),),
    )


def _call_f32(ctx: OpContext, name: str, leading: str = "") -> KernelCall:
    size = ctx.output().num_elements
    return KernelCall(statements=(f"{name}({leading}{size}, {ctx.input_ptr(0)}, {ctx.output_ptr()});",),
                      kernels=(kernel(name),))


@register("RELU", "int8")
def emit_relu_s8(ctx: OpContext) -> KernelCall:
    q = _unary_s8(ctx)
    return _call_s8(ctx, "edgeq_relu_s8", "edgeq_relu_params_s8_t",
                    relu_params(q.in_scale, q.in_zp, q.out_scale, q.out_zp), q.size)


@register("RELU6", "int8")
def emit_relu6_s8(ctx: OpContext) -> KernelCall:
    q = _unary_s8(ctx)
    lower, upper = relu6_bounds(q.in_scale, q.in_zp)
    return KernelCall(
        statements=(f"edgeq_relu6_s8({lower}, {upper}, {q.size}, {ctx.input_ptr(0)}, {ctx.output_ptr()});",),
        kernels=(kernel("edgeq_relu6_s8"),),
    )


@register("RELU", "float32")
def emit_relu_f32(ctx: OpContext) -> KernelCall:
    return _call_f32(ctx, "edgeq_relu_f32", f"0.0f, {c_float(math.inf)}, ")


@register("RELU6", "float32")
def emit_relu6_f32(ctx: OpContext) -> KernelCall:
    return _call_f32(ctx, "edgeq_relu_f32", "0.0f, 6.0f, ")


@register("LEAKY_RELU", "int8")
def emit_leaky_relu_s8(ctx: OpContext) -> KernelCall:
    q = _unary_s8(ctx)
    alpha = float(ctx.option("alpha", 0.0))
    return _call_s8(ctx, "edgeq_leaky_relu_s8", "edgeq_leaky_relu_params_s8_t",
                    leaky_relu_params(q.in_scale, q.in_zp, q.out_scale, q.out_zp, alpha), q.size)


@register("LEAKY_RELU", "float32")
def emit_leaky_relu_f32(ctx: OpContext) -> KernelCall:
    return _call_f32(ctx, "edgeq_leaky_relu_f32", f"{c_float(float(ctx.option('alpha', 0.0)))}, ")


@register("HARD_SWISH", "int8")
def emit_hard_swish_s8(ctx: OpContext) -> KernelCall:
    q = _unary_s8(ctx)
    return _call_s8(ctx, "edgeq_hard_swish_s8", "edgeq_hard_swish_params_s8_t",
                    _params(ctx, hard_swish_params, q.in_scale, q.in_zp, q.out_scale, q.out_zp), q.size)


@register("HARD_SWISH", "float32")
def emit_hard_swish_f32(ctx: OpContext) -> KernelCall:
    return _call_f32(ctx, "edgeq_hard_swish_f32")


@register("LOGISTIC", "int8")
def emit_logistic_s8(ctx: OpContext) -> KernelCall:
    q = _unary_s8(ctx)
    if q.out_zp != INT8_MIN:
        raise ctx.fail(f"int8 LOGISTIC needs output zero point -128 (got {q.out_zp}), as in TFLite Micro",
                       "re-convert the model with the TFLite converter, which fixes it to -128")
    return _call_s8(ctx, "edgeq_logistic_s8", "edgeq_q4_act_params_s8_t",
                    _params(ctx, q4_params, q.in_scale, q.in_zp), q.size)


@register("LOGISTIC", "float32")
def emit_logistic_f32(ctx: OpContext) -> KernelCall:
    return _call_f32(ctx, "edgeq_logistic_f32")


@register("TANH", "int8")
def emit_tanh_s8(ctx: OpContext) -> KernelCall:
    # TFLite Micro writes scale 1/128, zero point 0 whatever the output tensor says; so does the kernel.
    q = _unary_s8(ctx)
    return _call_s8(ctx, "edgeq_tanh_s8", "edgeq_q4_act_params_s8_t",
                    _params(ctx, q4_params, q.in_scale, q.in_zp), q.size)


@register("TANH", "float32")
def emit_tanh_f32(ctx: OpContext) -> KernelCall:
    return _call_f32(ctx, "edgeq_tanh_f32")


def _rows(ctx: OpContext) -> tuple[int, int]:
    shape = ctx.input(0).shape
    if not shape or tuple(shape) != tuple(ctx.output().shape):
        raise ctx.fail("SOFTMAX needs input and output of the same shape with at least one dimension")
    depth = int(shape[-1])
    return int(np.prod(shape[:-1], dtype=np.int64)), depth


@register("SOFTMAX", "int8")
def emit_softmax_s8(ctx: OpContext) -> KernelCall:
    if ctx.output().dtype == "int16":
        return _softmax_s8_s16(ctx)
    q = _unary_s8(ctx)
    if q.out_zp != INT8_MIN or f32(q.out_scale) != f32(1.0 / 256.0):
        raise ctx.fail(f"int8 SOFTMAX needs output scale 1/256 and zero point -128 (got {q.out_scale}, "
                       f"{q.out_zp}), as in TFLite Micro",
                       "re-convert the model with the TFLite converter, which fixes the output quantization")
    outer, depth = _rows(ctx)
    params = {"outer_size": outer, "depth": depth,
              **_params(ctx, softmax_params, q.in_scale, float(ctx.option("beta", 1.0)))}
    return KernelCall(
        statements=(struct("edgeq_softmax_params_s8_t", "params", params),
                    f"edgeq_softmax_s8(&params, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
        kernels=(kernel("edgeq_softmax_s8"),),
    )


def _softmax_s8_s16(ctx: OpContext) -> KernelCall:
    """int8 in, int16 out (e.g. TFLM's keyword benchmark): softmax_common.cc requires output zero point -32768
    and checks no scale (the output is 1/65536 steps whatever the tensor says); the fixed-point algorithm is
    int8's with 16 output bits."""
    in_scale, _ = scalar_quant(ctx, ctx.input(0))
    _, out_zp = scalar_quant(ctx, ctx.output())
    if out_zp != -32768:
        raise ctx.fail(f"int8 → int16 SOFTMAX needs output zero point -32768 (got {out_zp}), as in TFLite Micro")
    outer, depth = _rows(ctx)
    params = {"outer_size": outer, "depth": depth,
              **_params(ctx, softmax_params, in_scale, float(ctx.option("beta", 1.0)))}
    return KernelCall(
        statements=(struct("edgeq_softmax_params_s8_t", "params", params),
                    f"edgeq_softmax_s8_s16(&params, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
        kernels=(kernel("edgeq_softmax_s8_s16"),),
    )


@register("SOFTMAX", "float32")
def emit_softmax_f32(ctx: OpContext) -> KernelCall:
    outer, depth = _rows(ctx)
    beta = c_float(float(ctx.option("beta", 1.0)))
    return KernelCall(
        statements=(f"edgeq_softmax_f32({outer}, {depth}, {beta}, {ctx.input_ptr(0)}, {ctx.output_ptr()});",),
        kernels=(kernel("edgeq_softmax_f32"),),
    )


