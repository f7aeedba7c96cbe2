"""TRANSPOSE_CONV int8 with int32-extreme biases equals TFLite Micro (host gcc, ASan + UBSan).

The zoo's random biases are small. Trained models bring dead channels (all weights 0) whose bias sits at
±(2^31 - 1), and biases that push the accumulator past the int32 range, where TFLM's int32 scratch sum
wraps. The rewrite below makes the zoo's stride-2 TRANSPOSE_CONV such a model: channel 0 dead with bias
+(2^31 - 1), channel 1 dead with -(2^31 - 1), channel 2 live with bias 2^31 - 2^12 (its sums wrap), channel
3 as converted.
"""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest

from edgeq.reference import run_tflm
from harness import random_inputs
from zoo.build import zoo_case

INT32_MAX = 2**31 - 1


def _extreme_biases(data: bytes) -> bytes:
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(data, 0)
    sub = model.subgraphs[0]
    op = next(o for o in sub.operators
              if model.operatorCodes[o.opcodeIndex].builtinCode == schema.BuiltinOperator.TRANSPOSE_CONV)
    weights_tensor, bias_tensor = sub.tensors[op.inputs[1]], sub.tensors[op.inputs[3]]
    weights = np.frombuffer(bytes(model.buffers[weights_tensor.buffer].data), np.int8).reshape(
        weights_tensor.shape).copy()
    bias = np.frombuffer(bytes(model.buffers[bias_tensor.buffer].data), "<i4").copy()
    weights[0:2] = 0
    bias[0], bias[1], bias[2] = INT32_MAX, -INT32_MAX, INT32_MAX - 4095
    model.buffers[weights_tensor.buffer].data = weights.reshape(-1).view(np.uint8)
    model.buffers[bias_tensor.buffer].data = bias.astype("<i4").view(np.uint8)
    builder = flatbuffers.Builder(len(data) + 1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


@pytest.fixture(scope="module")
def tconv_int8(request) -> Path:
    case = zoo_case(request.config.rootpath, "tconv_3x3_s2_same-int8")
    return case.path


@pytest.mark.tools("gcc")
def test_transpose_conv_with_extreme_biases_matches_tflm(tconv_int8, host_model, tmp_path):
    path = tmp_path / "tconv_extreme_bias.tflite"
    path.write_bytes(_extreme_biases(tconv_int8.read_bytes()))
    compiled = host_model(path)
    inputs = random_inputs(compiled.graph, 8, seed=zlib.crc32(b"tconv_extreme_bias"))
    want = run_tflm(path, inputs).outputs[0]
    got = compiled.run(inputs)[0]
    assert (want[..., 0] == 127).all() and (want[..., 1] == -128).all()  # the dead channels saturate
    diff = np.abs(got.astype(np.int32) - want.astype(np.int32))
    assert not diff.any(), f"{int(np.count_nonzero(diff))} of {want.size} elements differ from TFLM"
