"""Depthwise 3x3 layers with live hostile channels in several groups of four (tests/zoo/cases_dw_exact.py,
DW_EXACT_CASES; tests/zoo/hostile_at.py) on the emulated Cortex-M4, where edgeq_depthwise_ring_s8 takes its
SIMD paths: the packed variant is still CHOSEN, says which channels are exact, and the output is bit-exact
with TFLite Micro. tests/host_c/test_depthwise_exact.py runs the same models on the host (ASan/UBSan)."""
from __future__ import annotations

import zlib

import numpy as np
import pytest

from device_run import run_on_emulated_board
from zoo.build import zoo_case
from zoo.cases_dw_exact import DW_EXACT_CASES
from zoo.hostile_at import hostile_at

SAMPLES = 3
KERNEL = "variants/edgeq_depthwise_ring_s8.c"


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("case_id, live, left, zero_point", DW_EXACT_CASES,
                         ids=[f"{c[0]}-{'-'.join(map(str, c[1] + c[2]))}" for c in DW_EXACT_CASES])
def test_exact_channels_in_several_groups_on_cortex_m4_equal_tflm(request, tmp_path, case_id, live, left,
                                                                  zero_point):
    from edgeq.codegen.model import generate_model
    from edgeq.ir import parse
    from edgeq.reference.tflm import run_tflm

    model = tmp_path / f"{case_id}.tflite"
    model.write_bytes(hostile_at(zoo_case(request.config.rootpath, case_id).path.read_bytes(), live, left,
                                  zero_point))
    graph = parse(model.read_bytes())
    (op,) = [op for op in generate_model(graph).ops if op.kernels]
    assert KERNEL in op.kernels, (op.kernels, op.declined)
    assert f"exact requantization for {len(live) + len(left)} channel(s)" in " ".join(op.declined), op.declined

    rng = np.random.default_rng(zlib.crc32(repr((case_id, live, left)).encode()))
    inputs = [rng.integers(-128, 128, size=(SAMPLES, *graph.tensors[i].shape), dtype=np.int8) for i in graph.inputs]
    (expected,) = run_tflm(model, inputs).outputs
    channels = expected.reshape(SAMPLES, -1, expected.shape[-1])
    assert all(len(np.unique(channels[..., c])) > 1 for c in live)  # the live channels depend on the input
    (got,) = run_on_emulated_board(model, inputs, tmp_path / "fw")
    mismatched = int(np.count_nonzero(got != expected.reshape(SAMPLES, -1)))
    assert mismatched == 0, f"{mismatched} of {expected.size} elements differ from TFLM"
