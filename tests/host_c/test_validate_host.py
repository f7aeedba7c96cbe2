"""The MLPerf Tiny models through the generated C on the host, against TFLite Micro (the `tflite-micro`
package): every output element identical, for 50 seeded random inputs per model, via `edgeq validate
--target host --json` (the real CLI) and via `edgeq.compile_host(...).predict` under ASan/UBSan."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import edgeq
from edgeq.reference.tflm import run_tflm
from edgeq.validate import load_samples, tensor_infos

MODELS = ["kws_ref_model", "pretrainedResnet_quant", "ad01_int8"]
KEYS = {"reference", "samples", "exact_match_rate", "max_abs_diff", "mismatched_elements", "top1_agreement",
        "arena_bytes", "litert_ref_mismatched_elements", "max_ulp", "ulp_bound", "verdict"}

pytestmark = pytest.mark.tools("gcc", "make")


@pytest.mark.parametrize("name", MODELS)
def test_validate_cli_bit_exact(shared_models, name):
    model = shared_models / f"{name}.tflite"
    proc = subprocess.run([sys.executable, "-m", "edgeq.cli.main", "validate", str(model), "--target", "host",
                           "--data", "random:50", "--json"], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert set(report) == KEYS
    assert report["reference"] == "tflm" and report["samples"] == 50
    assert report["exact_match_rate"] == 1.0 and report["mismatched_elements"] == 0
    assert report["max_abs_diff"] == 0.0 and report["top1_agreement"] == 1.0
    assert report["arena_bytes"] > 0 and report["verdict"] == "bit-exact"


@pytest.mark.parametrize("name", MODELS)
def test_compile_host_sanitized_equals_tflm(shared_models, name):
    from edgeq.ir import parse

    model = shared_models / f"{name}.tflite"
    graph = parse(model)
    (x,) = load_samples("random:50", tensor_infos(graph, graph.inputs), seed=7)
    with edgeq.compile_host(model, sanitize=True) as host:
        y = host.predict(x)
        # per-operator profile: every graph operator once, in order, ending with the same outputs
        ops = host.client.profile_ops()
        assert [o.name for o in ops] == [op.opcode for op in graph.ops]
        assert host.client.results().raw == (y[-1].tobytes(),)
    assert np.array_equal(y, run_tflm(model, x).outputs[0])


def test_validate_npz_float_data_is_quantized_and_mismatch_is_reported(shared_models, tmp_path):
    """Float data is quantized with the input's parameters; a build for another model is refused."""
    from edgeq.build import build_project

    ad01 = shared_models / "ad01_int8.tflite"
    rng = np.random.default_rng(3)
    np.savez(tmp_path / "d.npz", x=rng.normal(size=(4, 1, 640)).astype(np.float32))
    out = build_project(ad01, "host", tmp_path / "b").out_dir
    proc = subprocess.run([sys.executable, "-m", "edgeq.cli.main", "validate", str(out), "--data",
                           str(tmp_path / "d.npz"), "--json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["samples"] == 4
    (out / "model.tflite").write_bytes((shared_models / "kws_ref_model.tflite").read_bytes())
    proc = subprocess.run([sys.executable, "-m", "edgeq.cli.main", "validate", str(out), "--data", "random:1"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0 and "different model" in proc.stderr
