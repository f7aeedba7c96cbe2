"""int16x8 element-wise and reduction emitters (int16 activations).

ADD, SUB, MUL, MEAN, RELU, RELU6, LEAKY_RELU, LOGISTIC and TANH (QUANTIZE int16 → * is quantize_ops.py's; PAD and
CONCATENATION share shape.py's emitters with int8 and float32). Kernels: firmware/kernels/include/edgeq_kernels_s16.h. Facts from tflite-micro:
add_common.cc / sub_common.cc (the general int8 scheme with left_shift 15 for int16, scale ratios in
double), mul_common.cc (int16 zero points must be 0), reduce_common.cc (QuantizedMeanOrSum for int16 as for int8), activations_common.cc
(ReluQuantized / Relu6Quantized instantiated for int16), leaky_relu_common.cc, logistic_common.cc and
tanh.cc (int16: zero points 0, output scale 2^-15, input rescaled to 1/(3 * 4096) with a multiplier
truncated to an int below 2^15), quantize_common.cc (Requantize). Each parameter function reproduces
TFLM's Prepare arithmetic, including the precision it computes in.

HARD_SWISH has no int16 emitter: the TFLite converter refuses to quantize it to 16x8, so no model has one
and nothing could check a kernel against TFLite Micro.
"""
from __future__ import annotations

import math

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register
from edgeq.codegen.ops.activations import leaky_relu_params
from edgeq.codegen.ops.common import scalar_quant, struct
from edgeq.codegen.ops.elementwise import _broadcast, _operand
from edgeq.codegen.ops.int16 import INT16_MAX, INT16_MIN, _act_range_s16
from edgeq.codegen.ops.reduce import quantized_mean
from edgeq.codegen.quantize import f32, quantize_multiplier, round_half_away

LEFT_SHIFT_S16 = 15
_INT_RANGE = {"int8": (-128, 127), "int16": (INT16_MIN, INT16_MAX)}


def _zero_points_zero(ctx: OpContext, tensors, why: str) -> None:
    for tensor in tensors:
        zero_point = scalar_quant(ctx, tensor)[1]
        if zero_point != 0:
            raise ctx.fail(f"int16 tensor '{tensor.name}' has zero point {zero_point} ({why})",
                           "re-convert with `edgeq convert --mode int16x8` (symmetric int16 activations)")


def _int16_output(ctx: OpContext) -> None:
    if ctx.output().dtype != "int16":
        raise ctx.fail(f"int16 input with a {ctx.output().dtype} output is not supported (int16 expected)")


# -- ADD, SUB, MUL ------------------------------------------------------------------------------------------

def add_sub_params_s16(s1: float, z1: int, s2: float, z2: int, so: float, zo: int) -> dict[str, int]:
    """CalculateOpDataAdd with left_shift 15, ratios in double. int16 SUB uses the same double arithmetic
    (the float32 variant of the int8 SUB emitter differs from TFLM by 1 LSB on the zoo's int16 SUB)."""
    twice = 2.0 * max(s1, s2)
    reals = (s1 / twice, s2 / twice, twice / ((1 << LEFT_SHIFT_S16) * so))
    (m1, sh1), (m2, sh2), (mo, sho) = (quantize_multiplier(r) for r in reals)
    return {"input1_offset": -z1, "input2_offset": -z2, "left_shift": LEFT_SHIFT_S16,
            "input1_multiplier": m1, "input1_shift": sh1, "input2_multiplier": m2, "input2_shift": sh2,
            "output_multiplier": mo, "output_shift": sho, "output_zero_point": zo}


def _binary(ctx: OpContext, name: str, ctype: str, params: dict[str, int]) -> KernelCall:
    _int16_output(ctx)
    act_min, act_max = _act_range_s16(ctx)
    a, arrays_a = _operand(ctx, 0)
    b, arrays_b = _operand(ctx, 1)
    out = ctx.output()
    same_shape = all(tuple(ctx.input(k).shape) == tuple(out.shape) for k in (0, 1))
    return KernelCall(
        statements=(_broadcast(ctx), struct(ctype, "params", {**params, "act_min": act_min, "act_max": act_max}),
                    f"{name}(&shape, &params, {a}, {b}, {ctx.output_ptr()});"),
        kernels=(kernel(name),),
        arrays=arrays_a + arrays_b,
        inplace=same_shape and not ctx.input(0).is_constant,
    )


