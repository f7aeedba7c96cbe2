"""SVDF: int8 (int8 or int16 activation state and time weights) and float32.

TFLite Micro's svdf_common.cc: the state (input 4) is a variable tensor [batches][filters * memory] that
each inference shifts left by one element and refills with the feature FC of the new input; the time
weights then reduce each filter's memory, `rank` filters add up per unit. Prepare computes both rescales
with float32 products (input x feature / state, state x time / output) before QuantizeMultiplier (double);
the integer kernel clamps its output to int8 without applying the fused activation, the float kernel applies
it. Kernels: firmware/kernels/include/edgeq_kernels_recurrent.h. The state persists across inferences
(edgeq.plan.lifetimes) and is reset by edgeq_model_reset() (edgeq.codegen.model).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edgeq.codegen.ops import KernelCall, OpContext, kernel, register
from edgeq.codegen.ops.common import c_float, fused_activation, scalar_quant, struct
from edgeq.codegen.quantize import activation_range_float, quantize_multiplier

_INPUT, _FEATURE, _TIME, _BIAS, _STATE = range(5)


def wrap32(values: np.ndarray) -> np.ndarray:
    return (values.astype(np.int64) + (1 << 31)) % (1 << 32) - (1 << 31)


def geometry(ctx: OpContext) -> dict[str, int]:
    if len(ctx.op.inputs) != 5:
        raise ctx.fail(f"{len(ctx.op.inputs)} inputs (SVDF takes 5)")
    x, feature, time, state = ctx.input(_INPUT), ctx.input(_FEATURE), ctx.input(_TIME), ctx.input(_STATE)
    if feature is None or time is None or not feature.is_constant or not time.is_constant:
        raise ctx.fail("the feature and time weights must be constant tensors")
    if state is None or not state.is_variable:
        raise ctx.fail("the activation state (input 4) must be a variable tensor, as TFLite Micro requires")
    if len(x.shape) != 2 or len(feature.shape) != 2 or len(time.shape) != 2:
        raise ctx.fail(f"input {x.shape} and weights {feature.shape}, {time.shape} must be 2-D")
    rank = int(ctx.option("rank", 1))
    batches, input_size = (int(d) for d in x.shape)
    filters, memory = (int(d) for d in time.shape)
    if rank < 1 or filters % rank or feature.shape != (filters, input_size) \
            or state.num_elements != batches * filters * memory \
            or ctx.output().num_elements != batches * (filters // rank):
        raise ctx.fail(f"inconsistent SVDF shapes: input {x.shape}, feature {feature.shape}, time {time.shape}, "
                       f"state {state.shape}, output {ctx.output().shape}, rank {rank}")
    return {"batches": batches, "input_size": input_size, "filters": filters, "units": filters // rank,
            "rank": rank, "memory": memory}


@dataclass(frozen=True)
class SvdfQuant:
    """The integer SVDF's constants as TFLM's Prepare derives them (shared with svdf_variants.py)."""

    input_zero_point: int
    state_zero_point: int
    output_zero_point: int
    scale_1: float  # input x feature / state scale (float32 products, as TFLM), before QuantizeMultiplier
    scale_2: float  # state x time / output scale
    feature_offset: np.ndarray  # per filter: -input_zero_point * sum(weights_feature[f]), wrapped to int32
    time_offset: np.ndarray  # per filter: -state_zero_point * sum(weights_time[f]), wrapped to int32
    state_dtype: str  # "int8" or "int16" (state and time weights)


def svdf_quant(ctx: OpContext) -> SvdfQuant:
    """Checks the integer SVDF's types and computes its constants."""
    time, state, bias = ctx.input(_TIME), ctx.input(_STATE), ctx.input(_BIAS)
    if ctx.input(_FEATURE).dtype != "int8" or ctx.output().dtype != "int8":
        raise ctx.fail("int8 SVDF needs int8 feature weights and an int8 output")
    if time.dtype not in ("int8", "int16") or state.dtype != time.dtype:
        raise ctx.fail(f"time weights {time.dtype} and state {state.dtype} must both be int8 or both int16")
    if bias is not None and bias.dtype != "int32":
        raise ctx.fail(f"{bias.dtype} bias with int8 SVDF (int32 expected)")
    f32 = np.float32
    in_scale, in_zp = scalar_quant(ctx, ctx.input(_INPUT))
    state_scale, state_zp = scalar_quant(ctx, state)
    out_scale, out_zp = scalar_quant(ctx, ctx.output())
    feature_scale, _ = scalar_quant(ctx, ctx.input(_FEATURE))
    time_scale, _ = scalar_quant(ctx, time)
    # TFLM sums w * (x - zero point) in int32; sum(w * x) + (-zero point * sum(w)) is the same modulo 2^32
    return SvdfQuant(
        input_zero_point=in_zp, state_zero_point=state_zp, output_zero_point=out_zp,
        scale_1=float(f32(in_scale) * f32(feature_scale) / f32(state_scale)),
        scale_2=float(f32(state_scale) * f32(time_scale) / f32(out_scale)),
        feature_offset=wrap32(-in_zp * ctx.input(_FEATURE).data.astype(np.int64).sum(axis=1)),
        time_offset=wrap32(-state_zp * time.data.astype(np.int64).sum(axis=1)),
        state_dtype=time.dtype)


