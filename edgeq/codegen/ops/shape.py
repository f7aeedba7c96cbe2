"""Data movement: PAD and CONCATENATION (int8, int16 and float32). Quantization must be unchanged across
them, as TFLite Micro requires; RESHAPE/SQUEEZE/EXPAND_DIMS are aliases handled by the generator itself."""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, c_type, kernel, register
from edgeq.codegen.ops.common import c_float, fused_activation, scalar_quant

MAX_DIMS = 6
_SUFFIX = {"int8": "s8", "int16": "s16", "float32": "f32"}


def _braced(values, fill: int) -> str:
    values = [fill] * (MAX_DIMS - len(values)) + [int(v) for v in values]
    return "{" + ", ".join(str(v) for v in values) + "}"


def _same_quant(ctx: OpContext, inputs) -> None:
    out = scalar_quant(ctx, ctx.output())
    if any(scalar_quant(ctx, t) != out for t in inputs):
        raise ctx.fail("inputs and output must share one scale and zero point (TFLite Micro requires it)")


def _same_dtype(ctx: OpContext, tensors, dtype: str) -> None:
    if any(t.dtype != dtype for t in tensors):
        raise ctx.fail(f"{ctx.op.opcode} mixing {dtype} with other types is not supported ({dtype} expected)")


def _pad(ctx: OpContext, dtype: str) -> KernelCall:
    inp, out, paddings = ctx.input(0), ctx.output(), ctx.input(1)
    _same_dtype(ctx, [out], dtype)
    if paddings is None or not paddings.is_constant:
        raise ctx.fail("paddings must be a constant tensor")
    if len(inp.shape) > MAX_DIMS:
        raise ctx.fail(f"tensors of more than {MAX_DIMS} dimensions are not supported")
    if len(ctx.op.inputs) > 2 and ctx.op.inputs[2] >= 0:
        raise ctx.fail("PAD with an explicit constant value (PADV2) is not supported")
    before = np.asarray(paddings.data).reshape(len(inp.shape), 2)[:, 0]
    if dtype == "float32":
        pad_value = c_float(0.0)
    else:  # quantized: padding is real zero, i.e. the (shared) zero point
        _same_quant(ctx, [inp])
        pad_value = str(scalar_quant(ctx, out)[1])
    name = f"edgeq_pad_{_SUFFIX[dtype]}"
    geom = (f"static const edgeq_pad_geom_t geom = {{{_braced(out.shape, 1)}, {_braced(inp.shape, 1)}, "
            f"{_braced(before, 0)}}};")
    return KernelCall(statements=(geom, f"{name}(&geom, {pad_value}, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
                      kernels=(kernel(name),))


def _concat(ctx: OpContext, dtype: str) -> KernelCall:
    out = ctx.output()
    inputs = [ctx.input(k) for k in range(len(ctx.op.inputs))]
    if fused_activation(ctx) != "NONE":
        raise ctx.fail("a fused activation on CONCATENATION is not supported")
    _same_dtype(ctx, [*inputs, out], dtype)
    if dtype != "float32":
        _same_quant(ctx, inputs)
    axis = int(ctx.option("axis", 0)) % len(out.shape)
    outer = int(np.prod(out.shape[:axis], dtype=np.int64))
    sizes = [int(np.prod(t.shape[axis:], dtype=np.int64)) for t in inputs]
    arrays = tuple(ctx.weights(k) for k, t in enumerate(inputs) if t.is_constant)
    ctype = c_type(dtype)
    suffix = _SUFFIX[dtype]
    pointers = ", ".join(ctx.input_ptr(k) for k in range(len(inputs)))
    return KernelCall(
        statements=(f"static const {ctype} *const inputs[{len(inputs)}] = {{{pointers}}};",
                    f"static const int32_t sizes[{len(inputs)}] = {{{', '.join(map(str, sizes))}}};",
                    f"edgeq_concat_{suffix}({outer}, {len(inputs)}, inputs, sizes, {ctx.output_ptr()});"),
        kernels=(kernel(f"edgeq_concat_{suffix}"),),
        arrays=arrays,
        output_bytes=outer * sum(sizes) * out.nbytes // out.num_elements,
    )


@register("PAD", "int8")
def emit_pad_s8(ctx: OpContext) -> KernelCall:
    return _pad(ctx, "int8")


@register("PAD", "int16")
def emit_pad_s16(ctx: OpContext) -> KernelCall:
    return _pad(ctx, "int16")


@register("PAD", "float32")
def emit_pad_f32(ctx: OpContext) -> KernelCall:
    return _pad(ctx, "float32")


@register("CONCATENATION", "int8")
def emit_concat_s8(ctx: OpContext) -> KernelCall:
    return _concat(ctx, "int8")


@register("CONCATENATION", "int16")
def emit_concat_s16(ctx: OpContext) -> KernelCall:
    return _concat(ctx, "int16")


@register("CONCATENATION", "float32")
def emit_concat_f32(ctx: OpContext) -> KernelCall:
    return _concat(ctx, "float32")
