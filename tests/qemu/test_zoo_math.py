"""The Cortex-M4 firmware (QEMU mps2-an386) equals TFLite Micro on the math zoo's integer cases (tests/zoo/
cases_math.py): one int8 case per arithmetic, activation, reduction and vision-compute operator, and the
int16 ones whose arithmetic differs from int8 (int64 accumulators, zero-point-free rescaling).

Host runs (tests/host_c/test_zoo.py) check every case and dtype; this checks that the same C, built by
arm-none-eabi-gcc for the M4 (32-bit int, newlib's libm, no sanitizer), computes the same integers there.
Conversions come from the zoo's on-disk cache, shared with the host tests.
"""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest

from device_run import run_on_emulated_board
from zoo.build import zoo_cases

SAMPLES = 4
CASE_IDS = [f"{name}-int8" for name in (
    "maximum", "minimum_broadcast", "prelu_shared_hw_wide", "squared_difference_broadcast", "rsqrt_abs",
    "abs_wide", "div_broadcast_wide", "l2norm", "sum_hw", "reduce_max_h", "arg_max_c", "arg_min_w",
    "tconv_3x3_s2_same", "tconv_4x4_s2_valid_relu", "bmm_gram_adj_x", "bmm_const_rhs", "elu_int8_wide")] + [
    f"{name}-int16x8" for name in (
        "minimum_broadcast", "maximum_const_row", "squared_difference", "rsqrt_abs_wide", "abs_wide",
        "sum_c_keepdims", "tconv_3x3_s2_same", "bmm_broadcast")]


@pytest.fixture(scope="session")
def zoo_math(request) -> dict:
    return zoo_cases(request.config.rootpath)


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("case_id", CASE_IDS)
def test_m4_firmware_equals_tflm_on_math_case(zoo_math, tmp_path, case_id):
    from edgeq.ir import parse
    from edgeq.reference.tflm import run_tflm

    case = zoo_math[case_id]
    assert case.path is not None, f"conversion failed:\n{case.error}"
    graph = parse(Path(case.path).read_bytes())
    rng = np.random.default_rng(zlib.crc32(case_id.encode()))
    inputs = []
    for index in graph.inputs:
        tensor = graph.tensors[index]
        info = np.iinfo(tensor.dtype)
        inputs.append(rng.integers(info.min, info.max, size=(SAMPLES, *tensor.shape), endpoint=True,
                                   dtype=tensor.dtype))
    expected = [np.asarray(o).reshape(SAMPLES, -1) for o in run_tflm(case.path, inputs).outputs]

    got = run_on_emulated_board(Path(case.path), inputs, tmp_path / "fw")
    assert len(got) == len(expected)
    for k, (outputs, want) in enumerate(zip(got, expected)):
        mismatched = int(np.count_nonzero(outputs != want))
        assert mismatched == 0, f"output {k}: {mismatched} of {want.size} elements differ from TFLM"
