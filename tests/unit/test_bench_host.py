"""Host fallback (LiteRT) on the shared MLPerf Tiny models: plausible, repeatable statistics."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from edgeq.bench.host_litert import run_on_host
from edgeq.cli.bench import command

MODELS = ["kws_ref_model.tflite", "ad01_int8.tflite", "pretrainedResnet_quant.tflite"]


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("xnnpack", [True, False])
def test_plausible_and_repeatable(shared_models, name, xnnpack):
    a, b = (run_on_host(shared_models / name, threads=1, xnnpack=xnnpack, runs=30, warmups=3) for _ in range(2))
    for r in (a, b):
        assert r.target == "host" and r.delegate == ("xnnpack" if xnnpack else "cpu")
        assert 0 < r.latency_min_ms <= r.latency_ms <= r.latency_max_ms < 1000
        assert r.latency_std_ms is not None and r.latency_std_ms >= 0
        assert r.init_ms > 0 and r.first_inference_ms > 0 and r.runs == 30 and r.warmups == 3
        assert r.energy_uj is None
    # Shared 2-core machine: only a generous factor between two runs.
    assert 1 / 5 < a.latency_ms / b.latency_ms < 5


def test_builtin_kernels_slower_than_xnnpack_on_resnet(shared_models):
    """XNNPACK off really changes the kernels: ResNet int8 is several times slower without it."""
    model = shared_models / "pretrainedResnet_quant.tflite"
    on = min(run_on_host(model, threads=1, xnnpack=True, runs=30, warmups=3).latency_ms for _ in range(2))
    off = min(run_on_host(model, threads=1, xnnpack=False, runs=30, warmups=3).latency_ms for _ in range(2))
    assert off > 1.5 * on


def test_cli_json_keys(shared_models):
    out = CliRunner().invoke(command, [str(shared_models / "ad01_int8.tflite"), "--host", "--no-xnnpack",
                                       "--runs", "10", "--warmups", "1", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output[out.output.index("{"):])
    for key in ("latency_ms", "latency_source", "energy_uj", "energy_source", "runs", "warmups", "delegate",
                "delegate_applied", "init_ms", "first_inference_ms", "latency_std_ms", "target"):
        assert key in data
    assert data["target"] == "host" and data["delegate"] == "cpu" and data["runs"] == 10


def test_cli_refuses_bad_input(tmp_path):
    bad = tmp_path / "m.tflite"
    bad.write_bytes(b"not a model")
    result = CliRunner().invoke(command, [str(bad), "--host"])
    assert "LiteRT cannot load" in str(result.exception)
    assert "exactly one target" in str(CliRunner().invoke(command, [str(bad)]).exception)
    assert "does not exist on the host" in str(
        CliRunner().invoke(command, [str(bad), "--host", "--delegate", "gpu"]).exception)
