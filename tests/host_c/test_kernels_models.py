"""Every shared integer model the runtime accepts: generated C (host gcc, ASan/UBSan) equals TFLite Micro, element for element."""
from __future__ import annotations

import numpy as np
import pytest

from edgeq.reference.tflm import run_tflm
from harness import random_inputs
from shared_models import runnable_integer_models

SAMPLES = 50


@pytest.mark.tools("gcc")
@pytest.mark.parametrize("model", runnable_integer_models())
def test_shared_model_bit_exact_with_tflm(shared_models, host_model, model):
    path = shared_models / f"{model}.tflite"
    compiled = host_model(path)
    inputs = random_inputs(compiled.graph, SAMPLES, seed=20240603)
    expected = run_tflm(path, inputs).outputs
    actual = compiled.run(inputs)
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected):
        assert got.dtype == want.dtype and got.shape == want.shape
        mismatched = int(np.count_nonzero(got != want))
        assert mismatched == 0, f"{mismatched} of {want.size} output elements differ from TFLM"


@pytest.mark.tools("gcc")
def test_per_tensor_fc_multiplier_in_double_on_ad01(shared_models, host_model):
    """TFLM computes a FULLY_CONNECTED's input x weight scale in double even for per-tensor weights: with
    the product in float32, 19 of these 2,000 ad01 samples' outputs differ from TFLM by one LSB."""
    path = shared_models / "ad01_int8.tflite"
    compiled = host_model(path)
    inputs = random_inputs(compiled.graph, 2000, seed=11)
    (expected,) = run_tflm(path, inputs).outputs
    (actual,) = compiled.run(inputs)
    assert int(np.count_nonzero(actual != expected)) == 0
