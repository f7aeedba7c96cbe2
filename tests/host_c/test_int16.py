"""int16x8 (int16 activations, int8 weights, int64 biases): generated C equals TFLite Micro bit for bit.

The digits CNN (CONV_2D, MAX_POOL_2D, RESHAPE, FULLY_CONNECTED, SOFTMAX, float I/O through QUANTIZE and
DEQUANTIZE) converted by `edgeq convert --mode int16x8` runs on real digits images through
`edgeq.compile_host(..., sanitize=True)` (ASan + UBSan) and is compared with TFLM element for element.
The one-operator zoo's int16x8 cases (every int16 operator: convolutions, pools, SOFTMAX, ADD, SUB, MUL,
MEAN, PAD, CONCATENATION with its QUANTIZE int16 -> int16, RELU, RELU6, LEAKY_RELU, LOGISTIC, TANH) are in
test_zoo.py. int16 operators without a kernel stay refused with the reason, before any code is generated.
"""
from __future__ import annotations

import numpy as np
import pytest

import edgeq
from convert_fixtures import digits, digits_converted  # noqa: F401  (session fixtures: trained CNN, conversions)
from edgeq.codegen import generate_model
from edgeq.errors import EdgeqError
from edgeq.ir import Graph, Op, QuantParams, Tensor, parse
from edgeq.ir.support import mcu_support, require_mcu_support
from edgeq.reference.tflm import run_tflm


@pytest.mark.tools("gcc")
def test_digits_cnn_int16x8_equals_tflm_on_real_images(digits_converted):  # noqa: F811
    result = digits_converted.get("int16x8")
    graph = parse(result.output)
    ops = {(op.opcode, graph.tensors[op.outputs[0]].dtype) for op in graph.ops}
    # the model really computes in int16 (not a float or int8 fallback of the converter)
    assert {("CONV_2D", "int16"), ("FULLY_CONNECTED", "int16"), ("SOFTMAX", "int16")} <= ops
    assert all(graph.tensors[op.inputs[2]].dtype == "int64" for op in graph.ops
               if op.opcode in ("CONV_2D", "FULLY_CONNECTED"))
    assert mcu_support(graph) == ()

    x = np.concatenate([digits_converted.digits.split.x_test, digits_converted.digits.split.x_val])
    model = edgeq.compile_host(result.output, sanitize=True)
    try:
        got = model.predict(x)
    finally:
        model.close()
    want = run_tflm(result.output, x).outputs[0]
    assert got.dtype == want.dtype == np.float32 and got.shape == want.shape
    mismatched = int(np.count_nonzero(got.view(np.uint32) != want.view(np.uint32)))
    assert mismatched == 0, f"{mismatched} of {want.size} output elements differ from TFLM"
    # and the model is a useful classifier (the comparison is not between two degenerate outputs)
    y = np.concatenate([digits_converted.digits.split.y_test, digits_converted.digits.split.y_val])
    assert (want.reshape(len(x), -1).argmax(axis=1) == y).mean() > 0.9


def _tensor(index: int, dtype: str, shape=(1, 4), data=None, scale=0.01) -> Tensor:
    if data is not None:
        data = np.asarray(data)
        data.setflags(write=False)
    return Tensor(index, f"t{index}", tuple(shape), dtype, QuantParams((scale,), (0,)), data)


def test_int16_hard_swish_is_refused_with_the_reason():
    # The converter cannot quantize HARD_SWISH to 16x8, so no kernel could be checked against TFLM.
    graph = Graph(tensors=(_tensor(0, "int16"), _tensor(1, "int16")),
                  ops=(Op(0, "HARD_SWISH", (0,), (1,)),), inputs=(0,), outputs=(1,))
    issues = mcu_support(graph)
    assert len(issues) == 1 and "HARD_SWISH with int16 activations is not supported" in issues[0].reason
    with pytest.raises(EdgeqError, match="operator 0 \\(HARD_SWISH\\)"):
        require_mcu_support(graph)


def test_int16_to_uint8_quantize_is_refused_with_the_reason():
    # TFLite Micro has no int16 -> uint8 QUANTIZE (int16 -> int8/int16/int32 run: quantize_ops.QUANTIZE_PAIRS)
    graph = Graph(tensors=(_tensor(0, "int16"), _tensor(1, "uint8")),
                  ops=(Op(0, "QUANTIZE", (0,), (1,)),), inputs=(0,), outputs=(1,))
    issues = mcu_support(graph)
    assert len(issues) == 1 and "QUANTIZE int16 → uint8 is not supported" in issues[0].reason


def test_int16_add_with_a_zero_point_is_refused_before_code_is_written():
    tensors = (_tensor(0, "int16"), _tensor(1, "int16"),
               Tensor(2, "t2", (1, 4), "int16", QuantParams((0.01,), (5,)), None))
    graph = Graph(tensors=tensors, ops=(Op(0, "ADD", (0, 1), (2,)),), inputs=(0, 1), outputs=(2,))
    assert mcu_support(graph) == ()
    with pytest.raises(EdgeqError, match="zero point 5"):
        generate_model(graph)


@pytest.mark.parametrize("weights, bias, reason", [
    ("int16", "int64", "int16 weights with int16 activations are not supported (int16 activations need int8"),
    ("int8", "int32", "int32 bias with int16 activations is not supported"),
])
def test_int16_fully_connected_needs_int8_weights_and_int64_bias(weights, bias, reason):
    graph = Graph(tensors=(_tensor(0, "int16"), _tensor(1, weights, (3, 4), np.ones((3, 4), weights)),
                           _tensor(2, bias, (3,), np.zeros(3, bias)), _tensor(3, "int16", (1, 3))),
                  ops=(Op(0, "FULLY_CONNECTED", (0, 1, 2), (3,)),), inputs=(0,), outputs=(3,))
    issues = mcu_support(graph)
    assert len(issues) == 1 and reason in issues[0].reason, issues
