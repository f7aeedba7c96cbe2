"""The reference runtimes run in a child process: a model that crashes TFLite Micro is an EdgeqError naming the
signal, not a dead edgeq, and no temporary directory is left; TFLM's arena grows for models whose activations
outweigh their file (the binding sizes it at 10x the file)."""
from __future__ import annotations

import numpy as np
import pytest

from edgeq.errors import EdgeqError


def _unpacked(data: bytes):
    import ai_edge_litert.schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(data, 0)
    for graph in model.subgraphs:
        for op in graph.operators:
            op.inputs, op.outputs = list(op.inputs), list(op.outputs)
    return model


def _packed(model) -> bytes:
    import flatbuffers

    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def int16_add_model(hw: int = 48) -> bytes:
    """ADD of two int16 (1, hw, hw, 1) inputs: 576 bytes of file, 3 x hw*hw*2 bytes of activations."""
    import ai_edge_litert.schema_py_generated as s

    model = s.ModelT()
    model.version = 3
    code = s.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = s.BuiltinOperator.ADD
    code.version = 3
    model.operatorCodes = [code]
    model.buffers = [s.BufferT() for _ in range(4)]
    graph = s.SubGraphT()
    graph.tensors = []
    for i, (name, scale) in enumerate((("a", 0.001), ("b", 0.002), ("out", 0.003))):
        tensor = s.TensorT()
        tensor.shape, tensor.type, tensor.buffer, tensor.name = [1, hw, hw, 1], s.TensorType.INT16, i + 1, name
        tensor.quantization = s.QuantizationParametersT()
        tensor.quantization.scale, tensor.quantization.zeroPoint = [scale], [0]
        graph.tensors.append(tensor)
    op = s.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = 0, [0, 1], [2]
    op.builtinOptionsType, op.builtinOptions = s.BuiltinOptions.AddOptions, s.AddOptionsT()
    graph.operators, graph.inputs, graph.outputs = [op], [0, 1], [2]
    model.subgraphs = [graph]
    return _packed(model)


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_a_model_that_crashes_tflm_is_an_error_and_leaves_no_temp_dir(shared_models, private_tmp):
    from edgeq.reference.isolated import run_isolated

    model = _unpacked((shared_models / "ad01_int8.tflite").read_bytes())
    model.subgraphs[0].operators[0].inputs[1] = 999   # a tensor index past the end: TFLM reads wild memory
    with pytest.raises(EdgeqError) as err:
        run_isolated(_packed(model), [np.zeros((1, 1, 640), np.int8)], ("tflm", "litert-ref"))
    assert "the reference runtime crashed on this model (signal 11, SIGSEGV)" in err.value.message
    assert "TFLite Micro" in err.value.message
    assert list(private_tmp.iterdir()) == []


def test_a_runtime_exception_is_that_runtimes_refusal(shared_models, private_tmp):
    from edgeq.reference.isolated import run_isolated

    model = _unpacked((shared_models / "ad01_int8.tflite").read_bytes())
    model.subgraphs[0].operators[0].opcodeIndex = 50   # no such operator code
    tflm, litert = run_isolated(_packed(model), [np.zeros((1, 1, 640), np.int8)], ("tflm", "litert-ref"))
    assert tflm.result is None and "IndexError" in tflm.error.message
    assert litert.result is None and "opcode_index 50" in litert.error.message
    assert list(private_tmp.iterdir()) == []


def test_tflm_arena_grows_for_an_int16_model_with_two_large_inputs():
    from edgeq.reference.isolated import run_reference

    rng = np.random.default_rng(1)
    a, b = (rng.integers(-3000, 3000, size=(2, 1, 48, 48, 1), dtype=np.int16) for _ in range(2))
    tflm = run_reference(int16_add_model(), [a, b], "tflm").outputs[0]
    litert = run_reference(int16_add_model(), [a, b], "litert-ref").outputs[0]
    expected = np.clip(np.round((a * 0.001 + b * 0.002) / 0.003), -32768, 32767)
    assert tflm.shape == (2, 1, 48, 48, 1)
    assert np.abs(tflm.astype(np.int64) - expected).max() <= 1
    assert np.array_equal(tflm, litert)