def _add_sub(ctx: OpContext, name: str) -> KernelCall:
    (s1, z1), (s2, z2), (so, zo) = (scalar_quant(ctx, t) for t in (ctx.input(0), ctx.input(1), ctx.output()))
    _zero_points_zero(ctx, (ctx.input(0), ctx.input(1), ctx.output()), "TFLite's int16 ADD/SUB require it")
    return _binary(ctx, name, "edgeq_add_params_s8_t",
                   add_sub_params_s16(s1, z1, s2, z2, so, zo))


@register("ADD", "int16")
def emit_add_s16(ctx: OpContext) -> KernelCall:
    return _add_sub(ctx, "edgeq_add_s16")


@register("SUB", "int16")
def emit_sub_s16(ctx: OpContext) -> KernelCall:
    return _add_sub(ctx, "edgeq_sub_s16")


@register("MUL", "int16")
def emit_mul_s16(ctx: OpContext) -> KernelCall:
    tensors = (ctx.input(0), ctx.input(1), ctx.output())
    _zero_points_zero(ctx, tensors, "TFLite Micro's int16 MUL requires it")
    (s1, _), (s2, _), (so, _) = (scalar_quant(ctx, t) for t in tensors)
    multiplier, shift = quantize_multiplier(s1 * s2 / so)
    return _binary(ctx, "edgeq_mul_s16", "edgeq_mul_params_s8_t", {
        "input1_offset": 0, "input2_offset": 0, "output_multiplier": multiplier, "output_shift": shift,
        "output_zero_point": 0})


# -- MEAN (PAD and CONCATENATION: shape.py) ----------------------------------------------------------------------------

@register("MEAN", "int16")
def emit_mean_s16(ctx: OpContext) -> KernelCall:
    _int16_output(ctx)
    return quantized_mean(ctx, "edgeq_mean_s16", value_span=INT16_MAX - INT16_MIN)


# -- RELU, RELU6, LEAKY_RELU --------------------------------------------------------------------------------

def _unary(ctx: OpContext, name: str, statement_args: str, params: str | None = None,
           extra_kernels: tuple[str, ...] = ()) -> KernelCall:
    size = ctx.output().num_elements
    if ctx.input(0).num_elements != size:
        raise ctx.fail("input and output sizes differ")
    call = f"{name}({statement_args}{size}, {ctx.input_ptr(0)}, {ctx.output_ptr()});"
    return KernelCall(statements=((params,) if params else ()) + (call,),
                      kernels=(kernel(name),) + extra_kernels, inplace=True)


def relu_params_s16(in_scale: float, in_zp: int, out_scale: float, out_zp: int) -> dict[str, int]:
    """CalculateReluOpData<int16_t>: requantize by in/out (double); clamp to [max(-32768, zp_out), 32767]."""
    multiplier, shift = quantize_multiplier(float(in_scale) / float(out_scale))
    act_min = max(INT16_MIN, out_zp + round_half_away(float(f32(0.0) / f32(out_scale))))
    return {"input_zero_point": in_zp, "output_zero_point": out_zp, "multiplier": multiplier, "shift": shift,
            "act_min": act_min, "act_max": INT16_MAX}


@register("RELU", "int16")
def emit_relu_s16(ctx: OpContext) -> KernelCall:
    _int16_output(ctx)
    _zero_points_zero(ctx, (ctx.input(0), ctx.output()), "TFLite Micro's int16 RELU requires it")
    (si, zi), (so, zo) = scalar_quant(ctx, ctx.input(0)), scalar_quant(ctx, ctx.output())
    return _unary(ctx, "edgeq_relu_s16", "&params, ",
                  struct("edgeq_relu_params_s8_t", "params", relu_params_s16(si, zi, so, zo)))


