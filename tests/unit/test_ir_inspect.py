"""IR parsing, MAC counting and `edgeq inspect` on the real MLPerf Tiny models."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from edgeq.errors import EdgeqError
from edgeq.ir import mcu_support, parse, require_mcu_support, total_macs

# MAC totals published with the MLPerf Tiny models (../shared/models/README.md), not computed by edgeq.
PUBLISHED_MACS = {
    "kws_ref_model.tflite": 2_656_768,
    "pretrainedResnet_quant.tflite": 12_501_632,
    "ad01_int8.tflite": 264_192,
}


@pytest.mark.parametrize("name, macs", sorted(PUBLISHED_MACS.items()))
def test_total_macs_match_published_figures(shared_models, name, macs):
    assert total_macs(parse(shared_models / name)) == macs


def test_constant_data_matches_litert(shared_models):
    """Weights decoded by edgeq equal the ones LiteRT's interpreter holds (an independent reader)."""
    from ai_edge_litert.interpreter import Interpreter

    path = shared_models / "kws_ref_model.tflite"
    graph = parse(path)
    interp = Interpreter(model_path=str(path), experimental_preserve_all_tensors=True)
    interp.allocate_tensors()
    details = {d["index"]: d for d in interp.get_tensor_details()}
    checked = 0
    for t in graph.tensors:
        if t.is_constant and t.dtype in ("int8", "int32"):
            np.testing.assert_array_equal(interp.get_tensor(t.index), t.data)
            q = details[t.index]["quantization_parameters"]
            ours = np.asarray(t.quant.scale if t.quant else [], dtype=np.float32)
            # LiteRT may broadcast a per-tensor weight scale to every output channel once allocated.
            np.testing.assert_allclose(q["scales"], np.broadcast_to(ours, q["scales"].shape), rtol=1e-6)
            checked += 1
    assert checked >= 20


def test_full_integer_models_are_mcu_compatible(shared_models):
    for name in PUBLISHED_MACS:
        assert mcu_support(parse(shared_models / name)) == ()


def test_hybrid_model_is_refused_with_reason(shared_models):
    graph = parse(shared_models / "kws_ref_model_float32.tflite")
    issues = mcu_support(graph)
    assert issues and all("hybrid" in i.reason for i in issues)
    with pytest.raises(EdgeqError) as err:
        require_mcu_support(graph)
    assert "operator 0 (CONV_2D)" in err.value.message and "--mode int8" in err.value.hint


@pytest.mark.parametrize("payload", [b"", b"garbage" * 10, b"\x00\x00\x00\x00TFL3" + b"\xff" * 40])
def test_garbage_is_a_clear_error(tmp_path, payload):
    path = tmp_path / "bad.tflite"
    path.write_bytes(payload)
    with pytest.raises(EdgeqError) as err:
        parse(path)
    assert str(path) in err.value.message


def test_bytes_errors_name_the_label(shared_models):
    """`edgeq build` parses bytes it read from a file: the error must name that file, not `<bytes>`."""
    with pytest.raises(EdgeqError, match="^/etc/passwd is not a TFLite flatbuffer"):
        parse(b"root:x:0:0:root:/root:/bin/bash\n", label="/etc/passwd")
    data = (shared_models / "ad01_int8.tflite").read_bytes()
    with pytest.raises(EdgeqError, match="^models/cut.tflite is a damaged TFLite file"):
        parse(data[: len(data) // 3], label="models/cut.tflite")


def test_truncated_model_is_a_clear_error(tmp_path, shared_models):
    data = (shared_models / "ad01_int8.tflite").read_bytes()
    path = tmp_path / "truncated.tflite"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(EdgeqError):
        parse(path)


def _edgeq(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edgeq.cli.main", *args], capture_output=True, text=True, timeout=60)


# In a fresh interpreter: import edgeq's CLI, then time `main([...])` alone (interpreter start-up is not
# edgeq's to shorten), print the seconds last on stderr, and check TensorFlow was never imported.
_TIMED_MAIN = (
    "import sys, time\nfrom edgeq.cli.main import main\nt = time.perf_counter()\n"
    "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\nelapsed = time.perf_counter() - t\n"
    "assert 'tensorflow' not in sys.modules, 'imported TensorFlow'\nprint(elapsed, file=sys.stderr)\n"
)


def _timed_main(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    proc = subprocess.run([sys.executable, "-c", _TIMED_MAIN, *args], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc, float(proc.stderr.strip().splitlines()[-1])


def test_inspect_cli_json_without_tensorflow(shared_models):
    proc, elapsed = _timed_main("inspect", str(shared_models / "pretrainedResnet_quant.tflite"), "--json")
    report = json.loads(proc.stdout)
    assert report["total_macs"] == 12_501_632
    assert report["mcu_compatible"] is True
    assert [op["opcode"] for op in report["ops"]].count("ADD") == 3
    assert elapsed < 1.0  # issue 5: `edgeq inspect` under a second


def test_inspect_cli_flags_hybrid_model(shared_models):
    proc = _edgeq("inspect", str(shared_models / "kws_ref_model_float32.tflite"))
    assert proc.returncode == 0
    assert "microcontroller   NO" in proc.stdout and "hybrid" in proc.stdout


def test_inspect_cli_missing_file_is_clear(tmp_path):
    proc = _edgeq("inspect", str(tmp_path / "nope.tflite"))
    assert proc.returncode != 0
    assert "not found" in proc.stderr and "Traceback" not in proc.stderr


def test_help_is_fast_and_light():
    proc, elapsed = _timed_main("--help")
    assert "convert" in proc.stdout or "inspect" in proc.stdout
    assert elapsed < 1.0  # issue 5: `edgeq --help` under a second, without TensorFlow


def test_python_api_mirrors_inspect(shared_models):
    import edgeq

    report = edgeq.inspect(shared_models / "ad01_int8.tflite")
    assert report.total_macs == 264_192 and report.mcu_compatible
    assert len(report.ops) == 10
