"""CONV_2D and DEPTHWISE_CONV_2D: int8 (per-tensor or per-channel weights, int4 weights unpacked) and float32.

Requantization as TFLite Micro's PopulateConvolutionQuantizationParams: input_scale * filter_scale /
output_scale in double per output channel. The input zero point is folded into the bias; the kernels
pad with the input zero point, so padded pixels contribute nothing, exactly as in TFLite.
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register
from edgeq.codegen.ops.common import (act_f32, act_range_s8, channel_scales, folded_bias, padding, requant_arrays,
                                      scalar_quant, struct, symmetric_weights)


def _geometry(ctx: OpContext, depthwise: bool) -> dict[str, int]:
    inp, weights, out = ctx.input(0), ctx.input(1), ctx.output()
    if len(inp.shape) != 4 or len(out.shape) != 4 or weights is None or len(weights.shape) != 4:
        raise ctx.fail("expected 4-D input, filter and output tensors (NHWC)")
    batches, in_h, in_w, in_c = inp.shape
    _, out_h, out_w, out_c = out.shape
    if depthwise:
        _, filter_h, filter_w, filter_c = weights.shape
        multiplier = out_c // in_c if in_c else 0
        if filter_c != out_c or multiplier * in_c != out_c:
            raise ctx.fail(f"filter channels {filter_c} do not match input {in_c} × depth multiplier")
    else:
        filter_oc, filter_h, filter_w, filter_ic = weights.shape
        multiplier = 1
        if filter_ic != in_c or filter_oc != out_c:
            raise ctx.fail(f"filter {weights.shape} does not match input channels {in_c} / outputs {out_c} "
                           "(grouped convolutions are not supported)")
    stride_h, stride_w = int(ctx.option("stride_h", 1)), int(ctx.option("stride_w", 1))
    dil_h, dil_w = int(ctx.option("dilation_h_factor", 1)), int(ctx.option("dilation_w_factor", 1))
    if out.shape[0] != batches or out.dtype != inp.dtype:  # kernels write batches x H x W x C of the input type
        raise ctx.fail(f"output {out.shape} {out.dtype} does not match the input's batch {batches} and type "
                       f"{inp.dtype}")
    return {
        "batches": batches, "input_h": in_h, "input_w": in_w, "input_c": in_c,
        "filter_h": filter_h, "filter_w": filter_w, "output_h": out_h, "output_w": out_w, "output_c": out_c,
        "stride_h": stride_h, "stride_w": stride_w, "dilation_h": dil_h, "dilation_w": dil_w,
        "pad_top": padding(ctx, stride_h, dil_h, in_h, filter_h, out_h),
        "pad_left": padding(ctx, stride_w, dil_w, in_w, filter_w, out_w),
        "depth_multiplier": multiplier,
    }


def output_elements(geom: dict[str, int]) -> int:
    """Elements a convolution kernel writes: batches x output_h x output_w x output_c of its geometry."""
    return geom["batches"] * geom["output_h"] * geom["output_w"] * geom["output_c"]


def _emit_s8(ctx: OpContext, depthwise: bool) -> KernelCall:
    geom = _geometry(ctx, depthwise)
    weights = ctx.input(1)
    w_scales = symmetric_weights(ctx, weights)
    in_scale, in_zp = scalar_quant(ctx, ctx.input(0))
    out_scale, out_zp = scalar_quant(ctx, ctx.output())
    channels = geom["output_c"]
    scales = channel_scales(ctx, w_scales, channels)
    multiplier, shift = requant_arrays(ctx, [in_scale * s / out_scale for s in scales])
    data = weights.data.astype(np.int64)
    sums = data.sum(axis=(0, 1, 2)) if depthwise else data.sum(axis=(1, 2, 3))
    bias = folded_bias(ctx, sums, in_zp)
    act_min, act_max = act_range_s8(ctx)
    weight_array = ctx.weights(1)
    name = "edgeq_depthwise_conv2d_s8" if depthwise else "edgeq_conv2d_s8"
    return KernelCall(
        statements=(
            struct("edgeq_conv_geom_t", "geom", geom),
            struct("edgeq_quant_s8_t", "quant", {
                "input_zero_point": in_zp, "output_zero_point": out_zp, "act_min": act_min, "act_max": act_max,
                "multiplier": multiplier.name, "shift": shift.name}),
            f"{name}(&geom, &quant, {ctx.input_ptr(0)}, {weight_array.name}, "
            f"{bias.name if bias is not None else 'NULL'}, {ctx.output_ptr()});",
        ),
        kernels=(kernel(name),),
        arrays=(weight_array, multiplier, shift) + ((bias,) if bias is not None else ()),
        output_bytes=output_elements(geom),
    )


def _emit_f32(ctx: OpContext, depthwise: bool) -> KernelCall:
    geom = _geometry(ctx, depthwise)
    weight_array = ctx.weights(1)
    bias = ctx.weights(2) if ctx.input(2) is not None else None
    name = "edgeq_depthwise_conv2d_f32" if depthwise else "edgeq_conv2d_f32"
    return KernelCall(
        statements=(
            struct("edgeq_conv_geom_t", "geom", geom),
            act_f32(ctx),
            f"{name}(&geom, &act, {ctx.input_ptr(0)}, {weight_array.name}, "
            f"{bias.name if bias is not None else 'NULL'}, {ctx.output_ptr()});",
        ),
        kernels=(kernel(name),),
        arrays=(weight_array,) + ((bias,) if bias is not None else ()),
        output_bytes=output_elements(geom) * 4,
    )


@register("CONV_2D", "int8")
def emit_conv_s8(ctx: OpContext) -> KernelCall:
    return _emit_s8(ctx, depthwise=False)


@register("DEPTHWISE_CONV_2D", "int8")
def emit_depthwise_s8(ctx: OpContext) -> KernelCall:
    return _emit_s8(ctx, depthwise=True)


@register("CONV_2D", "float32")
def emit_conv_f32(ctx: OpContext) -> KernelCall:
    return _emit_f32(ctx, depthwise=False)


@register("DEPTHWISE_CONV_2D", "float32")
def emit_depthwise_f32(ctx: OpContext) -> KernelCall:
    return _emit_f32(ctx, depthwise=True)
