"""edgeq.codegen.ops.constant_channels against every input: for two-tap channels, all 65,536 int8 input pairs
go through TFLM's arithmetic (int32 accumulator with wrap, MultiplyByQuantizedMultiplier, + zero point,
clamp). A channel called constant must give its value for each of them; the hostile kinds that are constant
(dead, far-saturated, zero multiplier) must be found. (The host and QEMU hostile tests check the generated
kernels against TFLite Micro itself.)"""
from __future__ import annotations

import numpy as np
import pytest

from edgeq.codegen.ops.constant_channels import constant_outputs
from edgeq.codegen.quantize import multiply_by_quantized_multiplier, quantize_multiplier

GRID = np.stack(np.meshgrid(np.arange(-128, 128), np.arange(-128, 128)), axis=-1).reshape(-1, 2)


def _wrap(x: np.ndarray) -> np.ndarray:
    return (x + 2**31) % 2**32 - 2**31


def _every_output(w: np.ndarray, bias: int, in_zp: int, real: float, out_zp: int, lo: int, hi: int) -> set[int]:
    multiplier, shift = quantize_multiplier(real)
    accs = _wrap(bias + ((GRID - in_zp) * w).sum(axis=1))  # TFLM's int32 accumulator wraps
    out = set()
    for acc in np.unique(accs).tolist():
        scaled = int(_wrap(np.int64(multiply_by_quantized_multiplier(acc, multiplier, shift) + out_zp)))
        out.add(min(max(scaled, lo), hi))
    return out


def _claim(w: np.ndarray, bias: int, in_zp: int, real: float, out_zp: int, lo: int, hi: int) -> int | None:
    multiplier, shift = quantize_multiplier(real)
    return constant_outputs(w.reshape(1, -1), np.array([bias]), in_zp, [multiplier], [shift], out_zp, lo, hi)[0]


@pytest.mark.parametrize("w, bias, in_zp, real, out_zp, lo, hi, expected", [
    ((0, 0), 2**31 - 1, -3, 0.004, -5, -128, 127, 127),              # dead, bias at +(2^31 - 1)
    ((0, 0), -(2**31 - 1), 17, 0.004, 100, -128, 127, -128),         # dead, bias at -(2^31 - 1)
    ((0, 0), 1234, 0, 0.01, 3, -128, 127, 15),                       # dead, small bias: round(12.34) + 3
    ((127, -128), -(2**30), -128, 2.0**-20, -128, -128, 127, -128),  # never activates: ReLU-dead
    ((90, 45), 2**31 - 1 - 255 * 135, 0, 0.003, 0, -128, 127, 127),  # live weights, saturated high
    ((5, -7), 1000, 4, 2.0**-40, 9, -128, 127, 9),                   # multiplier flushed to zero
    ((3, 2), 50, 0, 1e-6, -20, -20, 127, -20),                       # below a fused ReLU's floor
])
def test_constant_channels_are_found_and_hold_for_every_input(w, bias, in_zp, real, out_zp, lo, hi, expected):
    weights = np.array(w, dtype=np.int64)
    assert _claim(weights, bias, in_zp, real, out_zp, lo, hi) == expected
    assert _every_output(weights, bias, in_zp, real, out_zp, lo, hi) == {expected}


@pytest.mark.parametrize("w, bias, in_zp, real, out_zp", [
    ((127, 127), 2**31 - 1 - 100, 0, 2.0**-24, 0),   # bias + sum may wrap in int32: not provable
    ((1, 0), 0, 0, 2.0**20, 0),                       # left shift may wrap
    ((64, -64), 2**30 + 2**29, 0, 40.5 / (2**30 + 2**29), 0),  # live past 2^30, output varies
])
def test_channels_that_may_vary_or_wrap_are_not_constant(w, bias, in_zp, real, out_zp):
    assert _claim(np.array(w, dtype=np.int64), bias, in_zp, real, out_zp, -128, 127) is None


def test_random_hostile_channels_never_claim_a_wrong_constant():
    rng = np.random.default_rng(7)
    found = 0
    for _ in range(200):
        w = rng.integers(-128, 128, 2) * rng.integers(0, 2, 2)  # some taps dead
        bias = int(rng.choice([rng.integers(-2**31 + 1, 2**31), rng.integers(-2**20, 2**20),
                               rng.integers(2**30, 2**31)]))
        real = float(2.0 ** rng.uniform(-40, 3))
        in_zp, out_zp = (int(v) for v in rng.integers(-128, 128, 2))
        lo, hi = (out_zp, 127) if rng.random() < 0.3 else (-128, 127)
        claim = _claim(w, bias, in_zp, real, out_zp, lo, hi)
        if claim is not None:
            found += 1
            assert _every_output(w, bias, in_zp, real, out_zp, lo, hi) == {claim}, (w, bias, in_zp, real, out_zp)
    assert found > 30  # the random cases do exercise the claim
