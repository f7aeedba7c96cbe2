"""Helpers shared by emitters: C literals, const struct declarations, fused activations, padding, biases."""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np

from edgeq.codegen.ops import ConstArray, OpContext
from edgeq.codegen.quantize import activation_range_float, activation_range_int8, quantize_multiplier
from edgeq.ir import Tensor

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1


def c_int(value: int) -> str:
    value = int(value)
    if value == INT32_MIN:
        return "(-2147483647 - 1)"
    return str(value)


def c_float(value: float) -> str:
    """A float literal that reads back as exactly the float32 `value` (±inf become ±FLT_MAX bounds)."""
    if math.isinf(value):
        return "FLT_MAX" if value > 0 else "-FLT_MAX"
    text = format(float(np.float32(value)), ".9g")
    if "e" not in text and "." not in text and "n" not in text:
        text += ".0"
    return text + "f"


def struct(ctype: str, name: str, fields: Mapping[str, object]) -> str:
    """`static const ctype name = {.field = value, ...};` — values already C expressions or ints."""
    body = ", ".join(f".{key} = {value if isinstance(value, str) else c_int(value)}" for key, value in fields.items())
    return f"static const {ctype} {name} = {{{body}}};"


def fused_activation(ctx: OpContext) -> str:
    activation = ctx.option("fused_activation_function", "NONE")
    if activation not in ("NONE", "RELU", "RELU6", "RELU_N1_TO_1"):
        raise ctx.fail(f"fused activation {activation} is not supported",
                       "use NONE, RELU, RELU6 or RELU_N1_TO_1 (or a separate activation layer)")
    return activation


def scalar_quant(ctx: OpContext, tensor: Tensor | None) -> tuple[float, int]:
    if tensor is None or tensor.quant is None:
        raise ctx.fail("an int8 tensor has no quantization parameters", "re-convert with full-integer quantization")
    return tensor.quant.scale[0], tensor.quant.zero_point[0]


def act_range_s8(ctx: OpContext) -> tuple[int, int]:
    scale, zero_point = scalar_quant(ctx, ctx.output())
    return activation_range_int8(fused_activation(ctx), scale, zero_point)


def act_f32(ctx: OpContext, name: str = "act") -> str:
    lo, hi = activation_range_float(fused_activation(ctx))
    return struct("edgeq_act_f32_t", name, {"act_min": c_float(lo), "act_max": c_float(hi)})


def padding(ctx: OpContext, stride: int, dilation: int, in_size: int, filter_size: int, out_size: int) -> int:
    """TFLite's ComputePadding: the leading (top/left) padding; SAME pads the extra pixel at the end."""
    if ctx.option("padding", "VALID") not in ("SAME", "VALID"):
        raise ctx.fail(f"padding {ctx.option('padding')} is not supported")
    effective = (filter_size - 1) * dilation + 1
    total = max((out_size - 1) * stride + effective - in_size, 0)
    return total // 2


def requant_arrays(ctx: OpContext, reals: list[float]) -> tuple[ConstArray, ConstArray]:
    """Per-output-channel (multiplier, shift) arrays from real rescale factors."""
    pairs = [quantize_multiplier(r) for r in reals]
    return (ctx.const_array("multiplier", "int32_t", np.array([m for m, _ in pairs], dtype=np.int64)),
            ctx.const_array("shift", "int32_t", np.array([s for _, s in pairs], dtype=np.int64)))


def folded_bias(ctx: OpContext, weight_sums: np.ndarray, input_zero_point: int) -> ConstArray | None:
    """bias - input_zero_point * sum(weights) per output channel, or None if all zero.

    Folded modulo 2^32: TFLM's int32 accumulator (sum of (x + offset) * w, plus bias) wraps on every
    target it runs on, and the kernels accumulate with the same wrap, so the result is the same int32
    even for a dead channel whose bias sits at ±(2^31 − 1)."""
    bias = int32_bias(ctx, len(weight_sums))
    folded = bias - int(input_zero_point) * weight_sums.astype(np.int64)
    folded = (folded - INT32_MIN) % (1 << 32) + INT32_MIN
    if not folded.any() and ctx.input(2) is None:
        return None
    return ctx.const_array("bias", "int32_t", folded)


def int32_bias(ctx: OpContext, channels: int) -> np.ndarray:
    """The op's int32 bias (input 2) as int64 values, zeros when it has none."""
    bias_tensor = ctx.input(2)
    if bias_tensor is None:
        return np.zeros(channels, dtype=np.int64)
    if bias_tensor.dtype != "int32" or not bias_tensor.is_constant:
        raise ctx.fail(f"{bias_tensor.dtype} bias is not supported with int8 activations (int32 expected)")
    bias = bias_tensor.data.astype(np.int64).reshape(-1)
    if bias.size != channels:
        raise ctx.fail(f"bias has {bias.size} values for {channels} output channels")
    return bias


def channel_scales(ctx: OpContext, w_scales: tuple[float, ...], channels: int) -> tuple[float, ...]:
    """One weight scale per output channel: per-channel scales as given, a per-tensor scale repeated."""
    if len(w_scales) not in (1, channels):
        raise ctx.fail(f"{len(w_scales)} weight scales for {channels} output channels")
    return tuple(w_scales) if len(w_scales) == channels else tuple(w_scales) * channels


def symmetric_weights(ctx: OpContext, weights: Tensor) -> tuple[float, ...]:
    """Per-channel (or one) weight scales; TFLite int8 weights are symmetric (zero point 0)."""
    if weights.quant is None:
        raise ctx.fail("int8 weights without quantization parameters")
    if any(z != 0 for z in weights.quant.zero_point):
        raise ctx.fail("int8 weights with a non-zero zero point are not supported (TFLite requires symmetric weights)")
    return weights.quant.scale
