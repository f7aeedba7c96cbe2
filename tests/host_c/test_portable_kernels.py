"""The portable int8 kernels (firmware/kernels/reference, what cores without DSP run) on their own: every
model generated with base emitters only (`use_variants(False)`, so no packed variant hides a kernel), built
with host gcc under ASan/UBSan, equals TFLite Micro element for element.

Models: zoo int8 convolution/depthwise/FC cases, one per kernel path (KERNEL_CASES), and the hostile-quantization cases (tests/zoo/hostile.py: dead
channels with bias ±(2^31 − 1), a live channel whose folded bias wraps, so the int32 accumulation must wrap
as TFLM's does, without undefined behaviour). The whole shared models run on these kernels in
tests/qemu/test_cortex_m3.py (a core without DSP builds with them alone).
"""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest

from edgeq.codegen.ops import use_variants
from edgeq.ir import parse
from edgeq.reference import run_tflm
from harness import HostModel, random_inputs
from zoo.build import zoo_cases
from zoo.cases_hostile_quant import CASES as HOSTILE_CASES
from zoo.hostile import hostile_channels

pytestmark = pytest.mark.tools("gcc")

# One case per path of the portable kernels: padding on every side and none, stride, dilation (also h != w),
# 1xN/Nx1 filters, channel counts that leave 1-3 channels after the blocks of four, depth multipliers 2 and 8,
# no bias, per-tensor weights, flattened FC input (zoo cases from cases.py and cases_hostile_conv.py).
KERNEL_CASES = [
    "conv_5x5_s2_same-int8", "conv_3x3_s2_valid_relu6-int8", "conv_1x1_nobias-int8", "conv_3x3_per_tensor_relu-int8",
    "hc_conv_c2_2x3_dil_2x3_same-int8", "hc_conv_c1_7x1_s2-int8",
    "dw_5x5_s2_same_relu6-int8", "dw_3x3_m2_s2_valid-int8", "hc_dw_m8_c3_3x3_s2-int8", "hc_dw_c3_m2_3x3_dil2-int8",
    "hc_dw_c5_1x5_same-int8",
    "fc_nobias-int8", "fc_flatten-int8",
]
HOSTILE_IDS = [f"{spec['name']}-int8" for spec in HOSTILE_CASES if "int8" in spec["variants"]]


def _portable_build(model: Path, workdir: Path) -> HostModel:
    with use_variants(False):
        compiled = HostModel.build(parse(model), workdir)
    variant_kernels = [k for k in compiled.generated.kernel_sources if not k.startswith("reference/")]
    assert not variant_kernels, f"use_variants(False) still generated {variant_kernels}"
    return compiled


def _assert_equals_tflm(model: Path, compiled: HostModel, samples: int, seed: int) -> None:
    inputs = random_inputs(compiled.graph, samples, seed=seed)
    expected = run_tflm(model, inputs).outputs
    actual = compiled.run(inputs)
    for got, want in zip(actual, expected, strict=True):
        assert got.dtype == want.dtype and got.shape == want.shape
        mismatched = int(np.count_nonzero(got != want))
        assert mismatched == 0, f"{mismatched} of {want.size} output elements differ from TFLM"


@pytest.fixture(scope="module")
def zoo(request) -> dict:
    return zoo_cases(request.config.rootpath)


@pytest.mark.parametrize("case_id", KERNEL_CASES)
def test_zoo_case_on_portable_kernels_equals_tflm(zoo, tmp_path, case_id):
    case = zoo[case_id]
    assert case.path is not None, case.error
    _assert_equals_tflm(case.path, _portable_build(case.path, tmp_path), samples=4, seed=zlib.crc32(case_id.encode()))


@pytest.mark.parametrize("case_id", HOSTILE_IDS)
def test_hostile_channels_on_portable_kernels_equal_tflm(zoo, tmp_path, case_id):
    assert zoo[case_id].path is not None, zoo[case_id].error
    model = tmp_path / f"{case_id}.tflite"
    model.write_bytes(hostile_channels(zoo[case_id].path.read_bytes()))
    compiled = _portable_build(model, tmp_path / "build")
    inputs = random_inputs(compiled.graph, 12, seed=zlib.crc32(case_id.encode()))
    (expected,) = run_tflm(model, inputs).outputs
    (actual,) = compiled.run(inputs)
    # The dead channels saturate in TFLM's output, or the case proves nothing about the wrap.
    channels = expected.reshape(12, -1, expected.shape[-1])
    assert (channels[..., 0] == 127).all() and (channels[..., 1] == -128).all()
    mismatched = int(np.count_nonzero(actual != expected))
    assert mismatched == 0, f"{mismatched} of {expected.size} elements differ from TFLM"
