"""scikit-learn's bundled digits set (1,797 8x8 grey images) and a small CNN trained on it.

Used by the demo (`tools/demo.py`), the test fixtures and the sweep: real data that needs no download.
Images are scaled from 0..16 to [0, 1] and shaped (8, 8, 1). Imports Keras inside `build_cnn`/`train_cnn`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

INPUT_SHAPE = (8, 8, 1)
INPUT_RANGE = (0.0, 1.0)


@dataclass(frozen=True)
class DigitsSplit:
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def load_split(seed: int = 0) -> DigitsSplit:
    """Stratified 60/20/20 train/validation/test split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    y = digits.target.astype(np.int64)
    x_train, x_rest, y_train, y_rest = train_test_split(x, y, test_size=0.4, random_state=seed, stratify=y)
    x_val, x_test, y_val, y_test = train_test_split(x_rest, y_rest, test_size=0.5, random_state=seed, stratify=y_rest)
    return DigitsSplit(x_train, y_train, x_val, y_val, x_test, y_test)


def build_cnn():
    import keras

    return keras.Sequential(
        [
            keras.Input(INPUT_SHAPE),
            keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="digits_cnn",
    )


def train_cnn(split: DigitsSplit, epochs: int = 15, seed: int = 0):
    import keras

    keras.utils.set_random_seed(seed)
    model = build_cnn()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(split.x_train, split.y_train, epochs=epochs, batch_size=32, verbose=0)
    return model


def write_dataset(split: DigitsSplit, directory: Path) -> dict[str, Path]:
    """Save the split as edgeq's data files: calib.npy (training inputs), train/val/test.npz (x, y)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {name: directory / f"{name}.npz" for name in ("train", "val", "test")}
    paths["calib"] = directory / "calib.npy"
    np.save(paths["calib"], split.x_train)
    np.savez(paths["train"], x=split.x_train, y=split.y_train)
    np.savez(paths["val"], x=split.x_val, y=split.y_val)
    np.savez(paths["test"], x=split.x_test, y=split.y_test)
    return paths