@register("SVDF", "int8")
def emit_svdf_s8(ctx: OpContext) -> KernelCall:
    geom = geometry(ctx)
    quant = svdf_quant(ctx)
    m1, s1 = quantize_multiplier(quant.scale_1)
    m2, s2 = quantize_multiplier(quant.scale_2)
    feature_array, time_array = ctx.weights(_FEATURE), ctx.weights(_TIME)
    bias_array = ctx.weights(_BIAS) if ctx.input(_BIAS) is not None else None
    feature_offset = ctx.const_array("feature_offset", "int32_t", quant.feature_offset)
    time_offset = ctx.const_array("time_offset", "int32_t", quant.time_offset)
    name = "edgeq_svdf_s8" if quant.state_dtype == "int8" else "edgeq_svdf_s8_s16"
    return KernelCall(
        statements=(struct("edgeq_svdf_geom_t", "geom", geom),
                    struct("edgeq_svdf_q_t", "q", {
                        "state_zero_point": quant.state_zero_point, "output_zero_point": quant.output_zero_point,
                        "multiplier_1": m1, "shift_1": s1, "multiplier_2": m2, "shift_2": s2,
                        "feature_offset": feature_offset.name, "time_offset": time_offset.name}),
                    f"{name}(&geom, &q, {ctx.input_ptr(_INPUT)}, {feature_array.name}, {time_array.name}, "
                    f"{bias_array.name if bias_array is not None else 'NULL'}, {ctx.input_ptr(_STATE)}, "
                    f"{ctx.output_ptr()});"),
        kernels=(kernel(name),),
        arrays=(feature_array, time_array, feature_offset, time_offset) + ((bias_array,) if bias_array is not None
                                                                           else ()),
    )


@register("SVDF", "float32")
def emit_svdf_f32(ctx: OpContext) -> KernelCall:
    geom = geometry(ctx)
    for k in (_FEATURE, _TIME, _STATE):
        if ctx.input(k).dtype != "float32":
            raise ctx.fail(f"{ctx.input(k).dtype} tensor in a float32 SVDF (hybrid SVDF is not supported)")
    lo, hi = activation_range_float(fused_activation(ctx))
    feature_array, time_array = ctx.weights(_FEATURE), ctx.weights(_TIME)
    bias_array = ctx.weights(_BIAS) if ctx.input(_BIAS) is not None else None
    return KernelCall(
        statements=(struct("edgeq_svdf_geom_t", "geom", geom),
                    f"edgeq_svdf_f32(&geom, {c_float(lo)}, {c_float(hi)}, {ctx.input_ptr(_INPUT)}, "
                    f"{feature_array.name}, {time_array.name}, "
                    f"{bias_array.name if bias_array is not None else 'NULL'}, {ctx.input_ptr(_STATE)}, "
                    f"{ctx.output_ptr()});"),
        kernels=(kernel("edgeq_svdf_f32"),),
        arrays=(feature_array, time_array) + ((bias_array,) if bias_array is not None else ()),
    )
