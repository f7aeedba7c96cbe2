"""The portable int8 kernels (firmware/kernels/reference, what cores without DSP run) on their own: every
model generated with base emitters only (`use_variants(False)`, so no packed variant hides a kernel), built
with host gcc under ASan/UBSan, equals TFLite Micro element for element.

Models: every int8 model in shared/models the runtime supports (conv with 1-channel input and 10x4 filters,
depthwise with depth multiplier 8, padding on every side, FC over 4000 inputs), the zoo's int8
convolution/depthwise/FC/pool/ADD cases (strides, dilation, odd channel counts, per-tensor, no bias,
batches), and the hostile-quantization cases (tests/zoo/hostile.py: dead channels with bias ±(2^31 − 1),
whose int32 accumulation must wrap as TFLM's does, without undefined behaviour).
"""
from __future__ import annotations

import os
import zlib
from pathlib import Path

import numpy as np
import pytest

from edgeq.codegen.ops import use_variants
from edgeq.ir import parse
from edgeq.ir.graph import ALIAS_OPS
from edgeq.ir.support import mcu_support
from edgeq.reference import run_tflm
from harness import HostModel, random_inputs
from zoo.build import build_zoo
from zoo.cases_hostile_quant import CASES as HOSTILE_CASES
from zoo.hostile import hostile_channels

pytestmark = pytest.mark.tools("gcc")

SHARED = ["ad01_int8", "kws_ref_model", "pretrainedResnet_quant", "person_detect", "micro_speech_quantized"]
KERNEL_OPS = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "MAX_POOL_2D", "ADD"}
HOSTILE_IDS = [f"{spec['name']}-int8" for spec in HOSTILE_CASES]


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
    cache = os.environ.get("EDGEQ_ZOO_CACHE") or request.config.rootpath / ".pytest_cache" / "edgeq_zoo"
    return {case.id: case for case in build_zoo(Path(cache))}


@pytest.mark.parametrize("model", SHARED)
def test_shared_model_on_portable_kernels_equals_tflm(shared_models, tmp_path, model):
    path = shared_models / f"{model}.tflite"
    _assert_equals_tflm(path, _portable_build(path, tmp_path), samples=4, seed=zlib.crc32(model.encode()))


def test_zoo_kernel_cases_on_portable_kernels_equal_tflm(zoo, tmp_path):
    graphs = {case.id: parse(case.path) for case in zoo.values() if case.variant == "int8" and case.path is not None}
    cases = [zoo[case_id] for case_id, graph in graphs.items()
             if {op.opcode for op in graph.ops} & KERNEL_OPS
             and {op.opcode for op in graph.ops} <= KERNEL_OPS | ALIAS_OPS and not mcu_support(graph)]
    assert len(cases) >= 20, f"only {len(cases)} int8 zoo cases with conv/depthwise/FC/pool/ADD"
    for case in cases:
        try:
            _assert_equals_tflm(case.path, _portable_build(case.path, tmp_path / case.id), samples=6,
                                seed=zlib.crc32(case.id.encode()))
        except AssertionError as err:
            raise AssertionError(f"{case.id}: {err}") from None


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
