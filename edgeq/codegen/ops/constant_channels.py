"""Output channels of an int8 CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED whose output is the same for every
input, found at generation time.

Trained models bring them: a filter that never activated keeps a bias far below (or above) anything its
weights can add, so ReLU clamps it to the same value on every pixel; a pruned filter has all-zero weights;
a per-channel multiplier that TFLM flushes to zero. Their accumulators often sit past 2^30, outside the fast
requantization form, and computing them at all is wasted work: edgeq gives them constants instead.

The proof follows TFLM's int8 arithmetic exactly (the reference kernels, the oracle of every test):
acc = bias + sum_k w_k * (x_k - in_zp) in int32, then clamp(MultiplyByQuantizedMultiplier(acc) + out_zp).
Each term lies in w_k * [-128 - in_zp, 127 - in_zp] (a padded tap contributes 0, inside that range too), so
acc lies in [bias + lowest, bias + highest]. Where no int32 step can wrap on that interval — the partial sums,
the bias addition, the requantization's left shift and the + out_zp — every step is non-decreasing in acc
(the multiplier is positive; both roundings are half away from zero), so equal outputs at the two ends mean
the same output everywhere between. Anything that might wrap is left to the kernels' exact form.
"""
from __future__ import annotations

import numpy as np

from edgeq.codegen.quantize import multiply_by_quantized_multiplier

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def _fits(x: int) -> bool:
    return INT32_MIN <= x <= INT32_MAX


def _output(acc: int, multiplier: int, shift: int, out_zp: int, act_min: int, act_max: int) -> int | None:
    """TFLM's output for `acc`, or None where an int32 step could wrap (no longer monotone)."""
    if not _fits(acc << max(shift, 0)):
        return None
    scaled = multiply_by_quantized_multiplier(acc, multiplier, shift) + out_zp
    if not _fits(scaled):
        return None
    return min(max(scaled, act_min), act_max)


def constant_outputs(weights: np.ndarray, bias: np.ndarray, input_zero_point: int, multipliers: list[int],
                     shifts: list[int], output_zero_point: int, act_min: int, act_max: int) -> list[int | None]:
    """Per output channel of int8 `weights` [channels][taps] (any integer dtype) with its unfolded int32
    `bias`: the int8 output it gives for every input, or None if it may depend on the input."""
    w = weights.astype(np.int64)
    low, high = -128 - input_zero_point, 127 - input_zero_point  # x - in_zp; low <= 0 <= high
    lowest = np.minimum(w * low, w * high).sum(axis=1)
    highest = np.maximum(w * low, w * high).sum(axis=1)
    partial = np.abs(w).sum(axis=1) * max(-low, high)  # bounds every partial sum, in any tap order
    found: list[int | None] = []
    for channel in range(w.shape[0]):
        b = int(bias[channel])
        if partial[channel] > INT32_MAX:
            found.append(None)
            continue
        ends = [_output(b + int(end), multipliers[channel], shifts[channel], output_zero_point, act_min, act_max)
                for end in (lowest[channel], highest[channel])]
        found.append(ends[0] if ends[0] is not None and ends[0] == ends[1] else None)
    return found
