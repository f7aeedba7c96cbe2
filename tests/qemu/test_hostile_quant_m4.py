"""Hostile quantization on the emulated Cortex-M4 (SIMD paths of the packed kernels): dead channels with
int32-extreme biases, real multipliers of 0.75, 1.7 and 2^-40, live accumulators past 2^30 — bit-exact
with TFLite Micro (models: tests/zoo/hostile.py over tests/zoo/cases_hostile_quant.py)."""
from __future__ import annotations

import zlib

import numpy as np
import pytest

from device_run import run_on_emulated_board
from zoo.build import zoo_case
from zoo.cases_hostile_quant import CASES
from zoo.hostile import full_scale_s16_inputs, hostile_channels, saturated_channel

CASE_IDS = [f"{spec['name']}-int8" for spec in CASES if "int8" in spec["variants"]]
SAMPLES = 6


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("case_id", CASE_IDS)
def test_hostile_channels_on_cortex_m4_equal_tflm(request, tmp_path, case_id):
    from edgeq.ir import parse
    from edgeq.reference.tflm import run_tflm

    case = zoo_case(request.config.rootpath, case_id)
    model = tmp_path / f"{case_id}.tflite"
    model.write_bytes(hostile_channels(case.path.read_bytes()))
    graph = parse(model.read_bytes())
    rng = np.random.default_rng(zlib.crc32(case_id.encode()))
    inputs = [rng.integers(-128, 128, size=(SAMPLES, *graph.tensors[i].shape), dtype=np.int8) for i in graph.inputs]
    (expected,) = run_tflm(model, inputs).outputs
    (got,) = run_on_emulated_board(model, inputs, tmp_path / "fw")
    mismatched = int(np.count_nonzero(got != expected.reshape(SAMPLES, -1)))
    assert mismatched == 0, f"{mismatched} of {expected.size} elements differ from TFLM"


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
def test_deep_int16_conv_on_cortex_m4_equals_tflm(request, tmp_path):
    """int16x8 conv whose channel sums leave int32: the 64-bit SMLALD path (tests/host_c/test_hostile_s16.py)."""
    from edgeq.ir import parse
    from edgeq.reference.tflm import run_tflm

    case = zoo_case(request.config.rootpath, "hostile_conv_s16_deep-int16x8")
    model = tmp_path / "saturated.tflite"
    model.write_bytes(saturated_channel(case.path.read_bytes()))
    inputs = full_scale_s16_inputs(parse(model.read_bytes()), 3)
    (expected,) = run_tflm(model, inputs).outputs
    (got,) = run_on_emulated_board(model, inputs, tmp_path / "fw")
    assert int(np.count_nonzero(got != expected.reshape(3, -1))) == 0
