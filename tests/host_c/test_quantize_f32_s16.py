"""QUANTIZE float32 -> int16 (edgeq_quantize_f32_s16: round half away from zero as trunc(2q) - trunc(q))
on inputs that are exact ties k + 1/2 of the scale, beyond the int16 range and at zero: equal to TFLite
Micro on the host (the model dequantizes again, so a slip of one step shows in the float output)."""
from __future__ import annotations


import numpy as np
import pytest

from edgeq.ir import parse
from edgeq.reference import run_tflm
from zoo.build import zoo_case


@pytest.mark.tools("gcc")
def test_quantize_f32_s16_rounds_ties_as_tflm(request, host_model):
    case = zoo_case(request.config.rootpath, "quantize_f32_s16_relu-int16x8_float_io")
    graph = parse(case.path.read_bytes())
    quantize = next(op for op in graph.ops if op.opcode == "QUANTIZE")
    scale = np.float32(graph.tensors[quantize.outputs[0]].quant.scale[0])
    rng = np.random.default_rng(11)
    steps = rng.integers(-40000, 40000, size=(6, 64)).astype(np.float32) + np.float32(0.5)
    steps[:, :4] = [0.0, 0.5, 32767.5, 1e9]
    inputs = [(steps * scale).astype(np.float32)]
    (expected,) = run_tflm(case.path, inputs).outputs
    (actual,) = host_model(case.path).run(inputs)
    assert int(np.count_nonzero(actual.reshape(expected.shape) != expected)) == 0
