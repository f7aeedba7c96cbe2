"""MAXIMUM, MINIMUM, PRELU, SQUARED_DIFFERENCE and DIV with broadcasting (kernels: edgeq_kernels_math.h).

Dtypes are the ones TFLite Micro registers and the converter produces: MAXIMUM, MINIMUM and
SQUARED_DIFFERENCE in int8, int16 and float32; PRELU and DIV in int8 and float32 (the converter has no int16
PRELU or DIV). Constants follow TFLM's Prepare, including its precision: PRELU's two multipliers in double
(prelu_common.cc), SQUARED_DIFFERENCE's input and output multipliers from twice the larger scale in double
with left shift 7 (int8) or 0 (int16, zero points 0) (squared_difference.cc), DIV's
scale1 / (scale2 * scale_out) in float32 (div.cc). MAXIMUM and MINIMUM compare stored values: TFLite
gives the inputs and the output one quantization, and TFLM does not rescale.
"""
from __future__ import annotations

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register
from edgeq.codegen.ops.common import act_f32, act_range_s8, scalar_quant, struct
from edgeq.codegen.ops.elementwise import _broadcast, _operand
from edgeq.codegen.quantize import f32, quantize_multiplier

_SUFFIX = {"int8": "s8", "int16": "s16", "float32": "f32"}
_RANGE = {"int8": (-128, 127), "int16": (-32768, 32767)}


def _same_dtype(ctx: OpContext, dtype: str) -> None:
    for tensor in (ctx.input(0), ctx.input(1), ctx.output()):
        if tensor.dtype != dtype:
            raise ctx.fail(f"{ctx.op.opcode} mixes {tensor.dtype} with {dtype} tensors (one type expected)")


def _zero_points_zero(ctx: OpContext) -> None:
    for tensor in (ctx.input(0), ctx.input(1), ctx.output()):
        if scalar_quant(ctx, tensor)[1] != 0:
            raise ctx.fail(f"int16 tensor '{tensor.name}' has a non-zero zero point (TFLite Micro requires 0)",
                           "re-convert with `edgeq convert --mode int16x8`")


def _call(ctx: OpContext, name: str, params: tuple[str, ...] = (), param_ref: str = "") -> KernelCall:
    """`name(&shape, [&param_ref,] input1, input2, output)` with both operands constant or in the arena."""
    a, arrays_a = _operand(ctx, 0)
    b, arrays_b = _operand(ctx, 1)
    same_shape = all(tuple(ctx.input(k).shape) == tuple(ctx.output().shape) for k in (0, 1))
    ref = f"&{param_ref}, " if param_ref else ""
    return KernelCall(
        statements=(_broadcast(ctx),) + params + (f"{name}(&shape, {ref}{a}, {b}, {ctx.output_ptr()});",),
        kernels=(kernel(name),),
        arrays=arrays_a + arrays_b,
        inplace=same_shape and not ctx.input(0).is_constant,
    )


# -- MAXIMUM, MINIMUM --------------------------------------------------------------------------------------

def _max_min(ctx: OpContext, op: str, dtype: str) -> KernelCall:
    _same_dtype(ctx, dtype)
    return _call(ctx, f"edgeq_{op}_{_SUFFIX[dtype]}")


for _dtype in ("int8", "int16", "float32"):
    register("MAXIMUM", _dtype)(lambda ctx, _d=_dtype: _max_min(ctx, "maximum", _d))
    register("MINIMUM", _dtype)(lambda ctx, _d=_dtype: _max_min(ctx, "minimum", _d))


# -- PRELU ---------------------------------------------------------------------------------------------------

def prelu_params(in_scale: float, in_zp: int, alpha_scale: float, alpha_zp: int, out_scale: float,
                 out_zp: int) -> dict[str, int]:
    """CalculatePreluParams: in/out and in*alpha/out, each in double."""
    identity_m, identity_s = quantize_multiplier(float(in_scale) / float(out_scale))
    alpha_m, alpha_s = quantize_multiplier(float(in_scale) * float(alpha_scale) / float(out_scale))
    return {"input_offset": -in_zp, "alpha_offset": -alpha_zp, "output_offset": out_zp,
            "identity_multiplier": identity_m, "identity_shift": identity_s,
            "alpha_multiplier": alpha_m, "alpha_shift": alpha_s}


