"""A grid of a Keras .h5 and an already converted .tflite on the host, local executor, without calibration
data: the Keras model is converted to fp32 and its int8 is refused for want of calibration data; the int8
.tflite needs none and runs as what it is, and its fp32 cell is refused because the file is already int8."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from convert_fixtures import litert_accuracy

SAMPLES = 20


def test_a_grid_mixes_keras_and_tflite_models(digits, digits_converted, tmp_path):
    import keras

    from edgeq.cli.main import cli

    h5 = tmp_path / "digits.h5"
    keras.models.load_model(digits.model).save(h5)
    tflite = tmp_path / "digits_int8.tflite"
    tflite.write_bytes(digits_converted.get("int8").output.read_bytes())
    out = tmp_path / "grid"
    res = CliRunner().invoke(cli, [
        "sweep", str(h5), str(tflite), "--host", "--modes", "fp32,int8", "--val-data", str(digits.files["val"]),
        "--val-samples", str(SAMPLES), "--runs", "1", "--warmups", "0",
        "--workers", "2", "--no-report", "-o", str(out)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    data = json.loads((out / "results.json").read_text())
    assert data["schema"] == "edgeq.grid/1" and data["pending"] == []
    sweeps = {Path(s["model_path"]).name: s for s in data["sweeps"]}
    keras_cells = {m["mode"]: m for m in sweeps["digits.h5"]["modes"]}
    tflite_cells = {m["mode"]: m for m in sweeps["digits_int8.tflite"]["modes"]}

    assert sweeps["digits.h5"]["float_accuracy"] is not None
    assert keras_cells["fp32"]["status"] == "ok" and keras_cells["fp32"]["samples"] == SAMPLES
    assert any(layer["sqnr_db"] is not None for layer in keras_cells["fp32"]["layers"])
    assert (keras_cells["int8"]["status"], keras_cells["int8"]["stage"]) == ("failed", "plan")
    assert "calibration data" in keras_cells["int8"]["reason"]

    assert sweeps["digits_int8.tflite"]["float_accuracy"] is None  # no Keras model to score
    refused = tflite_cells["fp32"]
    assert (refused["status"], refused["stage"]) == ("failed", "plan")
    assert "already converted (int8)" in refused["reason"] and "Keras model" in refused["hint"]
    measured = tflite_cells["int8"]
    assert measured["status"] == "ok" and measured["model_bytes"] == tflite.stat().st_size
    assert all(layer["sqnr_db"] is None for layer in measured["layers"])  # no float model to compare with
    val = np.load(digits.files["val"])
    expected = litert_accuracy(tflite.read_bytes(), val["x"][:SAMPLES], val["y"][:SAMPLES]) / 100.0
    assert abs(measured["accuracy"] - expected) < 1e-9
    # the file is measured as given: its bytes are what the cell's cache entry holds
    assert (out / measured["tflite"]).read_bytes() == tflite.read_bytes()
