"""ABS, RSQRT, EXP, LOG, ELU and L2_NORMALIZATION (kernels: edgeq_kernels_math.h).

Dtypes are the ones TFLite Micro registers: ABS and RSQRT in int8, int16 and float32; L2_NORMALIZATION and
ELU in int8 and float32 (the converter keeps ELU in float32 between DEQUANTIZE and QUANTIZE even in int8
models, but other producers write int8 ELU); EXP and LOG in float32 (TFLM's are float only).
Constants follow TFLM's Prepare (elementwise.cc, l2norm.cc): ABS rescales by in/out (double) only when
the scales differ; RSQRT's output multiplier is 1 / (sqrt(s_in) * s_out) in double. int8 ABS, RSQRT and
ELU are 256-entry tables computed here with TFLM's arithmetic: ELU's in float32 as its Prepare, RSQRT's
inverse square root as gemmlowp's Newton-Raphson (firmware/kernels/include/edgeq_inv_sqrt.h holds the same
for int16 RSQRT and L2_NORMALIZATION).
"""
from __future__ import annotations

import math

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register
from edgeq.codegen.ops.common import scalar_quant, struct
from edgeq.codegen.quantize import f32, quantize_multiplier, round_half_away
from edgeq.codegen.quantize import multiply_by_quantized_multiplier as requantize


def _srdhm(a: int, b: int) -> int:
    """SaturatingRoundingDoublingHighMul on int32 values."""
    if a == b == -(2**31):
        return 2**31 - 1
    return (a * b + (1 << 30)) >> 31


def _rounding_shift_right(x: int, exponent: int) -> int:
    mask = (1 << exponent) - 1
    return (x >> exponent) + (1 if (x & mask) > (mask >> 1) + (1 if x < 0 else 0) else 0)


def _saturating_shift_left(x: int, exponent: int) -> int:
    threshold = (1 << (31 - exponent)) - 1
    return 2**31 - 1 if x > threshold else -(2**31) if x < -threshold else x << exponent


def inv_sqrt_multiplier(x: int) -> tuple[int, int]:
    """GetInvSqrtQuantizedMultiplierExp(x, kReverseShift): 1/sqrt(x) ~ multiplier * 2^(shift - 31), by
    gemmlowp's five Newton-Raphson steps in Q3.28 (the same arithmetic as firmware's edgeq_inv_sqrt.h)."""
    if x <= 1:
        return 2**31 - 1, 0
    right_shift = 11
    while x >= 1 << 29:
        x //= 4
        right_shift += 1
    pairs = (32 - x.bit_length() - 1) // 2 - 1
    right_shift -= pairs
    x <<= 2 * pairs
    half_input = _rounding_shift_right(x >> 1, 1)
    y = 1 << 28
    for _ in range(5):
        y3 = _saturating_shift_left(_srdhm(_srdhm(y, y), y), 6)
        difference = _srdhm((1 << 28) + (1 << 27), y) - _srdhm(half_input, y3)
        y = _saturating_shift_left((difference + 2**31) % 2**32 - 2**31, 3)
    y = _srdhm(y, 1518500250)
    if right_shift < 0:
        y, right_shift = ((y << -right_shift) + 2**31) % 2**32 - 2**31, 0
    return y, -right_shift


def rsqrt_table_s8(in_scale: float, in_zp: int, out_scale: float, out_zp: int) -> np.ndarray:
    """RsqrtEvalQuantized<int8_t> for every input value (bit-pattern index). Values below the zero point
    are outside TFLM's domain (it fails the inference); their entries hold the result for |v|."""
    multiplier, shift = quantize_multiplier(1.0 / (math.sqrt(float(in_scale)) * float(out_scale)))
    table = np.zeros(256, dtype=np.int64)
    for value in range(-128, 128):
        v = abs(value - in_zp)
        if v == 0:
            table[value & 0xFF] = 127
            continue
        inv, inv_shift = inv_sqrt_multiplier(v)
        out = requantize(requantize(1, inv, inv_shift + 20), multiplier, shift - 20) + out_zp
        table[value & 0xFF] = min(127, max(-128, out))
    return table