@register("RELU6", "int16")
def emit_relu6_s16(ctx: OpContext) -> KernelCall:
    _int16_output(ctx)
    scale, zero_point = scalar_quant(ctx, ctx.input(0))
    # FloatToQuantizedType<int16_t>: float division, rounded, saturated to the int16 range.
    six = min(INT16_MAX, max(INT16_MIN, round_half_away(float(f32(6.0) / f32(scale))) + zero_point))
    return _unary(ctx, "edgeq_relu6_s16", f"{zero_point}, {six}, ")


@register("LEAKY_RELU", "int16")
def emit_leaky_relu_s16(ctx: OpContext) -> KernelCall:
    _int16_output(ctx)
    (si, zi), (so, zo) = scalar_quant(ctx, ctx.input(0)), scalar_quant(ctx, ctx.output())
    params = leaky_relu_params(si, zi, so, zo, float(ctx.option("alpha", 0.0)))
    return _unary(ctx, "edgeq_leaky_relu_s16", "&params, ", struct("edgeq_leaky_relu_params_s8_t", "params", params))


# -- LOGISTIC, TANH -----------------------------------------------------------------------------------------

def checked_log2(x: float) -> tuple[bool, int]:
    """TFLite's CheckedLog2 in float32: (is x a power of two within 1e-3 in log2, rounded log2)."""
    log2 = f32(math.log(float(f32(x)))) * (f32(1.0) / f32(math.log(2.0)))
    rounded = f32(round_half_away(float(log2)))
    return bool(abs(log2 - rounded) < f32(1e-3)), int(rounded)


def sigmoid_input_params_s16(in_scale: float, pot_shifts: tuple[int, ...]) -> tuple[int, int]:
    """LOGISTIC/TANH int16 Prepare: (input_multiplier, input_left_shift) rescaling x to 1/(3 * 4096).

    A power-of-two scale whose shift (12 + log2 scale) is in pot_shifts (LOGISTIC: 0; TANH: 0 or 1) takes
    TFLM's power-of-two branch: multiplier 3 << shift, no shift. Otherwise scale * 4096 * 3 is doubled
    (in double) while <= 32767 / 2 and shift <= 30, then truncated to int.
    """
    pot, log2 = checked_log2(in_scale)
    left_shift = 12 + log2
    if pot and left_shift in pot_shifts:
        return 3 << left_shift, 0
    multiplier = float(in_scale) * 4096.0 * 3.0
    left_shift = 0
    while multiplier <= 32767.0 / 2.0 and left_shift <= 30:
        left_shift += 1
        multiplier *= 2.0
    if multiplier > 32767.0:
        raise ValueError(f"input scale {in_scale} is too large for TFLite's int16 LOGISTIC/TANH")
    return int(multiplier), left_shift


def _sigmoid_like(ctx: OpContext, name: str, pot_shifts: tuple[int, ...]) -> KernelCall:
    _int16_output(ctx)
    _zero_points_zero(ctx, (ctx.input(0), ctx.output()), "TFLite Micro's int16 LOGISTIC/TANH require it")
    pot, log2 = checked_log2(scalar_quant(ctx, ctx.output())[0])
    if not pot or log2 != -15:
        raise ctx.fail(f"int16 {ctx.op.opcode} needs output scale 2^-15 (TFLite Micro requires it)",
                       "re-convert with `edgeq convert --mode int16x8`, which fixes the output scale")
    try:
        multiplier, shift = sigmoid_input_params_s16(scalar_quant(ctx, ctx.input(0))[0], pot_shifts)
    except ValueError as err:
        raise ctx.fail(str(err)) from None
    return _unary(ctx, name, f"{multiplier}, {shift}, ", extra_kernels=(kernel("edgeq_sigmoid_table_s16"),))


@register("LOGISTIC", "int16")
def emit_logistic_s16(ctx: OpContext) -> KernelCall:
    return _sigmoid_like(ctx, "edgeq_logistic_s16", (0,))


@register("TANH", "int16")
def emit_tanh_s16(ctx: OpContext) -> KernelCall:
    return _sigmoid_like(ctx, "edgeq_tanh_s16", (0, 1))
