"""The MLPerf Tiny Keras models (ad01 autoencoder, ResNet-8) convert to int8 and track their float models."""
from __future__ import annotations

import numpy as np
import pytest

from edgeq.convert import calibration, provenance

pytestmark = pytest.mark.slow


def _tflite_outputs(path, x):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    interp = Interpreter(model_path=str(path), experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interp.allocate_tensors()
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    s_in, z_in = inp["quantization"]
    s_out, z_out = out["quantization"]
    rows = []
    for i in range(len(x)):
        q = np.clip(np.round(x[i : i + 1] / s_in + z_in), -128, 127).astype(np.int8)
        interp.set_tensor(inp["index"], q)
        interp.invoke()
        rows.append((interp.get_tensor(out["index"]).astype(np.float32) - z_out) * s_out)
    return np.concatenate(rows)


def _keras_outputs(path, x):
    import keras

    return keras.models.load_model(path, compile=False).predict(x, verbose=0)


def test_resnet_int8_tracks_float(shared_models, digits, tmp_path):
    from edgeq.convert.api import convert

    # Real-ish images: digits photographs upscaled to 32x32 RGB in the model's 0..255 pixel range.
    def images(x):
        up = np.kron(x[..., 0], np.ones((4, 4), np.float32))  # 8x8 -> 32x32
        return np.repeat(up[..., None], 3, axis=-1) * 255.0

    calib = tmp_path / "calib.npy"
    np.save(calib, images(digits.split.x_train[:100]))
    out = tmp_path / "resnet_int8.tflite"
    result = convert(shared_models / "pretrainedResnet.h5", out, "int8", calib=calib)
    assert provenance.read(out.read_bytes())["calibration"]["samples"] == 100
    x = images(digits.split.x_test[:40])
    ref = _keras_outputs(shared_models / "pretrainedResnet.h5", x)
    got = _tflite_outputs(out, x)
    assert np.corrcoef(ref.ravel(), got.ravel())[0, 1] > 0.98
    assert (ref.argmax(1) == got.argmax(1)).mean() >= 0.9
    assert result.size_bytes < 0.4 * (shared_models / "pretrainedResnet.tflite").stat().st_size


def test_ad01_int8_tracks_float(shared_models, tmp_path):
    from edgeq.convert.api import convert

    # ad01 takes 5 frames x 128 log-mel bins (dB); the reference int8 model's input covers about -85..15.
    out = tmp_path / "ad01_int8.tflite"
    convert(shared_models / "ad01.h5", out, "int8", calib="synthetic", input_range=(-85.0, 15.0))
    assert provenance.read(out.read_bytes())["calibration"]["kind"] == "synthetic"
    x = calibration.synthetic((640,), 40, (-85.0, 15.0), seed=7)  # held out: not the calibration seed
    ref = _keras_outputs(shared_models / "ad01.h5", x)
    got = _tflite_outputs(out, x)
    rel = np.linalg.norm(got - ref) / np.linalg.norm(ref)
    assert rel < 0.1, rel
    assert np.corrcoef(ref.ravel(), got.ravel())[0, 1] > 0.99
