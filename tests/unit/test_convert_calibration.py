"""Calibration/labelled data loading and validation (pure numpy; fast)."""
from __future__ import annotations

import re

import numpy as np
import pytest

from edgeq.convert import calibration
from edgeq.convert.modes import ConvertRequest, validate_request
from edgeq.errors import EdgeqError

SHAPE = (8, 8, 1)


def test_npy_and_npz_load_and_truncate_to_count(tmp_path):
    x = np.random.default_rng(0).uniform(size=(30, *SHAPE)).astype(np.float32)
    np.save(tmp_path / "a.npy", x)
    np.savez(tmp_path / "b.npz", x=x, y=np.arange(30))
    a = calibration.load_calibration(str(tmp_path / "a.npy"), SHAPE, 10)
    b = calibration.load_calibration(str(tmp_path / "b.npz"), SHAPE, 100)
    assert a.count == 10 and a.kind == "npy" and np.array_equal(a.samples, x[:10])
    assert b.count == 30 and b.kind == "npz" and "30 samples" in b.source


@pytest.mark.parametrize(
    "array,words",
    [
        (np.zeros((5, 28, 28, 1), np.float32), ["(28, 28, 1)", "(8, 8, 1)"]),
        (np.zeros((0, 8, 8, 1), np.float32), ["no samples"]),
        (np.array([["a"] * 64]).reshape(1, 8, 8, 1), ["dtype"]),
        (np.full((4, 8, 8, 1), np.inf, np.float32), ["NaN/Inf", "sample 0"]),
    ],
)
def test_bad_arrays_are_rejected(tmp_path, array, words):
    np.save(tmp_path / "c.npy", array)
    with pytest.raises(EdgeqError) as err:
        calibration.load_calibration(str(tmp_path / "c.npy"), SHAPE, 100)
    for word in words:
        assert word in err.value.message
    assert err.value.hint


def test_npz_without_x_names_its_keys(tmp_path):
    np.savez(tmp_path / "d.npz", inputs=np.zeros((2, *SHAPE)), other=np.zeros(2))
    with pytest.raises(EdgeqError, match="no 'x'"):
        calibration.load_calibration(str(tmp_path / "d.npz"), SHAPE, 10)


def test_garbage_file(tmp_path):
    (tmp_path / "g.npy").write_bytes(b"not numpy at all")
    with pytest.raises(EdgeqError, match="cannot read"):
        calibration.load_calibration(str(tmp_path / "g.npy"), SHAPE, 10)


def test_synthetic_stays_in_range_and_is_deterministic():
    a = calibration.synthetic(SHAPE, 64, (-1.0, 3.0), seed=1)
    b = calibration.synthetic(SHAPE, 64, (-1.0, 3.0), seed=1)
    assert np.array_equal(a, b) and a.shape == (64, *SHAPE) and a.dtype == np.float32
    assert a.min() >= -1.0 and a.max() <= 3.0
    assert a.max() - a.min() > 3.5  # covers the declared range
    cal = calibration.load_calibration("synthetic", SHAPE, 16, (0.0, 1.0))
    assert cal.kind == "synthetic" and "[0, 1]" in cal.source and cal.count == 16


def test_images_are_resized_and_scaled(tmp_path):
    from PIL import Image

    Image.new("L", (20, 12), color=255).save(tmp_path / "white.png")
    Image.new("RGB", (5, 5), color=(0, 0, 0)).save(tmp_path / "black.jpg")
    (tmp_path / "notes.txt").write_text("ignored")
    cal = calibration.load_calibration(str(tmp_path), SHAPE, 10, (-1.0, 1.0))
    assert cal.kind == "images" and cal.samples.shape == (2, *SHAPE)
    assert np.allclose(cal.samples[0], -1.0) and np.allclose(cal.samples[1], 1.0)  # sorted: black, white


def test_labelled_checks_lengths(tmp_path):
    np.savez(tmp_path / "v.npz", x=np.zeros((4, *SHAPE)), y=np.arange(3))
    with pytest.raises(EdgeqError, match="4 inputs but 3 labels"):
        calibration.load_labelled(tmp_path / "v.npz", SHAPE, "--data")


@pytest.mark.parametrize(
    "changes,words",
    [
        ({"mode": "int9"}, "unknown quantization mode"),
        ({"mode": "int8", "calib": None}, "needs calibration data"),
        ({"mode": "qat", "calib": None}, "--train-data"),
        ({"mode": "mixed", "io": "float"}, "--val-data"),
        ({"mode": "int8", "io": "int16"}, "unknown --io"),
        ({"mode": "int8", "input_range": (1.0, 0.0)}, "empty"),
        ({"mode": "int8", "calib_count": 0}, "--calib-count"),
    ],
)
def test_request_validation(tmp_path, changes, words):
    model = tmp_path / "m.keras"
    model.write_bytes(b"x")
    np.save(tmp_path / "c.npy", np.zeros((1, *SHAPE)))
    base = {"model": str(model), "mode": "int8", "io": "int8", "calib": str(tmp_path / "c.npy")}
    with pytest.raises(EdgeqError, match=re.escape(words)):
        validate_request(ConvertRequest(**{**base, **changes}))


def test_request_json_round_trip():
    req = ConvertRequest(model="/m.keras", mode="int8", calib="synthetic", input_range=(0.0, 1.0))
    assert ConvertRequest.from_json(req.to_json()) == req
