"""MEAN over constant axes: quantized (TFLite's QuantizedMeanOrSum rescaling; int8 here, int16 registered in
int16_elementwise.py through `quantized_mean`) and float32."""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register
from edgeq.codegen.ops.common import scalar_quant, struct
from edgeq.codegen.quantize import quantize_multiplier

MAX_DIMS = 6


def reduce_geometry(ctx: OpContext) -> tuple[dict[str, str | int], int]:
    shape = tuple(ctx.input(0).shape)
    axes_tensor = ctx.input(1)
    if axes_tensor is None or not axes_tensor.is_constant:
        raise ctx.fail("the reduction axes must be a constant tensor")
    if len(shape) > MAX_DIMS:
        raise ctx.fail(f"tensors of more than {MAX_DIMS} dimensions are not supported")
    axes = sorted({int(a) % len(shape) for a in np.asarray(axes_tensor.data).reshape(-1)})
    strides = [int(np.prod(shape[d + 1:], dtype=np.int64)) for d in range(len(shape))]
    outer = _merged([(shape[d], strides[d]) for d in range(len(shape)) if d not in axes])
    inner = _merged([(shape[d], strides[d]) for d in axes])

    def padded(pairs: list[tuple[int, int]], k: int) -> str:
        values = [1] * (MAX_DIMS - len(pairs)) + [p[k] for p in pairs] if k == 0 else \
                 [0] * (MAX_DIMS - len(pairs)) + [p[k] for p in pairs]
        return "{" + ", ".join(str(int(v)) for v in values) + "}"

    inner_count = int(np.prod([d for d, _ in inner], dtype=np.int64))
    return {
        "outer_dims": padded(outer, 0), "outer_strides": padded(outer, 1),
        "inner_dims": padded(inner, 0), "inner_strides": padded(inner, 1),
        "outer_count": int(np.prod([d for d, _ in outer], dtype=np.int64)), "inner_count": inner_count,
    }, inner_count


def _merged(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(dim, stride) pairs with neighbours that walk memory as one dimension merged (e.g. NHWC's H and W of
    a spatial MEAN become one of H·W elements), so the kernels' odometer carries less often."""
    merged: list[tuple[int, int]] = []
    for dim, stride in pairs:
        if merged and merged[-1][1] == dim * stride:
            merged[-1] = (merged[-1][0] * dim, stride)
        else:
            merged.append((dim, stride))
    return merged


def mean_requant(in_scale: float, out_scale: float, count: int) -> tuple[int, int]:
    """TFLite: QuantizeMultiplier(in/out) in double, then fold 1/count in integer arithmetic."""
    multiplier, shift = quantize_multiplier(in_scale / out_scale)
    extra = min(count.bit_length() - 1, 32, 31 + shift)
    return (multiplier << extra) // count, shift - extra


def quantized_mean(ctx: OpContext, name: str, value_span: int | None = None) -> KernelCall:
    """The call of a quantized MEAN kernel `name`. With `value_span` (max - min of the input type), refuse
    reductions whose int32 sum could overflow, as TFLite does for int16."""
    geom, count = reduce_geometry(ctx)
    if value_span is not None and count * value_span >= 2**31:
        raise ctx.fail(f"MEAN over {count} elements could overflow the int32 sum TFLite uses")
    in_scale, in_zp = scalar_quant(ctx, ctx.input(0))
    out_scale, out_zp = scalar_quant(ctx, ctx.output())
    multiplier, shift = mean_requant(in_scale, out_scale, count)
    return KernelCall(
        statements=(struct("edgeq_reduce_geom_t", "geom", geom),
                    struct("edgeq_mean_params_s8_t", "params", {
                        "input_zero_point": in_zp, "output_zero_point": out_zp,
                        "multiplier": multiplier, "shift": shift}),
                    f"{name}(&geom, &params, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
        kernels=(kernel(name),),
        output_bytes=geom["outer_count"] * ctx.input(0).nbytes // ctx.input(0).num_elements,
    )


@register("MEAN", "int8")
def emit_mean_s8(ctx: OpContext) -> KernelCall:
    return quantized_mean(ctx, "edgeq_mean_s8")


@register("MEAN", "float32")
def emit_mean_f32(ctx: OpContext) -> KernelCall:
    geom, _ = reduce_geometry(ctx)
    return KernelCall(
        statements=(struct("edgeq_reduce_geom_t", "geom", geom),
                    f"edgeq_mean_f32(&geom, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
        kernels=(kernel("edgeq_mean_f32"),),
        output_bytes=geom["outer_count"] * 4,
    )