def elu_table_s8(in_scale: float, in_zp: int, out_scale: float, out_zp: int) -> np.ndarray:
    """elu.cc's PopulateLookupTable<int8_t>, in float32 as TFLM: x = s_in * (v - zp); x < 0 ? exp(x) - 1 : x;
    round(y * (1 / s_out)) half away from zero, plus the zero point (truncated), saturated. exp is the
    float32-rounded exact exponential (what glibc's expf returns)."""
    inverse_scale = f32(1.0) / f32(out_scale)
    table = np.zeros(256, dtype=np.int64)
    for value in range(-128, 128):
        x = f32(in_scale) * f32(value - in_zp)
        y = f32(f32(math.exp(float(x))) - f32(1.0)) if x < 0 else x
        rescaled = f32(round_half_away(float(f32(y * inverse_scale))))
        quantized = int(f32(rescaled + f32(out_zp)))
        table[value & 0xFF] = min(127, max(-128, quantized))
    return table


def abs_table_s8(in_scale: float, in_zp: int, out_scale: float, out_zp: int) -> np.ndarray:
    """AbsEvalQuantized<int8_t> for every input value, indexed by the value's bit pattern (uint8)."""
    rescale = f32(in_scale) != f32(out_scale)
    multiplier, shift = quantize_multiplier(float(in_scale) / float(out_scale)) if rescale else (0, 0)
    table = np.zeros(256, dtype=np.int64)
    for value in range(-128, 128):
        magnitude = abs(value - in_zp)
        out = (requantize(magnitude, multiplier, shift) if rescale else magnitude) + out_zp
        table[value & 0xFF] = min(127, max(-128, out))
    return table


def _elementwise(ctx: OpContext, dtype: str) -> int:
    out = ctx.output()
    if ctx.input(0).dtype != dtype or out.dtype != dtype:
        raise ctx.fail(f"{ctx.op.opcode} with {ctx.input(0).dtype} input and {out.dtype} output is not supported "
                       f"({dtype} both expected)")
    if ctx.input(0).num_elements != out.num_elements:
        raise ctx.fail("input and output sizes differ")
    return out.num_elements


def _zero_points_zero(ctx: OpContext) -> None:
    for tensor in (ctx.input(0), ctx.output()):
        if scalar_quant(ctx, tensor)[1] != 0:
            raise ctx.fail(f"int16 tensor '{tensor.name}' has a non-zero zero point (TFLite Micro requires 0)",
                           "re-convert with `edgeq convert --mode int16x8`")


def _call(ctx: OpContext, statement: str, name: str, params: tuple[str, ...] = (), arrays=()) -> KernelCall:
    return KernelCall(statements=params + (statement,), kernels=(kernel(name),), arrays=tuple(arrays),
                      inplace=True)


def _float_unary(ctx: OpContext, op: str) -> KernelCall:
    size = _elementwise(ctx, "float32")
    name = f"edgeq_{op}_f32"
    return _call(ctx, f"{name}({size}, {ctx.input_ptr(0)}, {ctx.output_ptr()});", name)


for _op in ("ABS", "RSQRT", "EXP", "LOG", "ELU"):
    register(_op, "float32")(lambda ctx, _o=_op.lower(): _float_unary(ctx, _o))


# -- ABS ---------------------------------------------------------------------------------------------------

@register("ABS", "int8")
def emit_abs_s8(ctx: OpContext) -> KernelCall:
    size = _elementwise(ctx, "int8")
    table = ctx.const_array("table", "int8_t",
                            abs_table_s8(*scalar_quant(ctx, ctx.input(0)), *scalar_quant(ctx, ctx.output())))
    return _call(ctx, f"edgeq_lut_s8({table.name}, {size}, {ctx.input_ptr(0)}, {ctx.output_ptr()});",
                 "edgeq_lut_s8", arrays=(table,))


@register("ABS", "int16")
def emit_abs_s16(ctx: OpContext) -> KernelCall:
    size = _elementwise(ctx, "int16")
    _zero_points_zero(ctx)
    in_scale, out_scale = scalar_quant(ctx, ctx.input(0))[0], scalar_quant(ctx, ctx.output())[0]
    rescale = f32(in_scale) != f32(out_scale)
    multiplier, shift = quantize_multiplier(float(in_scale) / float(out_scale)) if rescale else (0, 0)
    params = struct("edgeq_abs_params_s16_t", "params",
                    {"rescale": int(rescale), "multiplier": multiplier, "shift": shift})
    return _call(ctx, f"edgeq_abs_s16(&params, {size}, {ctx.input_ptr(0)}, {ctx.output_ptr()});",
                 "edgeq_abs_s16", (params,))


