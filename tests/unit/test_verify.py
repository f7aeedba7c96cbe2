"""The model verifier (edgeq.ir.verify) and the emitters' own preconditions, on the cases of issue 12.

Each hostile model is a real shared model edited through LiteRT's flatbuffer object API, so the file is a
well-formed flatbuffer that only breaks the rule under test. Before the verifier, each of these parsed and
either crashed a later stage (IndexError, ValueError) or built C that read or wrote out of bounds.
"""
from __future__ import annotations

import dataclasses
import math

import flatbuffers
import numpy as np
import pytest

from edgeq.cli.main import main
from edgeq.codegen.model import generate_model
from edgeq.codegen.ops import use_variants
from edgeq.codegen.quantize import quantize_multiplier
from edgeq.errors import EdgeqError
from edgeq.inspection import inspect_model
from edgeq.ir import QuantParams, parse

# micro_speech_quantized: RESHAPE -> DEPTHWISE_CONV_2D -> FULLY_CONNECTED (weights [4, 4000]) -> SOFTMAX
MODEL = "micro_speech_quantized.tflite"
DW, FC = 1, 2


def _schema():
    from ai_edge_litert import schema_py_generated as schema

    return schema


def mutated(path, edit) -> bytes:
    model = _schema().ModelT.InitFromPackedBuf(path.read_bytes(), 0)
    edit(model, model.subgraphs[0])
    builder = flatbuffers.Builder(1 << 16)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def with_item(values, k: int, value):
    """A copy of a (read-only) flatbuffer vector with item k replaced."""
    values = np.array(values)
    values[k] = value
    return values


def verifier_error(data: bytes) -> str:
    with pytest.raises(EdgeqError) as caught:
        parse(data, label="m.tflite")
    message = caught.value.message
    assert "\n" not in message and caught.value.exit_code == 2
    return message


@pytest.fixture()
def model(shared_models):
    return shared_models / MODEL


def test_shared_models_pass(shared_models):
    for path in sorted(shared_models.glob("*.tflite")):
        parse(path)


def test_negative_tensor_index(model, tmp_path):
    def edit(m, sub):
        sub.operators[FC].inputs = with_item(sub.operators[FC].inputs, 0, -2)
    data = mutated(model, edit)
    message = verifier_error(data)
    assert "operator 2 (FULLY_CONNECTED)" in message and "input tensor index -2" in message
    path = tmp_path / "m.tflite"
    path.write_bytes(data)
    with pytest.raises(EdgeqError):  # was IndexError in inspection.py
        inspect_model(path)


def test_negative_graph_input(model):
    def edit(m, sub):
        sub.inputs = with_item(sub.inputs, 0, -1)
    assert "input tensor index -1" in verifier_error(mutated(model, edit))


def test_missing_buffer(model):
    def edit(m, sub):  # the FC weights lose their data: an input nothing produces
        sub.tensors[sub.operators[FC].inputs[1]].buffer = 0
    message = verifier_error(mutated(model, edit))
    assert "operator 2 (FULLY_CONNECTED), tensor" in message and "not a model input, a constant" in message


def test_nan_scale(model):
    def edit(m, sub):
        q = sub.tensors[sub.operators[DW].outputs[0]].quantization
        q.scale = with_item(q.scale, 0, float("nan"))
    assert "scale nan (scales must be finite and > 0)" in verifier_error(mutated(model, edit))


def test_wrong_rank(model):
    def edit(m, sub):
        sub.tensors[sub.operators[DW].inputs[0]].shape = np.array([49, 40, 1], dtype=np.int32)
    message = verifier_error(mutated(model, edit))
    assert "operator 1 (DEPTHWISE_CONV_2D)" in message and "rank 3" in message


def test_fc_scale_count(model):
    def edit(m, sub):  # 2 per-channel scales for 4 output units
        q = sub.tensors[sub.operators[FC].inputs[1]].quantization
        q.scale, q.zeroPoint = np.array([0.001, 0.002], dtype=np.float32), np.zeros(2, dtype=np.int64)
    assert "2 scales for the 4 channels of dimension 0" in verifier_error(mutated(model, edit))


def test_fc_scale_count_emitter(model):
    """Past the verifier (a Graph built by hand), the FC emitter refuses the count instead of emitting C that
    reads its shift array past the end."""
    graph = parse(model)
    weights_index = graph.ops[FC].inputs[1]
    weights = dataclasses.replace(graph.tensors[weights_index], quant=QuantParams((0.001, 0.002), (0, 0), 0))
    graph = dataclasses.replace(graph, tensors=tuple(weights if t.index == weights_index else t
                                                     for t in graph.tensors))
    for variants in (False, True):  # the base emitter and whichever variant takes the op
        with use_variants(variants), pytest.raises(EdgeqError, match="2 weight scales for 4 output channels"):
            generate_model(graph)


