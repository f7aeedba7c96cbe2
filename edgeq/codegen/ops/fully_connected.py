"""FULLY_CONNECTED: int8 (per-tensor or per-channel weights) and float32.

Requantization follows TFLite Micro's Prepare (GetQuantizedConvolutionMultipler): input scale × weight
scale / output scale in double, per channel or per tensor alike. The input zero point is folded into the
bias.
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register
from edgeq.codegen.ops.common import (act_f32, act_range_s8, channel_scales, folded_bias, requant_arrays,
                                      scalar_quant, struct, symmetric_weights)


def _geometry(ctx: OpContext) -> dict[str, int]:
    weights = ctx.input(1)
    if weights is None or len(weights.shape) != 2:
        raise ctx.fail("weights must be a constant 2-D tensor [outputs, depth]")
    output_c, depth = (int(d) for d in weights.shape)
    if ctx.option("weights_format", 0) not in (0, "DEFAULT"):
        raise ctx.fail("shuffled weight formats are not supported")
    elements = ctx.input(0).num_elements
    if elements % depth:
        raise ctx.fail(f"input of {elements} elements is not a multiple of the depth {depth}")
    out = ctx.output()
    if out.num_elements != elements // depth * output_c or out.dtype != ctx.input(0).dtype:
        # every FC kernel (and variant) writes batches x units of the input's type: the arena bound
        raise ctx.fail(f"output {out.shape} {out.dtype} does not hold {elements // depth} x {output_c} "
                       f"{ctx.input(0).dtype} results")
    return {"batches": elements // depth, "depth": depth, "output_c": output_c}


@register("FULLY_CONNECTED", "int8")
def emit_s8(ctx: OpContext) -> KernelCall:
    geom = _geometry(ctx)
    weights = ctx.input(1)
    w_scales = symmetric_weights(ctx, weights)
    in_scale, in_zp = scalar_quant(ctx, ctx.input(0))
    out_scale, out_zp = scalar_quant(ctx, ctx.output())
    # GetQuantizedConvolutionMultipler: double(input scale) * double(weight scale) / double(output scale),
    # per channel or per tensor alike (a float32 product differs by one LSB on ad01's last layer).
    reals = [in_scale * s / out_scale for s in channel_scales(ctx, w_scales, geom["output_c"])]
    multiplier, shift = requant_arrays(ctx, reals)
    weight_array = ctx.weights(1)
    bias = folded_bias(ctx, weights.data.astype(np.int64).sum(axis=1), in_zp)
    act_min, act_max = act_range_s8(ctx)
    arrays = (weight_array, multiplier, shift) + ((bias,) if bias is not None else ())
    return KernelCall(
        statements=(
            struct("edgeq_fc_geom_t", "geom", geom),
            struct("edgeq_quant_s8_t", "quant", {
                "input_zero_point": in_zp, "output_zero_point": out_zp, "act_min": act_min, "act_max": act_max,
                "multiplier": multiplier.name, "shift": shift.name}),
            f"edgeq_fully_connected_s8(&geom, &quant, {ctx.input_ptr(0)}, {weight_array.name}, "
            f"{bias.name if bias is not None else 'NULL'}, {ctx.output_ptr()});",
        ),
        kernels=(kernel("edgeq_fully_connected_s8"),),
        arrays=arrays,
        output_bytes=geom["batches"] * geom["output_c"],
    )


@register("FULLY_CONNECTED", "float32")
def emit_f32(ctx: OpContext) -> KernelCall:
    geom = _geometry(ctx)
    weight_array = ctx.weights(1)
    bias = ctx.weights(2) if ctx.input(2) is not None else None
    return KernelCall(
        statements=(
            struct("edgeq_fc_geom_t", "geom", geom),
            act_f32(ctx),
            f"edgeq_fully_connected_f32(&geom, &act, {ctx.input_ptr(0)}, {weight_array.name}, "
            f"{bias.name if bias is not None else 'NULL'}, {ctx.output_ptr()});",
        ),
        kernels=(kernel("edgeq_fully_connected_f32"),),
        arrays=(weight_array,) + ((bias,) if bias is not None else ()),
        output_bytes=geom["batches"] * geom["output_c"] * 4,
    )
