"""TRANSPOSE_CONV: int8 (per-channel or per-tensor weights, int32 bias), int16x8 (int8 weights, int64 bias)
and float32 (kernels: edgeq_kernels_math.h).

Inputs as TFLite orders them: 0 the output shape (constant), 1 the filter [out_c][h][w][in_c], 2 the
activation, 3 the optional bias. Padding as TFLM's transpose_conv.cc computes it: ComputePaddingHeightWidth
with the *output* as the convolution's input (SAME: ((ceil(out / stride) - 1) * stride + filter - out) / 2,
VALID: the same with (out - filter + stride) / stride windows), dilation 1. Requantization as
PopulateConvolutionQuantizationParams (in * w / out per channel, double); the fused activation clamps as
TFLM's CalculateActivationRangeQuantized. The input zero point enters through per-(channel, tap) filter
sums computed here, so the int8 kernel's inner loop multiplies raw values.
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register
from edgeq.codegen.ops.common import (act_f32, act_range_s8, channel_scales, requant_arrays, scalar_quant, struct,
                                      symmetric_weights)
from edgeq.codegen.ops.int16 import _act_range_s16


def _padding(ctx: OpContext, stride: int, out_size: int, filter_size: int) -> int:
    mode = ctx.option("padding", "VALID")
    if mode == "SAME":
        windows = (out_size + stride - 1) // stride
    elif mode == "VALID":
        windows = (out_size - filter_size + stride) // stride
    else:
        raise ctx.fail(f"padding {mode} is not supported")
    return max((windows - 1) * stride + filter_size - out_size, 0) // 2


def _geometry(ctx: OpContext) -> dict[str, int]:
    weights, inp, out = ctx.input(1), ctx.input(2), ctx.output()
    if inp is None or weights is None or not weights.is_constant or len(inp.shape) != 4 or len(out.shape) != 4 \
            or len(weights.shape) != 4:
        raise ctx.fail("expected a constant 4-D filter and 4-D input and output tensors (NHWC)")
    batches, in_h, in_w, in_c = (int(d) for d in inp.shape)
    _, out_h, out_w, out_c = (int(d) for d in out.shape)
    filter_oc, filter_h, filter_w, filter_ic = (int(d) for d in weights.shape)
    if filter_ic != in_c or filter_oc != out_c:
        raise ctx.fail(f"filter {weights.shape} does not match input channels {in_c} / outputs {out_c}")
    stride_h, stride_w = int(ctx.option("stride_h", 1)), int(ctx.option("stride_w", 1))
    return {"batches": batches, "input_h": in_h, "input_w": in_w, "input_c": in_c,
            "filter_h": filter_h, "filter_w": filter_w, "output_h": out_h, "output_w": out_w, "output_c": out_c,
            "stride_h": stride_h, "stride_w": stride_w, "dilation_h": 1, "dilation_w": 1,
            "pad_top": _padding(ctx, stride_h, out_h, filter_h), "pad_left": _padding(ctx, stride_w, out_w, filter_w),
            "depth_multiplier": 1}


def _bias(ctx: OpContext, dtype: str, ctype: str, channels: int):
    bias = ctx.input(3)
    if bias is None:
        return None
    if bias.dtype != dtype or not bias.is_constant:
        raise ctx.fail(f"{bias.dtype} bias is not supported here ({dtype} expected)")
    data = bias.data.reshape(-1)
    if data.size != channels:
        raise ctx.fail(f"{data.size} bias values for {channels} output channels")
    return ctx.const_array("bias", ctype, data)


def _requant(ctx: OpContext, channels: int):
    scales = channel_scales(ctx, symmetric_weights(ctx, ctx.input(1)), channels)
    in_scale, out_scale = scalar_quant(ctx, ctx.input(2))[0], scalar_quant(ctx, ctx.output())[0]
    return requant_arrays(ctx, [float(in_scale) * float(s) / float(out_scale) for s in scales])


@register("TRANSPOSE_CONV", "int8")
def emit_s8(ctx: OpContext) -> KernelCall:
    geom = _geometry(ctx)
    channels = geom["output_c"]
    multiplier, shift = _requant(ctx, channels)
    weights = ctx.weights(1)
    sums = ctx.const_array("filter_sums", "int32_t",
                           ctx.input(1).data.astype(np.int64).sum(axis=3).reshape(-1))
    bias = _bias(ctx, "int32", "int32_t", channels)
    in_zp = scalar_quant(ctx, ctx.input(2))[1]
    out_zp = scalar_quant(ctx, ctx.output())[1]
    act_min, act_max = act_range_s8(ctx)
    return KernelCall(
        statements=(struct("edgeq_conv_geom_t", "geom", geom),
                    struct("edgeq_quant_s8_t", "quant", {
                        "input_zero_point": in_zp, "output_zero_point": out_zp, "act_min": act_min,
                        "act_max": act_max, "multiplier": multiplier.name, "shift": shift.name}),
                    f"edgeq_transpose_conv_s8(&geom, &quant, {ctx.input_ptr(2)}, {weights.name}, {sums.name}, "
                    f"{bias.name if bias is not None else 'NULL'}, {ctx.output_ptr()});"),
        kernels=(kernel("edgeq_transpose_conv_s8"),),
        arrays=(weights, sums, multiplier, shift) + ((bias,) if bias is not None else ()),
    )


@register("TRANSPOSE_CONV", "int16")
def emit_s16(ctx: OpContext) -> KernelCall:
    geom = _geometry(ctx)
    channels = geom["output_c"]
    for tensor in (ctx.input(2), ctx.output()):
        if scalar_quant(ctx, tensor)[1] != 0:
            raise ctx.fail("int16 TRANSPOSE_CONV with a non-zero zero point (TFLite's int16 activations are "
                           "symmetric)", "re-convert with `edgeq convert --mode int16x8`")
    multiplier, shift = _requant(ctx, channels)
    if any(s > 7 for s in shift.values.tolist()):
        raise ctx.fail("requantization factor above 2^7 (TFLite's int16 kernels shift left by at most 7)")
    weights = ctx.weights(1)
    bias = _bias(ctx, "int64", "int64_t", channels)
    act_min, act_max = _act_range_s16(ctx)
    return KernelCall(
        statements=(struct("edgeq_conv_geom_t", "geom", geom),
                    f"edgeq_transpose_conv_s16(&geom, {act_min}, {act_max}, {multiplier.name}, {shift.name}, "
                    f"{ctx.input_ptr(2)}, {weights.name}, {bias.name if bias is not None else 'NULL'}, "
                    f"{ctx.output_ptr()});"),
        kernels=(kernel("edgeq_transpose_conv_s16"),),
        arrays=(weights, multiplier, shift) + ((bias,) if bias is not None else ()),
    )


@register("TRANSPOSE_CONV", "float32")
def emit_f32(ctx: OpContext) -> KernelCall:
    geom = _geometry(ctx)
    weights = ctx.weights(1)
    bias = _bias(ctx, "float32", "float", geom["output_c"])
    return KernelCall(
        statements=(struct("edgeq_conv_geom_t", "geom", geom), act_f32(ctx),
                    f"edgeq_transpose_conv_f32(&geom, &act, {ctx.input_ptr(2)}, {weights.name}, "
                    f"{bias.name if bias is not None else 'NULL'}, {ctx.output_ptr()});"),
        kernels=(kernel("edgeq_transpose_conv_f32"),),
        arrays=(weights,) + ((bias,) if bias is not None else ()),
    )
