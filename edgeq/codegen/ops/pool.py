"""AVERAGE_POOL_2D and MAX_POOL_2D, int8 and float32 (int8 pooling keeps the input's quantization)."""
from __future__ import annotations

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register
from edgeq.codegen.ops.common import act_f32, act_range_s8, padding, scalar_quant, struct


def _geometry(ctx: OpContext) -> dict[str, int]:
    inp, out = ctx.input(0), ctx.output()
    if len(inp.shape) != 4 or len(out.shape) != 4:
        raise ctx.fail("expected 4-D input and output tensors (NHWC)")
    batches, in_h, in_w, channels = inp.shape
    _, out_h, out_w, _ = out.shape
    if (out.shape[0], out.shape[3]) != (batches, channels) or out.dtype != inp.dtype:
        raise ctx.fail(f"output {out.shape} {out.dtype} does not keep the input's batch, channels and type")
    filter_h, filter_w = int(ctx.option("filter_height", 1)), int(ctx.option("filter_width", 1))
    stride_h, stride_w = int(ctx.option("stride_h", 1)), int(ctx.option("stride_w", 1))
    return {
        "batches": batches, "input_h": in_h, "input_w": in_w, "channels": channels,
        "output_h": out_h, "output_w": out_w, "filter_h": filter_h, "filter_w": filter_w,
        "stride_h": stride_h, "stride_w": stride_w,
        "pad_top": padding(ctx, stride_h, 1, in_h, filter_h, out_h),
        "pad_left": padding(ctx, stride_w, 1, in_w, filter_w, out_w),
    }


def _written(geom: dict[str, int]) -> int:
    """Elements the pooling kernels write (their loop bounds)."""
    return geom["batches"] * geom["output_h"] * geom["output_w"] * geom["channels"]


def _emit_s8(ctx: OpContext, name: str) -> KernelCall:
    if scalar_quant(ctx, ctx.input(0)) != scalar_quant(ctx, ctx.output()):
        raise ctx.fail("int8 pooling with different input and output quantization is not supported")
    act_min, act_max = act_range_s8(ctx)
    geom = _geometry(ctx)
    return KernelCall(
        statements=(struct("edgeq_pool_geom_t", "geom", geom),
                    f"{name}(&geom, {act_min}, {act_max}, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
        kernels=(kernel(name),),
        output_bytes=_written(geom),
    )


def _emit_f32(ctx: OpContext, name: str) -> KernelCall:
    geom = _geometry(ctx)
    return KernelCall(
        statements=(struct("edgeq_pool_geom_t", "geom", geom), act_f32(ctx),
                    f"{name}(&geom, &act, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
        kernels=(kernel(name),),
        output_bytes=_written(geom) * 4,
    )


@register("AVERAGE_POOL_2D", "int8")
def emit_avgpool_s8(ctx: OpContext) -> KernelCall:
    return _emit_s8(ctx, "edgeq_avgpool_s8")


@register("MAX_POOL_2D", "int8")
def emit_maxpool_s8(ctx: OpContext) -> KernelCall:
    return _emit_s8(ctx, "edgeq_maxpool_s8")


@register("AVERAGE_POOL_2D", "float32")
def emit_avgpool_f32(ctx: OpContext) -> KernelCall:
    return _emit_f32(ctx, "edgeq_avgpool_f32")


@register("MAX_POOL_2D", "float32")
def emit_maxpool_f32(ctx: OpContext) -> KernelCall:
    return _emit_f32(ctx, "edgeq_maxpool_f32")
