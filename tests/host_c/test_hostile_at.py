"""Live hostile channels at chosen positions (tests/zoo/hostile_at.py, HOSTILE_AT_CASES: in every group of
the ring-direct and depthwise kernels, as the hi or lo member of a GEMM pair, in a partial last group, with
a left shift, under a clamped activation) on the host: the packed kernel is still CHOSEN, says which channels
are exact, and its portable paths (ASan/UBSan) are bit-exact with TFLite Micro.
tests/qemu/test_hostile_at_m4.py runs the same models on the Cortex-M4's SIMD paths."""
from __future__ import annotations

import zlib

import numpy as np
import pytest

from edgeq.reference import run_tflm
from harness import random_inputs
from zoo.build import zoo_case
from zoo.hostile_at import HOSTILE_AT_CASES, case_label, hostile_at

SAMPLES = 8


@pytest.mark.tools("gcc")
@pytest.mark.parametrize("case", HOSTILE_AT_CASES, ids=[case_label(c) for c in HOSTILE_AT_CASES])
def test_hostile_channels_at_chosen_positions_bit_exact_with_tflm(request, host_model, case):
    case_id, live, left, zero_point, kernel = case
    data = hostile_at(zoo_case(request.config.rootpath, case_id).path.read_bytes(), live, left, zero_point)
    compiled = host_model(data)
    (op,) = [op for op in compiled.generated.ops if op.kernels]
    assert kernel in op.kernels, (op.kernels, op.declined)
    assert f"exact requantization for {len(live) + len(left)} channel(s)" in " ".join(op.declined), op.declined
    inputs = random_inputs(compiled.graph, SAMPLES, seed=zlib.crc32(case_label(case).encode()))
    (expected,) = run_tflm(data, inputs).outputs
    channels = expected.reshape(SAMPLES, -1, expected.shape[-1])
    assert all(len(np.unique(channels[..., c])) > 1 for c in live)  # the live channels depend on the input
    (actual,) = compiled.run(inputs)
    mismatched = int(np.count_nonzero(actual != expected))
    assert mismatched == 0, f"{mismatched} of {expected.size} elements differ from TFLM"
