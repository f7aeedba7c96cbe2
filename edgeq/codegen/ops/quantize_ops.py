"""QUANTIZE and DEQUANTIZE between every pair of types TFLite Micro runs.

QUANTIZE (quantize_common.cc): float32 → int8 or int16 (AffineQuantize: round(x / scale) with a float32
division, half away from zero, + zero point); between integer types (Requantize): requant(x - input zero
point) + output zero point, clamped to the output type (int32 outputs unclamped), with
QuantizeMultiplier(input scale / output scale) in double. `QUANTIZE_PAIRS` lists the (input, output) dtype
pairs with a kernel; it is what `edgeq.ir.support` checks, so a QUANTIZE is refused before generation with
the same rule the emitters apply. TFLM's Prepare also accepts float32 → int32/uint8, which its Eval then
rejects; those pairs are left out.

DEQUANTIZE (dequantize_common.cc): int8, uint8, int16 → float32 as (float)(double scale * (q - zero point)).
"""
from __future__ import annotations

from types import MappingProxyType

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register
from edgeq.codegen.ops.common import c_float, scalar_quant, struct
from edgeq.codegen.quantize import quantize_multiplier

_SUFFIX = {"int8": "s8", "uint8": "u8", "int16": "s16", "int32": "s32", "float32": "f32"}

#: QUANTIZE input dtype → the output dtypes it has a kernel for (TFLM's EvalQuantizeReference).
QUANTIZE_PAIRS = MappingProxyType({
    "float32": frozenset({"int8", "int16"}),
    "int8": frozenset({"int8", "uint8", "int16", "int32"}),
    "uint8": frozenset({"int8"}),
    "int16": frozenset({"int8", "int16", "int32"}),
    "int32": frozenset({"int8", "int16"}),
})


def quantize_refusal(src: str, dst: str) -> str | None:
    """Why QUANTIZE src → dst cannot run (None when it can): the one rule the emitters and the support
    check share."""
    outputs = QUANTIZE_PAIRS.get(src)
    if outputs is None:
        return f"QUANTIZE from {src} is not supported (inputs: {', '.join(sorted(QUANTIZE_PAIRS))})"
    if dst not in outputs:
        return f"QUANTIZE {src} → {dst} is not supported ({src} → {', '.join(sorted(outputs))} only)"
    return None


def _checked_pair(ctx: OpContext) -> tuple[str, str]:
    src, dst = ctx.input(0).dtype, ctx.output().dtype
    why = quantize_refusal(src, dst)
    if why is not None:
        raise ctx.fail(why, "TFLite Micro runs QUANTIZE between int8, int16 and int32 and from float32 to int8/int16")
    return src, dst


def _count(ctx: OpContext) -> int:
    return ctx.output().num_elements


@register("QUANTIZE", "float32")
def emit_quantize_f32(ctx: OpContext) -> KernelCall:
    _, dst = _checked_pair(ctx)
    scale, zero_point = scalar_quant(ctx, ctx.output())
    name = f"edgeq_quantize_f32_{_SUFFIX[dst]}"
    return KernelCall(
        statements=(f"{name}({_count(ctx)}, {c_float(scale)}, {zero_point}, {ctx.input_ptr(0)}, "
                    f"{ctx.output_ptr()});",),
        kernels=(kernel(name),),
    )


def _requantize(ctx: OpContext) -> KernelCall:
    src, dst = _checked_pair(ctx)
    in_scale, in_zp = scalar_quant(ctx, ctx.input(0))
    out_scale, out_zp = scalar_quant(ctx, ctx.output())
    multiplier, shift = quantize_multiplier(in_scale / out_scale)  # in double, as TFLM's Prepare
    name = f"edgeq_quantize_{_SUFFIX[src]}_{_SUFFIX[dst]}"
    return KernelCall(
        statements=(struct("edgeq_requant_params_t", "params", {
                        "input_zero_point": in_zp, "output_zero_point": out_zp,
                        "multiplier": multiplier, "shift": shift}),
                    f"{name}({_count(ctx)}, &params, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
        kernels=(kernel(name),),
        # element-wise: in place when input and output elements have the same size (see the package contract)
        inplace=src == dst,
    )


@register("QUANTIZE", "int8")
def emit_requantize_s8(ctx: OpContext) -> KernelCall:
    return _requantize(ctx)


@register("QUANTIZE", "uint8")
def emit_requantize_u8(ctx: OpContext) -> KernelCall:
    return _requantize(ctx)


@register("QUANTIZE", "int16")
def emit_requantize_s16(ctx: OpContext) -> KernelCall:
    return _requantize(ctx)


@register("QUANTIZE", "int32")
def emit_requantize_s32(ctx: OpContext) -> KernelCall:
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
