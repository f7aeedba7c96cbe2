"""Bad input through the real CLI (`.venv/bin/edgeq`): clear message, non-zero exit, nothing left behind."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

EDGEQ = str(Path(sys.executable).parent / "edgeq")


def _run(*args, cwd=None):
    return subprocess.run([EDGEQ, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)


def _assert_clean_failure(proc, out: Path, *words):
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "error:" in proc.stderr and "hint:" in proc.stderr, proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}")], "temp file left behind"


def test_missing_model(tmp_path):
    out = tmp_path / "o.tflite"
    _assert_clean_failure(_run("convert", tmp_path / "nope.keras", "-o", out, "--mode", "fp32"), out, "not found")


def test_unknown_mode(digits, tmp_path):
    out = tmp_path / "o.tflite"
    _assert_clean_failure(_run("convert", digits.model, "-o", out, "--mode", "int3"), out, "unknown quantization mode", "int16x8")


def test_output_exists_without_force(digits, tmp_path):
    out = tmp_path / "o.tflite"
    out.write_bytes(b"user data")
    proc = _run("convert", digits.model, "-o", out, "--mode", "fp32")
    assert proc.returncode != 0 and "already exists" in proc.stderr and "--force" in proc.stderr
    assert out.read_bytes() == b"user data"


@pytest.mark.slow
def test_force_overwrites(digits, tmp_path):
    out = tmp_path / "o.tflite"
    out.write_bytes(b"old")
    proc = _run("convert", digits.model, "-o", out, "--mode", "fp32", "--force")
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[4:8] == b"TFL3"


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["truncated", "garbage"])
def test_broken_h5(kind, tmp_path, shared_models):
    src = (shared_models / "ad01.h5").read_bytes()
    bad = tmp_path / "bad.h5"
    bad.write_bytes(src[: len(src) // 3] if kind == "truncated" else b"\x89HDF not really" * 100)
    out = tmp_path / "o.tflite"
    _assert_clean_failure(_run("convert", bad, "-o", out, "--mode", "fp32"), out, "cannot load Keras model")


@pytest.mark.slow
def test_calibration_wrong_shape(digits, tmp_path):
    calib = tmp_path / "c.npy"
    np.save(calib, np.zeros((10, 28, 28, 1), np.float32))
    out = tmp_path / "o.tflite"
    _assert_clean_failure(_run("convert", digits.model, "-o", out, "--calib", calib), out, "(28, 28, 1)", "(8, 8, 1)")


@pytest.mark.slow
def test_calibration_with_nan(digits, tmp_path):
    x = digits.split.x_train[:20].copy()
    x[3, 2, 2, 0] = np.nan
    calib = tmp_path / "c.npz"
    np.savez(calib, x=x)
    out = tmp_path / "o.tflite"
    _assert_clean_failure(_run("convert", digits.model, "-o", out, "--calib", calib), out, "NaN", "sample 3")


def test_calibration_missing_for_int8(digits, tmp_path):
    out = tmp_path / "o.tflite"
    _assert_clean_failure(_run("convert", digits.model, "-o", out, "--mode", "int8"), out, "needs calibration data")


def test_synthetic_needs_range(digits, tmp_path):
    out = tmp_path / "o.tflite"
    _assert_clean_failure(_run("convert", digits.model, "-o", out, "--calib", "synthetic"), out, "--input-range")


def test_io_only_for_integer_modes(digits, tmp_path):
    out = tmp_path / "o.tflite"
    _assert_clean_failure(_run("convert", digits.model, "-o", out, "--mode", "fp16", "--io", "int8"), out, "--io int8")


def test_convert_crash_becomes_error(monkeypatch, tmp_path, digits):
    """A converter that dies from a signal (as some int8 LSTM conversions do) becomes an EdgeqError."""
    import os
    import signal

    from edgeq.convert import child
    from edgeq.convert.modes import ConvertRequest
    from edgeq.errors import EdgeqError

    # The child is the real worker entry point; SIGSEGV is delivered to it as the converter would cause.
    class Segv(child.subprocess.Popen):
        def __init__(self, args, **kw):
            super().__init__([sys.executable, "-c", f"import os; os.kill(os.getpid(), {int(signal.SIGSEGV)})"], **kw)

    monkeypatch.setattr(child.subprocess, "Popen", Segv)
    with pytest.raises(EdgeqError) as err:
        child.run(ConvertRequest(model=str(digits.model), mode="fp32", io="float"), tmp_path / "job", lambda _: None)
    assert "crashed" in err.value.message and "SIGSEGV" in err.value.message
    assert os.path.exists(tmp_path / "job" / "request.json")
