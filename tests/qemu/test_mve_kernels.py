"""The Helium (MVE) kernels on the emulated Cortex-M55 (QEMU mps3-an547) equal TFLite Micro, and are the
ones chosen there: the shared int8 models, the zoo's int8 convolution / depthwise / fully-connected edges,
and the hostile-quantization cases (dead channels with int32-extreme biases, multipliers >= 1 and 2^-40,
accumulators past 2^30: the per-lane full-range requantization path).

The build manifest names each operator's kernel: every int8 CONV_2D and FULLY_CONNECTED (and the chosen
cases' same-shape ADD / SUB, and AVERAGE_POOL_2D) must run a `kernels/mve/` kernel, and every DEPTHWISE_CONV_2D too unless it declined for its depth multiplier (> 1 is
left to the packed DSP kernel). A QEMU without MVE would stop the firmware with a UsageFault at the first
vector instruction, so a passing case also shows the emulator executes them.

Zoo cases are a chosen subset (each a separate firmware build; the whole zoo would exceed this test's time
budget): one per kernel path and edge (clipped windows, strides, dilations in both axes, one input channel,
channel counts not a multiple of 4, depths not a multiple of 16, per-tensor scales, batches), and
tests/zoo/cases_mve.py for the assembly paths (3x3 depthwise groups of 2-4 pixels at strides 1 and 2, dilation
in height, two-row GEMM blocks with a tail chunk), also with hostile quantization (blocks holding a full-range
channel leave the assembly for the C path).
"""
from __future__ import annotations

import json
import os
import zlib
from pathlib import Path

import numpy as np
import pytest

from device_run import run_on_emulated_board
from shared_models import runnable_integer_models
from zoo.build import zoo_cases
from zoo.hostile import hostile_channels

BOARD = "mps3-an547"
SAMPLES = 3
MODELS = ("kws_ref_model", "pretrainedResnet_quant", "ad01_int8", "person_detect", "micro_speech_quantized")
ZOO_CASES = (
    "conv_3x3_s2_valid_relu6", "conv_3x3_dil2_same", "conv_1x1_nobias", "conv_3x3_per_tensor_relu",
    "hc_conv_c1_7x1_s2", "hc_conv_c2_2x3_dil_2x3_same", "hc_conv_c3_3x3_s3_same",
    "dw_3x3_m1_s1_same_relu", "dw_5x5_s2_same_relu6", "dw_3x3_dil2_same", "dw_3x3_m2_s2_valid",
    "hc_dw_c5_1x5_same", "hc_dw_c7_5x1_s3", "hc_dw_c6_3x3_s3_valid", "hc_dw_m8_c1_5x4_s2_same",
    "fc_flatten", "fc_per_tensor_relu6", "conv_dw_pool_fc_softmax",
    "mve_dw_c10_3x3_s2_w7", "mve_dw_c8_3x3_dil21_w6", "mve_conv_c20_1x1", "sub_scales_apart",
    "avgpool_3x3_s1_same",
)
HOSTILE_CASES = ("hostile_conv_3x3", "hostile_conv_1x1", "hostile_depthwise_3x3", "hostile_fc", "hostile_fc_batch",
                 "mve_dw_c10_3x3_s2_w7", "mve_conv_c20_1x1")
MVE_OPS = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "SUB", "AVERAGE_POOL_2D")


@pytest.fixture(scope="module")
def zoo(request) -> dict:
    return zoo_cases(request.config.rootpath)


def assert_mve_chosen(build_dir: Path) -> None:
    manifest = json.loads((build_dir / "edgeq-build.json").read_text())
    for op in manifest["ops"]:
        if op["opcode"] not in MVE_OPS:
            continue
        kernels = op.get("kernels", [])
        if op["opcode"] == "DEPTHWISE_CONV_2D" and any("depth multiplier" in d for d in op.get("declined", [])):
            continue
        assert kernels and kernels[0].startswith("kernels/mve/"), f"op {op['index']} {op['opcode']}: {kernels}"


def run_and_compare(model: Path, tmp_path: Path, seed: str) -> None:
    from edgeq.ir import parse
    from edgeq.reference.tflm import run_tflm

    graph = parse(model.read_bytes())
    rng = np.random.default_rng(zlib.crc32(seed.encode()))
    inputs = []
    for index in graph.inputs:
        info = np.iinfo(graph.tensors[index].dtype)
        inputs.append(rng.integers(info.min, info.max, size=(SAMPLES, *graph.tensors[index].shape), endpoint=True,
                                   dtype=graph.tensors[index].dtype))
    expected = [np.asarray(o).reshape(SAMPLES, -1) for o in run_tflm(model, inputs).outputs]
    got = run_on_emulated_board(model, inputs, tmp_path / "fw", target=BOARD)
    assert_mve_chosen(tmp_path / "fw")
    assert len(got) == len(expected)
    for k, (raw, want) in enumerate(zip(got, expected)):
        mismatched = int(np.count_nonzero(raw != want))
        assert mismatched == 0, f"output {k}: {mismatched} of {want.size} elements differ from TFLM"


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("stem", [m for m in runnable_integer_models() if m in MODELS])
def test_mve_model_equals_tflm(tmp_path, stem):
    run_and_compare(Path(os.environ["EDGEQ_SHARED"]) / "models" / f"{stem}.tflite", tmp_path, stem)


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("name", ZOO_CASES)
def test_mve_zoo_case_equals_tflm(zoo, tmp_path, name):
    case = zoo[f"{name}-int8"]
    assert case.path is not None, f"conversion failed:\n{case.error}"
    run_and_compare(Path(case.path), tmp_path, case.id)


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("name", HOSTILE_CASES)
def test_mve_hostile_quantization_equals_tflm(zoo, tmp_path, name):
    case = zoo[f"{name}-int8"]
    assert case.path is not None, case.error
    model = tmp_path / f"{name}.tflite"
    model.write_bytes(hostile_channels(case.path.read_bytes()))
    run_and_compare(model, tmp_path, case.id)
