"""int16x8 convolution whose channel sums can leave int32 (a channel of full-scale weights over a 576-tap
window): the variant is still chosen, switches the saturated channel's block of four to 64-bit accumulation (a `wide` array), and equals
TFLite Micro on the host with full-scale inputs; tests/qemu/test_hostile_quant_m4.py runs it on the
emulated Cortex-M4 (SMLALD)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from edgeq.codegen.model import generate_model
from edgeq.ir import parse
from edgeq.reference import run_tflm
from zoo.build import zoo_case
from zoo.hostile import full_scale_s16_inputs, saturated_channel

CASE_ID = "hostile_conv_s16_deep-int16x8"


@pytest.fixture(scope="module")
def saturated_model(request, tmp_path_factory) -> Path:
    case = zoo_case(request.config.rootpath, CASE_ID)
    path = tmp_path_factory.mktemp("s16") / "saturated.tflite"
    path.write_bytes(saturated_channel(case.path.read_bytes()))
    return path


def test_deep_int16_conv_takes_the_64_bit_path(saturated_model):
    generated = generate_model(parse(saturated_model))
    (op,) = [op for op in generated.ops if op.opcode == "CONV_2D"]
    assert op.kernels == ("variants/edgeq_gemm_s16.c",)
    assert ".wide = NULL" not in generated.files["model.c"]


@pytest.mark.tools("gcc")
def test_deep_int16_conv_equals_tflm_on_host(saturated_model, host_model):
    compiled = host_model(saturated_model)
    inputs = full_scale_s16_inputs(compiled.graph, 6)
    (expected,) = run_tflm(saturated_model, inputs).outputs
    (actual,) = compiled.run(inputs)
    assert int(np.count_nonzero(actual != expected)) == 0
