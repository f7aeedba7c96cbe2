"""ADD, SUB, MUL with broadcasting: int8 and float32.

Rescaling constants follow TFLite Micro's Prepare, including its precision: ADD computes
2·max(scale) and the ratios in double; SUB does the same arithmetic in float32 before converting
(sub_common.cc); MUL multiplies the scales in double. Left shift 20 for int8 (ADD/SUB).
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register
from edgeq.codegen.quantize import quantize_multiplier
from edgeq.codegen.ops.common import act_f32, act_range_s8, scalar_quant, struct

MAX_DIMS = 6
LEFT_SHIFT_S8 = 20


def _broadcast(ctx: OpContext) -> str:
    """The edgeq_broadcast_t for this op (inputs may be constants)."""
    out_shape = tuple(ctx.output().shape)
    shapes = [tuple(ctx.input(k).shape) for k in (0, 1)]
    if len(out_shape) > MAX_DIMS or any(len(s) > MAX_DIMS for s in shapes):
        raise ctx.fail(f"tensors of more than {MAX_DIMS} dimensions are not supported")
    if shapes[0] == shapes[1] == out_shape:
        n = int(np.prod(out_shape, dtype=np.int64))
        dims, strides = [1] * (MAX_DIMS - 1) + [n], [[0] * (MAX_DIMS - 1) + [1]] * 2
    else:
        dims = [1] * (MAX_DIMS - len(out_shape)) + list(out_shape)
        strides = []
        for shape in shapes:
            padded = [1] * (MAX_DIMS - len(shape)) + list(shape)
            contiguous = np.cumprod([1] + padded[::-1])[:-1][::-1]
            row = []
            for d in range(MAX_DIMS):
                if padded[d] == dims[d]:
                    row.append(int(contiguous[d]) if dims[d] > 1 else 0)
                elif padded[d] == 1:
                    row.append(0)
                else:
                    raise ctx.fail(f"shapes {shapes[0]} and {shapes[1]} do not broadcast to {out_shape}")
            strides.append(row)

    def arr(values) -> str:
        return "{" + ", ".join(str(int(v)) for v in values) + "}"

    return (f"static const edgeq_broadcast_t shape = {{{arr(dims)}, {arr(strides[0])}, {arr(strides[1])}}};")


def _operand(ctx: OpContext, k: int):
    """C pointer for input k and the const arrays it needs (a constant operand is a weight array)."""
    tensor = ctx.input(k)
    if tensor.is_constant:
        array = ctx.weights(k)
        return array.name, (array,)
    return ctx.input_ptr(k), ()


def _call(ctx: OpContext, name: str, params: str, param_ref: str) -> KernelCall:
    a, arrays_a = _operand(ctx, 0)
    b, arrays_b = _operand(ctx, 1)
    return KernelCall(
        statements=(_broadcast(ctx), params, f"{name}(&shape, &{param_ref}, {a}, {b}, {ctx.output_ptr()});"),
        kernels=(kernel(name),),
        arrays=arrays_a + arrays_b,
    )


def _add_sub_params(ctx: OpContext, single_precision: bool) -> str:
    return struct("edgeq_add_params_s8_t", "params", add_sub_constants(ctx, single_precision))


def add_sub_constants(ctx: OpContext, single_precision: bool) -> dict[str, int]:
    """The fields of edgeq_add_params_s8_t (TFLM's Prepare for int8 ADD, or SUB with `single_precision`)."""
    s1, z1 = scalar_quant(ctx, ctx.input(0))
    s2, z2 = scalar_quant(ctx, ctx.input(1))
    so, zo = scalar_quant(ctx, ctx.output())
    if single_precision:
        f = np.float32
        twice = f(2) * max(f(s1), f(s2))
        reals = (float(f(s1) / twice), float(f(s2) / twice), float(twice / (f(1 << LEFT_SHIFT_S8) * f(so))))
    else:
        twice = 2.0 * max(s1, s2)
        reals = (s1 / twice, s2 / twice, twice / ((1 << LEFT_SHIFT_S8) * so))
    (m1, sh1), (m2, sh2), (mo, sho) = (quantize_multiplier(r) for r in reals)
    act_min, act_max = act_range_s8(ctx)
    return {"input1_offset": -z1, "input2_offset": -z2, "left_shift": LEFT_SHIFT_S8,
            "input1_multiplier": m1, "input1_shift": sh1, "input2_multiplier": m2, "input2_shift": sh2,
            "output_multiplier": mo, "output_shift": sho, "output_zero_point": zo,
            "act_min": act_min, "act_max": act_max}


@register("ADD", "int8")
def emit_add_s8(ctx: OpContext) -> KernelCall:
    return _call(ctx, "edgeq_add_s8", _add_sub_params(ctx, single_precision=False), "params")


@register("SUB", "int8")
def emit_sub_s8(ctx: OpContext) -> KernelCall:
    return _call(ctx, "edgeq_sub_s8", _add_sub_params(ctx, single_precision=True), "params")


@register("MUL", "int8")
def emit_mul_s8(ctx: OpContext) -> KernelCall:
    s1, z1 = scalar_quant(ctx, ctx.input(0))
    s2, z2 = scalar_quant(ctx, ctx.input(1))
    so, zo = scalar_quant(ctx, ctx.output())
    m, sh = quantize_multiplier(s1 * s2 / so)
    act_min, act_max = act_range_s8(ctx)
    params = struct("edgeq_mul_params_s8_t", "params", {
        "input1_offset": -z1, "input2_offset": -z2, "output_multiplier": m, "output_shift": sh,
        "output_zero_point": zo, "act_min": act_min, "act_max": act_max})
    return _call(ctx, "edgeq_mul_s8", params, "params")


@register("ADD", "float32")
def emit_add_f32(ctx: OpContext) -> KernelCall:
    return _call(ctx, "edgeq_add_f32", act_f32(ctx), "act")


@register("SUB", "float32")
def emit_sub_f32(ctx: OpContext) -> KernelCall:
    return _call(ctx, "edgeq_sub_f32", act_f32(ctx), "act")


@register("MUL", "float32")
def emit_mul_f32(ctx: OpContext) -> KernelCall:
    return _call(ctx, "edgeq_mul_f32", act_f32(ctx), "act")
