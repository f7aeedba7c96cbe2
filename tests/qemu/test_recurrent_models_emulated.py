"""Recurrent models on the emulated Cortex-M4 (QEMU mps2-an386) against TFLite Micro.

trained_lstm_int8 (UNIDIRECTIONAL_SEQUENCE_LSTM) and keyword_scrambled_8bit (SVDF, QUANTIZE int16 → int8 /
int16 → int32, SOFTMAX int8 → int16) give TFLM's exact output bytes for independent samples (`edgeq reset`
before each, as the TFLM reference resets its variables), and their state lives on the device exactly as in
TFLM: consecutive inferences equal consecutive `invoke`s of one TFLM interpreter, and `edgeq reset` returns to
the first answer. The LSTM alone (its hidden sequence as output) shows that the second inference depends on
the first; a resource variable initialised by CALL_ONCE accumulates across inferences as in TFLM.
"""
from __future__ import annotations

import numpy as np
import pytest

from edgeq.ir import parse
from edgeq.reference import run_tflm
from handmade_models import accumulator_model, lstm_only

pytestmark = pytest.mark.tools("arm-none-eabi-gcc", "qemu-system-arm")

SPREAD = {"trained_lstm_int8": 0.5, "keyword_scrambled_8bit": 0.05}  # full-range inputs saturate both


def _samples(graph, n: int, spread: float, seed: int) -> np.ndarray:
    t = graph.tensors[graph.inputs[0]]
    zp = t.quant.zero_point[0]
    info = np.iinfo(t.dtype)
    rng = np.random.default_rng(seed)
    x = zp + rng.integers(info.min, info.max, (n, *t.shape), endpoint=True) * spread
    return np.clip(x, info.min, info.max).astype(t.dtype)


def _tflm_stream(model: bytes, samples: np.ndarray) -> list[bytes]:
    from tflite_micro.python.tflite_micro import runtime

    interpreter = runtime.Interpreter.from_bytes(model)
    out = []
    for sample in samples:
        interpreter.set_input(np.ascontiguousarray(sample), 0)
        interpreter.invoke()
        out.append(np.array(interpreter.get_output(0)).tobytes())
    return out


def _device(build_dir):
    from edgeq.build import read_build
    from edgeq.targets.resolver import resolve_run
    from edgeq.transport.client import DutClient

    build = read_build(build_dir)
    transport = resolve_run(build, emulate=True).open(build)
    client = DutClient(transport, timeout=60.0)
    client.sync()
    return transport, client


def _run(client, sample: np.ndarray) -> bytes:
    return client.run(np.ascontiguousarray(sample).tobytes()).raw[0]


@pytest.mark.parametrize("name", ["trained_lstm_int8", "keyword_scrambled_8bit"])
def test_recurrent_model_on_m4_equals_tflm_and_streams(shared_models, model_build, name):
    data = (shared_models / f"{name}.tflite").read_bytes()
    graph = parse(data)
    samples = _samples(graph, 4, SPREAD[name], seed=11)
    independent = run_tflm(data, samples).outputs[0]
    streamed = _tflm_stream(data, samples[:3])
    transport, client = _device(model_build(name))
    try:
        for k, sample in enumerate(samples):
            client.command("edgeq reset")
            assert _run(client, sample) == independent[k].tobytes(), f"sample {k}"
        client.command("edgeq reset")
        assert [_run(client, s) for s in samples[:3]] == streamed
        client.command("edgeq reset")
        assert _run(client, samples[0]) == streamed[0]
    finally:
        transport.close()


@pytest.mark.parametrize("name", ["trained_lstm_int8", "keyword_scrambled_8bit"])
def test_validate_emulated(model_build, name):
    """`edgeq validate BUILD --emulate` on the cortex-m4 build: bit-exact with TFLM (state reset per sample)."""
    from edgeq.validate import validate_build

    report = validate_build(model_build(name), "random:6", target=None, emulate=True)
    assert report.samples == 6 and report.mismatched_elements == 0


def test_resource_variable_streams_on_m4(tmp_path):
    from edgeq.build import build_project

    model = accumulator_model(np.array([[0.5, -1.0, 2.0]], np.float32))
    path = tmp_path / "accumulator.tflite"
    path.write_bytes(model)
    samples = np.random.default_rng(13).normal(size=(3, 1, 3)).astype(np.float32)
    streamed = _tflm_stream(model, samples)
    transport, client = _device(build_project(path, "cortex-m4", tmp_path / "build").out_dir)
    try:
        assert [_run(client, s) for s in samples] == streamed  # CALL_ONCE's init, then the running sum
    finally:
        transport.close()


def test_lstm_state_carries_over_on_m4(shared_models, tmp_path):
    from edgeq.build import build_project

    model = lstm_only((shared_models / "trained_lstm_int8.tflite").read_bytes())
    path = tmp_path / "lstm_only.tflite"
    path.write_bytes(model)
    samples = _samples(parse(model), 2, 0.5, seed=12)
    streamed = _tflm_stream(model, samples)
    fresh_second = run_tflm(model, samples[1:]).outputs[0][0].tobytes()
    assert streamed[1] != fresh_second  # TFLM's second invoke depends on the first
    transport, client = _device(build_project(path, "cortex-m4", tmp_path / "build").out_dir)
    try:
        assert [_run(client, s) for s in samples] == streamed
    finally:
        transport.close()
