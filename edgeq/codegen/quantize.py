"""Requantization constants computed at generation time, exactly as TFLite Micro computes them at Prepare.

Bit-exactness depends on the arithmetic of these helpers, not only on the kernels: TFLM stores scales as
float32, multiplies some of them in float32 and others in double, and rounds half away from zero. Each
function below states which precision TFLM uses; Python floats are doubles, `np.float32` is float.
"""
from __future__ import annotations

import math

import numpy as np

INT32_MAX = 2**31 - 1


def round_half_away(x: float) -> int:
    """TfLiteRound / std::round: halves go away from zero (Python's round() would go to even)."""
    magnitude = abs(x)
    whole = math.floor(magnitude)
    rounded = whole + 1 if magnitude - whole >= 0.5 else whole  # exact: no x + 0.5 double rounding
    return int(rounded) if x >= 0 else -int(rounded)


def quantize_multiplier(real: float) -> tuple[int, int]:
    """(multiplier, shift) with real ≈ multiplier · 2^(shift-31), as TFLM's QuantizeMultiplier (double).

    multiplier is in [2^30, 2^31) (or 0); a mantissa rounding to 2^31 is halved with shift+1; a shift
    below -31 flushes to (0, 0), as TFLM does, so kernels never shift right by more than 31; a shift above
    30 saturates to (2^31 - 1, 30), as TFLM's single-rounding build does, so kernels never shift left by
    more than 30 (edgeq_requant.h's range; `edgeq.ir.verify` refuses models that need more). The result
    is always in that range; a non-finite factor is a ValueError.
    """
    if not math.isfinite(real):
        raise ValueError(f"cannot quantize multiplier {real}")
    if real == 0.0:
        return 0, 0
    mantissa, shift = math.frexp(real)
    q_fixed = round_half_away(mantissa * (1 << 31))
    if q_fixed > (1 << 31):
        raise ValueError(f"cannot quantize multiplier {real}")
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        return INT32_MAX, 30
    return int(q_fixed), int(shift)


def f32(x: float) -> np.float32:
    return np.float32(x)


def activation_range_int8(activation: str, scale: float, zero_point: int,
                          qmin: int = -128, qmax: int = 127) -> tuple[int, int]:
    """CalculateActivationRangeQuantized: the fused activation's bounds in the output's quantized domain.

    TFLM quantizes the bound in float32: zero_point + (int)round(f / scale) with float f and float scale.
    """
    def quantize(value: float) -> int:
        return zero_point + round_half_away(float(f32(value) / f32(scale)))

    if activation in ("NONE", None):
        return qmin, qmax
    if activation == "RELU":
        return max(qmin, quantize(0.0)), qmax
    if activation == "RELU6":
        return max(qmin, quantize(0.0)), min(qmax, quantize(6.0))
    if activation == "RELU_N1_TO_1":
        return max(qmin, quantize(-1.0)), min(qmax, quantize(1.0))
    raise ValueError(f"fused activation {activation} is not supported")


def activation_range_float(activation: str) -> tuple[float, float]:
    """CalculateActivationRange for float kernels (infinite bounds stay infinite: ±FLT_MAX in C)."""
    if activation in ("NONE", None):
        return -math.inf, math.inf
    if activation == "RELU":
        return 0.0, math.inf
    if activation == "RELU6":
        return 0.0, 6.0
    if activation == "RELU_N1_TO_1":
        return -1.0, 1.0
    raise ValueError(f"fused activation {activation} is not supported")


def multiply_by_quantized_multiplier(x: int, multiplier: int, shift: int) -> int:
    """TFLM's MultiplyByQuantizedMultiplier on an int32 x, in Python integers: the left shift wraps as
    int32 does, then the saturating rounding doubling high multiply (TFLM's nudge-and-truncate is one
    floor shift of x * m + 2^30 for both signs) and the rounding divide by 2^-shift, half away from zero.
    Generation-time tables use it to reproduce the kernels' arithmetic exactly."""
    left, right = max(shift, 0), max(-shift, 0)
    x = ((x << left) + 2**31) % 2**32 - 2**31
    if x == multiplier == -(2**31):
        high = 2**31 - 1
    else:
        high = (x * multiplier + (1 << 30)) >> 31
    mask = (1 << right) - 1
    remainder, threshold = high & mask, (mask >> 1) + (1 if high < 0 else 0)
    return (high >> right) + (1 if remainder > threshold else 0)
