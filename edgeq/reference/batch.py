"""Batches in and out of a reference interpreter: validation of user-supplied inputs and the frozen result.

Batch contract: for a model input of shape S (e.g. (1, 49, 10, 1)), a batch of N samples is an array of
shape (N, *S); when S starts with a batch dimension of 1, (N, *S[1:]) is accepted too. A single-input model
takes the array itself, a multi-input model a sequence with one array per input, in model input order.
Outputs come back as one array of shape (N, *output_shape) per model output.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from edgeq.errors import EdgeqError


@dataclass(frozen=True)
class TensorInfo:
    """A model input or output as the interpreter sees it (scale 0 and zero point 0 for float tensors)."""

    shape: tuple[int, ...]
    dtype: str
    scale: float = 0.0
    zero_point: int = 0
    name: str = field(default="", compare=False)  # the tensor's name in the model, when known


@dataclass(frozen=True)
class ReferenceResult:
    """Outputs of one reference interpreter for a batch: `outputs[k]` has shape (N, *outputs_info[k].shape)."""

    reference: str  # "tflm" or "litert-ref"
    outputs: tuple[np.ndarray, ...] = field(compare=False, repr=False)
    outputs_info: tuple[TensorInfo, ...]

    @property
    def samples(self) -> int:
        return int(self.outputs[0].shape[0]) if self.outputs else 0


def as_batches(inputs: np.ndarray | Sequence[np.ndarray], infos: Sequence[TensorInfo]) -> list[np.ndarray]:
    """Validate `inputs` against the model's inputs; return one (N, *shape) array per input."""
    arrays = [inputs] if isinstance(inputs, np.ndarray) else list(inputs)
    if len(arrays) != len(infos):
        raise EdgeqError(f"the model has {len(infos)} input(s) but {len(arrays)} array(s) were given",
                         "pass one array per model input, each with the batch of samples on axis 0")
    batches = []
    for k, (array, info) in enumerate(zip(arrays, infos)):
        array = np.asarray(array)
        if array.dtype != np.dtype(info.dtype):
            raise EdgeqError(f"input {k} has dtype {array.dtype}, the model expects {info.dtype}",
                             "quantize float data with the input's scale and zero point first")
        if tuple(array.shape[1:]) == info.shape:
            pass
        elif info.shape[:1] == (1,) and tuple(array.shape[1:]) == info.shape[1:]:
            array = array.reshape((array.shape[0],) + info.shape)
        else:
            raise EdgeqError(f"input {k} has shape {array.shape}, expected (N, *{info.shape})",
                             "stack the samples on a new leading axis")
        batches.append(array)
    if len({b.shape[0] for b in batches}) > 1:
        raise EdgeqError("the model inputs have different sample counts", "give every input the same N")
    return batches


def freeze(arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, ...]:
    result = []
    for array in arrays:
        array = np.ascontiguousarray(array)
        array.setflags(write=False)
        result.append(array)
    return tuple(result)


INT_RANGES = {"int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767), "int32": (-(2**31), 2**31 - 1)}


def random_array(rng: np.random.Generator, shape: Sequence[int], dtype: str) -> np.ndarray:
    """Seeded random model input, the one distribution every edgeq command uses: uniform over the whole range
    of an integer dtype, uniform in [-1, 1) for float (a typical normalised input range)."""
    if dtype in INT_RANGES:
        lo, hi = INT_RANGES[dtype]
        return rng.integers(lo, hi, size=tuple(shape), endpoint=True, dtype=np.int64).astype(dtype)
    if dtype in ("float32", "float16"):
        return rng.uniform(-1.0, 1.0, size=tuple(shape)).astype(dtype)
    raise EdgeqError(f"cannot generate random {dtype} inputs", "pass real input data (e.g. --data FILE.npz)")
