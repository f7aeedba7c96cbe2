"""The packed SIMD variant is CHOSEN (not only the output right) for every convolution shape of
tests/zoo/cases_hostile_conv.py (depth multipliers 2 and 8, 1/3/5/7 channels, 1xN and Nx1 kernels,
dilation 2, stride 3), the scratch bytes the generator plans for it equal the kernel's C scratch-size
companion (edgeq_kernels_packed.h) for the same geometry, and batch 2 (which the converter never emits)
is bit-exact with TFLM. Bit-exactness at batch 1 is tests/host_c/test_zoo.py's (host) and
tests/qemu/test_dsp_zoo.py's (Cortex-M4) job.
"""
from __future__ import annotations

import re
import subprocess
import zlib

import numpy as np
import pytest

from edgeq.codegen.model import generate_model
from edgeq.ir import parse
from edgeq.reference import run_tflm
from harness import KERNELS, random_inputs
from zoo.build import zoo_case, zoo_cases
from zoo.cases_hostile_conv import CASES

CASE_IDS = [f"{spec['name']}-int8" for spec in CASES]
CONVOLUTIONS = ("CONV_2D", "DEPTHWISE_CONV_2D")
COMPANIONS = {"variants/edgeq_conv2d_im2col_s8.c": "edgeq_conv2d_im2col_s8_scratch_size",
              "variants/edgeq_conv2d_ring_direct_s8.c": "edgeq_conv2d_ring_direct_s8_scratch_size",
              "variants/edgeq_depthwise_ring_s8.c": "edgeq_depthwise_ring_s8_scratch_size"}


@pytest.fixture(scope="module")
def generated(request) -> dict:
    """case id -> (the generated model, its convolution op)."""
    zoo = zoo_cases(request.config.rootpath)
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


def _batch2(data: bytes) -> bytes:
    """The one-layer model with batch 2: its input and output tensors' leading dimension doubled (the
    converter fixes batch 1; TFLM and the kernels take any batch)."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(data, 0)
    sub = model.subgraphs[0]
    for index in list(sub.inputs) + list(sub.outputs):
        tensor = sub.tensors[index]
        tensor.shape = [2, *list(tensor.shape)[1:]]
        if tensor.shapeSignature is not None:
            tensor.shapeSignature = [2, *list(tensor.shapeSignature)[1:]]
    builder = flatbuffers.Builder(len(data) + 1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


# one through the im2col GEMM (one input channel), one through the depthwise ring (replicated channels)
BATCH_CASES = ("hc_dw_m8_c1_5x4_s2_same-int8", "hc_dw_m2_c3_3x3_same-int8")


@pytest.mark.tools("gcc")
@pytest.mark.parametrize("case_id", BATCH_CASES)
def test_batch2_bit_exact_with_tflm(request, host_model, case_id):
    """Batch > 1 through the variants (each image its own ring pass) equals TFLM on the host."""
    case = zoo_case(request.config.rootpath, case_id)
    data = _batch2(case.path.read_bytes())
    compiled = host_model(data)
    (op,) = [op for op in compiled.generated.ops if op.opcode in CONVOLUTIONS]
    assert any(k.startswith("variants/") for k in op.kernels), (op.kernels, op.declined)
    inputs = random_inputs(compiled.graph, 4, seed=zlib.crc32(case_id.encode()))
    (expected,) = run_tflm(data, inputs).outputs
    (actual,) = compiled.run(inputs)
    assert expected.shape[1] == 2
    mismatched = int(np.count_nonzero(actual != expected))
    assert mismatched == 0, f"{mismatched} of {expected.size} elements differ from TFLM"
