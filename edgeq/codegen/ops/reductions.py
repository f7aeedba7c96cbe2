"""SUM, REDUCE_MAX, ARG_MAX and ARG_MIN over constant axes (kernels: edgeq_kernels_math.h; quantized SUM
runs the MEAN kernels of edgeq_kernels.h / edgeq_kernels_s16.h).

Dtypes are the ones TFLite Micro registers and the converter produces: SUM in int8, int16 and float32;
REDUCE_MAX in int8 and float32 (TFLM refuses int16); ARG_MAX / ARG_MIN on int8 and float32 inputs with
int32 indices (TFLM refuses int64 outputs at Eval). Quantized SUM is TFLM's QuantizedMeanOrSum with
compute_sum: the int32 sum minus zero point times count, one requantization by in/out (double), no
1/count factor. REDUCE_MAX keeps the input's quantization (TFLM requires equal scales).
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register
from edgeq.codegen.ops.common import scalar_quant, struct
from edgeq.codegen.ops.reduce import reduce_geometry
from edgeq.codegen.quantize import f32, quantize_multiplier

_SUFFIX = {"int8": "s8", "int16": "s16", "float32": "f32"}


def _same_dtype(ctx: OpContext, dtype: str) -> None:
    if ctx.output().dtype != dtype:
        raise ctx.fail(f"{ctx.op.opcode} of {dtype} into {ctx.output().dtype} is not supported (same type expected)")


def _geometry(ctx: OpContext) -> tuple[str, int]:
    if ctx.input(1) is not None and ctx.input(1).is_constant and ctx.input(1).num_elements == 0:
        raise ctx.fail(f"{ctx.op.opcode} over no axes is not supported")
    geom, count = reduce_geometry(ctx)
    return struct("edgeq_reduce_geom_t", "geom", geom), count


# -- SUM ---------------------------------------------------------------------------------------------------------

def _sum_quantized(ctx: OpContext, dtype: str, value_span: int) -> KernelCall:
    _same_dtype(ctx, dtype)
    geom, count = _geometry(ctx)
    if count * value_span >= 2**31:
        raise ctx.fail(f"SUM over {count} elements could overflow the int32 sum TFLite uses")
    (in_scale, in_zp), (out_scale, out_zp) = scalar_quant(ctx, ctx.input(0)), scalar_quant(ctx, ctx.output())
    if dtype == "int16" and (in_zp or out_zp):
        raise ctx.fail("int16 SUM with a non-zero zero point (TFLite's int16 activations are symmetric)")
    multiplier, shift = quantize_multiplier(float(in_scale) / float(out_scale))
    name = f"edgeq_mean_{_SUFFIX[dtype]}"  # the MEAN kernel with a multiplier that carries no 1/count
    return KernelCall(
        statements=(geom, struct("edgeq_mean_params_s8_t", "params", {
                        "input_zero_point": in_zp, "output_zero_point": out_zp,
                        "multiplier": multiplier, "shift": shift}),
                    f"{name}(&geom, &params, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
        kernels=(kernel(name),),
    )


@register("SUM", "int8")
def emit_sum_s8(ctx: OpContext) -> KernelCall:
    return _sum_quantized(ctx, "int8", 255)


@register("SUM", "int16")
def emit_sum_s16(ctx: OpContext) -> KernelCall:
    return _sum_quantized(ctx, "int16", 65535)


@register("SUM", "float32")
def emit_sum_f32(ctx: OpContext) -> KernelCall:
    _same_dtype(ctx, "float32")
    geom, _ = _geometry(ctx)
    return KernelCall(statements=(geom, f"edgeq_sum_f32(&geom, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
                      kernels=(kernel("edgeq_sum_f32"),))


# -- REDUCE_MAX --------------------------------------------------------------------------------------------------

def _reduce_max(ctx: OpContext, dtype: str) -> KernelCall:
    _same_dtype(ctx, dtype)
    if dtype != "float32":
        in_scale, out_scale = scalar_quant(ctx, ctx.input(0))[0], scalar_quant(ctx, ctx.output())[0]
        if f32(in_scale) != f32(out_scale):
            raise ctx.fail("REDUCE_MAX with different input and output scales (TFLite Micro requires one scale)")
    geom, _ = _geometry(ctx)
    name = f"edgeq_reduce_max_{_SUFFIX[dtype]}"
    return KernelCall(statements=(geom, f"{name}(&geom, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
                      kernels=(kernel(name),))


@register("REDUCE_MAX", "int8")
def emit_reduce_max_s8(ctx: OpContext) -> KernelCall:
    return _reduce_max(ctx, "int8")


@register("REDUCE_MAX", "float32")
def emit_reduce_max_f32(ctx: OpContext) -> KernelCall:
    return _reduce_max(ctx, "float32")


# -- ARG_MAX, ARG_MIN ---------------------------------------------------------------------------------------------

def _arg_min_max(ctx: OpContext, dtype: str, find_min: bool) -> KernelCall:
    if ctx.output().dtype != "int32":
        raise ctx.fail(f"{ctx.op.opcode} with {ctx.output().dtype} indices (TFLite Micro writes int32 only)",
                       "convert with output_type=tf.int32 (tf.argmax / tf.argmin)")
    axis_tensor = ctx.input(1)
    if axis_tensor is None or not axis_tensor.is_constant or axis_tensor.num_elements != 1:
        raise ctx.fail("the axis must be one constant value")
    shape = tuple(ctx.input(0).shape)
    axis = int(np.asarray(axis_tensor.data).reshape(-1)[0]) % len(shape)
    geom = {"outer": int(np.prod(shape[:axis], dtype=np.int64)), "axis_size": int(shape[axis]),
            "inner": int(np.prod(shape[axis + 1:], dtype=np.int64)), "find_min": int(find_min)}
    name = f"edgeq_arg_min_max_{_SUFFIX[dtype]}"
    return KernelCall(statements=(struct("edgeq_arg_geom_t", "geom", geom),
                                  f"{name}(&geom, {ctx.input_ptr(0)}, {ctx.output_ptr()});"),
                      kernels=(kernel(name),))


for _dtype in ("int8", "float32"):
    register("ARG_MAX", _dtype)(lambda ctx, _d=_dtype: _arg_min_max(ctx, _d, find_min=False))
    register("ARG_MIN", _dtype)(lambda ctx, _d=_dtype: _arg_min_max(ctx, _d, find_min=True))
