"""int16 ADD and SUB through edgeq_add_fast_s16's fast path (the larger-scale input rescaled as x << 14,
SMMLAR for the other input and the output, two elements per pass, an odd last element), with the
larger scale on either input, over the whole int16 range: equal to TFLite Micro on the host."""
from __future__ import annotations


import numpy as np
import pytest

from edgeq.codegen.model import generate_model
from edgeq.ir import parse
from edgeq.reference import run_tflm
from zoo.build import zoo_case
from zoo.hostile_s16 import rescaled_add_s16

# (case, input1 scale, input2 scale, output scale): the larger scale first for SUB, second for ADD.
CASES = [("sub_s16_odd-int16x8", 3.1e-4, 2.2e-4, 4.7e-4), ("add_s16_odd_relu6-int16x8", 1.9e-4, 2.9e-4, 4.1e-4)]


@pytest.mark.tools("gcc")
@pytest.mark.parametrize("case_id, scale1, scale2, scale_out", CASES)
def test_add_fast_s16_equals_tflm(request, tmp_path, host_model, case_id, scale1, scale2, scale_out):
    case = zoo_case(request.config.rootpath, case_id)
    model = tmp_path / f"{case_id}.tflite"
    model.write_bytes(rescaled_add_s16(case.path.read_bytes(), scale1, scale2, scale_out))
    graph = parse(model.read_bytes())
    (op,) = generate_model(graph).ops
    assert op.kernels == ("variants/edgeq_add_fast_s16.c",)
    rng = np.random.default_rng(5)
    inputs = [rng.integers(-32768, 32768, size=(8, *graph.tensors[i].shape)).astype(np.int16) for i in graph.inputs]
    (expected,) = run_tflm(model, inputs).outputs
    (actual,) = host_model(model).run(inputs)
    assert int(np.count_nonzero(actual != expected)) == 0
