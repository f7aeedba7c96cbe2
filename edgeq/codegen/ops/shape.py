"""Data movement: PAD and CONCATENATION (int8 and float32). Quantization must be unchanged across them,
as TFLite Micro requires; RESHAPE/SQUEEZE/EXPAND_DIMS are aliases handled by the generator itself."""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, c_type, kernel, register
from edgeq.codegen.ops.common import c_float, fused_activation, scalar_quant

MAX_DIMS = 6


def _braced(values, fill: int) -> str:
    values = [fill] * (MAX_DIMS - len(values)) + [int(v) for v in values]
    return "{" + ", ".join(str(v) for v in values) + "}"


def _same_quant(ctx: OpContext, inputs) -> None:
    out = scalar_quant(ctx, ctx.output())
    if any(scalar_quant(ctx, t) != out for t in inputs):
        raise ctx.fail("inputs and output must share one scale and zero point (TFLite Micro requires it)")


def _pad(ctx: OpContext, dtype: str) -> KernelCall:
    inp, out, paddings = ctx.input(0), ctx.output(), ctx.input(1)
    if paddings is None or not paddings.is_constant:
        raise ctx.fail("paddings must be a constant tensor")
    if len(inp.shape) > MAX_DIMS:
        raise ctx.fail(f"tensors of more than {MAX_DIMS} dimensions are not supported")
    before = np.asarray(paddings.data).reshape(len(inp.shape), 2)[:, 0]
    if dtype == "int8":
        _same_quant(ctx, [inp])
        pad_value, suffix = str(scalar_quant(ctx, out)[1]), "s8"
    else:
        pad_value, suffix = c_float(0.0), "f32"
    name = f"edgeq_pad_{suffix}"
    geom = (f"static const edgeq_pad_geom_t geom = {{{_braced(out.shape, 1)}, {_braced(inp.shape, 1)}, "
            f"{_braced(before, 0)}}};")
    return KernelCall(statements=(geom, f"{name}(&geom, {pad_value}, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
                      kernels=(kernel(name),))


def _concat(ctx: OpContext, dtype: str) -> KernelCall:
    out = ctx.output()
    inputs = [ctx.input(k) for k in range(len(ctx.op.inputs))]
    if fused_activation(ctx) != "NONE":
        raise ctx.fail("a fused activation on CONCATENATION is not supported")
    if dtype == "int8":
        _same_quant(ctx, inputs)
    axis = int(ctx.option("axis", 0)) % len(out.shape)
    outer = int(np.prod(out.shape[:axis], dtype=np.int64))
    sizes = [int(np.prod(t.shape[axis:], dtype=np.int64)) for t in inputs]
    arrays = tuple(ctx.weights(k) for k, t in enumerate(inputs) if t.is_constant)
    ctype = c_type(dtype)
    suffix = "s8" if dtype == "int8" else "f32"
    pointers = ", ".join(ctx.input_ptr(k) for k in range(len(inputs)))
    return KernelCall(
        statements=(f"static const {ctype} *const inputs[{len(inputs)}] = {{{pointers}}};",
                    f"static const int32_t sizes[{len(inputs)}] = {{{', '.join(map(str, sizes))}}};",
                    f"edgeq_concat_{suffix}({outer}, {len(inputs)}, inputs, sizes, {ctx.output_ptr()});"),
        kernels=(kernel(f"edgeq_concat_{suffix}"),),
        arrays=arrays,
    )


@register("PAD", "int8")
def emit_pad_s8(ctx: OpContext) -> KernelCall:
    return _pad(ctx, "int8")


@register("PAD", "float32")
def emit_pad_f32(ctx: OpContext) -> KernelCall:
    return _pad(ctx, "float32")


@register("CONCATENATION", "int8")
def emit_concat_s8(ctx: OpContext) -> KernelCall:
    return _concat(ctx, "int8")


@register("CONCATENATION", "float32")
def emit_concat_f32(ctx: OpContext) -> KernelCall:
    return _concat(ctx, "float32")