def test_fc_short_output(model):
    def edit(m, sub):
        sub.tensors[sub.operators[FC].outputs[0]].shape = np.array([1, 2], dtype=np.int32)
    message = verifier_error(mutated(model, edit))
    assert "operator 2 (FULLY_CONNECTED)" in message and "1 batches x 4 units expected" in message


def test_fc_short_output_emitter(model):
    """The arena bound in the generator: a kernel (or any variant sharing the FC geometry) never writes past
    its output tensor's bytes."""
    graph = parse(model)
    out_index = graph.ops[FC].outputs[0]
    short = dataclasses.replace(graph.tensors[out_index], shape=(1, 2))
    graph = dataclasses.replace(graph, tensors=tuple(short if t.index == out_index else t for t in graph.tensors))
    for variants in (False, True):
        with use_variants(variants), pytest.raises(EdgeqError, match=r"operator 2 \(FULLY_CONNECTED\): output "
                                                                    r"\(1, 2\) int8 does not hold 1 x 4"):
            generate_model(graph)


def test_shift_100():
    """A rescale factor of 2^99 gave shift 100 (UB in edgeq_requant.h); TFLM saturates at 30."""
    assert quantize_multiplier(2.0**99) == (2**31 - 1, 30)
    multiplier, shift = quantize_multiplier(2.0**29.5)
    assert shift == 30 and multiplier == round(2.0**29.5 / 2**30 * 2**31)
    assert quantize_multiplier(2.0**-40) == (0, 0)
    with pytest.raises(ValueError):
        quantize_multiplier(math.inf)


def test_requant_factor_outside_tflm_range(model):
    def edit(m, sub):  # output scale so small that input x weight / output needs a shift of ~100
        q = sub.tensors[sub.operators[FC].outputs[0]].quantization
        q.scale = with_item(q.scale, 0, 1e-33)
    message = verifier_error(mutated(model, edit))
    assert "operator 2 (FULLY_CONNECTED)" in message and "outside TFLite Micro's range" in message


def test_zero_operators(model):
    def edit(m, sub):
        sub.operators = []
    assert "has no operators" in verifier_error(mutated(model, edit))


def test_constant_activation(model):
    def edit(m, sub):
        buffer = _schema().BufferT()
        buffer.data = np.zeros(25 * 20 * 8, dtype=np.uint8)
        m.buffers.append(buffer)
        sub.tensors[sub.operators[DW].outputs[0]].buffer = len(m.buffers) - 1
    message = verifier_error(mutated(model, edit))
    assert "operator 1 (DEPTHWISE_CONV_2D), tensor" in message and "output is a constant tensor" in message


def test_conv_output_geometry(model):
    def edit(m, sub):
        sub.operators[DW].builtinOptions.strideH = 3
    assert "the geometry gives 17x20" in verifier_error(mutated(model, edit))


def test_operators_out_of_order(model):
    def edit(m, sub):
        sub.operators[DW], sub.operators[FC] = sub.operators[FC], sub.operators[DW]
    assert "reads it before operator 2 computes it" in verifier_error(mutated(model, edit))


def test_buffer_size(model):
    def edit(m, sub):
        buffer = m.buffers[sub.tensors[sub.operators[FC].inputs[1]].buffer]
        buffer.data = np.asarray(buffer.data)[:100]
    assert "holds 100 bytes, shape (4, 4000) x int8 needs 16000" in verifier_error(mutated(model, edit))


def test_cli_exit_code_2_one_line(model, tmp_path, capsys):
    def edit(m, sub):
        sub.operators[FC].inputs = with_item(sub.operators[FC].inputs, 1, 10_000)
    path = tmp_path / "bad.tflite"
    path.write_bytes(mutated(model, edit))
    with pytest.raises(SystemExit) as exited:
        main(["inspect", str(path)])
    assert exited.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("error: ") and "operator 2 (FULLY_CONNECTED)" in err[0] and "10000" in err[0]
    assert err[1].startswith("  hint: ") and len(err) == 2


def test_inspect_says_no_when_build_refuses(model, tmp_path):
    """`inspect` answers "microcontroller: yes" only when the emitters accept every operator: here valid
    flatbuffer semantics (the verifier passes) that edgeq's FC kernel, like TFLM's, does not run."""
    def edit(m, sub):
        q = sub.tensors[sub.operators[FC].inputs[1]].quantization
        q.zeroPoint = with_item(q.zeroPoint, 0, 3)
    path = tmp_path / "asymmetric.tflite"
    path.write_bytes(mutated(model, edit))
    report = inspect_model(path)
    assert not report.mcu_compatible
    assert report.mcu_issues[0].startswith("operator 2 (FULLY_CONNECTED): int8 weights with a non-zero zero point")