@register("ELU", "int8")
def emit_elu_s8(ctx: OpContext) -> KernelCall:
    size = _elementwise(ctx, "int8")
    table = ctx.const_array("table", "int8_t",
                            elu_table_s8(*scalar_quant(ctx, ctx.input(0)), *scalar_quant(ctx, ctx.output())))
    return _call(ctx, f"edgeq_lut_s8({table.name}, {size}, {ctx.input_ptr(0)}, {ctx.output_ptr()});",
                 "edgeq_lut_s8", arrays=(table,))


# -- RSQRT -------------------------------------------------------------------------------------------------

@register("RSQRT", "int8")
def emit_rsqrt_s8(ctx: OpContext) -> KernelCall:
    size = _elementwise(ctx, "int8")
    table = ctx.const_array("table", "int8_t",
                            rsqrt_table_s8(*scalar_quant(ctx, ctx.input(0)), *scalar_quant(ctx, ctx.output())))
    return _call(ctx, f"edgeq_lut_s8({table.name}, {size}, {ctx.input_ptr(0)}, {ctx.output_ptr()});",
                 "edgeq_lut_s8", arrays=(table,))


@register("RSQRT", "int16")
def emit_rsqrt_s16(ctx: OpContext) -> KernelCall:
    size = _elementwise(ctx, "int16")
    _zero_points_zero(ctx)
    in_scale, out_scale = scalar_quant(ctx, ctx.input(0))[0], scalar_quant(ctx, ctx.output())[0]
    multiplier, shift = quantize_multiplier(1.0 / (math.sqrt(float(in_scale)) * float(out_scale)))
    params = struct("edgeq_rsqrt_params_t", "params", {"input_zero_point": 0, "output_zero_point": 0,
                                                       "multiplier": multiplier, "shift": shift})
    return _call(ctx, f"edgeq_rsqrt_s16(&params, {size}, {ctx.input_ptr(0)}, {ctx.output_ptr()});",
                 "edgeq_rsqrt_s16", (params,))


# -- L2_NORMALIZATION -------------------------------------------------------------------------------------

def _rows(ctx: OpContext, dtype: str) -> tuple[int, int]:
    _elementwise(ctx, dtype)
    shape = tuple(ctx.input(0).shape)
    if not shape or len(shape) > 4:
        raise ctx.fail(f"L2_NORMALIZATION of a {len(shape)}-D tensor (TFLite Micro takes 1 to 4 dimensions)")
    if ctx.option("fused_activation_function", "NONE") not in ("NONE", None):
        raise ctx.fail("L2_NORMALIZATION with a fused activation (TFLite Micro refuses it too)")
    depth = int(shape[-1])
    return int(np.prod(shape[:-1], dtype=np.int64)), depth


@register("L2_NORMALIZATION", "int8")
def emit_l2norm_s8(ctx: OpContext) -> KernelCall:
    outer, depth = _rows(ctx, "int8")
    if depth >= 1 << 15:
        raise ctx.fail(f"L2_NORMALIZATION over {depth} values could overflow TFLite's int32 sum of squares")
    in_zp = scalar_quant(ctx, ctx.input(0))[1]
    return KernelCall(
        statements=(f"edgeq_l2norm_s8({outer}, {depth}, {in_zp}, {ctx.input_ptr(0)}, {ctx.output_ptr()});",),
        kernels=(kernel("edgeq_l2norm_s8"),))


@register("L2_NORMALIZATION", "float32")
def emit_l2norm_f32(ctx: OpContext) -> KernelCall:
    outer, depth = _rows(ctx, "float32")
    return KernelCall(
        statements=(f"edgeq_l2norm_f32({outer}, {depth}, {ctx.input_ptr(0)}, {ctx.output_ptr()});",),
        kernels=(kernel("edgeq_l2norm_f32"),))
