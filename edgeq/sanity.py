"""Sanity checks on user-supplied numbers (calibration and validation data), shared by convert and validate.

A NaN or a value of 3e38 in calibration data does not fail the TFLite converter: it yields an input scale
of 1e36 and a model that maps every real input to the same integer. So data is checked before use:
- `require_finite`: NaN/Inf is an error naming how many and the first sample holding one;
- `require_magnitude`: a magnitude beyond `MAX_MAGNITUDE` is an error with the value, the sample and the
  int8 step it would force (no sensor or normalised feature reaches 1e9; float32 activations overflow soon
  after, and integers that large are not even exact in float32);
- `DataWarning` (a `UserWarning` the CLI prints as `warning: ...`) for data that runs but loses information,
  e.g. values clipped by an integer input's quantization.
"""
from __future__ import annotations

import numpy as np

from edgeq.errors import EdgeqError

MAX_MAGNITUDE = 1e9


class DataWarning(UserWarning):
    """Input data that runs but gives a questionable result; the CLI prints it as `warning: <message>`."""


def _first_sample(mask: np.ndarray) -> int:
    per_sample = mask.reshape(mask.shape[0], -1).any(axis=1) if mask.ndim > 1 else mask
    return int(np.argmax(per_sample))


def require_finite(x: np.ndarray, what: str) -> None:
    if x.dtype.kind != "f":
        return
    bad = ~np.isfinite(x)
    if bad.any():
        nan, inf = int(np.isnan(x).sum()), int(np.isinf(x).sum())
        raise EdgeqError(f"{what} contains {nan + inf} NaN/Inf values ({nan} NaN, {inf} Inf; first in sample "
                         f"{_first_sample(bad)})",
                         "clean the data: every input must be a finite number")


def require_magnitude(x: np.ndarray, what: str) -> None:
    """Refuse values whose magnitude no quantized model can represent usefully (see the module docstring)."""
    if x.size == 0 or x.dtype.kind not in "fiu":
        return
    big = np.abs(x.astype(np.float64)) > MAX_MAGNITUDE
    if big.any():
        lo, hi = float(np.min(x)), float(np.max(x))
        step = (max(hi, 0.0) - min(lo, 0.0)) / 255.0
        raise EdgeqError(
            f"{what} spans [{lo:.4g}, {hi:.4g}] ({int(big.sum())} values beyond ±{MAX_MAGNITUDE:.0e}, first in "
            f"sample {_first_sample(big)}): an int8 input step would be {step:.3g}, so the quantized model could "
            "not tell any two realistic inputs apart",
            "normalise the data to the model's real input range (e.g. [0, 1] or [-1, 1]) as it was in training")
