"""Session fixtures for the converter tests: a digits CNN trained once, its data files, cached conversions.

Registered for tests/convert by tests/convert/conftest.py; tests/qemu/test_sweep_digits.py imports them too.
Training (~5 s) and each conversion (~5 s, mostly the child's TensorFlow import) happen once per session;
tests ask `digits_converted.get(mode, **options)`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@dataclass(frozen=True)
class Digits:
    directory: Path
    model: Path  # .keras
    split: object  # edgeq.convert.digits.DigitsSplit
    files: dict  # calib (.npy), train/val/test (.npz)
    float_test_accuracy: float  # percent, from Keras itself


@pytest.fixture(scope="session")
def digits(tmp_path_factory) -> Digits:
    from edgeq.convert import digits as dg

    directory = tmp_path_factory.mktemp("digits")
    split = dg.load_split()
    model = dg.train_cnn(split, epochs=15)
    path = directory / "digits.keras"
    model.save(path)
    files = dg.write_dataset(split, directory)
    pred = model.predict(split.x_test, verbose=0)
    accuracy = float((pred.argmax(axis=1) == split.y_test).mean() * 100)
    return Digits(directory, path, split, files, accuracy)


class Conversions:
    """Converts the digits CNN on demand and caches each (mode, options) result for the session."""

    def __init__(self, digits: Digits, directory: Path):
        self.digits = digits
        self.directory = directory
        self._cache: dict = {}

    def defaults(self, mode: str) -> dict:
        files = self.digits.files
        options = {"calib": files["calib"]}
        if mode == "qat":
            options = {"train_data": files["train"], "epochs": 2, "lr": 1e-4}
        if mode == "mixed":
            options["val_data"] = files["val"]
        return options

    def get(self, mode: str, **options):
        from edgeq.convert.api import convert

        merged = {**self.defaults(mode), **options}
        key = (mode, tuple(sorted((k, str(v)) for k, v in merged.items())))
        if key not in self._cache:
            out = self.directory / f"{mode}_{len(self._cache)}.tflite"
            self._cache[key] = convert(self.digits.model, out, mode, **merged)
        return self._cache[key]


@pytest.fixture(scope="session")
def digits_converted(digits, tmp_path_factory) -> Conversions:
    return Conversions(digits, tmp_path_factory.mktemp("digits_tflite"))


def litert_accuracy(model_bytes: bytes, x: np.ndarray, y: np.ndarray) -> float:
    """Top-1 in percent, computed here with LiteRT's reference kernels (independent of edgeq's runtime module)."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    interp = Interpreter(model_content=model_bytes, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interp.allocate_tensors()
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    correct = 0
    for i in range(len(x)):
        sample = x[i : i + 1]
        if inp["dtype"] != np.float32:
            scale, zero = inp["quantization"]
            info = np.iinfo(inp["dtype"])
            sample = np.clip(np.round(sample / scale + zero), info.min, info.max).astype(inp["dtype"])
        interp.set_tensor(inp["index"], sample)
        interp.invoke()
        correct += int(interp.get_tensor(out["index"]).argmax() == y[i])
    return correct * 100.0 / len(x)
