"""`edgeq evaluate`: metrics, agreement and per-layer SQNR on the digits CNN, plus the pure helpers."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from convert_fixtures import litert_accuracy
from edgeq.convert import evaluate as ev
from edgeq.convert.runtime import OpOutput


def test_sqnr_db_known_values():
    ref = np.ones(100)
    assert ev.sqnr_db(ref, ref) == math.inf
    assert ev.sqnr_db(ref, ref + 0.1) == pytest.approx(20.0)  # signal 100, noise 1 -> 20 dB


def test_match_ops_by_name_then_order():
    def op(i, name, tensor, shape=(2, 3)):
        return OpOutput(i, name, tensor, np.zeros(shape), "float32")

    floats = [op(0, "CONV_2D", "a"), op(1, "RESHAPE", "b"), op(2, "FULLY_CONNECTED", "c")]
    quants = [op(0, "QUANTIZE", "in"), op(1, "CONV_2D", "a"), op(2, "RESHAPE", "renamed"),
              op(3, "FULLY_CONNECTED", "c2"), op(4, "DEQUANTIZE", "out")]
    pairs = ev.match_ops(floats, quants)
    assert [(f.tensor_name, q.tensor_name, how) for f, q, how in pairs] == [
        ("a", "a", "name"), ("b", "renamed", "order"), ("c", "c2", "order")]


def test_task_detection():
    probs = np.full((4, 10), 0.1)
    assert ev.task_of(np.arange(4), probs) == "classification"
    assert ev.task_of(np.eye(10)[:4], probs) == "classification"
    assert ev.task_of(np.zeros((4, 10), np.float32) + 0.3, probs) == "regression"


@pytest.mark.slow
def test_evaluate_int8_digits(digits, digits_converted):
    from edgeq.convert.api import evaluate

    int8 = digits_converted.get("int8")
    result = evaluate(digits.model, int8.output, digits.files["test"], layer_samples=30)
    assert result.task == "classification" and result.samples == len(digits.split.y_test)
    assert result.float_metrics["top1"] == pytest.approx(digits.float_test_accuracy)
    expected = litert_accuracy(int8.output.read_bytes(), digits.split.x_test, digits.split.y_test)
    assert result.quant_metrics["top1"] == pytest.approx(expected)
    assert result.agreement["top1_agreement"] >= 98.0
    assert result.quant_size_bytes == int8.output.stat().st_size
    ops = [layer.op for layer in result.layers]
    assert ops.count("CONV_2D") == 2 and ops.count("FULLY_CONNECTED") == 2
    for layer in result.layers:
        assert layer.dtype == "int8"
        assert 10.0 < layer.sqnr_db < 70.0, layer  # int8 noise: present but far below the signal
    # int16 activations remove the activation rounding noise (weights stay int8, so their noise remains):
    # every compute layer must come out measurably closer to float.
    wide = {layer.tensor: layer.sqnr_db for layer in evaluate(digits.model, digits_converted.get("int16x8").output,
                                                             digits.files["test"], layer_samples=30).layers}
    for layer in result.layers:
        if layer.op in ("CONV_2D", "FULLY_CONNECTED") and layer.tensor in wide:
            assert wide[layer.tensor] > layer.sqnr_db + 3.0, (layer, wide[layer.tensor])


@pytest.mark.slow
def test_evaluate_cli_json_regression(shared_models, tmp_path):
    """ad01 is an autoencoder: MSE/MAE against its own input; run through the real CLI with --json."""
    from edgeq.convert import calibration

    x = calibration.synthetic((640,), 20, (-85.0, 15.0), seed=3)
    np.savez(tmp_path / "ad.npz", x=x, y=x)
    edgeq = str(Path(sys.executable).parent / "edgeq")
    proc = subprocess.run([edgeq, "evaluate", str(shared_models / "ad01.h5"), str(shared_models / "ad01_int8.tflite"),
                           "--data", str(tmp_path / "ad.npz"), "--json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["task"] == "regression" and set(report["float_metrics"]) == {"mse", "mae"}
    # The MLPerf int8 model was calibrated on real spectrograms; on these noise-like inputs its inner ranges
    # clip, so it tracks the float model less tightly than on its own data (measured: r = 0.92).
    assert report["agreement"]["output_correlation"] > 0.8
    assert report["quant_size_bytes"] == (shared_models / "ad01_int8.tflite").stat().st_size
    fc = [layer for layer in report["layers"] if layer["op"] == "FULLY_CONNECTED"]
    assert len(fc) == 10 and all(layer["sqnr_db"] is not None and layer["sqnr_db"] > 5 for layer in fc)


def test_evaluate_bad_tflite(tmp_path):
    (tmp_path / "bad.tflite").write_bytes(b"garbage")
    edgeq = str(Path(sys.executable).parent / "edgeq")
    proc = subprocess.run([edgeq, "evaluate", "m.keras", str(tmp_path / "bad.tflite"), "--data", "v.npz"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0 and "cannot load" in proc.stderr and "Traceback" not in proc.stderr
