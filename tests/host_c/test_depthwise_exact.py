"""The models of tests/qemu/test_depthwise_exact_m4.py (depthwise 3x3 layers with live hostile channels in
several groups of four, tests/zoo/cases_dw_exact.py) on the host: edgeq_depthwise_ring_s8's portable paths
under ASan/UBSan, bit-exact with TFLite Micro."""
from __future__ import annotations

import zlib

import numpy as np
import pytest

from edgeq.reference import run_tflm
from harness import random_inputs
from zoo.build import zoo_case
from zoo.cases_dw_exact import DW_EXACT_CASES
from zoo.hostile_at import hostile_at

SAMPLES = 4
KERNEL = "variants/edgeq_depthwise_ring_s8.c"


@pytest.mark.tools("gcc")
@pytest.mark.parametrize("case_id, live, left, zero_point", DW_EXACT_CASES,
                         ids=[f"{c[0]}-{'-'.join(map(str, c[1] + c[2]))}" for c in DW_EXACT_CASES])
def test_exact_channels_in_several_groups_bit_exact_with_tflm(request, host_model, case_id, live, left,
                                                              zero_point):
    data = hostile_at(zoo_case(request.config.rootpath, case_id).path.read_bytes(), live, left, zero_point)
    compiled = host_model(data)
    assert any(KERNEL in op.kernels for op in compiled.generated.ops)
    inputs = random_inputs(compiled.graph, SAMPLES, seed=zlib.crc32(repr((case_id, live, left)).encode()))
    (expected,) = run_tflm(data, inputs).outputs
    (actual,) = compiled.run(inputs)
    mismatched = int(np.count_nonzero(actual != expected))
    assert mismatched == 0, f"{mismatched} of {expected.size} elements differ from TFLM"
