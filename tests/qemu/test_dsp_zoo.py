"""The Cortex-M4 firmware (DSP kernels and packed variants, QEMU mps2-an386) equals TFLite Micro on the
one-operator zoo's int8 and int16x8 cases whose operators have a SIMD path.

The three MLPerf models (test_dsp_kernels.py) cover the wide shapes; the zoo adds the edges their shapes
never reach: fully-connected layers whose depth is not a multiple of 4 and whose channel count is not a
multiple of 8 (the direct GEMM rows' tail word and partial block), convolutions and depthwise
convolutions with odd widths, strides and paddings, average pools with clipped windows. Conversions come
from the zoo's on-disk cache (tests/zoo), shared with tests/host_c/test_zoo.py.
"""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest

from device_run import run_on_emulated_board
from zoo.build import CASES, zoo_cases

SAMPLES = 6
SIMD_OPS = {"FULLY_CONNECTED", "CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "ADD", "SUB"}
CASE_IDS = [f"{spec['name']}-{variant}" for spec in CASES for variant in ("int8", "int16x8")
            if variant in spec["variants"] and SIMD_OPS & set(spec["expect"])]


@pytest.fixture(scope="session")
def zoo_int8(request) -> dict:
    return zoo_cases(request.config.rootpath)


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("case_id", CASE_IDS)
def test_dsp_firmware_equals_tflm_on_zoo_case(zoo_int8, tmp_path, case_id):
    from edgeq.ir import parse
    from edgeq.reference.tflm import run_tflm

    case = zoo_int8[case_id]
    assert case.path is not None, f"conversion failed:\n{case.error}"
    graph = parse(Path(case.path).read_bytes())
    rng = np.random.default_rng(zlib.crc32(case_id.encode()))
    inputs = []
    for index in graph.inputs:
        tensor = graph.tensors[index]
        assert tensor.dtype in ("int8", "int16"), tensor.dtype
        info = np.iinfo(tensor.dtype)
        inputs.append(rng.integers(info.min, info.max, size=(SAMPLES, *tensor.shape), endpoint=True,
                                   dtype=tensor.dtype))
    expected = [np.asarray(o).reshape(SAMPLES, -1) for o in run_tflm(case.path, inputs).outputs]
    got = run_on_emulated_board(Path(case.path), inputs, tmp_path / "fw")
    assert len(got) == len(expected)
    for k, (raw, want) in enumerate(zip(got, expected)):
        mismatched = int(np.count_nonzero(raw != want))
        assert mismatched == 0, f"output {k}: {mismatched} of {want.size} elements differ from TFLM"
