"""The models of tests/host_c/test_hostile_at.py (live hostile channels at chosen positions of every packed
kernel's groups and pairs, tests/zoo/hostile_at.py) on the emulated Cortex-M4, where the kernels take their
SIMD paths: the packed kernel is still CHOSEN and the output is bit-exact with TFLite Micro."""
from __future__ import annotations

import zlib

import numpy as np
import pytest

from device_run import run_on_emulated_board
from zoo.build import zoo_case
from zoo.hostile_at import HOSTILE_AT_CASES, case_label, hostile_at

SAMPLES = 4


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("case", HOSTILE_AT_CASES, ids=[case_label(c) for c in HOSTILE_AT_CASES])
def test_hostile_channels_at_chosen_positions_on_cortex_m4_equal_tflm(request, tmp_path, case):
    from edgeq.codegen.model import generate_model
    from edgeq.ir import parse
    from edgeq.reference.tflm import run_tflm

    case_id, live, left, zero_point, kernel = case
    model = tmp_path / f"{case_id}.tflite"
    model.write_bytes(hostile_at(zoo_case(request.config.rootpath, case_id).path.read_bytes(), live, left,
                                  zero_point))
    graph = parse(model.read_bytes())
    (op,) = [op for op in generate_model(graph).ops if op.kernels]
    assert kernel in op.kernels, (op.kernels, op.declined)
    rng = np.random.default_rng(zlib.crc32(case_label(case).encode()))
    inputs = [rng.integers(-128, 128, size=(SAMPLES, *graph.tensors[i].shape), dtype=np.int8) for i in graph.inputs]
    (expected,) = run_tflm(model, inputs).outputs
    (got,) = run_on_emulated_board(model, inputs, tmp_path / "fw")
    mismatched = int(np.count_nonzero(got != expected.reshape(SAMPLES, -1)))
    assert mismatched == 0, f"{mismatched} of {expected.size} elements differ from TFLM"
