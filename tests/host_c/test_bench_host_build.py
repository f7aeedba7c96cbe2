"""`edgeq bench DIR --host` benches the generated C of a host build (it used to say "model does not exist"),
and `Build` reads a build directory once, typed."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from edgeq.build.manifest import read_build
from edgeq.errors import EdgeqError


def _edgeq(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "edgeq", *map(str, args)], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


@pytest.mark.tools("gcc", "make")
def test_bench_a_host_build_on_the_host(shared_models, tmp_path):
    model = shared_models / "ad01_int8.tflite"
    proc = _edgeq("build", model, "--target", "host", "-o", tmp_path / "fw")
    assert proc.returncode == 0, proc.stderr
    build = read_build(tmp_path / "fw")
    assert build.is_host and build.model_name == "ad01_int8" and build.program.is_file()
    assert build.model.read_bytes() == model.read_bytes() and build.arena_bytes > 0
    assert [op.opcode for op in build.ops][:1] == ["FULLY_CONNECTED"] and build.ops[0].kernels

    proc = _edgeq("bench", tmp_path / "fw", "--host", "--runs", "5", "--warmups", "1", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["model"] == "ad01_int8" and result["runs"] == 5 and len(result["per_run_latency_ms"]) == 5
    assert 0 < result["latency_min_ms"] <= result["latency_ms"] <= result["latency_max_ms"]
    assert result["latency_source"] == "host" and result["arena_bytes"] == build.arena_bytes


def test_read_build_refuses_what_is_not_a_build(tmp_path):
    with pytest.raises(EdgeqError, match="not an edgeq build directory"):
        read_build(tmp_path)
    (tmp_path / "edgeq-build.json").write_text(json.dumps({"target": "host", "model": {"name": "m"}}))
    with pytest.raises(EdgeqError, match="lacks a valid 'sha256'"):
        read_build(tmp_path)
    (tmp_path / "edgeq-build.json").write_text("{")
    with pytest.raises(EdgeqError, match="corrupt"):
        read_build(tmp_path)
