"""Hostile quantization (tests/zoo/hostile.py: dead channels with int32-extreme biases, real multipliers of
0.75, 1.7 and 2^-40, live accumulators past 2^30) on every packed int8 kernel: the fast variant is still
CHOSEN (not the reference kernel), it says which channels took the exact requantization and which ones it
found constant, and the output is bit-exact with TFLite Micro on the host (ASan/UBSan). tests/qemu/test_hostile_quant_m4.py runs the same
models on the emulated Cortex-M4, where the kernels take their SIMD paths.
"""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest

from edgeq.codegen.model import generate_model
from edgeq.ir import parse
from edgeq.reference import run_tflm
from harness import random_inputs
from zoo.build import zoo_cases
from zoo.cases_hostile_quant import CASES
from zoo.hostile import CONSTANT_CHANNELS, EXACT_CHANNELS, hostile_channels

CASE_IDS = [f"{spec['name']}-int8" for spec in CASES if "int8" in spec["variants"]]
SAMPLES = 24


@pytest.fixture(scope="session")
def hostile_models(request, tmp_path_factory) -> dict[str, Path]:
    zoo = zoo_cases(request.config.rootpath)
    out = tmp_path_factory.mktemp("hostile")
    models = {}
    for case_id in CASE_IDS:
        assert zoo[case_id].path is not None, zoo[case_id].error
        models[case_id] = out / f"{case_id}.tflite"
        models[case_id].write_bytes(hostile_channels(zoo[case_id].path.read_bytes()))
    return models


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_fast_kernel_chosen_despite_hostile_channels(hostile_models, case_id):
    generated = generate_model(parse(hostile_models[case_id]))
    (op,) = [op for op in generated.ops if op.kernels]
    assert any(k.startswith("variants/") for k in op.kernels), (op.kernels, op.declined)
    notes = " ".join(op.declined)
    assert f"exact requantization for {len(EXACT_CHANNELS)} channel(s): channel {EXACT_CHANNELS[0]}:" in notes, notes
    assert f"{len(CONSTANT_CHANNELS)} channel(s) give the same output for every input" in notes, notes


@pytest.mark.tools("gcc")
@pytest.mark.parametrize("case_id", CASE_IDS)
def test_hostile_channels_bit_exact_with_tflm(hostile_models, host_model, case_id):
    compiled = host_model(hostile_models[case_id])
    inputs = random_inputs(compiled.graph, SAMPLES, seed=zlib.crc32(case_id.encode()))
    (expected,) = run_tflm(hostile_models[case_id], inputs).outputs
    (actual,) = compiled.run(inputs)
    # The hostile channels must really be extreme in TFLM's output, or the test proves nothing.
    channels = expected.reshape(SAMPLES, -1, expected.shape[-1])
    assert (channels[..., 0] == 127).all() and (channels[..., 1] == -128).all()
    assert len(np.unique(channels[..., EXACT_CHANNELS[-1]])) > 1  # the live channel past 2^30 varies
    mismatched = int(np.count_nonzero(actual != expected))
    assert mismatched == 0, f"{mismatched} of {expected.size} elements differ from TFLM"


@pytest.mark.tools("gcc")
def test_build_manifest_says_which_kernel_ran_and_why(hostile_models, tmp_path):
    import json

    from edgeq.build.project import MANIFEST, build_project

    out = build_project(hostile_models["hostile_fc-int8"], "host", tmp_path / "fw").out_dir
    ops = json.loads((out / MANIFEST).read_text())["ops"]
    (fc,) = [op for op in ops if op["opcode"] == "FULLY_CONNECTED"]
    assert fc["kernels"] == ["kernels/variants/edgeq_gemm_rows_direct_s8.c"]
    assert fc["declined"][0].startswith(f"exact requantization for {len(EXACT_CHANNELS)} channel(s): channel 2:")
    assert fc["declined"][1].startswith(f"{len(CONSTANT_CHANNELS)} channel(s) give the same output for every "
                                        "input (not computed): 0 = 127, 1 = -128, 4 = 127, 5 = ")
