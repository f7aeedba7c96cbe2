"""The fast SVDF kernels (edgeq/codegen/ops/svdf_variants.py) are chosen for every integer SVDF and stream
bit-exactly with TFLite Micro on the host (gcc, ASan + UBSan): the hostile chains of tests/svdf_hostile.py,
six consecutive inferences without a reset, every SVDF's output compared. The base (reference) kernels are run
on the same stream too, so both equal TFLM where the state matters."""
from __future__ import annotations

import numpy as np
import pytest

import edgeq
from edgeq.codegen.model import generate_model
from edgeq.codegen.ops import use_variants
from edgeq.ir import parse
from svdf_hostile import hostile_svdf_model, stream_inputs, tflm_stream

SAMPLES = 6


def test_fast_svdf_kernels_chosen_with_exact_rows_named():
    model = generate_model(parse(hostile_svdf_model()))
    svdf = [op for op in model.ops if op.opcode == "SVDF"]
    assert len(svdf) == 11
    for op in svdf:
        assert any(k.startswith("variants/edgeq_svdf_state_s") for k in op.kernels), op.kernels
        assert not any(k.startswith("reference/") for k in op.kernels), op.kernels
    # multipliers >= 1 and full-range int16 time weights take the full-range form, and say so; a dead unit
    # (bias near 2^31) keeps the 64-bit fast form where its rescaled accumulator stays in int32
    assert any("filter 0: real multiplier 1.5" in line for line in svdf[3].declined), svdf[3].declined
    assert any("unit 0: real multiplier 1.25" in line for line in svdf[3].declined), svdf[3].declined
    assert any("exact requantization for 3 unit(s)" in line and "too near 2^31" in line
               for line in svdf[2].declined), svdf[2].declined
    assert not svdf[5].declined  # int8 state, small scales: every row on the fast form


def _stream_on_host(path, inputs: list[np.ndarray]) -> list[np.ndarray]:
    with edgeq.compile_host(path, sanitize=True) as host:
        raw = [host.client.run(b"".join(x[s].tobytes() for x in inputs)).raw for s in range(SAMPLES)]
    return [np.stack([np.frombuffer(sample[k], dtype=np.int8) for sample in raw]) for k in range(len(raw[0]))]


@pytest.mark.tools("gcc", "make")
@pytest.mark.parametrize("variants", [True, False], ids=["fast", "reference"])
def test_svdf_stream_equals_tflm(tmp_path, variants):
    data = hostile_svdf_model()
    path = tmp_path / "svdf_hostile.tflite"
    path.write_bytes(data)
    graph = parse(data)
    inputs = stream_inputs(graph, SAMPLES, seed=3)
    expected = tflm_stream(data, inputs, len(graph.outputs))
    with use_variants(variants):
        got = _stream_on_host(path, inputs)
    for k, (g, e) in enumerate(zip(got, expected, strict=True)):
        mismatched = int(np.count_nonzero(g != e))
        assert mismatched == 0, f"SVDF {k}: {mismatched} of {e.size} elements differ from TFLM"
        assert len(np.unique(e)) > 1, f"SVDF {k}: degenerate (constant) reference output"
    # the state matters: a later inference differs from the same input on a fresh state
    fresh = tflm_stream(data, [x[SAMPLES - 1:] for x in inputs], len(graph.outputs))
    assert any(not np.array_equal(f[0], e[-1]) for f, e in zip(fresh, expected))
