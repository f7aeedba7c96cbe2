"""int16x8 FULLY_CONNECTED under hostile quantization on the emulated Cortex-M4 (SMLAD in 32-bit blocks,
SMLALD in the 64-bit block, the requantization paths of edgeq_kernels_packed_s16.h): bit-exact with
TFLite Micro (models: tests/zoo/hostile_s16.py over tests/zoo/cases_hostile_s16.py; the host test
tests/host_c/test_hostile_fc_s16.py checks the kernel choice on all of them)."""
from __future__ import annotations

import zlib

import numpy as np
import pytest

from device_run import run_on_emulated_board
from zoo.build import zoo_case
from zoo.hostile_s16 import hostile_fc_s16, hostile_s16_inputs

# A wide block next to a narrow one (single row with a depth tail; row pairs): every requantization path.
CASE_IDS = ["hostile_fc_s16_wide-int16x8", "hostile_fc_s16_wide_rows-int16x8"]
SAMPLES = 4


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("case_id", CASE_IDS)
def test_hostile_int16_fc_on_cortex_m4_equals_tflm(request, tmp_path, case_id):
    from edgeq.ir import parse
    from edgeq.reference.tflm import run_tflm

    case = zoo_case(request.config.rootpath, case_id)
    model = tmp_path / f"{case_id}.tflite"
    model.write_bytes(hostile_fc_s16(case.path.read_bytes()))
    inputs = hostile_s16_inputs(parse(model.read_bytes()), SAMPLES, zlib.crc32(case_id.encode()))
    (expected,) = run_tflm(model, inputs).outputs
    (got,) = run_on_emulated_board(model, inputs, tmp_path / "fw")
    mismatched = int(np.count_nonzero(got != expected.reshape(SAMPLES, -1)))
    assert mismatched == 0, f"{mismatched} of {expected.size} elements differ from TFLM"


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
def test_quantize_f32_s16_ties_on_cortex_m4_equal_tflm(request, tmp_path):
    """QUANTIZE float32 -> int16 on the FPU (VCVT truncations) at exact ties (tests/host_c/test_quantize_f32_s16.py)."""
    from edgeq.ir import parse
    from edgeq.reference.tflm import run_tflm

    case = zoo_case(request.config.rootpath, "quantize_f32_s16_relu-int16x8_float_io")
    graph = parse(case.path.read_bytes())
    quantize = next(op for op in graph.ops if op.opcode == "QUANTIZE")
    scale = np.float32(graph.tensors[quantize.outputs[0]].quant.scale[0])
    steps = np.random.default_rng(12).integers(-40000, 40000, size=(4, 64)).astype(np.float32) + np.float32(0.5)
    inputs = [(steps * scale).astype(np.float32)]
    (expected,) = run_tflm(case.path, inputs).outputs
    (got,) = run_on_emulated_board(case.path, inputs, tmp_path / "fw")
    assert int(np.count_nonzero(got != expected.reshape(4, -1))) == 0
