"""Host fallback (LiteRT) on the shared MLPerf Tiny models: consistent statistics, the delegate really applied."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from edgeq.bench.host_litert import run_on_host
from edgeq.cli.bench import command

MODELS = ["kws_ref_model.tflite", "ad01_int8.tflite", "pretrainedResnet_quant.tflite"]


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("xnnpack", [True, False])
def test_plausible_statistics_and_real_delegate(shared_models, name, xnnpack):
    """Statistics are consistent, and --xnnpack/--no-xnnpack really change the kernels: LiteRT's execution
    plan holds an XNNPACK partition only when it is on (timing ratios are left to tools/ benchmarks)."""
    r = run_on_host(shared_models / name, threads=1, xnnpack=xnnpack, runs=5, warmups=1)
    assert r.target == "host" and r.delegate == ("xnnpack" if xnnpack else "cpu")
    assert 0 < r.latency_min_ms <= r.latency_ms <= r.latency_max_ms
    assert r.latency_std_ms is not None and r.latency_std_ms >= 0
    assert r.init_ms > 0 and r.first_inference_ms > 0 and r.runs == 5 and r.warmups == 1
    assert (r.latency_source, r.timing_source) == ("measured", "wall")
    assert r.energy_uj is None and r.energy_source is None
    assert r.delegate_applied is (True if xnnpack else None)
    assert ("partition" in r.delegate_detail) if xnnpack else ("no XNNPACK" in r.delegate_detail)


def test_cli_json_keys(shared_models):
    out = CliRunner().invoke(command, [str(shared_models / "ad01_int8.tflite"), "--host", "--no-xnnpack",
                                       "--runs", "10", "--warmups", "1", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output[out.output.index("{"):])
    for key in ("latency_ms", "latency_source", "timing_source", "energy_uj", "energy_source", "runs", "warmups",
                "delegate", "delegate_applied", "init_ms", "first_inference_ms", "latency_std_ms", "target"):
        assert key in data
    assert data["target"] == "host" and data["delegate"] == "cpu" and data["runs"] == 10
    # the vocabulary of the MCU bench and of results.json: a real measurement here, timed by the wall clock
    assert data["latency_source"] == "measured" and data["timing_source"] == "wall"


def test_cli_refuses_bad_input(tmp_path):
    bad = tmp_path / "m.tflite"
    bad.write_bytes(b"not a model")
    result = CliRunner().invoke(command, [str(bad), "--host"])
    assert "LiteRT cannot load" in str(result.exception)
    assert "choose exactly one of --adb" in str(CliRunner().invoke(command, [str(bad)]).exception)
    assert "does not exist on the host" in str(
        CliRunner().invoke(command, [str(bad), "--host", "--delegate", "gpu"]).exception)
