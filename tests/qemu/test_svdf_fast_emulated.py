"""The fast SVDF kernels on emulated boards: chosen for every SVDF of the hostile chains (tests/svdf_hostile.py)
and bit-exact with TFLite Micro over six consecutive inferences (the state carried between them). Cortex-M4
(mps2-an386): the packed SMLAD feature GEMM (int16 states: edgeq_svdf_feature_s16) and the DSP state kernels;
Cortex-M55 (mps3-an547): the Helium feature and state kernels."""
from __future__ import annotations

import json

import numpy as np
import pytest

from device_run import run_on_emulated_board
from handmade_models import edit_model
from edgeq.ir import parse
from svdf_hostile import hostile_svdf_model, stream_inputs, tflm_stream

SAMPLES = 6


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
@pytest.mark.parametrize("board,kernels", [
    ("cortex-m4", {"int8": ("variants/edgeq_gemm_rows_direct_s8.c", "variants/edgeq_svdf_state_s8.c"),
                   "int16": ("variants/edgeq_svdf_feature_s16.c", "variants/edgeq_svdf_state_s16.c")}),
    ("mps3-an547", {"int8": ("mve/edgeq_svdf_feature_mve_s8.c", "mve/edgeq_svdf_state_mve_s8.c"),
                    "int16": ("mve/edgeq_svdf_feature_mve_s8.c", "mve/edgeq_svdf_state_mve_s16.c")}),
])
def test_fast_svdf_streams_equal_tflm(tmp_path, board, kernels):
    data = hostile_svdf_model()
    model = tmp_path / "svdf_hostile.tflite"
    model.write_bytes(data)
    graph = parse(data)
    inputs = stream_inputs(graph, SAMPLES, seed=5)
    expected = tflm_stream(data, inputs, len(graph.outputs))
    got = run_on_emulated_board(model, inputs, tmp_path / "fw", target=board)
    manifest = json.loads((tmp_path / "fw" / "edgeq-build.json").read_text())
    svdf = [op for op in manifest["ops"] if op["opcode"] == "SVDF"]
    assert len(svdf) == 11
    for op in svdf:
        state_dtype = graph.tensors[graph.ops[op["index"]].inputs[4]].dtype
        assert tuple(op.get("kernels", ())) == tuple(f"kernels/{k}" for k in kernels[state_dtype]), op
    for k, (g, e) in enumerate(zip(got, expected, strict=True)):
        mismatched = int(np.count_nonzero(g != e))
        assert mismatched == 0, f"SVDF {k}: {mismatched} of {e.size} elements differ from TFLM"


@pytest.mark.tools("qemu-system-arm", "arm-none-eabi-gcc")
def test_keyword_scrambled_svdfs_stream_equal_tflm_on_m55(shared_models, tmp_path):
    """The shared SVDF model on the Helium kernels, cut after its last SVDF with every SVDF's output as a model
    output (input rows of 96, 16 and 32 bytes, memories 8 and 32; the classifier after them saturates): four
    consecutive inferences equal four TFLM invokes. Inputs near the zero point: full-range ones saturate it."""
    data = (shared_models / "keyword_scrambled_8bit.tflite").read_bytes()
    graph = parse(data)
    svdf = [op for op in graph.ops if op.opcode == "SVDF"]
    data = edit_model(data, svdf[-1].index + 1, [op.outputs[0] for op in svdf])
    model = tmp_path / "keyword_svdfs.tflite"
    model.write_bytes(data)
    graph = parse(data)
    x = graph.tensors[graph.inputs[0]]
    samples = np.random.default_rng(7).integers(-1500, 1500, (4, *x.shape)).astype(x.dtype)
    expected = tflm_stream(data, [samples], len(graph.outputs))
    got = run_on_emulated_board(model, [samples], tmp_path / "fw", target="mps3-an547")
    for k, (g, e) in enumerate(zip(got, expected, strict=True)):
        assert len(np.unique(e)) > 1, f"SVDF {k}: degenerate (constant) reference output"
        assert int(np.count_nonzero(g != e)) == 0, f"SVDF {k}: {int(np.count_nonzero(g != e))} of {e.size} differ"
