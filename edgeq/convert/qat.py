"""Quantization-aware training (tensorflow-model-optimization), then full-integer conversion.

tfmot only understands tf-keras (Keras 2) models, while users bring Keras 3 models. The verified recipe
(DESIGN.md): rebuild the same architecture layer by layer in `tf_keras` from the Keras 3 functional config,
copy the weights with `set_weights`, wrap with `quantize_model`, fine-tune, convert with
`optimizations=[DEFAULT]`. `keras` and `tf_keras` are imported explicitly; `tf.keras` is never used because
importing tfmot sets TF_USE_LEGACY_KERAS=1, which flips what `tf.keras` means.
"""
from __future__ import annotations

import inspect
from typing import Callable

import numpy as np

from edgeq.errors import EdgeqError

_DROPPED_SUFFIXES = ("_initializer", "_regularizer", "_constraint")  # weights are copied; these do not matter


def _tf_keras_layer(layer):
    """A tf_keras layer with the same configuration as the Keras 3 `layer`."""
    import tf_keras

    name = type(layer).__name__
    cls = getattr(tf_keras.layers, name, None)
    if cls is None:
        raise EdgeqError(
            f"QAT cannot rebuild layer '{layer.name}' ({name}) in tf-keras",
            "QAT supports standard Keras layers (Conv2D, Dense, BatchNormalization, pooling, Add, ...); use --mode int8 or mixed",
        )
    config = dict(layer.get_config())
    dtype = config.get("dtype")
    if isinstance(dtype, dict):  # Keras 3 DTypePolicy
        config["dtype"] = dtype.get("config", {}).get("name", "float32")
    accepted = set(inspect.signature(cls.__init__).parameters) | {"name", "trainable", "dtype"}
    # tf_keras's base Layer rejects unknown keyword arguments (Keras 3 adds e.g. quantization_config).
    clean = {k: v for k, v in config.items() if k in accepted and not k.endswith(_DROPPED_SUFFIXES)}
    try:
        return cls.from_config(clean)
    except Exception as err:
        raise EdgeqError(f"QAT cannot rebuild layer '{layer.name}' ({name}) in tf-keras: {err}", "use --mode int8 or mixed") from err


def _history(arg, found: list) -> list:
    """Collect Keras 3 `keras_history` triples (layer, node, tensor) from a serialised call argument."""
    if isinstance(arg, dict):
        if arg.get("class_name") == "__keras_tensor__":
            found.append(tuple(arg["config"]["keras_history"]))
        else:
            for v in arg.values():
                _history(v, found)
    elif isinstance(arg, (list, tuple)):
        for v in arg:
            _history(v, found)
    return found


def to_tf_keras(model, input_shape: tuple[int, ...]):
    """Rebuild a Keras 3 Sequential or flat Functional model in tf_keras (batch size 1) with its weights."""
    import tf_keras

    inp = tf_keras.Input(shape=input_shape, batch_size=1, name="input")
    if type(model).__name__ == "Sequential":
        x = inp
        for layer in model.layers:
            clone = _tf_keras_layer(layer)
            x = clone(x)
            clone.set_weights(layer.get_weights())
        return tf_keras.Model(inp, x, name=model.name)
    config = model.get_config()
    by_name = {layer.name: layer for layer in model.layers}
    tensors: dict[tuple[str, int, int], object] = {}
    for entry in config["layers"]:
        name = entry["name"]
        if entry["class_name"] == "InputLayer":
            tensors[(name, 0, 0)] = inp
            continue
        layer = by_name[name]
        if hasattr(layer, "layers"):
            raise EdgeqError(f"QAT cannot rebuild the nested model '{name}'", "flatten the model, or use --mode int8 or mixed")
        clone = _tf_keras_layer(layer)
        for node_index, node in enumerate(entry["inbound_nodes"]):
            sources = [tensors[tuple(h)] for h in _history(node.get("args", []), [])]
            out = clone(sources if len(sources) > 1 else sources[0])
            tensors[(name, node_index, 0)] = out
        clone.set_weights(layer.get_weights())
    spec = config["output_layers"]  # [[layer, node, tensor], ...] or a single triple
    name, node_index, tensor_index = spec[0] if isinstance(spec[0], (list, tuple)) else spec
    return tf_keras.Model(inp, tensors[(name, node_index, tensor_index)], name=model.name)


def loss_for(y: np.ndarray, float_outputs: np.ndarray) -> tuple[str, bool]:
    """(loss name, is classifier) inferred from the labels and the float model's outputs."""
    probs = bool(np.all(float_outputs >= 0) and np.allclose(float_outputs.sum(axis=-1), 1.0, atol=1e-3))
    if y.ndim == 1 and y.dtype.kind in "iu" and float_outputs.ndim == 2 and float_outputs.shape[1] > 1:
        return ("sparse_categorical_crossentropy" if probs else "sparse_categorical_crossentropy_logits"), True
    if y.shape[1:] == float_outputs.shape[1:] and float_outputs.ndim == 2 and np.isin(y, (0, 1)).all() and np.allclose(y.sum(-1), 1):
        return ("categorical_crossentropy" if probs else "categorical_crossentropy_logits"), True
    return "mse", False


def train_and_convert(
    model,
    input_shape: tuple[int, ...],
    x: np.ndarray,
    y: np.ndarray,
    epochs: int,
    batch_size: int,
    lr: float,
    io: str,
    progress: Callable[[str], None],
    seed: int = 0,
) -> bytes:
    import tensorflow as tf
    import tensorflow_model_optimization as tfmot
    import tf_keras

    if len(y) != len(x):
        raise EdgeqError(f"--train-data has {len(x)} inputs but {len(y)} labels", "x and y need one row per sample")
    tf_keras.utils.set_random_seed(seed)
    base = to_tf_keras(model, input_shape)
    loss_name, classifier = loss_for(y, np.asarray(model(x[:32], training=False)))
    losses = {
        "sparse_categorical_crossentropy": tf_keras.losses.SparseCategoricalCrossentropy(),
        "sparse_categorical_crossentropy_logits": tf_keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        "categorical_crossentropy": tf_keras.losses.CategoricalCrossentropy(),
        "categorical_crossentropy_logits": tf_keras.losses.CategoricalCrossentropy(from_logits=True),
        "mse": tf_keras.losses.MeanSquaredError(),
    }
    try:
        qat_model = tfmot.quantization.keras.quantize_model(base)
    except Exception as err:
        raise EdgeqError(f"tfmot cannot make this model quantization-aware: {str(err).splitlines()[0][:300]}", "use --mode int8 or mixed") from err
    metrics = ["accuracy"] if classifier else ["mae"]
    qat_model.compile(optimizer=tf_keras.optimizers.Adam(learning_rate=lr), loss=losses[loss_name], metrics=metrics)

    class Progress(tf_keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            stats = ", ".join(f"{k}={v:.4f}" for k, v in (logs or {}).items())
            progress(f"qat: epoch {epoch + 1}/{epochs}: {stats}")

    progress(f"qat: fine-tuning {len(x)} samples, {epochs} epochs, batch {batch_size}, lr {lr:g}, loss {loss_name}")
    qat_model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[Progress()], shuffle=True)
    conv = tf.lite.TFLiteConverter.from_keras_model(qat_model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    if io != "float":
        conv.inference_input_type = getattr(tf, io)
        conv.inference_output_type = getattr(tf, io)
    return bytes(conv.convert())
