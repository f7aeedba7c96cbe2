"""Generation-time quantization arithmetic (edgeq.codegen.quantize), against its definition."""
from __future__ import annotations

import math

import numpy as np
import pytest

from edgeq.codegen.quantize import activation_range_int8, quantize_multiplier, round_half_away


@pytest.mark.parametrize("value, expected", [(0.5, 1), (-0.5, -1), (1.5, 2), (-2.5, -3), (2.4999, 2),
                                             (0.49999999999999994, 0)])
def test_round_half_away_from_zero(value, expected):
    assert round_half_away(value) == expected


@pytest.mark.parametrize("real", [1e-6, 0.0039215, 0.25, 0.5, 0.75, 0.999, 1.0, 1.7, 123.456, 2.0**-30])
def test_multiplier_represents_the_real_factor(real):
    m, shift = quantize_multiplier(real)
    assert 2**30 <= m < 2**31
    assert math.isclose(m * 2.0 ** (shift - 31), real, rel_tol=2.0**-30)


def test_mantissa_rounding_up_to_two_pow_31_is_renormalized():
    m, shift = quantize_multiplier(1.0 - 2.0**-40)  # frexp mantissa rounds to exactly 2^31
    assert (m, shift) == (2**30, 1)


def test_tiny_and_zero_multipliers_flush_to_zero():
    assert quantize_multiplier(0.0) == (0, 0)
    assert quantize_multiplier(2.0**-40) == (0, 0)  # shift would be below -31


def test_fused_activation_bounds_quantize_in_float32():
    scale, zero_point = 0.0235294122248888, -128
    assert activation_range_int8("NONE", scale, zero_point) == (-128, 127)
    assert activation_range_int8("RELU", scale, zero_point) == (-128, 127)
    relu6_max = zero_point + round_half_away(float(np.float32(6.0) / np.float32(scale)))
    assert activation_range_int8("RELU6", scale, zero_point) == (-128, min(127, relu6_max))
    assert activation_range_int8("RELU", 0.1, 5) == (5, 127)
    assert activation_range_int8("RELU6", 0.1, 5) == (5, 65)
