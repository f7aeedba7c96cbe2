"""Post-training conversions with the TFLite converter: fp32, fp16, dynamic, int8, int16x8.

Imports TensorFlow: runs inside the converter child. `model` is a Keras 3 model with batch size 1
(`keras_io.batch_one`), which `TFLiteConverter.from_keras_model` converts directly.
"""
from __future__ import annotations

from typing import Callable, Iterator

import numpy as np

IO_DTYPES = {"int8": "int8", "uint8": "uint8", "float": "float32"}


def representative(samples: np.ndarray) -> Callable[[], Iterator[list[np.ndarray]]]:
    """A representative-dataset generator yielding one batch-1 sample at a time."""

    def gen():
        for i in range(len(samples)):
            yield [samples[i : i + 1]]

    return gen


def converter_for(model, mode: str, calib: np.ndarray | None = None, io: str = "float"):
    """A configured `TFLiteConverter` for a post-training mode (also used by `mixed` and the debugger)."""
    import tensorflow as tf

    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    if mode == "fp32":
        return conv
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    if mode == "fp16":
        conv.target_spec.supported_types = [tf.float16]
    elif mode in ("int8", "int16x8"):
        conv.representative_dataset = representative(calib)
        if mode == "int8":
            conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            if io != "float":
                conv.inference_input_type = getattr(tf, IO_DTYPES[io])
                conv.inference_output_type = getattr(tf, IO_DTYPES[io])
        else:
            conv.target_spec.supported_ops = [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    elif mode != "dynamic":
        raise ValueError(f"not a post-training mode: {mode}")
    return conv


def convert(model, mode: str, calib: np.ndarray | None = None, io: str = "float") -> bytes:
    return bytes(converter_for(model, mode, calib, io).convert())
