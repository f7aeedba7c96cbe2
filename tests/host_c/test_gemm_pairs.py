"""The models of tests/qemu/test_gemm_pairs_m4.py (the packed GEMM with live hostile channels at chosen pair
positions, tests/zoo/gemm_pairs.py) on the host: the kernels' portable paths under ASan/UBSan, bit-exact
with TFLite Micro."""
from __future__ import annotations

import zlib

import numpy as np
import pytest

from edgeq.reference import run_tflm
from harness import random_inputs
from zoo.build import zoo_case
from zoo.gemm_pairs import GEMM_CASES
from zoo.hostile_at import hostile_at

SAMPLES = 8


@pytest.mark.tools("gcc")
@pytest.mark.parametrize("case_id, live, left, zero_point, kernel", GEMM_CASES, ids=[c[0] for c in GEMM_CASES])
def test_hostile_pairs_bit_exact_with_tflm(request, host_model, case_id, live, left, zero_point, kernel):
    data = hostile_at(zoo_case(request.config.rootpath, case_id).path.read_bytes(), live, left, zero_point)
    compiled = host_model(data)
    assert any(kernel in op.kernels for op in compiled.generated.ops)
    inputs = random_inputs(compiled.graph, SAMPLES, seed=zlib.crc32(case_id.encode()))
    (expected,) = run_tflm(data, inputs).outputs
    (actual,) = compiled.run(inputs)
    mismatched = int(np.count_nonzero(actual != expected))
    assert mismatched == 0, f"{mismatched} of {expected.size} elements differ from TFLM"
