"""int16x8 FULLY_CONNECTED under hostile quantization (tests/zoo/hostile_s16.py: a full-scale channel whose
sums leave int32 next to ordinary ones, multipliers at the requantization bounds, int64 biases outside
int32; 1 to 7 output channels, odd in-features): the packed kernel is still chosen, accumulates in 64 bits
exactly in the blocks of four channels that need it, and equals TFLite Micro on the host (ASan/UBSan).
tests/qemu/test_hostile_fc_s16_m4.py runs the same models on the emulated Cortex-M4 (SMLAD / SMLALD)."""
from __future__ import annotations

import re
import zlib
from pathlib import Path

import numpy as np
import pytest

from edgeq.codegen.model import generate_model
from edgeq.ir import parse
from edgeq.reference import run_tflm
from zoo.build import zoo_case
from zoo.cases_hostile_s16 import CASES
from zoo.hostile_s16 import hostile_fc_s16, hostile_s16_inputs

CASE_IDS = [f"{spec['name']}-int16x8" for spec in CASES if spec["expect"] == ["FULLY_CONNECTED"]]
SAMPLES = 6


def hostile_model(request, case_id: str, directory: Path) -> Path:
    case = zoo_case(request.config.rootpath, case_id)
    path = directory / f"{case_id}.tflite"
    path.write_bytes(hostile_fc_s16(case.path.read_bytes()))
    return path


def _array(model_c: str, suffix: str) -> list[int] | None:
    found = re.search(r"static const \w+ \w*_" + suffix + r"\[\d+\][^=]*=\s*\{([^}]*)\}", model_c)
    return None if found is None else [int(v) for v in found.group(1).replace("\n", " ").split(",") if v.strip()]


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_packed_kernel_chosen_with_64_bit_blocks_only_where_needed(request, tmp_path, case_id):
    graph = parse(hostile_model(request, case_id, tmp_path).read_bytes())
    generated = generate_model(graph)
    (op,) = [op for op in generated.ops if op.opcode == "FULLY_CONNECTED"]
    assert op.kernels == ("variants/edgeq_gemm_s16.c",)
    fc = next(o for o in graph.ops if o.opcode == "FULLY_CONNECTED")
    weights = graph.tensors[fc.inputs[1]].data.astype(np.int64)
    in_features = weights.shape[1]
    wide = _array(generated.files["model.c"], "wide")
    if in_features * 127 * 32768 >= 2**31:  # channel 0 is full scale: its block, and only it, is wide
        assert wide is not None and wide[0] == 1 and not any(wide[1:]), wide
    else:
        assert wide is None, wide


@pytest.mark.tools("gcc")
@pytest.mark.parametrize("case_id", CASE_IDS)
def test_hostile_int16_fc_equals_tflm_on_host(request, tmp_path, host_model, case_id):
    model = hostile_model(request, case_id, tmp_path)
    compiled = host_model(model)
    inputs = hostile_s16_inputs(compiled.graph, SAMPLES, zlib.crc32(case_id.encode()))
    (expected,) = run_tflm(model, inputs).outputs
    (actual,) = compiled.run(inputs)
    mismatched = int(np.count_nonzero(actual != expected))
    assert mismatched == 0, f"{mismatched} of {expected.size} elements differ from TFLM"
