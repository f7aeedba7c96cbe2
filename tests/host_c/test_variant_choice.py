"""The packed SIMD variant is CHOSEN (not only the output right) for every convolution shape of
tests/zoo/cases_hostile_conv.py (depth multipliers 2 and 8, 1/3/5/7 channels, 1xN and Nx1 kernels,
dilation 2, stride 3), and the scratch bytes the generator plans for it equal the kernel's C scratch-size
companion (edgeq_kernels_packed.h) for the same geometry. Bit-exactness with TFLM on these cases is
tests/host_c/test_zoo.py's (host) and tests/qemu/test_dsp_zoo.py's (Cortex-M4) job.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from edgeq.codegen.model import generate_model
from edgeq.ir import parse
from harness import KERNELS
from zoo.build import build_zoo
from zoo.cases_hostile_conv import CASES

CASE_IDS = [f"{spec['name']}-int8" for spec in CASES]
CONVOLUTIONS = ("CONV_2D", "DEPTHWISE_CONV_2D")
COMPANIONS = {"variants/edgeq_conv2d_im2col_s8.c": "edgeq_conv2d_im2col_s8_scratch_size",
              "variants/edgeq_depthwise_ring_s8.c": "edgeq_depthwise_ring_s8_scratch_size"}


@pytest.fixture(scope="module")
def generated(request) -> dict:
    """case id -> (the generated model, its convolution op)."""
    cache = os.environ.get("EDGEQ_ZOO_CACHE") or request.config.rootpath / ".pytest_cache" / "edgeq_zoo"
    zoo = {case.id: case for case in build_zoo(Path(cache)) if case.id in CASE_IDS}
    models = {}
    for case_id in CASE_IDS:
        assert zoo[case_id].path is not None, zoo[case_id].error
        model = generate_model(parse(zoo[case_id].path))
        (op,) = [op for op in model.ops if op.opcode in CONVOLUTIONS]
        models[case_id] = (model, op)
    return models


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_packed_variant_chosen(generated, case_id):
    _, op = generated[case_id]
    assert any(k.startswith("variants/") for k in op.kernels), (op.kernels, op.declined)
    assert not any(k.startswith("reference/") for k in op.kernels), op.kernels
    assert op.scratch_bytes > 0


@pytest.mark.tools("gcc")
def test_scratch_companions_agree_with_generator(generated, tmp_path):
    """One C program prints each kernel's scratch-size companion for every case's geometry (taken from the
    generated `geom` struct); the generator must have planned exactly that many bytes."""
    calls, expected = [], []
    for case_id, (model, op) in generated.items():
        body = model.files["model.c"].split(f"{op.function}(")[1]
        geom = re.search(r"static const edgeq_conv_geom_t geom = (\{[^;]*\});", body).group(1)
        (kernel,) = [k for k in op.kernels if k in COMPANIONS]
        calls.append(f"{{ static const edgeq_conv_geom_t g = {geom}; printf(\"%ld\\n\", (long){COMPANIONS[kernel]}(&g)); }}")
        expected.append(op.scratch_bytes)
    source = tmp_path / "companions.c"
    source.write_text('#include <stdio.h>\n#include "edgeq_kernels_packed.h"\nint main(void)\n{\n'
                      + "\n".join(calls) + "\nreturn 0;\n}\n")
    exe = tmp_path / "companions"
    subprocess.run(["gcc", "-std=c99", "-Wall", "-Werror", f"-I{KERNELS / 'include'}", str(source), "-o", str(exe)],
                   check=True, capture_output=True, text=True)
    printed = [int(line) for line in subprocess.run([str(exe)], check=True, capture_output=True,
                                                    text=True).stdout.split()]
    assert printed == expected, dict(zip(generated, zip(printed, expected)))
