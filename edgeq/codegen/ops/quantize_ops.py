"""QUANTIZE (float32 → int8 or int16, requantization int8/uint8 ↔ int8/uint8), DEQUANTIZE (int8/uint8 → float32).

TFLite Micro computes the requantization multiplier as input_scale / output_scale in double, quantizes
floats with a float32 division, and dequantizes as (float)(double scale * (q - zero_point)).
"""
from __future__ import annotations

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register
from edgeq.codegen.ops.common import c_float, scalar_quant, struct
from edgeq.codegen.quantize import quantize_multiplier

_SUFFIX = {"int8": "s8", "uint8": "u8", "float32": "f32"}


def _count(ctx: OpContext) -> int:
    return ctx.output().num_elements


@register("QUANTIZE", "float32")
def emit_quantize_f32(ctx: OpContext) -> KernelCall:
    if ctx.output().dtype not in ("int8", "int16"):
        raise ctx.fail(f"float32 → {ctx.output().dtype} quantization is not supported (int8 or int16 only)")
    scale, zero_point = scalar_quant(ctx, ctx.output())
    name = "edgeq_quantize_f32_s8" if ctx.output().dtype == "int8" else "edgeq_quantize_f32_s16"
    return KernelCall(
        statements=(f"{name}({_count(ctx)}, {c_float(scale)}, {zero_point}, {ctx.input_ptr(0)}, "
                    f"{ctx.output_ptr()});",),
        kernels=(kernel(name),),
    )


def _requantize(ctx: OpContext) -> KernelCall:
    src, dst = ctx.input(0).dtype, ctx.output().dtype
    name = f"edgeq_quantize_{_SUFFIX.get(src, src)}_{_SUFFIX.get(dst, dst)}"
    if (src, dst) not in (("int8", "int8"), ("uint8", "int8"), ("int8", "uint8")):
        raise ctx.fail(f"{src} → {dst} requantization is not supported")
    in_scale, in_zp = scalar_quant(ctx, ctx.input(0))
    out_scale, out_zp = scalar_quant(ctx, ctx.output())
    multiplier, shift = quantize_multiplier(in_scale / out_scale)
    return KernelCall(
        statements=(struct("edgeq_requant_params_t", "params", {
                        "input_zero_point": in_zp, "output_zero_point": out_zp,
                        "multiplier": multiplier, "shift": shift}),
                    f"{name}({_count(ctx)}, &params, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
        kernels=(kernel(name),),
    )


@register("QUANTIZE", "int8")
def emit_requantize_s8(ctx: OpContext) -> KernelCall:
    return _requantize(ctx)


@register("QUANTIZE", "uint8")
def emit_requantize_u8(ctx: OpContext) -> KernelCall:
    return _requantize(ctx)


def _dequantize(ctx: OpContext) -> KernelCall:
    if ctx.output().dtype != "float32":
        raise ctx.fail(f"dequantizing to {ctx.output().dtype} is not supported (float32 only)")
    scale, zero_point = scalar_quant(ctx, ctx.input(0))
    name = f"edgeq_dequantize_{_SUFFIX[ctx.input(0).dtype]}_f32"
    return KernelCall(
        statements=(f"{name}({_count(ctx)}, {float(scale)!r}, {zero_point}, {ctx.input_ptr(0)}, {ctx.output_ptr()});",),
        kernels=(kernel(name),),
    )


@register("DEQUANTIZE", "int8")
def emit_dequantize_s8(ctx: OpContext) -> KernelCall:
    return _dequantize(ctx)


@register("DEQUANTIZE", "uint8")
def emit_dequantize_u8(ctx: OpContext) -> KernelCall:
    return _dequantize(ctx)
