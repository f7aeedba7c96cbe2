"""The Cortex-M4 firmware (QEMU mps2-an386) equals TFLite Micro on the zoo's integer data-movement and resize
cases (tests/zoo/cases_movement.py): the index-map copy kernel in all its shapes (negative strides, shrunk
axes, tables, 5-D permutations), GATHER, PACK, the bilinear taps, and models with several outputs through
the DUT protocol. Host runs (tests/host_c/test_zoo.py) cover every case and variant under the sanitizers.
"""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest

from device_run import run_on_emulated_board
from zoo.build import zoo_cases
from zoo.cases_movement import CASES

SAMPLES = 3
# One firmware per case (~1 s each): every int8 kernel path once, and the 2-byte copy kernel in int16.
_INT8 = ("strided_slice_reverse", "strided_slice_masks_shrink", "slice_3d", "split_then_combine", "split_v_rows",
         "unpack_reversed_pack", "pack_two", "transpose_4d_swap", "transpose_5d", "gather_mid_axis", "gather_batch_dims",
         "broadcast_to_rows", "depth_to_space_2", "space_to_depth_2", "resize_nearest_align",
         "resize_nearest_half_pixel", "resize_bilinear_align", "resize_bilinear_half_pixel")
_INT16 = ("strided_slice_reverse", "transpose_5d", "split_v_rows")
CASE_IDS = [f"{name}-int8" for name in _INT8] + [f"{name}-int16x8" for name in _INT16]
assert {spec["name"] for spec in CASES} >= set(_INT8) | set(_INT16)


@pytest.fixture(scope="session")
def movement_zoo(request) -> dict:
    return zoo_cases(request.config.rootpath)


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("case_id", CASE_IDS)
def test_firmware_equals_tflm_on_movement_case(movement_zoo, tmp_path, case_id):
    from edgeq.ir import parse
    from edgeq.reference.tflm import run_tflm

    case = movement_zoo[case_id]
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