@register("PRELU", "int8")
def emit_prelu_s8(ctx: OpContext) -> KernelCall:
    _same_dtype(ctx, "int8")
    # TFLM reads alpha's first (legacy per-tensor) scale and zero point even if it has one per channel.
    params = prelu_params(*scalar_quant(ctx, ctx.input(0)), *scalar_quant(ctx, ctx.input(1)),
                          *scalar_quant(ctx, ctx.output()))
    return _call(ctx, "edgeq_prelu_s8", (struct("edgeq_prelu_params_t", "params", params),), "params")


@register("PRELU", "float32")
def emit_prelu_f32(ctx: OpContext) -> KernelCall:
    _same_dtype(ctx, "float32")
    return _call(ctx, "edgeq_prelu_f32")


# -- SQUARED_DIFFERENCE ----------------------------------------------------------------------------------------

def squared_difference_params(s1: float, z1: int, s2: float, z2: int, so: float, zo: int,
                              left_shift: int) -> dict[str, int]:
    """PrepareQuantized: ratios to twice the larger scale (double); output (2 max)^2 / (2^(2 left) s_out)."""
    twice = 2.0 * float(max(f32(s1), f32(s2)))
    (m1, sh1), (m2, sh2) = quantize_multiplier(float(s1) / twice), quantize_multiplier(float(s2) / twice)
    mo, sho = quantize_multiplier(twice * twice / float(f32(1 << (2 * left_shift)) * f32(so)))
    return {"input1_offset": -z1, "input2_offset": -z2, "left_shift": left_shift,
            "input1_multiplier": m1, "input1_shift": sh1, "input2_multiplier": m2, "input2_shift": sh2,
            "output_multiplier": mo, "output_shift": sho, "output_zero_point": zo}


def _squared_difference(ctx: OpContext, dtype: str, left_shift: int) -> KernelCall:
    _same_dtype(ctx, dtype)
    if dtype == "int16":
        _zero_points_zero(ctx)
    params = squared_difference_params(*scalar_quant(ctx, ctx.input(0)), *scalar_quant(ctx, ctx.input(1)),
                                       *scalar_quant(ctx, ctx.output()), left_shift)
    low, high = _RANGE[dtype]
    body = struct("edgeq_add_params_s8_t", "params", {**params, "act_min": low, "act_max": high})
    return _call(ctx, f"edgeq_squared_difference_{_SUFFIX[dtype]}", (body,), "params")


@register("SQUARED_DIFFERENCE", "int8")
def emit_squared_difference_s8(ctx: OpContext) -> KernelCall:
    return _squared_difference(ctx, "int8", left_shift=7)


@register("SQUARED_DIFFERENCE", "int16")
def emit_squared_difference_s16(ctx: OpContext) -> KernelCall:
    return _squared_difference(ctx, "int16", left_shift=0)


@register("SQUARED_DIFFERENCE", "float32")
def emit_squared_difference_f32(ctx: OpContext) -> KernelCall:
    _same_dtype(ctx, "float32")
    return _call(ctx, "edgeq_squared_difference_f32")


# -- DIV -------------------------------------------------------------------------------------------------------

@register("DIV", "int8")
def emit_div_s8(ctx: OpContext) -> KernelCall:
    _same_dtype(ctx, "int8")
    (s1, z1), (s2, z2), (so, zo) = (scalar_quant(ctx, t) for t in (ctx.input(0), ctx.input(1), ctx.output()))
    multiplier, shift = quantize_multiplier(float(f32(s1) / (f32(s2) * f32(so))))
    act_min, act_max = act_range_s8(ctx)
    params = struct("edgeq_div_params_s8_t", "params", {
        "input1_offset": -z1, "input2_offset": -z2, "output_zero_point": zo,
        "output_multiplier": multiplier, "output_shift": shift, "act_min": act_min, "act_max": act_max})
    return _call(ctx, "edgeq_div_s8", (params,), "params")


@register("DIV", "float32")
def emit_div_f32(ctx: OpContext) -> KernelCall:
    _same_dtype(ctx, "float32")
    return _call(ctx, "edgeq_div_f32", (act_f32(ctx),), "act")
