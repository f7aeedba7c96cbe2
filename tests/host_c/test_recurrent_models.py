"""Recurrent and stateful models on the host (gcc, ASan + UBSan) against TFLite Micro.

* The shared models trained_lstm_int8 (UNIDIRECTIONAL_SEQUENCE_LSTM) and keyword_scrambled_8bit (SVDF,
  QUANTIZE int16 → int8 and int16 → int32, SOFTMAX int8 → int16) equal TFLM, whole and cut after their
  recurrent operator (whose outputs are not saturated like the classifiers').
* Hand-built models cover what no Keras layer converts to: SVDF with int8/int16 state and float32, the int16
  LSTM, QUANTIZE between every integer pair TFLM runs, a resource variable (VAR_HANDLE, READ_VARIABLE,
  ASSIGN_VARIABLE) initialised by CALL_ONCE.
* Streaming: state survives `invoke` exactly as in TFLM. Two consecutive inferences through the DUT protocol
  equal two consecutive `invoke`s of one TFLM interpreter (the second differs from a fresh run of the same
  input), and `edgeq reset` does what TFLM's `reset()` does (variables back to their initial values; a
  CALL_ONCE init does not run again).
"""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import edgeq
from edgeq.ir import parse
from edgeq.reference import run_tflm
from handmade_models import accumulator_model, lstm_batched, lstm_int16, lstm_only, quantize_model, svdf_model
from harness import random_inputs

pytestmark = pytest.mark.tools("gcc")

SAMPLES = 6


def _inputs(graph, seed: int, spread: float = 1.0) -> list[np.ndarray]:
    """Random samples; `spread` < 1 narrows integer inputs around the zero point (full-range ones saturate
    these classifiers, hiding the recurrent arithmetic)."""
    batches = random_inputs(graph, SAMPLES, seed)
    if spread == 1.0:
        return batches
    out = []
    for index, batch in zip(graph.inputs, batches):
        t = graph.tensors[index]
        zp = t.quant.zero_point[0] if t.quant else 0
        info = np.iinfo(t.dtype)
        out.append(np.clip(zp + (batch.astype(np.int64) - zp) * spread, info.min, info.max).astype(t.dtype))
    return out


def _assert_equal_to_tflm(host_model, model: bytes, inputs=None, seed: int = 1) -> None:
    compiled = host_model(model)
    inputs = inputs if inputs is not None else _inputs(compiled.graph, seed)
    expected = run_tflm(model, inputs).outputs
    actual = compiled.run(inputs)
    for a, e in zip(actual, expected, strict=True):
        if a.dtype.kind == "f":
            np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-6)
        else:
            assert np.array_equal(a, e), f"{int(np.count_nonzero(a != e))} of {a.size} elements differ"
        assert len(np.unique(e)) > 1, "degenerate test: the reference output is constant"


@pytest.mark.parametrize("name,spread", [("trained_lstm_int8", 0.5), ("keyword_scrambled_8bit", 0.1)])
def test_shared_model_equals_tflm(shared_models, host_model, name, spread):
    data = (shared_models / f"{name}.tflite").read_bytes()
    graph = parse(data)
    _assert_equal_to_tflm(host_model, data, _inputs(graph, seed=3, spread=spread))


