"""Inputs to device bytes, device bytes to outputs, and the scores computed from them (pure numpy).

The device (firmware over the DUT protocol) takes each input as the raw bytes of the model's input tensor
and returns the raw bytes of its output tensor. The sweep quantizes the float validation samples once
(`quantize_batch`, round half to even as LiteRT's evaluation does), feeds the *same* integers to the device
and to TFLite Micro on the host, and compares raw outputs element for element — so "bit-exact" is checked on
the real output bytes, and top-1 accuracy is computed from the device's own outputs.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_DTYPES = {"int8": np.int8, "uint8": np.uint8, "int16": np.int16, "int32": np.int32, "float32": np.float32}


def numpy_dtype(name: str) -> np.dtype:
    try:
        return np.dtype(_DTYPES[name]).newbyteorder("<")
    except KeyError:
        raise ValueError(f"unsupported tensor dtype {name!r} on the device boundary") from None


def quantize_batch(x: np.ndarray, dtype: str, scale: float, zero_point: int) -> np.ndarray:
    """Float samples in the model input's dtype (float models: unchanged float32)."""
    np_dtype = numpy_dtype(dtype)
    if np_dtype.kind == "f":
        return x.astype(np_dtype)
    info = np.iinfo(np_dtype)
    return np.clip(np.round(x / scale + zero_point), info.min, info.max).astype(np_dtype)


def encode(sample: np.ndarray) -> bytes:
    """One sample's input tensor as the little-endian bytes the firmware expects."""
    return np.ascontiguousarray(sample).astype(sample.dtype.newbyteorder("<")).tobytes()


def decode(raw: bytes, dtype: str) -> np.ndarray:
    np_dtype = numpy_dtype(dtype)
    if len(raw) % np_dtype.itemsize:
        raise ValueError(f"{len(raw)} output bytes are not a whole number of {dtype} elements")
    return np.frombuffer(raw, dtype=np_dtype).astype(np_dtype.newbyteorder("="))


def top1(outputs: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of samples whose largest output is the label (labels: class ids or one-hot rows).

    Raw quantized outputs give the same argmax as dequantized ones (the scale is positive)."""
    flat = outputs.reshape(len(outputs), -1)
    ids = labels if labels.ndim == 1 else labels.reshape(len(labels), -1).argmax(axis=1)
    return float((flat.argmax(axis=1) == ids).mean())


@dataclass(frozen=True)
class Agreement:
    exact_match_rate: float  # fraction of output elements identical
    mismatched_elements: int
    max_abs_diff: float
    top1_agreement: float  # fraction of samples with the same argmax


def agreement(device: np.ndarray, reference: np.ndarray) -> Agreement:
    if device.shape != reference.shape:
        raise ValueError(f"device outputs {device.shape} and reference outputs {reference.shape} differ in shape")
    d = device.reshape(len(device), -1)
    r = reference.reshape(len(reference), -1)
    same = d == r
    diff = np.abs(d.astype(np.float64) - r.astype(np.float64))
    return Agreement(
        exact_match_rate=float(same.mean()),
        mismatched_elements=int((~same).sum()),
        max_abs_diff=float(diff.max()) if diff.size else 0.0,
        top1_agreement=float((d.argmax(axis=1) == r.argmax(axis=1)).mean()),
    )