@pytest.mark.tools("gcc", "make")
@pytest.mark.parametrize("name", ["trained_lstm_int8", "keyword_scrambled_8bit"])
def test_validate_cli_on_host(shared_models, name):
    """`edgeq validate MODEL --target host`: state reset per sample on both sides; LiteRT's reference SVDF
    crashing on keyword_scrambled_8bit leaves TFLM's verdict standing."""
    proc = subprocess.run([sys.executable, "-m", "edgeq.cli.main", "validate", str(shared_models / f"{name}.tflite"),
                           "--target", "host", "--data", "random:8", "--json"], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["samples"] == 8 and report["mismatched_elements"] == 0


def test_lstm_hidden_sequence_equals_tflm(shared_models, host_model):
    model = lstm_only((shared_models / "trained_lstm_int8.tflite").read_bytes())
    _assert_equal_to_tflm(host_model, model, _inputs(parse(model), seed=4, spread=0.5))


@pytest.mark.parametrize("time_major", [False, True])
def test_lstm_two_batch_rows_equal_tflm(shared_models, host_model, time_major):
    model = lstm_batched((shared_models / "trained_lstm_int8.tflite").read_bytes(), time_major)
    _assert_equal_to_tflm(host_model, model, _inputs(parse(model), seed=10, spread=0.5))


def test_int16_lstm_equals_tflm(shared_models, host_model):
    model = lstm_int16((shared_models / "trained_lstm_int8.tflite").read_bytes())
    assert parse(model).ops[0].opcode == "UNIDIRECTIONAL_SEQUENCE_LSTM"
    _assert_equal_to_tflm(host_model, model, seed=5)


@pytest.mark.parametrize("state", ["INT8", "INT16", "FLOAT32"])
def test_svdf_equals_tflm(host_model, state):
    _assert_equal_to_tflm(host_model, svdf_model(state), seed=6)


@pytest.mark.parametrize("src,dst", [("INT8", "INT16"), ("INT16", "INT8"), ("INT8", "INT32"), ("INT16", "INT32"),
                                     ("INT32", "INT8"), ("INT32", "INT16"), ("INT8", "INT8"), ("INT16", "INT16"),
                                     ("INT8", "UINT8"), ("UINT8", "INT8")])
def test_quantize_pair_equals_tflm(host_model, src, dst):
    model = quantize_model(src, dst)
    graph = parse(model)
    inputs = _inputs(graph, seed=7)
    if src == "INT32":  # values an int32 producer (e.g. a bias-sized accumulator) would hand over
        inputs = [(inputs[0] // 4096).astype(np.int32)]
    _assert_equal_to_tflm(host_model, model, inputs)


def test_unsupported_quantize_pair_is_refused_before_generation():
    from edgeq.errors import EdgeqError
    from edgeq.ir import require_mcu_support

    with pytest.raises(EdgeqError, match="QUANTIZE int16 → uint8 is not supported"):
        require_mcu_support(parse(quantize_model("INT16", "UINT8")))


def _tflm_stream(model: bytes, samples: list[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    """One TFLM interpreter invoked on each sample in turn without a reset (state carries over), then reset()
    and invoked on the first sample again (variables zeroed; a CALL_ONCE init does not run again)."""
    from tflite_micro.python.tflite_micro import runtime

    interpreter = runtime.Interpreter.from_bytes(model)
    outputs = []
    for sample in samples + samples[:1]:
        if len(outputs) == len(samples):
            interpreter.reset()
        interpreter.set_input(np.ascontiguousarray(sample), 0)
        interpreter.invoke()
        outputs.append(np.array(interpreter.get_output(0)))
    return outputs[:-1], outputs[-1]


def _stream_on_host(model_path, samples: list[np.ndarray]) -> tuple[list[bytes], bytes]:
    """Consecutive inferences through the DUT protocol, then `edgeq reset` and the first sample again."""
    with edgeq.compile_host(model_path, sanitize=True) as host:
        streamed = [host.client.run(np.ascontiguousarray(s).tobytes()).raw[0] for s in samples]
        host.client.command("edgeq reset")
        return streamed, host.client.run(np.ascontiguousarray(samples[0]).tobytes()).raw[0]


def streaming_models(shared_models) -> dict[str, tuple[bytes, float, bool]]:
    """name -> (model, input spread, whether its output visibly depends on earlier inputs). trained_lstm's
    recurrent output is its LSTM's hidden sequence (its classifier saturates on random data); the scrambled
    keyword model saturates at every layer, so a hand-built SVDF shows the SVDF state's effect."""
    lstm = lstm_only((shared_models / "trained_lstm_int8.tflite").read_bytes())
    keyword = (shared_models / "keyword_scrambled_8bit.tflite").read_bytes()
    return {"trained_lstm_int8": (lstm, 0.5, True), "keyword_scrambled_8bit": (keyword, 0.05, False),
            "svdf_int8": (svdf_model("INT8"), 1.0, True), "resource_variable": (ACCUMULATOR, 1.0, True)}


ACCUMULATOR = accumulator_model(np.array([[1.0, -2.0, 3.5, 0.25]], np.float32))


def test_resource_variable_model_equals_tflm(host_model):
    _assert_equal_to_tflm(host_model, ACCUMULATOR, seed=9)


@pytest.mark.parametrize("name", ["trained_lstm_int8", "keyword_scrambled_8bit", "svdf_int8", "resource_variable"])
def test_state_survives_inferences_as_in_tflm(shared_models, tmp_path, name):
    model, spread, visible = streaming_models(shared_models)[name]
    path = tmp_path / f"{name}.tflite"
    path.write_bytes(model)
    samples = list(_inputs(parse(model), seed=8, spread=spread)[0][:3])
    expected, expected_after_reset = _tflm_stream(model, samples)
    streamed, after_reset = _stream_on_host(path, samples)
    for k, (raw, want) in enumerate(zip(streamed, expected)):
        assert raw == want.tobytes(), f"inference {k + 1} differs from TFLM's invoke {k + 1}"
    if visible:
        fresh = run_tflm(model, samples[1][None]).outputs[0][0]
        assert streamed[1] != fresh.tobytes(), "the second inference must depend on the first"
    assert after_reset == expected_after_reset.tobytes()
